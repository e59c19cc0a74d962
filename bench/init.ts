/**
 * Init duration, section 2 of `npm run bench` (also `npx tsx bench/init.ts` on its own; prints one
 * JSON line): each function's bundle (built as CDK builds it) in a fresh Node process, from process
 * start to its first invocation answering, against the emulators of the in-process local stack.
 * That is what a Lambda cold start costs besides the runtime's own start: module load, then the
 * first invocation's environment parsing, client creation, credential and endpoint resolution and
 * its AWS calls. The baseline is an SQS-client-only handler that sends one message.
 *
 * Every sample gets its own realistic input (a distinct signed delivery, queued event, delivery
 * message or config file) so no invocation takes a short cut through a duplicate, and every
 * answer is checked (a 404 or a failed batch would time the wrong path).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { toRecord } from '../bin/local/sqs-poller';
import { startBenchStack } from './lib/bench-stack';
import { functions, queues } from '../shared/resources';
import { buildBundles, NODE } from './bundles';
import type { InitCase, InitResult } from './init-format';
import { formatInitSection } from './init-format';
import { apiGatewayEvent, fixtureBody, githubHeaders } from './lib/fixture';
import { median } from './lib/stats';

const SAMPLES = Number(process.env.BENCH_INIT_SAMPLES ?? 7);
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
const SECRET = 'bench-secret-0123456789abcdef';
const WEBHOOK_ID = 'bench-init';

/** The handler the baseline's process runs: one SQS client, one SendMessage. */
const BASELINE_HANDLER = `import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
let c: SQSClient | undefined;
export async function handler(event: { queueUrl: string; body: string }) {
  c ??= new SQSClient({});
  const out = await c.send(new SendMessageCommand({ QueueUrl: event.queueUrl, MessageBody: event.body }));
  return { statusCode: out.MessageId ? 202 : 500 };
}
`;

/** Runs in the fresh process: import, one invocation, then print the times (performance.now() counts from process start). */
const CHILD = `
import dns from 'node:dns';
// fauxqs's queue URLs are http://sqs.<region>.localhost:PORT/... (bin/local/localhost-dns.ts does the same in the stack).
const lookup = dns.lookup;
dns.lookup = (name, options, callback) => {
  const cb = typeof options === 'function' ? options : callback;
  if (typeof name === 'string' && name.endsWith('.localhost')) return options?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);
  return lookup(name, options, callback);
};
const t0 = performance.now();
const m = await import(process.env.BENCH_BUNDLE);
const t1 = performance.now();
const deadline = Date.now() + 30000;
const context = { callbackWaitsForEmptyEventLoop: false, functionName: process.env.BENCH_FN, functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:' + process.env.BENCH_FN, memoryLimitInMB: '512', awsRequestId: crypto.randomUUID(), logGroupName: '/aws/lambda/x', logStreamName: 'local', getRemainingTimeInMillis: () => deadline - Date.now(), done() {}, fail() {}, succeed() {} };
const result = await m.handler(JSON.parse(process.env.BENCH_EVENT), context);
const t2 = performance.now();
const cpu = process.cpuUsage();
process.stdout.write('\\nBENCH_INIT ' + JSON.stringify({ start_to_import: t0, import_ms: t1 - t0, invoke_ms: t2 - t1, total_ms: t2, cpu_ms: (cpu.user + cpu.system) / 1000, result }) + '\\n');
process.exit(0);
`;

interface Sample {
  start_to_import: number;
  import_ms: number;
  invoke_ms: number;
  total_ms: number;
  cpu_ms: number;
  result: unknown;
}

function runChild(fn: string, file: string, event: unknown): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['--input-type=module', '-e', CHILD], { env: { ...process.env, BENCH_BUNDLE: pathToFileURL(file).href, BENCH_FN: fn, BENCH_EVENT: JSON.stringify(event) }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('BENCH_INIT '));
      if (code !== 0 || !line) return reject(new Error(`${fn}: exit ${code}\n${err}\n${out.slice(-2000)}`));
      resolve(JSON.parse(line.slice('BENCH_INIT '.length)) as Sample);
    });
  });
}

