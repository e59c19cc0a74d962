/**
 * Section 3 of `npm run bench` (run in its own process): AWS calls per received event, counted on
 * the SDK client singletons while signed deliveries go through the in-process local stack (real
 * handlers, emulators, and the local SQS poller standing in for Lambda's event source mapping).
 * Prints one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { startEmulators, useEndpoints } from '../bin/local/emulators';
import { startPoller } from '../bin/local/sqs-poller';
import { startLocalStack } from '../bin/local/stack';
import { functions, queues } from '../shared/resources';
import { CallCounter, callerScope } from './lib/count-calls';
import { fixtureBody, githubHeaders } from './lib/fixture';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const IN_FLIGHT = 8;
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
const SECRET = 'bench-secret-0123456789abcdef';
const WEBHOOK_ID = 'bench-github';

async function waitFor<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'hookline-bench-aws-'));
for (const k of Object.keys(process.env)) if (k.startsWith('AWS_ENDPOINT_URL') || k === 'AWS_PROFILE') delete process.env[k];
process.env.AWS_REGION = 'us-east-1';
const emulators = await startEmulators(dataDir);
useEndpoints(emulators.endpoints);
process.env.WEBHOOKS_ADMIN_KEY = ADMIN_KEY;

const quiet = console.log;
// The consumer logs one JSON line per duplicate; keep stdout for the result.
console.log = () => undefined;
const stack = await startLocalStack({ host: '127.0.0.1', port: 0, prefix: 'bench', pauseConsumers: true, log: () => undefined });
let poller: ReturnType<typeof startPoller> | undefined;
try {
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const created = await admin('/api/webhooks', {
    method: 'POST',
    body: JSON.stringify({
      webhook_id: WEBHOOK_ID,
      name: 'GitHub issues (bench)',
      provider: 'github',
      secret: SECRET,
      commands: [{ trigger: 'issues.opened', action: 'create_task', agent: 'triage' }],
    }),
  });
  if (created.status !== 201) throw new Error(`creating the webhook failed: ${created.status} ${await created.text()}`);

  // Count from here on: calls outside a scope come from the HTTP handlers (only the receiver now).
  const { documentClient, s3Client, snsClient, sqsClient } = await import('../shared/adapters/aws/clients');
  const { handler: consumer } = await import('../functions/consumer/handler');
  const counter = new CallCounter();
  for (const c of [documentClient(), sqsClient(), (await s3Client().load()).client, snsClient()]) counter.attach(c as never, 'receiver');
  const pollerSqs = new SQSClient({});
  counter.attach(pollerSqs as never, 'poller');

  const batches: { size: number; counts: Record<string, number> }[] = [];
  const spec = queues.events;
  poller = startPoller({
    sqs: pollerSqs,
    queueUrl: stack.env[spec.env],
    functionName: spec.consumer.fn,
    handler: (event) => {
      const counts = new Map<string, number>();
      return callerScope.run({ caller: 'consumer', counts }, async () => {
        try {
          return await consumer(event);
        } finally {
          batches.push({ size: event.Records.length, counts: Object.fromEntries(counts) });
        }
      });
    },
    // Lambda's event source mapping settings from the manifest.
    batchSize: spec.consumer.batchSize,
    maxBatchingWindowSeconds: spec.consumer.maxBatchingWindowSeconds,
    timeoutSeconds: functions[spec.consumer.fn].timeoutSeconds,
    region: process.env.AWS_REGION!,
    log: () => undefined,
  });

  const body = fixtureBody();
  const started = Date.now();
  let next = 0;
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < EVENTS) {
        next++;
        const r = await fetch(`${stack.url}/webhooks/github/${WEBHOOK_ID}`, { method: 'POST', headers: githubHeaders(SECRET, body, randomUUID()), body });
        statuses.push(r.status);
        await r.arrayBuffer();
      }
    }),
  );
  const sendMs = Date.now() - started;
  if (statuses.some((s) => s !== 202)) throw new Error(`not every delivery was accepted: ${statuses.filter((s) => s !== 202).slice(0, 5)}`);

  await waitFor(async () => batches.reduce((a, b) => a + b.size, 0) >= EVENTS && poller!.idle(), 'the consumer to take every event');
  const consumedMs = Date.now() - started;
  const rows = counter.snapshot();
  await poller.stop();
  poller = undefined;

  // Check with a client the counter does not see.
  const ddb = new DynamoDBClient({});
  let stored = 0;
  let start: Record<string, any> | undefined;
  do {
    const out = await ddb.send(new ScanCommand({ TableName: stack.env.EVENTS_TABLE, Select: 'COUNT', ExclusiveStartKey: start }));
    stored += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);

  quiet(
    JSON.stringify({
      events: EVENTS,
      in_flight: IN_FLIGHT,
      stored,
      send_ms: sendMs,
      consumed_ms: consumedMs,
      batch_window_seconds: spec.consumer.maxBatchingWindowSeconds,
      batch_size: spec.consumer.batchSize,
      batches: batches.map((b) => b.size),
      max_put_object_per_batch: Math.max(...batches.map((b) => b.counts['S3:PutObject'] ?? 0)),
      rows,
    }),
  );
} finally {
  console.log = quiet;
  await poller?.stop();
  await stack.stop();
  await emulators.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
