import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SNSClient } from '@aws-sdk/client-sns';

/**
 * SDK clients, created once per container. `new XClient({})` honours AWS_ENDPOINT_URL_* so
 * the local stack points them at the emulators with no code change.
 */
let ddb: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let s3: Promise<S3> | undefined;
let sns: SNSClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  ddb ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
  return ddb;
}
export function sqsClient(): SQSClient {
  sqs ??= new SQSClient({});
  return sqs;
}

/** The S3 client and the commands to send with it. */
export interface S3 {
  client: S3Client;
  sdk: typeof import('./s3-sdk');
}
/** S3 on demand: `load()` imports the S3 SDK and creates the client the first time it is called. */
export interface LazyS3 {
  load(): Promise<S3>;
}
const lazyS3: LazyS3 = {
  load: () =>
    (s3 ??= import('./s3-sdk').then(
      // Path-style keeps bucket names out of the host name, which local endpoints need.
      (sdk) => ({ sdk, client: new sdk.S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL) }) }),
      (err: unknown) => {
        s3 = undefined; // a failed load is tried again on the next call
        throw err;
      },
    )),
};
/**
 * The S3 handle the adapters take. The S3 SDK (~100 KB minified, a quarter of an SQS-only cold
 * import) loads on the first S3 call, not at cold start: most functions only need S3 on some
 * requests (BENCHMARKS.md, section 2).
 */
export function s3Client(): LazyS3 {
  return lazyS3;
}
export function snsClient(): SNSClient {
  sns ??= new SNSClient({});
  return sns;
}
