/**
 * The console's first-load weight and render time (issue #10, item 7; goals: JS ≤ 80 KB gzip on
 * first load, first contentful paint → table visible ≤ 300 ms).
 *
 * - Weight: from the build manifest (bin/console/build.ts): the entry, the chunks it imports
 *   statically and the CSS, gzip level 9; and, as a cross-check, every script the browser actually
 *   fetched while opening the webhooks page (lazily loaded page chunks included).
 * - Render: `npm start` (bin/local.ts) in its own data directory, seeded through the API and the
 *   receiver with 200 webhooks and 1,000 signed GitHub events on one of them; headless Chromium
 *   (playwright-core, Debian's /usr/bin/chromium) signs in through the form once, then loads each
 *   page by URL (a full navigation every sample). Time = the frame in which the table first has as
 *   many body rows as the page's list response has items, minus the first contentful paint, both
 *   from the page's own performance clock.
 * Run alone: `npx tsx bench/console.ts` prints one JSON line; bench/run.ts includes it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { ensureConsoleBuilt, firstLoadGzipBytes } from '../bin/console/build';
import { ROOT } from './lib/fixture';
import { median, round } from './lib/stats';

const WEBHOOKS = 200;
const EVENTS = 1000;
const SAMPLES = 7;
const GOAL_KB = 80;
const GOAL_MS = 300;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface ConsolePageResult {
  page: string;
  url_path: string;
  rows: number;
  fcp_ms: number[];
  fcp_to_table_ms: number[];
  median_ms: number;
  max_ms: number;
}
export interface ConsoleBenchResult {
  first_load: { js_gzip_bytes: number; css_gzip_bytes: number; js_bytes: number; files: string[] };
  webhooks_page_scripts: { files: number; gzip_bytes: number };
  pages: ConsolePageResult[];
  seeded: { webhooks: number; events: number; seed_ms: number };
  chromium: string;
  samples: number;
}

const log = (s: string) => process.stderr.write(`${s}\n`);

async function startLocal(dataDir: string, adminKey: string): Promise<{ url: string; child: ChildProcess }> {
  const node = existsSync(join(ROOT, 'node_modules/.bin/node')) ? join(ROOT, 'node_modules/.bin/node') : process.execPath;
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  const child = spawn(node, ['--import', 'tsx', '--disable-warning=ExperimentalWarning', join(ROOT, 'bin/local.ts')], {
    cwd: ROOT,
    env: { ...env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, WEBHOOKS_ADMIN_KEY: adminKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start did not come up in 60 s:\n${out}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /is running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${out}`));
    });
  });
  return { url, child };
}

/** Runs `fn` over `items` with at most `n` in flight. */
async function pool<T>(items: T[], n: number, fn: (x: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

async function seed(url: string, key: string): Promise<void> {
  const api = (path: string, body: unknown) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const secret = 'bench-console-secret';
  const ids = Array.from({ length: WEBHOOKS }, (_, i) => `bench-${String(i).padStart(3, '0')}`);
  await pool(ids, 8, async (id) => {
    const r = await api('/api/webhooks', {
      webhook_id: id,
      name: `Bench webhook ${id}`,
      provider: 'github',
      secret,
      commands: [{ trigger: 'issues.opened', action: 'create_task', agent: 'planning', template: 'Analyze issue: {{issue.title}}', conditions: { labels: ['bug'] } }],
    });
    if (r.status !== 201) throw new Error(`create ${id}: ${r.status} ${await r.text()}`);
  });
  const target = ids[0];
  await pool(
    Array.from({ length: EVENTS }, (_, i) => i),
    16,
    async (i) => {
      const body = JSON.stringify({ action: i % 3 ? 'opened' : 'closed', issue: { number: i, title: `Issue ${i}`, labels: [{ name: i % 2 ? 'bug' : 'question' }] }, sender: { login: 'octocat' } });
      const r = await fetch(`${url}/webhooks/github/${target}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'issues',
          'x-github-delivery': `bench-${i}`,
          'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        },
        body,
      });
      if (r.status !== 202) throw new Error(`delivery ${i}: ${r.status}`);
    },
  );
  // Wait (bounded) until the consumer has stored every event.
  const deadline = Date.now() + 180_000;
  for (;;) {
    let n = 0;
    let cursor: string | null = null;
    do {
      const r = await fetch(`${url}/api/webhooks/${target}/events?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { headers: { authorization: `Bearer ${key}` } });
      const page = (await r.json()) as { items: unknown[]; next_cursor: string | null };
      n += page.items.length;
      cursor = page.next_cursor;
    } while (cursor);
    if (n >= EVENTS) return;
    if (Date.now() > deadline) throw new Error(`only ${n} of ${EVENTS} events stored after 180 s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

// In the page, before any script: record when the table's body-row count changes (the frame after
// the DOM change, i.e. the one that paints it).
const RECORDER = `
  window.__rowTimes = [];
  new MutationObserver(() => {
    const n = document.querySelectorAll('table tbody tr, [role=table] [role=row]').length;
    const last = window.__rowTimes[window.__rowTimes.length - 1];
    if (!last || last[1] !== n) requestAnimationFrame(() => window.__rowTimes.push([performance.now(), n]));
  }).observe(document, { childList: true, subtree: true });
`;

/** One full navigation; returns FCP and FCP → the frame with `rows` body rows. */
async function sample(page: Page, url: string, listPattern: RegExp): Promise<{ fcp: number; table: number; rows: number }> {
  let expected = -1;
  const onResponse = async (r: import('playwright-core').Response) => {
    if (r.request().method() === 'GET' && listPattern.test(new URL(r.url()).pathname + new URL(r.url()).search)) {
      try {
        expected = ((await r.json()) as { items: unknown[] }).items.length;
      } catch {
        // not JSON: leave it
      }
    }
  };
  page.on('response', onResponse);
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(
    () => {
      const w = window as unknown as { __rowTimes: [number, number][] };
      return performance.getEntriesByName('first-contentful-paint').length > 0 && w.__rowTimes.length > 0;
    },
    undefined,
    { timeout: 30_000 },
  );
  const started = Date.now();
  while (expected < 0 && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 10));
  page.off('response', onResponse);
  if (expected <= 0) throw new Error(`no list response with items for ${url}`);
  const t = await page.waitForFunction(
    (n) => {
      const w = window as unknown as { __rowTimes: [number, number][] };
      const hit = w.__rowTimes.find(([, c]) => c >= n);
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return hit && fcp ? { fcp: fcp.startTime, table: hit[0] } : null;
    },
    expected,
    { timeout: 30_000 },
  );
  const v = (await t.jsonValue()) as { fcp: number; table: number };
  return { ...v, rows: expected };
}

export async function runConsoleBench(): Promise<ConsoleBenchResult> {
  const built = await ensureConsoleBuilt({ log });
  const m = built.manifest;
  const first = firstLoadGzipBytes(m);
  const dataDir = mkdtempSync(join(tmpdir(), 'hookline-bench-console-'));
  const adminKey = `hla_${randomBytes(24).toString('base64url')}`;
  const { url, child } = await startLocal(dataDir, adminKey);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const seedStart = Date.now();
    log(`  seeding ${WEBHOOKS} webhooks and ${EVENTS} events ...`);
    await seed(url, adminKey);
    const seedMs = Date.now() - seedStart;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.addInitScript(RECORDER);
    const page = await context.newPage();
    const scripts = new Set<string>();
    page.on('request', (r) => {
      const p = new URL(r.url()).pathname;
      if (r.resourceType() === 'script' && p.startsWith('/assets/')) scripts.add(p);
    });
    await page.goto(`${url}/`);
    await page.getByLabel('API key').fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('table tbody tr', { timeout: 30_000 });
    const webhooksScripts = [...scripts];

    const pages: { name: string; path: string; list: RegExp }[] = [
      { name: `webhooks (${WEBHOOKS} webhooks)`, path: '/webhooks', list: /^\/api\/webhooks\?/ },
      { name: `events (${EVENTS} events)`, path: '/webhooks/bench-000/events', list: /^\/api\/webhooks\/bench-000\/events\?(?!.*limit=1(&|$))/ },
    ];
    const results: ConsolePageResult[] = [];
    for (const p of pages) {
      await sample(page, `${url}${p.path}`, p.list); // warm-up (server caches, browser code cache)
      const runs: { fcp: number; table: number; rows: number }[] = [];
      for (let i = 0; i < SAMPLES; i++) runs.push(await sample(page, `${url}${p.path}`, p.list));
      const d = runs.map((r) => round(Math.max(0, r.table - r.fcp)));
      results.push({ page: p.name, url_path: p.path, rows: runs[0].rows, fcp_ms: runs.map((r) => round(r.fcp)), fcp_to_table_ms: d, median_ms: round(median(d)), max_ms: Math.max(...d) });
    }
    return {
      first_load: { js_gzip_bytes: first.js, css_gzip_bytes: first.css, js_bytes: m.initial.filter((f) => f.endsWith('.js')).reduce((n, f) => n + m.files[f].bytes, 0), files: m.initial },
      webhooks_page_scripts: { files: webhooksScripts.length, gzip_bytes: webhooksScripts.reduce((n, f) => n + (m.files[f]?.gzip_bytes ?? 0), 0) },
      pages: results,
      seeded: { webhooks: WEBHOOKS, events: EVENTS, seed_ms: seedMs },
      chromium: browser.version(),
      samples: SAMPLES,
    };
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;

/** The BENCHMARKS.md section. */
export function formatConsoleSection(r: ConsoleBenchResult): string {
  const js = r.first_load.js_gzip_bytes;
  return [
    `Console JavaScript on first load (the build manifest's entry and its static imports, gzip -9): **${kb(js)}** (${kb(r.first_load.js_bytes)} minified) + ${kb(r.first_load.css_gzip_bytes)} CSS; goal ≤ ${GOAL_KB} KB: ${js <= GOAL_KB * 1024 ? 'met' : 'NOT met'}. Scripts the browser fetched to show the webhooks page after signing in: ${r.webhooks_page_scripts.files} file${r.webhooks_page_scripts.files === 1 ? '' : 's'}, ${kb(r.webhooks_page_scripts.gzip_bytes)} gzip.`,
    '',
    `First contentful paint → the table showing the page's rows, headless Chromium ${r.chromium} at 1280×800 against \`npm start\` seeded through the API with ${r.seeded.webhooks} webhooks and ${r.seeded.events} signed events on one of them (seeding took ${(r.seeded.seed_ms / 1000).toFixed(0)} s); a full navigation per sample, one warm-up then ${r.samples} samples. Goal ≤ ${GOAL_MS} ms.`,
    '',
    '| page | rows shown | FCP → table (median) | max | samples (ms) | FCP (ms) | goal |',
    '| --- | ---: | ---: | ---: | --- | --- | --- |',
    ...r.pages.map(
      (p) =>
        `| ${p.page}: \`${p.url_path}\` | ${p.rows} | **${p.median_ms} ms** | ${p.max_ms} ms | ${p.fcp_to_table_ms.join(', ')} | ${p.fcp_ms.map((x) => Math.round(x)).join(', ')} | ${p.max_ms <= GOAL_MS ? 'met' : p.median_ms <= GOAL_MS ? 'met at the median' : 'NOT met'} |`,
    ),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === `file://${process.argv[1]}`) {
  const r = await runConsoleBench();
  log(formatConsoleSection(r));
  process.stdout.write(`${JSON.stringify(r)}\n`);
}
