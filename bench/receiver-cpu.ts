/**
 * Section 1 of `npm run bench` (run in its own process): CPU per request of the real receiver
 * handler against a minimal reference receiver, both sending through AWS SDK clients whose HTTP
 * handler is an in-process stub. Prints one JSON line.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { apiGatewayEvent, fixtureBody, githubHeaders } from './lib/fixture';
import { dynamoStub, jsonProtocolStub, sqsStub, useStub, type StubHandler } from './lib/sdk-stub';
import { median, quantile } from './lib/stats';

const ITERATIONS = Number(process.env.BENCH_CPU_ITERATIONS ?? 200);
const ROUNDS = Number(process.env.BENCH_CPU_ROUNDS ?? 21);
const WARMUP = 600;

const WEBHOOK_ID = 'github-issues-001';
const SECRET = 'bench-secret-0123456789abcdef';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/hookline-events';

// The receiver's environment, as CDK sets it; no endpoint overrides: nothing leaves the process.
for (const k of Object.keys(process.env)) if (k.startsWith('AWS_ENDPOINT_URL') || k === 'AWS_PROFILE') delete process.env[k];
Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIDBENCHMARK000000',
  AWS_SECRET_ACCESS_KEY: 'bench-secret-access-key',
  CONFIG_TABLE: 'hookline-config',
  EVENTS_QUEUE_URL: QUEUE_URL,
  PAYLOADS_BUCKET: 'hookline-payloads',
  // Steady state: the config stays cached for the whole run (the default TTL is 30 s).
  CONFIG_CACHE_SECONDS: '5',
});

const { documentClient, sqsClient } = await import('../shared/adapters/aws/clients');
const { handler } = await import('../functions/receiver/handler');
const { receiveEvent } = await import('../shared/usecases/receive-event');
const { lowerHeaders, rawBody } = await import('../shared/http/apigw');
const { randomIds, systemClock } = await import('../shared/clock');
const { TokenBuckets } = await import('../shared/receiver-guards');

const now = new Date().toISOString();
const webhookItem = marshall({
  pk: 'webhook',
  sk: WEBHOOK_ID,
  webhook_id: WEBHOOK_ID,
  name: 'GitHub issues',
  provider: 'github',
  secret: SECRET,
  previous_secrets: [],
  enabled: true,
  commands: [{ command_id: 'cmd_triage', trigger: 'issues.opened', action: 'create_task', agent: 'triage', priority: 0 }],
  created_at: now,
  created_by: 'bench',
  updated_at: now,
  updated_by: 'bench',
  version: 1,
});

const receiverSqs = sqsStub();
const receiverDdb = dynamoStub(webhookItem);
useStub(sqsClient() as never, receiverSqs);
useStub(documentClient() as never, receiverDdb);

const refSqs = sqsStub();
const refClient = new SQSClient({});
useStub(refClient as never, refSqs);
const stubs: StubHandler[] = [receiverSqs, receiverDdb, refSqs];

const body = fixtureBody();
const events: APIGatewayProxyEventV2[] = Array.from({ length: 64 }, () => {
  const headers = githubHeaders(SECRET, body);
  return apiGatewayEvent(WEBHOOK_ID, body, headers);
});

/** The minimal receiver: HMAC-SHA256 hex check (timing-safe), JSON.parse, one SendMessage of the raw body. */
async function reference(ev: APIGatewayProxyEventV2): Promise<number> {
  const raw = ev.body!;
  const given = Buffer.from((ev.headers['x-hub-signature-256'] ?? '').slice(7));
  const expected = Buffer.from(createHmac('sha256', SECRET).update(raw).digest('hex'));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 401;
  JSON.parse(raw);
  await refClient.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: raw }));
  return 202;
}

// --- checks, outside the timed loops --------------------------------------------------------
const first = await handler(events[0]);
if (first.statusCode !== 202) throw new Error(`receiver answered ${first.statusCode}: ${first.body}`);
const sent = receiverSqs.last!;
if (!sent.target.endsWith('.SendMessage') || sent.input.QueueUrl !== QUEUE_URL) throw new Error(`unexpected SQS request ${sent.target}`);
const envelope = String(sent.input.MessageBody);
const msg = JSON.parse(envelope);
if (gunzipSync(Buffer.from(msg.body_gz, 'base64')).toString('utf8') !== body) throw new Error('the queued body_gz is not the delivered body');
const bad = await handler({ ...events[1], headers: { ...events[1].headers, 'x-hub-signature-256': `sha256=${'0'.repeat(64)}` } });
if (bad.statusCode !== 401) throw new Error(`a bad signature got ${bad.statusCode}`);
if ((await reference(events[0])) !== 202) throw new Error('reference failed');
const refSent = refSqs.last!;
if (refSent.input.MessageBody !== body) throw new Error('reference did not send the raw body');
// The SDK's MD5 check of SendMessage runs against the stub's answer: a wrong MD5 must fail.
const badMd5 = new SQSClient({});
useStub(badMd5 as never, jsonProtocolStub({ SendMessage: () => ({ MD5OfMessageBody: '0'.repeat(32), MessageId: 'x' }) }));
const md5Checked = await badMd5.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: body })).then(
  () => false,
  (err: Error) => /checksum/i.test(String(err?.message ?? err)),
);
if (!md5Checked) throw new Error('the SDK did not check the MD5 of the message body');

