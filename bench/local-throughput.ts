/**
 * Section 11 of `npm run bench` (run in its own process): the local stack's own throughput.
 *
 * Two targets, each its own process tree, one after the other, interleaved over BENCH_LOCAL_ROUNDS:
 *   - baseline: bench/lib/minimal-receiver.ts (node:http, HMAC verify, JSON.parse, one SendMessage
 *     to a fauxqs queue, on the same in-process emulators as `npm start`);
 *   - `npm start` (bin/local.ts) with its consumers running: every event is received, queued,
 *     polled, stored (S3 batch + DynamoDB) and its commands matched.
 * The same closed-loop load drives both: BENCH_LOCAL_IN_FLIGHT (32) requests in flight, each the
 * 25 KB signed GitHub `issues.opened` fixture with its own `X-GitHub-Delivery`, after a warm-up.
 * Measured: requests/s over the send window; CPU of the whole process tree (utime + stime of the
 * process and its descendants from /proc) per request, over the send window and until the tree is
 * quiet again (for `npm start` that includes processing every event). Zero loss: the baseline's
 * queue holds every accepted message; `npm start`'s events API lists every accepted event id as
 * processed. Prints one JSON line.
 *
 * Profiling: BENCH_LOCAL_PROFILE=<dir> runs `npm start` with `node --cpu-prof --cpu-prof-dir=<dir>`
 * (the profile is written when it exits); `tsx bench/lib/cpuprofile-top.ts <file>` summarizes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminApi, listAll } from './lib/admin-api';
import { fixtureBody, ROOT } from './lib/fixture';
import { median } from './lib/stats';
import type { ThroughputResult, ThroughputRun } from './lib/throughput';

const IN_FLIGHT = Number(process.env.BENCH_LOCAL_IN_FLIGHT ?? 32);
const REQUESTS = Number(process.env.BENCH_LOCAL_REQUESTS ?? 2000);
const WARMUP = Number(process.env.BENCH_LOCAL_WARMUP ?? 400);
const ROUNDS = Number(process.env.BENCH_LOCAL_ROUNDS ?? 2);
const ONLY = process.env.BENCH_LOCAL_ONLY; // 'baseline' | 'local'
const PROFILE_DIR = process.env.BENCH_LOCAL_PROFILE;
/** Extra environment for `npm start`, for diagnosis (e.g. HOOKLINE_PAUSE_CONSUMERS=true to see the receive path alone). */
const LOCAL_ENV = Object.fromEntries((process.env.BENCH_LOCAL_ENV ?? '').split(',').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
const SECRET = 'bench-local-secret-0123456789';
const WEBHOOK_ID = 'bench-local-gh';
const ADMIN_KEY = `hla_bench_${randomUUID().replace(/-/g, '')}`;
const NODE = existsSync(join(ROOT, 'node_modules/.bin/node')) ? join(ROOT, 'node_modules/.bin/node') : process.execPath;
const TICK_MS = 1000 / 100; // USER_HZ; /proc times are in clock ticks
const log = (s: string) => process.stderr.write(`  ${s}\n`);

// ---- CPU of a process tree from /proc ---------------------------------------------------------
function statOf(pid: number): { ppid: number; ticks: number; childTicks: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at its closing parenthesis.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]) };
  } catch {
    return undefined;
  }
}

/** CPU milliseconds (user + system) used so far by `root`, its live descendants and its reaped children. */
export function treeCpuMs(root: number): number {
  const stats = new Map<number, { ppid: number; ticks: number; childTicks: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = statOf(Number(name));
    if (st) stats.set(Number(name), st);
  }
  let ticks = 0;
  const todo = [root];
  const seen = new Set<number>();
  while (todo.length) {
    const pid = todo.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    const st = stats.get(pid);
    if (!st) continue;
    ticks += st.ticks + st.childTicks;
    for (const [p, s] of stats) if (s.ppid === pid) todo.push(p);
  }
  return ticks * TICK_MS;
}

// ---- the load ---------------------------------------------------------------------------------
const body = Buffer.from(fixtureBody(), 'utf8');
const baseHeaders = {
  accept: '*/*',
  'content-type': 'application/json',
  'user-agent': 'GitHub-Hookshot/7d2ba9f',
  'x-github-event': 'issues',
  'x-github-hook-id': '496143231',
  'x-github-hook-installation-target-id': '17273051',
  'x-github-hook-installation-target-type': 'repository',
  'x-hub-signature': `sha1=${createHmac('sha1', SECRET).update(body).digest('hex')}`,
  'x-hub-signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
  'content-length': String(body.length),
};

interface LoadResult {
  ms: number;
  statuses: Record<string, number>;
  eventIds: string[];
}

