/**
 * Recovery of many failed deliveries (`npx tsx bench/recover.ts`, own process): BENCH_FAILED
 * (default 100,000) failed deliveries of one subscription are written to the local stack's
 * deliveries table (dynalite), plus BENCH_SUCCESSES (default a tenth of that) successes in the
 * same window, then
 * `POST /api/subscriptions/{id}/recover` (the use case with the API's adapters) is timed, and every
 * page of the recovery job is run as the deliverer runs it, with the real SQS adapter (fauxqs):
 * the slowest page is what must stay far under the deliverer's 60 s timeout. Prints one JSON line.
 */
import { startBenchStack } from './lib/bench-stack';

const FAILED = Number(process.env.BENCH_FAILED ?? 100_000);
const SUCCESSES = Number(process.env.BENCH_SUCCESSES ?? Math.round(FAILED / 10));
/** Every how many deliveries one succeeded (interleaved in time). */
const EVERY = SUCCESSES ? Math.max(2, Math.round((FAILED + SUCCESSES) / SUCCESSES)) : Infinity;

const { stack, print: quiet, stop } = await startBenchStack('recover', { prefix: 'benchrcv' });
try {
  const { outboundDeps } = await import('../shared/adapters/aws/wiring');
  const { loadEnv } = await import('../shared/env');
  const { createSubscription } = await import('../shared/usecases/subscriptions');
  const { recoverSubscription, runBacklogJob } = await import('../shared/usecases/backlog');
  const { SubscriptionCreate } = await import('../shared/model/subscription');
  const { DynamoDeliveryStore } = await import('../shared/adapters/aws/dynamo-delivery-store');
  const { SqsDeliveryQueue } = await import('../shared/adapters/aws/sqs-delivery-queue');
  const { documentClient, sqsClient } = await import('../shared/adapters/aws/clients');
  Object.assign(process.env, stack.env);
  const { resources, settings } = loadEnv('api');
  const outbound = outboundDeps(resources, { ...settings, ALLOW_PRIVATE_TARGETS: 'true' });
  const actor = { key_id: 'key_bench', name: 'bench' };
  const sub = await createSubscription(outbound, actor, SubscriptionCreate.parse({ url: 'http://127.0.0.1:9/hook', events: ['*'] }));
  const store = new DynamoDeliveryStore(documentClient(), resources.tables.deliveries);
  const base = Date.parse('2026-11-20T00:00:00.000Z');
  const t0 = performance.now();
  // Failed and successful deliveries interleaved, one a second: the index holds only the failed ones.
  let failedWritten = 0;
  const total = FAILED + SUCCESSES;
  for (let i = 0; i < total; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, total - i) }, (_, j) => {
        const n = i + j;
        const at = new Date(base + n * 1000).toISOString();
        const id = `dlv_bench${String(n).padStart(8, '0')}`;
        const failed = (n + 1) % EVERY !== 0 && failedWritten++ < FAILED;
        return store.create({
          delivery_id: id,
          subscription_id: sub.subscription_id,
          event_id: `evt_bench${n}`,
          event_type: 'order.created',
          status: failed ? 'failed' : 'success',
          body: '{"id":"evt","type":"order.created","data":{"n":1}}',
          attempts: [{ attempt: 1, at, status_code: failed ? 503 : 200, duration_ms: 12, response_excerpt: null, error: null }],
          attempt_count: 1,
          next_attempt_at: null,
          created_at: at,
          updated_at: at,
          created_key: `${at}#${id}`,
          expires_at: 0,
        });
      }),
    );
  }
  const seedMs = performance.now() - t0;

  let job: import('../shared/ports').BacklogJob | undefined;
  const sqs = new SqsDeliveryQueue(sqsClient(), resources.queues.deliveries);
  let queued = 0;
  const queue = {
    sendAll: async (ids: string[], o?: { recover?: string; delaySeconds?: number }) => {
      queued += ids.length;
      await sqs.sendAll(ids, o);
    },
    sendJob: async (j: import('../shared/ports').BacklogJob) => void (job = j),
  };
  const t1 = performance.now();
  const answer = await recoverSubscription({ ...outbound, deliveryQueue: queue }, actor, sub.subscription_id, { since: '2026-11-01T00:00:00Z' });
  const requestMs = performance.now() - t1;
  const deps = {
    deliveries: store,
    deliveryQueue: queue,
    loadSubscription: (id: string) => outbound.subscriptions.get(id),
    send: async () => ({ status: 200, headers: {}, bodyExcerpt: '', durationMs: 1 }),
    disableSubscription: async () => undefined,
    setFailingSince: async () => undefined,
    autoDisableAfterDays: 30,
    clock: outbound.clock,
  };
  const pageMs: number[] = [];
  while (job) {
    const j: import('../shared/ports').BacklogJob = job;
    job = undefined;
    const t = performance.now();
    await runBacklogJob(deps, j);
    pageMs.push(performance.now() - t);
  }
  pageMs.sort((a, b) => a - b);
  const r = (x: number) => Math.round(x);
  quiet(
    JSON.stringify({
      failed: failedWritten,
      successes_in_window: total - failedWritten,
      seed_s: Math.round(seedMs / 100) / 10,
      recover_request_ms: r(requestMs),
      answered_queued: answer.queued,
      pages: pageMs.length,
      messages_queued: queued,
      page_ms: { p50: r(pageMs[Math.floor(pageMs.length / 2)]), max: r(pageMs.at(-1)!) },
      total_s: Math.round(pageMs.reduce((a, b) => a + b, 0) / 100) / 10,
    }),
  );
} finally {
  await stop();
}
