/**
 * Outbound delivery throughput: Hookline's delivery path (deliverOne: claim, sign, SSRF-guarded
 * POST, record the attempt) against a bare `fetch` POST of the same body, to the same local sink,
 * in one run. The store is in memory, so this is Hookline's own per-delivery overhead, not DynamoDB's.
 * `npx tsx bench/deliveries.ts` prints a table; `runDeliveryBench()` returns the rows.
 */
import { spawn } from 'node:child_process';
import { guardedFetch } from '../shared/delivery/ssrf';
import type { DeliveryRecord, SubscriptionRecord } from '../shared/model/subscription';
import type { DeliveryStore } from '../shared/ports';
import { deliverOne } from '../shared/usecases/deliver';

export interface DeliveryBenchRow {
  case: string;
  per_second: number;
  ms_per_delivery: number;
  /** User + system CPU of this process (the sink runs in a child process) per delivery, µs. */
  cpu_us_per_delivery: number;
  /** Every round's ms per delivery (the row shows the median). */
  samples_ms: number[];
  samples_cpu_us: number[];
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
  // The bench never pauses or recovers: no backlog.
  async backlogPage() {
    return { items: [], next_cursor: null };
  }
  async countBacklog() {
    return 0;
  }
}

async function timed(n: number, concurrency: number, one: (i: number) => Promise<unknown>): Promise<{ ms: number; cpuUs: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const t = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await one(next++);
    }),
  );
  const ms = performance.now() - t;
  const used = process.cpuUsage(cpu);
  return { ms, cpuUs: used.user + used.system };
}

// The sink runs in its own process, so process.cpuUsage() counts the client side only.
const SINK = `
const server = require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(204).end()); });
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();
`;

async function startSink(): Promise<{ port: number; stop: () => void }> {
  const child = spawn(process.execPath, ['-e', SINK], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((ok, fail) => {
    child.once('error', fail);
    child.stdout.once('data', (b: Buffer) => ok(Number(String(b).trim())));
  });
  return { port, stop: () => child.stdin.end() };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * `rounds` alternating rounds of (bare fetch, Hookline) for each concurrency, so a burst of load
 * from elsewhere on the machine hits both cases; rows carry the median and every round's figure.
 */
export async function runDeliveryBench({ n = 1000, concurrency = 8, rounds = 5 } = {}): Promise<DeliveryBenchRow[]> {
  const sink = await startSink();
  const url = `http://127.0.0.1:${sink.port}/hook`;
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
    send: (u: string, headers: Record<string, string>, b: string, timeoutMs: number) => guardedFetch(u, { method: 'POST', headers, body: b }, { allowPrivate: true, timeoutMs, resendOnStaleConnection: true }),
    disableSubscription: async () => undefined,
    setFailingSince: async () => undefined,
    autoDisableAfterDays: 5,
    clock: { now: () => new Date() },
  };
  const mk = (i: number): DeliveryRecord => ({
    delivery_id: `dlv_${i}`, subscription_id: 'sub_bench', event_id: 'evt_bench', event_type: 'agent:complete', status: 'pending', body,
    attempts: [], attempt_count: 0, next_attempt_at: null, created_at: '', updated_at: '', created_key: '', expires_at: 0,
  });
  let base = 0;
  const hooklineCase = async (c: number) => {
    for (let i = 0; i < n; i++) await store.create(mk(base + i));
    const start = base;
    base += n;
    const r = await timed(n, c, (i) => deliverOne(deps, `dlv_${start + i}`));
    store.items.clear();
    return r;
  };
  const bareCase = (c: number) => timed(n, c, () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((r) => r.arrayBuffer()));
  const rows: DeliveryBenchRow[] = [];
  try {
    for (const [label, c] of [['one at a time', 1], [`${concurrency} in flight`, concurrency]] as const) {
      // Warm both clients first.
      await bareCase(c);
      await hooklineCase(c);
      const bare: { ms: number; cpuUs: number }[] = [];
      const ours: { ms: number; cpuUs: number }[] = [];
      for (let r = 0; r < rounds; r++) {
        bare.push(await bareCase(c));
        ours.push(await hooklineCase(c));
      }
      const row = (name: string, xs: { ms: number; cpuUs: number }[]): DeliveryBenchRow => {
        const samples_ms = xs.map((x) => x.ms / n);
        const samples_cpu_us = xs.map((x) => x.cpuUs / n);
        const ms = median(samples_ms);
        return { case: `${name} (${label})`, per_second: Math.round(1000 / ms), ms_per_delivery: ms, cpu_us_per_delivery: median(samples_cpu_us), samples_ms, samples_cpu_us };
      };
      rows.push(row('bare fetch POST', bare), row('Hookline delivery', ours));
    }
  } finally {
    sink.stop();
  }
  return rows;
}

export function formatDeliveryTable(rows: DeliveryBenchRow[]): string {
  const lines = [
    '| Case | deliveries/s | ms per delivery (median) | vs bare fetch | CPU µs per delivery (median) | CPU vs bare fetch | time ratio per round (min-max) | CPU ratio per round (min-max) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (let i = 0; i < rows.length; i += 2) {
    const [bare, ours] = [rows[i], rows[i + 1]];
    const ratios = (a: number[], b: number[]) => {
      const r = a.map((x, j) => x / b[j]);
      return `${Math.min(...r).toFixed(2)}-${Math.max(...r).toFixed(2)}x`;
    };
    lines.push(`| ${bare.case} | ${bare.per_second} | ${bare.ms_per_delivery.toFixed(3)} | 1.00x | ${bare.cpu_us_per_delivery.toFixed(0)} | 1.00x | | |`);
    lines.push(
      `| ${ours.case} | ${ours.per_second} | ${ours.ms_per_delivery.toFixed(3)} | ${(ours.ms_per_delivery / bare.ms_per_delivery).toFixed(2)}x time | ${ours.cpu_us_per_delivery.toFixed(0)} | ${(ours.cpu_us_per_delivery / bare.cpu_us_per_delivery).toFixed(2)}x CPU | ${ratios(ours.samples_ms, bare.samples_ms)} | ${ratios(ours.samples_cpu_us, bare.samples_cpu_us)} |`,
    );
  }
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runDeliveryBench().then((rows) => console.log(formatDeliveryTable(rows)));
}