/** `n` deliveries, `IN_FLIGHT` at a time (closed loop), each with a fresh delivery id. */
async function load(port: number, path: string, n: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const statuses: Record<string, number> = {};
  const eventIds: string[] = [];
  let next = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers: { ...baseHeaders, 'x-github-delivery': randomUUID() } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const k = String(res.statusCode);
          statuses[k] = (statuses[k] ?? 0) + 1;
          if (res.statusCode === 202) {
            const id = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { event_id?: string }).event_id;
            if (id) eventIds.push(id);
          }
          resolve();
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.setTimeout(30_000, () => req.destroy(new Error('request timed out')));
      req.end(body);
    });
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < n) {
        next++;
        await one();
      }
    }),
  );
  const ms = performance.now() - t0;
  agent.destroy();
  return { ms, statuses, eventIds };
}

/** Waits until the tree has used under 2% of a core for 0.5 s; returns its CPU at the start of that quiet. */
async function quietCpu(pid: number, timeoutMs = 120_000): Promise<{ cpuMs: number; atMs: number }> {
  const deadline = Date.now() + timeoutMs;
  const samples: { t: number; cpu: number }[] = [{ t: performance.now(), cpu: treeCpuMs(pid) }];
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    samples.push({ t: performance.now(), cpu: treeCpuMs(pid) });
    const last = samples[samples.length - 1];
    const first = samples.findLast((s) => s.t <= last.t - 500);
    if (first && last.cpu - first.cpu <= 0.02 * (last.t - first.t)) return { cpuMs: first.cpu, atMs: first.t };
    if (Date.now() > deadline) throw new Error('the process tree never went quiet');
  }
}

// ---- the targets ------------------------------------------------------------------------------
type TargetName = ThroughputRun['target'];

interface Target {
  name: TargetName;
  child: ChildProcess;
  port: number;
  path: string;
  /** Accepted deliveries the target can account for (baseline: queued messages; local: processed events). */
  verify(expectedIds: string[], expectedCount: number): Promise<{ ok: boolean; found: number; detail: string }>;
  stop(): Promise<void>;
}

function childEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_') && !k.startsWith('BENCH_') && k !== 'WEBHOOKS_ADMIN_KEY') env[k] = v;
  return { ...env, ...extra };
}

