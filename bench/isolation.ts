/**
 * Isolation of slow providers (`npx tsx bench/isolation.ts`): one webhook whose provider API never
 * answers, and BENCH_EVENTS other events (a third with a comment on a provider that answers, a
 * third with create_task, a third with no command) through the in-process local stack with its
 * pollers. Prints the processing latency (received_at to processed_at, from the event records) of
 * the other events while the hung request is still open, as one JSON line, then a table.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulators, useEndpoints } from '../bin/local/emulators';
import { startLocalStack } from '../bin/local/stack';
import { startFakeProviders } from '../test/support/fake-providers';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 150);
/** Events per second sent: below the stack's throughput, so latency is processing, not a backlog. */
const RATE = Number(process.env.BENCH_RATE ?? 20);
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
const SECRET = 'bench-secret-0123456789abcdef';
const repo = { full_name: 'acme/rocket', name: 'rocket', owner: { login: 'acme' } };

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];

const dataDir = mkdtempSync(join(tmpdir(), 'hookline-bench-iso-'));
for (const k of Object.keys(process.env)) if (k.startsWith('AWS_ENDPOINT_URL') || k === 'AWS_PROFILE') delete process.env[k];
process.env.AWS_REGION = 'us-east-1';
process.env.ALLOW_PRIVATE_TARGETS = 'true';
process.env.WEBHOOKS_ADMIN_KEY = ADMIN_KEY;
const emulators = await startEmulators(dataDir);
useEndpoints(emulators.endpoints);
const out = console.log;
console.log = () => undefined; // handlers' JSON log lines
const [slow, fast] = await Promise.all([startFakeProviders(), startFakeProviders()]);
if (!process.env.BENCH_NO_HANG) slow.failNext('github', 'hang', 1_000_000);
const stack = await startLocalStack({ host: '127.0.0.1', port: 0, prefix: 'iso', log: () => undefined });
try {
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' } });
  const kinds = { 'iso-fast': 'comment', 'iso-task': 'create_task', 'iso-plain': 'none' } as const;
  for (const [id, api, action] of [['iso-slow', slow.url, 'comment'], ['iso-fast', fast.url, 'comment'], ['iso-task', null, 'create_task'], ['iso-plain', null, null]] as const) {
    const body = {
      webhook_id: id,
      name: id,
      provider: 'github',
      secret: SECRET,
      ...(api ? { reply: { token: 'ghp_bench', api_base_url: api } } : {}),
      commands: action ? [{ trigger: 'issues.opened', action, ...(action === 'create_task' ? { agent: 'bench' } : { template: 'on it' }) }] : [],
    };
    const r = await admin('/api/webhooks', { method: 'POST', body: JSON.stringify(body) });
    if (r.status !== 201) throw new Error(`create ${id}: ${r.status} ${await r.text()}`);
  }
  const deliver = async (webhook: string, n: number) => {
    const body = JSON.stringify({ action: 'opened', issue: { number: n, title: `issue ${n}` }, repository: repo, sender: { login: 'octocat' } });
    const r = await fetch(`${stack.url}/webhooks/github/${webhook}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': `${webhook}-${n}`,
        'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      },
      body,
    });
    if (r.status !== 202) throw new Error(`deliver: ${r.status}`);
    return ((await r.json()) as { event_id: string }).event_id;
  };
  const eventOf = async (webhook: string, id: string) => {
    const r = await admin(`/api/webhooks/${webhook}/events/${id}`);
    const e = r.status === 200 ? ((await r.json()) as { status: string; timings: { latency_ms: number } }) : undefined;
    return e && e.status !== 'received' ? e : undefined;
  };

  const first = await deliver('iso-slow', 100_000);
  for (let i = 0; slow.requestsFor('github').length === 0; i++) {
    if (i > 400) throw new Error(`the hanging provider was never called: ${await (await admin(`/api/webhooks/iso-slow/events/${first}`)).text()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  const hungAt = Date.now();
  // A provider call gives up after 10 s: another event for the hung provider every 8 s keeps a
  // request to it open for the whole run.
  let slowN = 0;
  const keepHung = setInterval(() => void deliver('iso-slow', 100_000 + ++slowN), 8_000);
  const names = Object.keys(kinds) as (keyof typeof kinds)[];
  const sent: [keyof typeof kinds, string][] = [];
  const sends: Promise<void>[] = [];
  for (let n = 0; n < EVENTS; n++) {
    const w = names[n % names.length];
    sends.push(deliver(w, n + 1).then((id) => void sent.push([w, id])));
    await new Promise((r) => setTimeout(r, 1000 / RATE));
  }
  await Promise.all(sends);
  const latencies = new Map<string, number>();
  for (let i = 0; latencies.size < sent.length; i++) {
    if (i > 1200) throw new Error(`only ${latencies.size} of ${sent.length} events were processed`);
    for (const [w, id] of sent) {
      if (latencies.has(id)) continue;
      const e = await eventOf(w, id);
      if (e) latencies.set(id, e.timings.latency_ms);
    }
    if (latencies.size < sent.length) await new Promise((r) => setTimeout(r, 50));
  }
  clearInterval(keepHung);
  const calls = slow.requestsFor('github').length;
  const row = (filter: (w: keyof typeof kinds) => boolean) => {
    const xs = sent.filter(([w]) => filter(w)).map(([, id]) => latencies.get(id)!).sort((a, b) => a - b);
    return { events: xs.length, p50_ms: quantile(xs, 0.5), p99_ms: quantile(xs, 0.99), max_ms: xs.at(-1)! };
  };
  const result = {
    events: sent.length,
    rate_per_second: RATE,
    hung_provider_calls: calls,
    run_ms: Date.now() - hungAt,
    all: row(() => true),
    ...Object.fromEntries(names.map((w) => [kinds[w], row((x) => x === w)])),
  };
  out(JSON.stringify(result));
  out(`\nwith one provider that never answers (${calls} calls to it, one always open), ${sent.length} other events:`);
  out('| events | count | p50 ms | p99 ms | max ms |\n| --- | ---: | ---: | ---: | ---: |');
  for (const [name, r] of [['all', result.all], ...names.map((w) => [`with ${kinds[w]}`, (result as never)[kinds[w]]])] as [string, ReturnType<typeof row>][])
    out(`| ${name} | ${r.events} | ${r.p50_ms} | ${r.p99_ms} | ${r.max_ms} |`);
} finally {
  await stack.stop();
  await Promise.all([slow.stop(), fast.stop()]);
  await emulators.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