// The receiver's own work without the SDK: the same use case with a queue that only serializes.
const { unmarshall } = await import('@aws-sdk/util-dynamodb');
const record = unmarshall(webhookItem) as never;
const noSendDeps = {
  loadWebhook: async () => record,
  queue: { send: async (m: unknown) => void JSON.stringify(m) },
  payloads: { putObject: async () => undefined },
  clock: systemClock,
  ids: randomIds,
  maxBodyBytes: 4 * 1024 * 1024,
  buckets: new TokenBuckets(systemClock),
};

// The parts, for the breakdown rows.
const parts: Record<string, (ev: APIGatewayProxyEventV2) => Promise<unknown> | unknown> = {
  'verify + parse only': (ev) => {
    const given = Buffer.from((ev.headers['x-hub-signature-256'] ?? '').slice(7));
    const expected = Buffer.from(createHmac('sha256', SECRET).update(ev.body!).digest('hex'));
    if (!timingSafeEqual(given, expected)) throw new Error('bad signature');
    return JSON.parse(ev.body!);
  },
  'receiver without the SQS send': (ev) =>
    receiveEvent(noSendDeps, { provider: 'github', webhookId: WEBHOOK_ID, body: rawBody(ev), text: ev.body, headers: lowerHeaders(ev.headers), sourceIp: ev.requestContext.http.sourceIp }),
  'body string -> Buffer -> string': (ev) => rawBody(ev).toString('utf8'),
  'gzip (level 1) + base64 only': (ev) => gzipSync(Buffer.from(ev.body!, 'utf8'), { level: 1 }).toString('base64'),
  'SendMessage of the raw body only': () => refClient.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: body })),
  "SendMessage of the receiver's message only": () => refClient.send(new SendMessageCommand({ QueueUrl: QUEUE_URL, MessageBody: envelope })),
};

const cases: Record<string, (ev: APIGatewayProxyEventV2) => Promise<unknown> | unknown> = {
  receiver: async (ev) => {
    const r = await handler(ev);
    if (r.statusCode !== 202) throw new Error(`receiver answered ${r.statusCode}`);
  },
  reference: async (ev) => {
    if ((await reference(ev)) !== 202) throw new Error('reference failed');
  },
  ...parts,
};

/** CPU microseconds per call over `n` sequential calls, minus the stubs' own time. */
async function measure(fn: (ev: APIGatewayProxyEventV2) => unknown, n: number): Promise<{ us: number; stubUs: number }> {
  for (const s of stubs) s.stubNs = 0n;
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await fn(events[i & 63]);
  const d = process.cpuUsage(c0);
  const stubNs = stubs.reduce((a, s) => a + s.stubNs, 0n);
  const stubUs = Number(stubNs) / 1000;
  return { us: (d.user + d.system - stubUs) / n, stubUs: stubUs / n };
}

for (const s of stubs) s.verify = false;
for (const fn of Object.values(cases)) await measure(fn, WARMUP);
const ddbCallsBefore = receiverDdb.calls.get('GetItem') ?? 0;
const sqsCallsBefore = receiverSqs.calls.get('SendMessage') ?? 0;

const names = Object.keys(cases);
const perRound: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const stubPerCall: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
const ratios: number[] = [];
const partNames = Object.keys(parts);
for (let r = 0; r < ROUNDS; r++) {
  // Receiver and reference back to back (alternating which goes first), so each round's ratio
  // compares like with like on a shared machine; the parts follow in a rotating order.
  const order = [...(r % 2 ? ['reference', 'receiver'] : ['receiver', 'reference']), ...partNames.map((_, i) => partNames[(i + r) % partNames.length])];
  for (const name of order) {
    const m = await measure(cases[name], ITERATIONS);
    perRound[name].push(m.us);
    stubPerCall[name].push(m.stubUs);
  }
  ratios.push(perRound.receiver[r] / perRound.reference[r]);
}

const receiverSendsDuringRounds = (receiverSqs.calls.get('SendMessage') ?? 0) - sqsCallsBefore;
const result = {
  node: process.version,
  body_bytes: Buffer.byteLength(body),
  message_bytes: Buffer.byteLength(envelope),
  sqs_request_bytes: { receiver: sent.bodyBytes, reference: refSent.bodyBytes },
  iterations: ITERATIONS,
  rounds: ROUNDS,
  warmup: WARMUP,
  ...(process.env.BENCH_DEBUG ? { per_round: perRound } : {}),
  cases: Object.fromEntries(names.map((n) => [n, { median_us: median(perRound[n]), min_us: Math.min(...perRound[n]), max_us: Math.max(...perRound[n]), stub_us: median(stubPerCall[n]) }])),
  ratio: median(perRound.receiver) / median(perRound.reference),
  /** Interference on a shared machine only adds CPU time, so the best round is the least disturbed. */
  ratio_best: Math.min(...perRound.receiver) / Math.min(...perRound.reference),
  ratio_rounds: { median: median(ratios), p25: quantile(ratios, 0.25), p75: quantile(ratios, 0.75), min: Math.min(...ratios), max: Math.max(...ratios) },
  checks: {
    signed_requests: stubs.every((s) => s.unsigned === 0),
    md5_checked: md5Checked,
    dynamodb_getitem_total: receiverDdb.calls.get('GetItem') ?? 0,
    dynamodb_calls_during_rounds: (receiverDdb.calls.get('GetItem') ?? 0) - ddbCallsBefore,
    receiver_sqs_sends_during_rounds: receiverSendsDuringRounds,
  },
};
if (!result.checks.signed_requests) throw new Error('a stubbed request was not signed');
console.log(JSON.stringify(result));
