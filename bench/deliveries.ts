/**
 * Outbound delivery throughput: Hookline's delivery path (deliverOne: claim, sign, SSRF-guarded
 * POST, record the attempt) against a bare `fetch` POST of the same body, to the same local sink,
 * in one run. The store is in memory, so this is Hookline's own per-delivery overhead, not DynamoDB's.
 * `npx tsx bench/deliveries.ts` prints a table; `runDeliveryBench()` returns the rows.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { guardedFetch } from '../shared/delivery/ssrf';
import type { DeliveryRecord, SubscriptionRecord } from '../shared/model/subscription';
import type { DeliveryStore } from '../shared/ports';
import { deliverOne } from '../shared/usecases/deliver';

export interface DeliveryBenchRow {
  case: string;
  per_second: number;
  ms_per_delivery: number;
}

class Store implements DeliveryStore {
  items = new Map<string, DeliveryRecord>();
  async create(d: DeliveryRecord) {
    this.items.set(d.delivery_id, d);
  }
  async get(id: string) {
    const d = this.items.get(id);
    return d ? { ...d, attempts: [...d.attempts] } : null;
  }
  async update(d: DeliveryRecord, n: number) {
    if (this.items.get(d.delivery_id)?.attempt_count !== n) return false;
    this.items.set(d.delivery_id, d);
    return true;
  }
  async claim(d: DeliveryRecord, n: number) {
    return this.update(d, n);
  }
  async listBySubscription() {
    return { items: [], next_cursor: null };
  }
  async listSince() {
    return [];
  }
}

async function timed(n: number, concurrency: number, one: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await one(next++);
    }),
  );
  return performance.now() - t;
}

export async function runDeliveryBench({ n = 1500, concurrency = 8 } = {}): Promise<DeliveryBenchRow[]> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(204).end());
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const body = JSON.stringify({ id: 'evt_bench', type: 'agent:complete', timestamp: new Date().toISOString(), data: { summary: 'x'.repeat(2000), n: 1 }, subscription_id: 'sub_bench' });
  const sub: SubscriptionRecord = {
    subscription_id: 'sub_bench', url, events: ['*'], headers: {}, timeout_seconds: 15, enabled: true,
    retry_policy: { max_attempts: 3, initial_delay: 10, backoff_multiplier: 2, max_delay: 60, retry_on_4xx: [] },
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', previous_secrets: [], created_at: '', created_by: '', updated_at: '', version: 1,
  };
  const store = new Store();
  const deps = {
    deliveries: store,
    loadSubscription: async () => sub,
    send: (u: string, headers: Record<string, string>, b: string, timeoutMs: number) => guardedFetch(u, { method: 'POST', headers, body: b }, { allowPrivate: true, timeoutMs }),
    disableSubscription: async () => undefined,
    setFailingSince: async () => undefined,
    autoDisableAfterDays: 5,
    clock: { now: () => new Date() },
  };
  const mk = (i: number): DeliveryRecord => ({
    delivery_id: `dlv_${i}`, subscription_id: 'sub_bench', event_id: 'evt_bench', event_type: 'agent:complete', status: 'pending', body,
    attempts: [], attempt_count: 0, next_attempt_at: null, created_at: '', updated_at: '', created_key: '', expires_at: 0,
  });
  const rows: DeliveryBenchRow[] = [];
  const run = async (label: string, c: number, warm = 200) => {
    // Alternate the two cases in the same run; warm both first.
    let base = 0;
    const hooklineCase = async () => {
      for (let i = 0; i < n; i++) await store.create(mk(base + i));
      const start = base;
      base += n;
      return timed(n, c, (i) => deliverOne(deps, `dlv_${start + i}`));
    };
    const bareCase = () => timed(n, c, () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.arrayBuffer()));
    await timed(warm, c, () => fetch(url, { method: 'POST', body }).then((r) => r.arrayBuffer()));
    const bare = await bareCase();
    const ours = await hooklineCase();
    rows.push({ case: `bare fetch POST (${label})`, per_second: Math.round((n / bare) * 1000), ms_per_delivery: bare / n });
    rows.push({ case: `Hookline delivery (${label})`, per_second: Math.round((n / ours) * 1000), ms_per_delivery: ours / n });
  };
  await run('one at a time', 1);
  await run(`${concurrency} in flight`, concurrency);
  server.close();
  return rows;
}

export function formatDeliveryTable(rows: DeliveryBenchRow[]): string {
  const lines = ['| Case | deliveries/s | ms per delivery | vs bare fetch |', '| --- | ---: | ---: | ---: |'];
  for (let i = 0; i < rows.length; i += 2) {
    const [bare, ours] = [rows[i], rows[i + 1]];
    lines.push(`| ${bare.case} | ${bare.per_second} | ${bare.ms_per_delivery.toFixed(3)} | 1.00x |`);
    lines.push(`| ${ours.case} | ${ours.per_second} | ${ours.ms_per_delivery.toFixed(3)} | ${(ours.ms_per_delivery / bare.ms_per_delivery).toFixed(2)}x time |`);
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runDeliveryBench().then((rows) => console.log(formatDeliveryTable(rows)));
}
