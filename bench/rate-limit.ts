/**
 * Section 9 of `npm run bench` (own process): outbound delivery under a rate limit, through the
 * local stack's tables and queues (dynalite, fauxqs) with the real deliverer handler driven by the
 * local SQS poller (standing in for Lambda's event source mapping), to a sink on loopback.
 *   - no limit: BENCH_RL_FREE deliveries (default 200) to a subscription without a rate_limit;
 *   - limit: BENCH_RL_N deliveries (default 500) published while the deliverer is stopped, so they
 *     all wait at once, then drained to a subscription with rate_limit {per_second: 50, burst: 1}.
 * The deliverer runs as POLLERS concurrent batches (default 5: Lambda's SQS event source starts
 * with five concurrent batches and scales up from there; the local stack runs one poller for the
 * deliveries queue, which holds a limited subscription's rate to what one batch at a time reaches).
 * Reports the achieved rate at the sink, the most deliveries in any one second, and the AWS calls
 * per delivery of the deliverer (and of the poller) in both phases. Prints one JSON line.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startPoller } from '../bin/local/sqs-poller';
import { startBenchStack } from './lib/bench-stack';
import { functions, queues } from '../shared/resources';
import { CallCounter, callerScope, type CallRow } from './lib/count-calls';

const FREE = Number(process.env.BENCH_RL_FREE ?? 200);
const N = Number(process.env.BENCH_RL_N ?? 500);
const LIMIT = { per_second: 50, burst: 1 };
const POLLERS = Number(process.env.BENCH_RL_POLLERS ?? 5);

const { stack, print: quiet, stop } = await startBenchStack('rl', { prefix: 'benchrl', env: { ALLOW_PRIVATE_TARGETS: 'true' } });

const hits = new Map<string, number[]>();
const sink = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    // Each subscription's hookline.verification (sent on create) is answered and not counted.
    if (req.headers['x-hookline-event'] === 'hookline.verification') return void res.writeHead(200).end('ok');
    const at = performance.now();
    const list = hits.get(req.url ?? '') ?? [];
    list.push(at);
    hits.set(req.url ?? '', list);
    res.writeHead(200).end('ok');
  });
});
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
const base = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;

/** Deliveries per second between the first and the last arrival. */
function rate(times: number[]): number {
  const t = [...times].sort((a, b) => a - b);
  return ((t.length - 1) / (t[t.length - 1] - t[0])) * 1000;
}

let onTimeout = async (): Promise<void> => undefined;

