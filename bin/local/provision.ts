/**
 * Creates the manifest's resources through the AWS APIs (emulators or LocalStack), idempotently,
 * and returns the env vars the functions read. The CDK stack creates the same resources in AWS.
 */
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException, UpdateTableCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, GetTopicAttributesCommand, SNSClient } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buckets, queues, tables, topics, type TableSpec } from '../../shared/resources';

export interface Clients {
  ddb: DynamoDBClient;
  sqs: SQSClient;
  sns: SNSClient;
  s3: S3Client;
}

/** Clients built from the standard AWS env vars (AWS_ENDPOINT_URL_* point at the emulators). */
export function clientsFromEnv(): Clients {
  return { ddb: new DynamoDBClient({}), sqs: new SQSClient({}), sns: new SNSClient({}), s3: new S3Client({ forcePathStyle: true }) };
}

/** Physical names: `<prefix>-<manifest name>`. */
export function physicalName(prefix: string, name: string): string {
  return `${prefix}-${name}`;
}

function tableInput(name: string, spec: TableSpec): CreateTableCommandInput {
  const attrs = new Set([spec.partitionKey, spec.sortKey, ...spec.indexes.flatMap((i) => [i.partitionKey, i.sortKey])].filter(Boolean) as string[]);
  const key = (pk: string, sk?: string) => [{ AttributeName: pk, KeyType: 'HASH' as const }, ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' as const }] : [])];
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attrs].map((a) => ({ AttributeName: a, AttributeType: 'S' })),
    KeySchema: key(spec.partitionKey, spec.sortKey),
    ...(spec.indexes.length
      ? { GlobalSecondaryIndexes: spec.indexes.map((i) => ({ IndexName: i.name, KeySchema: key(i.partitionKey, i.sortKey), Projection: { ProjectionType: i.keysOnly ? 'KEYS_ONLY' : 'ALL' } })) }
      : {}),
  };
}

/**
 * A table kept in $DATA_DIR from an older version lacks the indexes added since: each is created
 * (one per UpdateTable, as DynamoDB requires). Items written before carry no key of it, as in AWS.
 */
async function addMissingIndexes(ddb: DynamoDBClient, name: string, spec: TableSpec): Promise<void> {
  const input = tableInput(name, spec);
  for (const gsi of input.GlobalSecondaryIndexes ?? []) {
    const have = (await ddb.send(new DescribeTableCommand({ TableName: name }))).Table?.GlobalSecondaryIndexes ?? [];
    if (have.some((g) => g.IndexName === gsi.IndexName)) continue;
    const attrs = new Set(gsi.KeySchema!.map((k) => k.AttributeName!));
    await ddb.send(
      new UpdateTableCommand({
        TableName: name,
        AttributeDefinitions: input.AttributeDefinitions!.filter((a) => attrs.has(a.AttributeName!)),
        GlobalSecondaryIndexUpdates: [{ Create: { IndexName: gsi.IndexName, KeySchema: gsi.KeySchema, Projection: gsi.Projection } }],
      }),
    );
    await waitActive(ddb, name);
  }
}

async function waitActive(ddb: DynamoDBClient, name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const t = await ddb.send(new DescribeTableCommand({ TableName: name }));
    if (t.Table?.TableStatus === 'ACTIVE' && (t.Table.GlobalSecondaryIndexes ?? []).every((g) => !g.IndexStatus || g.IndexStatus === 'ACTIVE')) return;
    if (Date.now() > deadline) throw new Error(`table ${name} did not become ACTIVE`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A queue URL on the current SQS endpoint: the emulator keeps the URL it made at creation, with
 * the port of that run, and looks queues up by name, so the origin is replaced by today's.
 */
function atEndpoint(queueUrl: string): string {
  const endpoint = process.env.AWS_ENDPOINT_URL_SQS ?? process.env.AWS_ENDPOINT_URL;
  return endpoint ? `${new URL(endpoint).origin}${new URL(queueUrl).pathname}` : queueUrl;
}

/** Creates every table, queue (with its DLQ and redrive policy), topic and bucket; returns the env. */
export async function provision(c: Clients, prefix: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [n, spec] of Object.entries(tables)) {
    const name = physicalName(prefix, n);
    try {
      await c.ddb.send(new CreateTableCommand(tableInput(name, spec)));
    } catch (err) {
      if (!(err instanceof ResourceInUseException)) throw err;
      await waitActive(c.ddb, name);
      await addMissingIndexes(c.ddb, name, spec);
    }
    // TTL is not emulated locally (dynalite has no UpdateTimeToLive); in AWS the stack enables it.
    await waitActive(c.ddb, name);
    env[spec.env] = name;
  }
  for (const [n, spec] of Object.entries(queues)) {
    const dlq = await c.sqs.send(
      new CreateQueueCommand({ QueueName: physicalName(prefix, `${n}-dlq`), Attributes: { MessageRetentionPeriod: String(spec.dlqRetentionDays * 86_400) } }),
    );
    const dlqUrl = atEndpoint(dlq.QueueUrl!);
    const dlqArn = (await c.sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const q = await c.sqs.send(
      new CreateQueueCommand({
        QueueName: physicalName(prefix, n),
        Attributes: {
          VisibilityTimeout: String(spec.visibilityTimeoutSeconds),
          MessageRetentionPeriod: String(spec.retentionDays * 86_400),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: spec.maxReceiveCount }),
        },
      }),
    );
    env[spec.env] = atEndpoint(q.QueueUrl!);
    env[spec.dlqEnv] = dlqUrl;
  }
  for (const [n, spec] of Object.entries(topics)) {
    const t = await c.sns.send(new CreateTopicCommand({ Name: physicalName(prefix, n) }));
    env[spec.env] = t.TopicArn!;
  }
  for (const [n, spec] of Object.entries(buckets)) {
    const name = physicalName(prefix, n);
    try {
      await c.s3.send(new CreateBucketCommand({ Bucket: name }));
    } catch (err) {
      const code = (err as { name?: string }).name;
      if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw err;
    }
    env[spec.env] = name;
  }
  return env;
}

/** True when every resource of the manifest exists (the readiness check of GET /health). */
export async function resourcesExist(c: Clients, env: Record<string, string>): Promise<{ ok: boolean; missing: string[] }> {
  const missing: string[] = [];
  const check = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch {
      missing.push(what);
    }
  };
  await Promise.all([
    ...Object.values(tables).map((t) => check(`table ${env[t.env]}`, () => c.ddb.send(new DescribeTableCommand({ TableName: env[t.env] })))),
    ...Object.values(queues).flatMap((q) => [
      check(`queue ${env[q.env]}`, () => c.sqs.send(new GetQueueUrlCommand({ QueueName: env[q.env].split('/').pop()! }))),
      check(`queue ${env[q.dlqEnv]}`, () => c.sqs.send(new GetQueueUrlCommand({ QueueName: env[q.dlqEnv].split('/').pop()! }))),
    ]),
    ...Object.values(topics).map((t) => check(`topic ${env[t.env]}`, () => c.sns.send(new GetTopicAttributesCommand({ TopicArn: env[t.env] })))),
    ...Object.values(buckets).map((b) => check(`bucket ${env[b.env]}`, () => c.s3.send(new HeadBucketCommand({ Bucket: env[b.env] })))),
  ]);
  return { ok: missing.length === 0, missing };
}
