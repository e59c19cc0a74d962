/**
 * Section 10 of `npm run bench` (own process; alone: `npx tsx bench/event-log-cost.ts`): what one
 * event and one outbound delivery cost, from measured calls and DynamoDB capacity. Signed 25 KB
 * GitHub deliveries that match no command go through the in-process local stack (receiver,
 * events queue, consumer), then the same deliveries again (provider redeliveries: dedup), then
 * events published with `POST /api/events` to one subscription on a loopback sink (publish,
 * deliveries queue, deliverer). Every SDK call on the client singletons is counted and every
 * DynamoDB call asked for its consumed capacity (bench/lib/consumed-capacity.ts). Prints one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { startBenchStack } from './lib/bench-stack';
import { tables } from '../shared/resources';
import { CallCounter } from './lib/count-calls';
import { CapacityMeter } from './lib/consumed-capacity';
import { fixtureBody, githubHeaders } from './lib/fixture';
import { pollUntil } from '../test/support/poll';
import { startSink } from '../test/support/sink';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200);
const REDELIVERIES = 20;
const PUBLISHES = Number(process.env.BENCH_PUBLISHES ?? 100);
const IN_FLIGHT = 8;
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
const SECRET = 'bench-secret-0123456789abcdef';
const WEBHOOK_ID = 'bench-eventlog';

async function inFlight(n: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < n) await fn(next++);
  }));
}

// The sink is on loopback; the stack processes what it receives (consumers running).
const { stack, print: quiet, stop } = await startBenchStack('eventlog', {
  prefix: 'benchlog',
  env: { ALLOW_PRIVATE_TARGETS: 'true', WEBHOOKS_ADMIN_KEY: ADMIN_KEY },
  stack: { pauseConsumers: false, batchWindowSeconds: 0.2 },
});
const sink = await startSink();
try {
  const admin = async (path: string, init: RequestInit = {}) => {
    const r = await fetch(`${stack.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    if (r.status >= 300) throw new Error(`${init.method ?? 'GET'} ${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<any>;
  };
  await admin('/api/webhooks', { method: 'POST', body: JSON.stringify({ webhook_id: WEBHOOK_ID, name: 'event log cost', provider: 'github', secret: SECRET }) });
  const { documentClient, s3Client, snsClient, sqsClient } = await import('../shared/adapters/aws/clients');
  const names = Object.fromEntries(Object.keys(tables).map((n) => [stack.env[(tables as Record<string, { env: string }>)[n].env], n]));
  const counter = new CallCounter();
  const meter = new CapacityMeter(names);
  const clients = [documentClient(), sqsClient(), (await s3Client().load()).client, snsClient()];
  for (const c of clients) counter.attach(c as never, 'stack');
  meter.attach(documentClient() as never);

  const storedCount = async () => {
    let n = 0;
    let cursor: string | null = null;
    do {
      const page: { items: unknown[]; next_cursor: string | null } = await admin(`/api/webhooks/${WEBHOOK_ID}/events?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      n += page.items.length;
      cursor = page.next_cursor;
    } while (cursor);
    return n;
  };
  const body = fixtureBody();
  const deliver = async (deliveryId: string) => {
    const r = await fetch(`${stack.url}/webhooks/github/${WEBHOOK_ID}`, { method: 'POST', headers: githubHeaders(SECRET, body, deliveryId), body });
    await r.arrayBuffer();
    if (r.status !== 202) throw new Error(`delivery answered ${r.status}`);
  };
  /** Runs `fn`, waits for `done` (which makes no AWS call), and returns the calls and capacity it caused. */
  const measure = async (fn: () => Promise<void>, done: () => boolean, what: string) => {
    counter.reset();
    meter.reset();
    await fn();
    await pollUntil(async () => done(), what, 90_000);
    // Let the last batch's message deletes finish.
    await new Promise((r) => setTimeout(r, 500));
    return { calls: counter.snapshot(), capacity: meter.snapshot() };
  };
  const eventPuts = () => meter.snapshot().find((x) => x.table === 'events' && x.call === 'PutItem')?.calls ?? 0;

  // Warm caches (config, subscription index) with one event, as a running container is.
  await deliver(randomUUID());
  await pollUntil(async () => (await storedCount()) === 1, 'the warm-up event');

  const ids = Array.from({ length: EVENTS }, () => randomUUID());
  const inbound = await measure(() => inFlight(EVENTS, (i) => deliver(ids[i])), () => eventPuts() >= EVENTS, 'every event to be stored');
  // Provider redeliveries: one failed conditional put each, nothing stored.
  const redelivered = await measure(() => inFlight(REDELIVERIES, (i) => deliver(ids[i])), () => eventPuts() >= REDELIVERIES, 'the redeliveries to be refused');
  const stored = await storedCount();
  if (stored !== EVENTS + 1) throw new Error(`${stored} events stored, expected ${EVENTS + 1}`);

  await admin('/api/subscriptions', { method: 'POST', body: JSON.stringify({ url: sink.url, events: ['order.*'] }) });
  await admin('/api/events', { method: 'POST', body: JSON.stringify({ type: 'order.paid', data: { order: 'warm' } }) });
  await pollUntil(async () => sink.hits.length === 1, 'the warm-up delivery');
  const data = { order: 'o-1', amount: 4200, currency: 'eur', lines: Array.from({ length: 10 }, (_, i) => ({ sku: `sku-${i}`, qty: 1 })) };
  const outbound = await measure(
    () => inFlight(PUBLISHES, async () => void (await admin('/api/events', { method: 'POST', body: JSON.stringify({ type: 'order.paid', data }) }))),
    () => sink.hits.length === PUBLISHES + 1,
    'every delivery to reach the sink',
  );

  quiet(JSON.stringify({ events: EVENTS, redeliveries: REDELIVERIES, publishes: PUBLISHES, stored, body_bytes: Buffer.byteLength(body), inbound, redelivered, outbound }));
} finally {
  sink.close();
  await stop();
}
