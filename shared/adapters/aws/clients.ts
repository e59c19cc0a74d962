import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';

/**
 * SDK clients, created once per container. `new XClient({})` honours AWS_ENDPOINT_URL_* so
 * the local stack points them at the emulators with no code change.
 */
let ddb: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let s3: S3Client | undefined;
let sns: SNSClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  ddb ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  return ddb;
}
export function sqsClient(): SQSClient {
  sqs ??= new SQSClient({});
  return sqs;
}
export function s3Client(): S3Client {
  // Path-style keeps bucket names out of the host name, which local endpoints need.
  s3 ??= new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL) });
  return s3;
}
export function snsClient(): SNSClient {
  sns ??= new SNSClient({});
  return sns;
}