const bundleDir = mkdtempSync(join(tmpdir(), 'hookline-bench-init-bundles-'));
const { emulators, stack, print: quiet, stop } = await startBenchStack('init', { prefix: 'binit', env: { WEBHOOKS_ADMIN_KEY: ADMIN_KEY, ALLOW_PRIVATE_TARGETS: 'true' } });
// The subscriber the deliverer's first delivery goes to.
const sink = createServer((req, res) => req.resume().on('end', () => res.writeHead(204).end()));
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
try {
  const admin = async (path: string, init: RequestInit = {}, expect = [200, 201, 202]) => {
    const r = await fetch(`${stack.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    const text = await r.text();
    if (!expect.includes(r.status)) throw new Error(`${init.method ?? 'GET'} ${path}: ${r.status} ${text}`);
    return JSON.parse(text || '{}') as Record<string, any>;
  };
  const webhook = { name: 'Init bench', provider: 'github', secret: SECRET, commands: [{ trigger: 'issues.opened', action: 'create_task', agent: 'triage' }] };
  await admin('/api/webhooks', { method: 'POST', body: JSON.stringify({ webhook_id: WEBHOOK_ID, ...webhook }) });
  const key = (await admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'init bench', scopes: ['read', 'write'] }) })).key as string;
  await admin('/api/subscriptions', { method: 'POST', body: JSON.stringify({ url: `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`, events: ['bench.*'] }) });

  const n = SAMPLES + 1; // one untimed invocation each first (disk cache), like the import bench
  const sqs = new SQSClient({});
  const receiveAll = async (queueUrl: string, count: number): Promise<Message[]> => {
    const got: Message[] = [];
    for (let tries = 0; got.length < count && tries < 200; tries++) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 3600, WaitTimeSeconds: 1, MessageAttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }));
      got.push(...(out.Messages ?? []));
    }
    if (got.length < count) throw new Error(`only ${got.length} of ${count} messages on ${queueUrl}`);
    return got.slice(0, count);
  };
  const arnOf = async (queueUrl: string) => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? 'arn:aws:sqs:us-east-1:000000000000:local';
  const sqsEvents = async (queueUrl: string, count: number): Promise<SQSEvent[]> => {
    const arn = await arnOf(queueUrl);
    return (await receiveAll(queueUrl, count)).map((m) => ({ Records: [toRecord(m, arn, process.env.AWS_REGION!)] }));
  };

  // Inputs, one per sample. The consumer's queued events come from deliveries the in-process
  // receiver accepted (consumers are paused, so they wait on the events queue).
  const body = fixtureBody();
  const eventsQueue = stack.env[queues.events.env];
  for (let i = 0; i < n; i++) {
    const r = await fetch(`${stack.url}/webhooks/github/${WEBHOOK_ID}`, { method: 'POST', headers: githubHeaders(SECRET, body, randomUUID()), body });
    if (r.status !== 202) throw new Error(`seeding the events queue: ${r.status} ${await r.text()}`);
  }
  const consumerEvents = await sqsEvents(eventsQueue, n);
  for (let i = 0; i < n; i++) await admin('/api/events', { method: 'POST', body: JSON.stringify({ type: 'bench.init', data: { i } }) });
  const delivererEvents = await sqsEvents(stack.env[queues.deliveries.env], n);
  const baselineQueue = (await sqs.send(new CreateQueueCommand({ QueueName: 'binit-baseline' }))).QueueUrl!;
  const s3 = new S3Client({ forcePathStyle: true });
  const configKeys: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = `config/webhooks/init-${i}.json`;
    await s3.send(new PutObjectCommand({ Bucket: stack.env.CONFIG_BUCKET, Key: k, Body: JSON.stringify({ ...webhook, name: `Init ${i}` }), ContentType: 'application/json' }));
    configKeys.push(k);
  }

  const apiEvent = (method: string, path: string, routeKey: string, pathParameters: Record<string, string>, fn: 'api' | 'interactive') => {
    const e = apiGatewayEvent('x', '', { authorization: `Bearer ${key}` });
    return {
      ...e,
      routeKey,
      rawPath: path,
      pathParameters,
      body: undefined,
      requestContext: { ...e.requestContext, routeKey, http: { ...e.requestContext.http, method, path }, authorizer: { lambda: { auth: 'ok', key_id: 'bench', name: fn, scopes: 'read,write,agent,admin' } } },
    };
  };
  type Case = { name: string; fn: string; invocation: string; event: (i: number) => unknown; ok: (r: any) => boolean };
  const ok2xx = (r: any) => r?.statusCode >= 200 && r.statusCode < 300;
  const noFailures = (r: any) => Array.isArray(r?.batchItemFailures) && r.batchItemFailures.length === 0;
  const cases: Case[] = ([
    { name: 'baseline', fn: 'baseline', invocation: 'one SendMessage', event: (i) => ({ queueUrl: baselineQueue, body: `init ${i}` }), ok: ok2xx },
    { name: 'receiver', fn: 'receiver', invocation: 'a signed 25 KB GitHub delivery: config read, verify, one SendMessage (202)', event: () => apiGatewayEvent(WEBHOOK_ID, body, githubHeaders(SECRET, body, randomUUID())), ok: (r) => r?.statusCode === 202 },
    {
      name: 'authorizer',
      fn: 'authorizer',
      invocation: 'an API key looked up in the config table (allowed)',
      event: () => ({ version: '2.0', type: 'REQUEST', routeArn: 'arn:aws:execute-api:us-east-1:000000000000:x/$default/GET/api/webhooks', identitySource: [`Bearer ${key}`], routeKey: 'GET /api/webhooks', rawPath: '/api/webhooks', rawQueryString: '', headers: { authorization: `Bearer ${key}` }, requestContext: apiGatewayEvent('x', '', {}).requestContext }),
      ok: (r) => r?.isAuthorized === true && r.context?.auth === 'ok',
    },
    { name: 'api', fn: 'api', invocation: 'GET /api/webhooks/{id} (one config read, 200)', event: () => apiEvent('GET', `/api/webhooks/${WEBHOOK_ID}`, 'GET /api/webhooks/{id}', { id: WEBHOOK_ID }, 'api'), ok: (r) => r?.statusCode === 200 },
    { name: 'interactive', fn: 'interactive', invocation: 'GET /api/questions (one query, 200)', event: () => apiEvent('GET', '/api/questions', 'GET /api/questions', {}, 'interactive'), ok: (r) => r?.statusCode === 200 },
    { name: 'importer', fn: 'importer', invocation: 'a new config file applied (S3 read, config writes, S3 backup)', event: (i) => ({ 'detail-type': 'Object Created', detail: { bucket: { name: stack.env.CONFIG_BUCKET }, object: { key: configKeys[i] } } }), ok: (r) => r?.status === 'applied' },
    { name: 'consumer', fn: 'consumer', invocation: 'one queued event: stored, matched, a task created', event: (i) => consumerEvents[i], ok: noFailures },
    { name: 'deliverer', fn: 'deliverer', invocation: 'one delivery to a loopback subscriber (204)', event: (i) => delivererEvents[i], ok: noFailures },
    {
      name: 'alerter',
      fn: 'alerter',
      invocation: 'one alarm notification (published as alert.triggered)',
      event: (i) => ({ Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', EventSubscriptionArn: 'arn:x', Sns: { Type: 'Notification', MessageId: randomUUID(), TopicArn: 'arn:x', Subject: null, Timestamp: new Date().toISOString(), SignatureVersion: '1', Signature: '', SigningCertUrl: '', UnsubscribeUrl: '', MessageAttributes: {}, Message: JSON.stringify({ AlarmName: `bench-init-${i}`, NewStateValue: 'ALARM', OldStateValue: 'OK', NewStateReason: 'bench', StateChangeTime: new Date().toISOString() }) } }] }),
      ok: (r) => Array.isArray(r) && r.length === 1,
    },
  ] satisfies Case[]).filter((c) => c.fn === 'baseline' || c.fn in functions);

  const built = await buildBundles(bundleDir, { 'baseline-send': BASELINE_HANDLER });
  const fileOf = (name: string) => built.find((b) => b.name === (name === 'baseline' ? 'baseline-send' : name))!.file;
  const samples = new Map<string, Sample[]>(cases.map((c) => [c.name, []]));
  // Round-robin, the first round untimed, so drift on the shared machine hits every case alike.
  for (let i = 0; i < n; i++) {
    for (const c of cases) {
      const s = await runChild(c.fn, fileOf(c.name), c.event(i));
      if (!c.ok(s.result)) throw new Error(`${c.name}: unexpected answer ${JSON.stringify(s.result).slice(0, 500)}`);
      if (i > 0) samples.get(c.name)!.push(s);
    }
  }
  const row = (c: Case): InitCase => {
    const s = samples.get(c.name)!;
    return {
      name: c.name,
      invocation: c.invocation,
      bytes: statSync(fileOf(c.name)).size,
      import_ms: median(s.map((x) => x.import_ms)),
      invoke_ms: median(s.map((x) => x.invoke_ms)),
      total_ms: median(s.map((x) => x.total_ms)),
      total_samples: s.map((x) => Math.round(x.total_ms)),
      cpu_ms: median(s.map((x) => x.cpu_ms)),
    };
  };
  const rows = cases.map(row);
  const result: InitResult = { samples: SAMPLES, baseline: rows[0], rows: rows.slice(1) };
  console.log = quiet;
  if (process.env.BENCH_INIT_TABLE) console.error(formatInitSection(result));
  console.log(JSON.stringify(result));
} finally {
  sink.close();
  await stop();
  rmSync(bundleDir, { recursive: true, force: true });
}
