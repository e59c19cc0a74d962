/**
 * `npm run soak` (not part of npm test): SOAK_EVENTS signed GitHub deliveries (default 10,000)
 * through `npm start` as a child process, with:
 *   - the whole stack killed with SIGKILL halfway through and started again on the same data;
 *   - provider behaviour: a request that fails (connection refused while the stack is down, 5xx)
 *     is retried with the same delivery id, and SOAK_REDELIVER of the accepted ones are sent again;
 *   - a subscriber sink (subscribed to task.created) that answers 500 to every SOAK_SINK_FAIL_EVERY-th request.
 * Each event's command makes one task. It prints sent, accepted, stored, lost, duplicate side
 * effects, receive latency p50/p99 and drain time, and exits 1 on any loss or duplicate.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as netServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminApi, listAll } from './lib/admin-api';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const EVENTS = Number(process.env.SOAK_EVENTS ?? 10_000);
const IN_FLIGHT = Number(process.env.SOAK_IN_FLIGHT ?? 16);
const REDELIVER = Number(process.env.SOAK_REDELIVER ?? 0.05);
const SINK_FAIL_EVERY = Number(process.env.SOAK_SINK_FAIL_EVERY ?? 7);
const DRAIN_TIMEOUT_MS = Number(process.env.SOAK_DRAIN_SECONDS ?? 900) * 1000;
const SECRET = 'soak-secret-0123456789';
const WEBHOOK = 'soak-gh';
const log = (s: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${s}\n`);

async function freePort(): Promise<number> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const dataDir = mkdtempSync(join(tmpdir(), 'hookline-soak-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
let child: ChildProcess | undefined;

async function startStack(): Promise<void> {
  const node = existsSync(join(ROOT, 'node_modules/.bin/node')) ? join(ROOT, 'node_modules/.bin/node') : process.execPath;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_')) env[k] = v;
  // detached: its own process group, so kill -9 takes the whole stack at once.
  child = spawn(node, ['--import', 'tsx', '--disable-warning=ExperimentalWarning', join(ROOT, 'bin/local.ts')], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), DATA_DIR: dataDir, ALLOW_PRIVATE_TARGETS: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let head = '';
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not start within 60 s:\n${head}`)), 60_000);
    child!.stdout!.on('data', (d) => {
      if (head.length < 20_000) head += d;
      if (head.includes('is running at')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child!.stderr!.on('data', (d) => {
      if (head.length < 20_000) head += d;
    });
    child!.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${head}`));
    });
  });
  await started;
  child.removeAllListeners('exit');
}

function killStack(): Promise<void> {
  const c = child!;
  return new Promise((resolve) => {
    c.once('exit', () => resolve());
    process.kill(-c.pid!, 'SIGKILL');
  });
}

// The subscriber: fails every SINK_FAIL_EVERY-th request with a 500, records what it accepted.
const sinkOk = new Map<string, number>();
let sinkRequests = 0;
const sink = createServer((req, res) => {
  let body = '';
  req.on('data', (d) => (body += d));
  req.on('end', () => {
    sinkRequests++;
    if (sinkRequests % SINK_FAIL_EVERY === 0) return void res.writeHead(500).end('try later');
    const id = String(req.headers['webhook-id']);
    sinkOk.set(id, (sinkOk.get(id) ?? 0) + 1);
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;

const quantile = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0);

let exitCode = 1;
try {
  log(`starting npm start on ${base}, data in ${dataDir}`);
  await startStack();
  const key = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
  const api = adminApi(base, key);
  await api('/api/webhooks', {
    method: 'POST',
    body: JSON.stringify({ webhook_id: WEBHOOK, name: 'soak', provider: 'github', secret: SECRET, commands: [{ trigger: 'issues.opened', action: 'create_task', agent: 'soak', template: 'Issue {{issue.number}}' }] }),
  });
  await api('/api/subscriptions', {
    method: 'POST',
    body: JSON.stringify({ url: sinkUrl, events: ['task.created'], retry_policy: { max_attempts: 10, initial_delay: 1, backoff_multiplier: 2, max_delay: 10 } }),
  });

  // The provider: signs, sends, retries failures with the same delivery id.
  let requests = 0;
  let retries = 0;
  const accepted = new Map<number, string>(); // n -> event_id
  const latencies: number[] = [];
  let down = false;
  const sendOnce = async (n: number): Promise<string | undefined> => {
    const body = JSON.stringify({ action: 'opened', issue: { number: n, title: `soak ${n} 🚀` }, repository: { full_name: 'acme/soak' }, sender: { login: 'octocat' } });
    requests++;
    const t0 = performance.now();
    try {
      const r = await fetch(`${base}/webhooks/github/${WEBHOOK}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'issues',
          'x-github-delivery': `soak-${n}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await r.text();
      if (r.status !== 202) return undefined;
      latencies.push(performance.now() - t0);
      return (JSON.parse(text) as { event_id: string }).event_id;
    } catch {
      return undefined;
    }
  };
  const deliver = async (n: number) => {
    for (let attempt = 0; ; attempt++) {
      while (down) await new Promise((r) => setTimeout(r, 100));
      const id = await sendOnce(n);
      if (id) {
        if (accepted.has(n) && accepted.get(n) !== id) throw new Error(`delivery soak-${n} got two event ids`);
        accepted.set(n, id);
        return;
      }
      retries++;
      if (attempt > 50) throw new Error(`delivery soak-${n} never accepted`);
      await new Promise((r) => setTimeout(r, Math.min(200 * 2 ** attempt, 2_000)));
    }
  };

  const sendStart = Date.now();
  let next = 1;
  const killAt = Math.floor(EVENTS / 2);
  let killed = false;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next <= EVENTS) {
        const n = next++;
        if (n === killAt && !killed) {
          killed = true;
          down = true;
          // Let in-flight requests land first so some are mid-flight when the stack dies.
          log(`kill -9 of the whole stack after ${accepted.size} accepted events`);
          await killStack();
          await startStack();
          log('restarted on the same data');
          down = false;
        }
        await deliver(n);
        if (Math.random() < REDELIVER) await deliver(n); // the provider sends it again
        if (n % 1000 === 0) log(`${n} events sent (${accepted.size} accepted)`);
      }
    }),
  );
  const sendMs = Date.now() - sendStart;
  log(`all ${EVENTS} events accepted in ${(sendMs / 1000).toFixed(1)} s; draining`);

  // Drain: every accepted event stored and processed, one task each, its task.created delivered.
  const drainStart = Date.now();
  let events: any[] = [];
  let tasks: any[] = [];
  for (;;) {
    events = await listAll(api, `/api/webhooks/${WEBHOOK}/events`);
    tasks = await listAll(api, '/api/tasks?agent=soak');
    const processed = events.filter((e) => e.status === 'processed').length;
    const delivered = new Set(tasks.map((t) => t.task_id)).size;
    const sinkTasks = sinkOk.size;
    log(`drain: ${events.length} events (${processed} processed), ${tasks.length} tasks, ${sinkTasks} task.created deliveries accepted by the sink`);
    if (processed >= accepted.size && delivered >= accepted.size && sinkTasks >= accepted.size) break;
    if (Date.now() - drainStart > DRAIN_TIMEOUT_MS) break;
    await new Promise((r) => setTimeout(r, 5_000));
  }
  const drainMs = Date.now() - drainStart;

  const ids = new Set(accepted.values());
  const storedIds = new Set(events.map((e) => e.event_id));
  const lost = [...ids].filter((id) => !storedIds.has(id)).length;
  const tasksPerEvent = new Map<string, number>();
  for (const t of tasks) tasksPerEvent.set(t.event_id, (tasksPerEvent.get(t.event_id) ?? 0) + 1);
  const duplicateEvents = events.length - storedIds.size;
  const duplicateTasks = [...tasksPerEvent.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const missingTasks = [...ids].filter((id) => !tasksPerEvent.has(id)).length;
  const notProcessed = events.filter((e) => e.status !== 'processed').length;
  const sinkMissing = Math.max(0, accepted.size - sinkOk.size);
  const sinkRepeats = [...sinkOk.values()].reduce((n, c) => n + Math.max(0, c - 1), 0);
  const sorted = latencies.sort((a, b) => a - b);
  const result = {
    events: EVENTS,
    sent_requests: requests,
    provider_retries: retries,
    accepted: accepted.size,
    stored: storedIds.size,
    lost,
    not_processed: notProcessed,
    duplicate_events_listed: duplicateEvents,
    duplicate_tasks: duplicateTasks,
    missing_tasks: missingTasks,
    sink_requests: sinkRequests,
    sink_failed_on_purpose: Math.floor(sinkRequests / SINK_FAIL_EVERY),
    sink_missing: sinkMissing,
    sink_repeats_same_webhook_id: sinkRepeats,
    receive_ms: { p50: Math.round(quantile(sorted, 0.5)), p99: Math.round(quantile(sorted, 0.99)) },
    send_seconds: Math.round(sendMs / 100) / 10,
    drain_seconds: Math.round(drainMs / 100) / 10,
  };
  console.log(JSON.stringify(result));
  console.log(`
sent ${requests} requests for ${EVENTS} events (${retries} provider retries, ${requests - EVENTS - retries} redeliveries), one kill -9 of the whole stack
accepted ${result.accepted}, stored ${result.stored}, lost ${lost}, not processed ${notProcessed}
duplicate side effects: ${duplicateTasks} tasks, ${duplicateEvents} events listed twice; missing tasks ${missingTasks}
subscriber: ${sinkRequests} requests, ${result.sink_failed_on_purpose} answered 500 on purpose, ${sinkMissing} task.created never accepted, ${sinkRepeats} repeats of an accepted webhook-id (receivers dedup)
receive latency p50 ${result.receive_ms.p50} ms, p99 ${result.receive_ms.p99} ms; send ${result.send_seconds} s, drain ${result.drain_seconds} s`);
  exitCode = lost || notProcessed || duplicateEvents || duplicateTasks || missingTasks || sinkMissing ? 1 : 0;
} finally {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 2_000));
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  sink.close();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