async function waitFor(ok: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) {
      await onTimeout();
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

try {
  Object.assign(process.env, stack.env);
  const { outboundDeps } = await import('../shared/adapters/aws/wiring');
  const { loadEnv } = await import('../shared/env');
  const { publishEvent, createSubscription } = await import('../shared/usecases/subscriptions');
  const { SubscriptionCreate } = await import('../shared/model/subscription');
  const { handler: deliverer } = await import('../functions/deliverer/handler');
  const { documentClient, sqsClient } = await import('../shared/adapters/aws/clients');
  const { resources, settings } = loadEnv('api');
  const deps = outboundDeps(resources, settings);
  const actor = { key_id: 'key_bench', name: 'bench' };
  await createSubscription(deps, actor, SubscriptionCreate.parse({ url: `${base}/free`, events: ['bench.free'] }));
  const limitedSub = await createSubscription(deps, actor, SubscriptionCreate.parse({ url: `${base}/limited`, events: ['bench.limited'], rate_limit: LIMIT }));
  // On a timeout, the deliveries that did not end (to stderr), to tell a lost one from a slow one.
  onTimeout = async () => {
    const page = await deps.deliveries.listBySubscription(limitedSub.subscription_id, 1000);
    for (const d of page.items) if (d.status !== 'success') process.stderr.write(`${JSON.stringify({ ...d, body: undefined })}\n`);
  };

  const counter = new CallCounter();
  for (const c of [documentClient(), sqsClient()]) counter.attach(c as never, 'publish');
  const pollerSqs = new SQSClient({});
  counter.attach(pollerSqs as never, 'poller');
  const spec = queues.deliveries;
  let phase = 'free';
  const poller = () => {
    const all = Array.from({ length: POLLERS }, () => onePoller());
    return { idle: () => all.every((x) => x.idle()), stop: () => Promise.all(all.map((x) => x.stop())).then(() => undefined) };
  };
  const onePoller = () =>
    startPoller({
      sqs: pollerSqs,
      queueUrl: stack.env[spec.env],
      functionName: spec.consumer.fn,
      handler: (event) => callerScope.run({ caller: `deliverer:${phase}` }, () => deliverer(event)),
      batchSize: spec.consumer.batchSize,
      maxBatchingWindowSeconds: spec.consumer.maxBatchingWindowSeconds,
      timeoutSeconds: functions[spec.consumer.fn].timeoutSeconds,
      region: process.env.AWS_REGION!,
      log: () => undefined,
    });
  const publish = async (type: string, n: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < n) {
          const i = next++;
          await callerScope.run({ caller: 'publish' }, () => publishEvent(deps, { type, data: { i } }));
        }
      }),
    );
  };

  // Warm-up: one delivery to each, so both phases count with warm container caches.
  let p = poller();
  await publish('bench.free', 1);
  await publish('bench.limited', 1);
  await waitFor(() => (hits.get('/free')?.length ?? 0) === 1 && (hits.get('/limited')?.length ?? 0) === 1 && p.idle(), 'the warm-up', 30_000);
  await new Promise((r) => setTimeout(r, 1500));
  hits.clear();
  counter.reset();

  // A stopped poller's aborted long poll (2 s) can still take a message on the emulator's side:
  // let it end before publishing, or that message would sit in flight for the visibility timeout.
  const settle = () => new Promise((r) => setTimeout(r, 2500));
  await p.stop();
  await settle();

  // No limit: the same backlog drained as fast as the deliverer goes (this machine's capacity).
  await publish('bench.free', FREE);
  p = poller();
  await waitFor(() => (hits.get('/free')?.length ?? 0) >= FREE && p.idle(), `${FREE} unlimited deliveries`, 120_000);
  await p.stop();
  await settle();

  // Limited: the whole backlog waits at once, then the deliverer drains it at the limit.
  phase = 'limited';
  await publish('bench.limited', N);
  p = poller();
  const progress = setInterval(() => process.stderr.write(`limited: ${hits.get('/limited')?.length ?? 0}/${N}\n`), 2000);
  await waitFor(() => (hits.get('/limited')?.length ?? 0) >= N, `${N} rate-limited deliveries`, 30_000 + (N / LIMIT.per_second) * 3000);
  clearInterval(progress);
  await waitFor(() => p.idle(), 'the deliverer to settle', 30_000);
  await p.stop();

  const times = hits.get('/limited')!.sort((a, b) => a - b);
  const spanMs = times[times.length - 1] - times[0];
  let maxPerSecond = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j] <= times[i] - 1000) j++;
    maxPerSecond = Math.max(maxPerSecond, i - j + 1);
  }
  const rows: CallRow[] = counter.snapshot();
  const per = (caller: string, n: number) => rows.filter((r) => r.caller === caller).map((r) => ({ call: r.call, per_delivery: r.calls / n, errors: r.errors }));
  quiet(
    JSON.stringify({
      limit: LIMIT,
      pollers: POLLERS,
      deliveries: N,
      received: times.length,
      duplicates: times.length - N,
      unlimited_received: hits.get('/free')?.length ?? 0,
      unlimited_per_second: rate(hits.get('/free') ?? []),
      span_ms: spanMs,
      achieved_per_second: rate(times),
      max_in_any_second: maxPerSecond,
      calls: { free: per('deliverer:free', FREE), limited: per('deliverer:limited', N), poller: per('poller', FREE + N) },
      rows,
    }),
  );
} finally {
  sink.close();
  await stop();
}