function waitForOutput(child: ChildProcess, re: RegExp, what: string): Promise<RegExpExecArray> {
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 60 s:\n${out}`)), 60_000);
    const on = (d: Buffer) => {
      if (out.length < 50_000) out += d;
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', on);
        resolve(m);
      }
    };
    child.stdout!.on('data', on);
    child.stderr!.on('data', (d) => {
      if (out.length < 50_000) out += d;
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}:\n${out}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** `baseline`: receive only; `floor`: receive and store the smallest way (bench/lib/minimal-receiver.ts). */
async function startBaseline(dataDir: string, store: boolean): Promise<Target> {
  const child = spawn(NODE, ['--import', 'tsx', '--disable-warning=ExperimentalWarning', join(ROOT, 'bench/lib/minimal-receiver.ts')], {
    cwd: ROOT,
    env: childEnv({ DATA_DIR: dataDir, BENCH_SECRET: SECRET, BENCH_BASELINE_STORE: String(store) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = Number((await waitForOutput(child, /listening (\d+)/, 'the baseline receiver'))[1]);
  child.stdout!.resume();
  child.stderr!.resume();
  return {
    name: store ? 'floor' : 'baseline',
    child,
    port,
    path: '/webhooks/github/baseline',
    async verify(_ids, expectedCount) {
      const s = (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as { messages: number; stored: number };
      if (!store) return { ok: s.messages === expectedCount, found: s.messages, detail: `${s.messages} messages queued` };
      return { ok: s.stored === expectedCount && s.messages === 0, found: s.stored, detail: `${s.stored} events stored, ${s.messages} messages left` };
    },
    stop: () => stopChild(child),
  };
}

async function startLocal(dataDir: string): Promise<Target> {
  const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  const child = spawn(NODE, [...profile, '--import', 'tsx', '--disable-warning=ExperimentalWarning', join(ROOT, 'bin/local.ts')], {
    cwd: ROOT,
    env: childEnv({ PORT: '0', DATA_DIR: dataDir, WEBHOOKS_ADMIN_KEY: ADMIN_KEY, ...LOCAL_ENV }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Drain stdout/stderr so the child never blocks on a full pipe.
  const url = (await waitForOutput(child, /is running at (http:\/\/[^\s]+)/, 'npm start'))[1];
  child.stdout!.resume();
  child.stderr!.resume();
  const api = adminApi(url, ADMIN_KEY);
  // One command that the deliveries do not trigger: every event is stored and matched, no task is made.
  await api('/api/webhooks', {
    method: 'POST',
    body: JSON.stringify({ webhook_id: WEBHOOK_ID, name: 'bench', provider: 'github', secret: SECRET, commands: [{ trigger: 'issues.closed', action: 'create_task', agent: 'bench' }] }),
  });
  return {
    name: 'local',
    child,
    port: Number(new URL(url).port),
    path: `/webhooks/github/${WEBHOOK_ID}`,
    async verify(ids) {
      const listed = new Map((await listAll<{ event_id: string; status: string }>(api, `/api/webhooks/${WEBHOOK_ID}/events`)).map((e) => [e.event_id, e.status]));
      const missing = ids.filter((id) => !listed.has(id));
      // `ignored`: stored and matched, no command's trigger fits (the bench's webhook has one for issues.closed).
      const notProcessed = ids.filter((id) => listed.has(id) && !['processed', 'ignored'].includes(listed.get(id)!));
      return {
        ok: missing.length === 0 && notProcessed.length === 0,
        found: ids.length - missing.length - notProcessed.length,
        detail: `${listed.size} events listed, ${missing.length} accepted ones missing, ${notProcessed.length} not processed`,
      };
    },
    stop: () => stopChild(child),
  };
}

// ---- one measured run -------------------------------------------------------------------------
async function run(name: TargetName, round: number): Promise<ThroughputRun> {
  const dataDir = mkdtempSync(join(tmpdir(), `hookline-bench-${name}-`));
  const t = name === 'local' ? await startLocal(dataDir) : await startBaseline(dataDir, name === 'floor');
  try {
    const pid = t.child.pid!;
    const warm = await load(t.port, t.path, WARMUP);
    if ((warm.statuses['202'] ?? 0) !== WARMUP) throw new Error(`${name} warm-up: ${JSON.stringify(warm.statuses)}`);
    await quietCpu(pid);
    const cpu0 = treeCpuMs(pid);
    const t0 = performance.now();
    const res = await load(t.port, t.path, REQUESTS);
    const cpuSend = treeCpuMs(pid);
    const q = await quietCpu(pid);
    const accepted = res.statuses['202'] ?? 0;
    let v = await t.verify(res.eventIds, WARMUP + accepted);
    for (let i = 0; !v.ok && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 500));
      v = await t.verify(res.eventIds, WARMUP + accepted);
    }
    const out: ThroughputRun = {
      target: name,
      round,
      requests: REQUESTS,
      rps: Math.round((accepted / res.ms) * 1000),
      send_ms: Math.round(res.ms),
      cpu_ms_per_request_send: (cpuSend - cpu0) / REQUESTS,
      cpu_ms_per_request: (q.cpuMs - cpu0) / REQUESTS,
      drain_ms: Math.max(0, Math.round(q.atMs - t0 - res.ms)),
      accepted,
      verified: name === 'local' ? v.found : v.found - WARMUP,
      lost: v.ok ? 0 : accepted - (name === 'local' ? v.found : v.found - WARMUP),
      detail: `${JSON.stringify(res.statuses)}; ${v.detail}`,
    };
    log(`${name} round ${round}: ${out.rps} req/s, ${out.cpu_ms_per_request.toFixed(2)} ms CPU/request (send window ${out.cpu_ms_per_request_send.toFixed(2)}), drain ${out.drain_ms} ms, ${out.detail}`);
    return out;
  } finally {
    await t.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const runs: ThroughputRun[] = [];
for (let r = 0; r < ROUNDS; r++) {
  // Alternate which goes first, so drift on the shared machine hits both alike.
  const order: TargetName[] = r % 2 ? ['local', 'floor', 'baseline'] : ['baseline', 'floor', 'local'];
  for (const name of order) if (!ONLY || ONLY.split(',').includes(name)) runs.push(await run(name, r));
}
const of = (r: number, t: TargetName) => runs.find((x) => x.round === r && x.target === t);
const pairs = Array.from({ length: ROUNDS }, (_, r) => ({ b: of(r, 'baseline'), f: of(r, 'floor'), l: of(r, 'local') }));
const both = <K extends 'b' | 'f'>(k: K) => pairs.filter((p) => p[k] && p.l) as { b: ThroughputRun; f: ThroughputRun; l: ThroughputRun }[];
const spread = (xs: number[]) => (xs.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) } : { median: NaN, min: NaN, max: NaN });
const result: ThroughputResult = {
  in_flight: IN_FLIGHT,
  requests: REQUESTS,
  warmup: WARMUP,
  body_bytes: body.length,
  runs,
  rps_ratio: spread(both('b').map((p) => p.l.rps / p.b.rps)),
  cpu_ratio: spread(both('b').map((p) => p.l.cpu_ms_per_request / p.b.cpu_ms_per_request)),
  cpu_ratio_send: spread(both('b').map((p) => p.l.cpu_ms_per_request_send / p.b.cpu_ms_per_request_send)),
  cpu_ratio_floor: spread(both('f').map((p) => p.l.cpu_ms_per_request / p.f.cpu_ms_per_request)),
  floor_cpu_ratio: spread((pairs.filter((p) => p.b && p.f) as { b: ThroughputRun; f: ThroughputRun }[]).map((p) => p.f.cpu_ms_per_request / p.b.cpu_ms_per_request)),
  lost: runs.reduce((a, r) => a + r.lost, 0),
};
console.log(JSON.stringify(result));
if (result.lost) process.exit(1);
