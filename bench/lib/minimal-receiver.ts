/**
 * The baselines of bench/local-throughput.ts, run as their own process: the smallest receiver that
 * does the receive job on the same emulators `npm start` uses (bin/local/emulators.ts, in this
 * process, data under DATA_DIR). node:http, HMAC-SHA256 of `X-Hub-Signature-256` with a
 * timing-safe compare, JSON.parse, one SendMessage of the body to a fauxqs queue, 202.
 *
 * With BENCH_BASELINE_STORE=true it also stores every event the smallest way on the same emulators
 * (the floor of "receive and keep an event log" there): the message carries an event id derived
 * from the delivery id; one poller receives up to 100 messages within 0.2 s (10 per
 * ReceiveMessage), puts their bodies in one S3 object, writes one conditional PutItem per event
 * (16 at a time) into a table keyed like the event log (event_id, index by webhook and time), and
 * deletes the batch (DeleteMessageBatch per 10). No matching, no logs, no metrics.
 *
 * fauxqs refuses characters above U+FFFF in a message body (TOOLCHAIN.md), so the body is sent with
 * those escaped as `\uXXXX` JSON escapes (the same JSON value). Prints `listening <port>` once up;
 * `GET /stats` answers the queue's message count and the stored items (the loss check).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { startEmulators, useEndpoints } from '../../bin/local/emulators';

const SECRET = process.env.BENCH_SECRET ?? '';
const STORE = process.env.BENCH_BASELINE_STORE === 'true';
const dataDir = process.env.DATA_DIR!;
for (const k of Object.keys(process.env)) if (k.startsWith('AWS_ENDPOINT_URL') || k === 'AWS_PROFILE') delete process.env[k];
process.env.AWS_REGION = 'us-east-1';
const emulators = await startEmulators(join(dataDir, 'aws'));
useEndpoints(emulators.endpoints);
const sqs = new SQSClient({});
const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'baseline-events', Attributes: { VisibilityTimeout: '180' } }));

const ASTRAL = /[\u{10000}-\u{10FFFF}]/gu;
const escapeAstral = (c: string) => `\\u${c.charCodeAt(0).toString(16)}\\u${c.charCodeAt(1).toString(16)}`;

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/stats') {
    void stats().then((s) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(s)));
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const given = Buffer.from(String(req.headers['x-hub-signature-256'] ?? '').slice(7));
    const expected = Buffer.from(createHmac('sha256', SECRET).update(body).digest('hex'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return void res.writeHead(401).end();
    const text = body.toString('utf8');
    JSON.parse(text);
    const escaped = text.replace(ASTRAL, escapeAstral);
    const eventId = STORE ? `evt_${createHash('sha256').update(`baseline\n${req.headers['x-github-delivery']}`).digest('hex').slice(0, 26)}` : '';
    sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: STORE ? `${eventId}\n${escaped}` : escaped })).then(
      () => res.writeHead(202, { 'content-type': 'application/json' }).end(STORE ? `{"received":true,"event_id":"${eventId}"}` : '{"received":true}'),
      () => res.writeHead(500).end(),
    );
  });
});

// ---- the floor of storing: one poller, one S3 object per batch, one conditional PutItem per event ----
const TABLE = 'baseline-events';
const BUCKET = 'baseline-payloads';
const ddb = new DynamoDBClient({});
const s3 = new S3Client({});
let stopped = false;

async function consume(): Promise<void> {
  while (!stopped) {
    const batch: Message[] = [];
    const windowEnds = Date.now() + 200;
    while (!stopped && batch.length < 100) {
      const wait = batch.length ? Math.max(0, Math.floor((windowEnds - Date.now()) / 1000)) : 2;
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: wait, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
      batch.push(...(out.Messages ?? []));
      if (!batch.length || !out.Messages?.length || Date.now() >= windowEnds) break;
    }
    if (!batch.length) continue;
    const now = new Date().toISOString();
    const parts = batch.map((m) => {
      const nl = m.Body!.indexOf('\n');
      return { id: m.Body!.slice(0, nl), body: Buffer.from(m.Body!.slice(nl + 1), 'utf8') };
    });
    const key = `events/${now}/${batch[0].MessageId}`;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.concat(parts.map((p) => p.body)) }));
    let offset = 0;
    const items = parts.map((p) => {
      const item = {
        event_id: { S: p.id },
        webhook_id: { S: 'baseline' },
        received_key: { S: `${now}#${p.id}` },
        status: { S: 'ignored' },
        payload_key: { S: key },
        payload_offset: { N: String(offset) },
        payload_length: { N: String(p.body.length) },
      };
      offset += p.body.length;
      return item;
    });
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < items.length) {
          const item = items[next++];
          await ddb
            .send(new PutItemCommand({ TableName: TABLE, Item: item, ConditionExpression: 'attribute_not_exists(event_id)' }))
            .catch((err: Error) => {
              if (err.name !== 'ConditionalCheckFailedException') throw err;
            });
        }
      }),
    );
    for (let i = 0; i < batch.length; i += 10) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: batch.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })) }));
    }
  }
}

async function stats(): Promise<{ messages: number; stored: number }> {
  const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  const messages = Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
  let stored = 0;
  if (STORE) {
    let start: Record<string, any> | undefined;
    do {
      const out = await ddb.send(new ScanCommand({ TableName: TABLE, Select: 'COUNT', ExclusiveStartKey: start }));
      stored += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return { messages, stored };
}

let consumer: Promise<void> | undefined;
if (STORE) {
  await ddb.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'event_id', AttributeType: 'S' },
        { AttributeName: 'webhook_id', AttributeType: 'S' },
        { AttributeName: 'received_key', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'event_id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'by_webhook',
          KeySchema: [
            { AttributeName: 'webhook_id', KeyType: 'HASH' },
            { AttributeName: 'received_key', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  consumer = consume().catch((err) => {
    process.stderr.write(`baseline consumer failed: ${(err as Error).stack}\n`);
    process.exit(1);
  });
}

await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
process.on('SIGTERM', () => {
  stopped = true;
  server.close();
  server.closeAllConnections();
  // The poller may be in a 2 s long poll; the emulators stop under it.
  void Promise.race([consumer, new Promise((r) => setTimeout(r, 2_500))]).then(() => emulators.stop()).then(() => process.exit(0));
});
