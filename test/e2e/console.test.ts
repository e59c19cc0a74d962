/**
 * The console as `npm start` serves it on the API's origin: the page, its hashed assets, deep links,
 * /config.json, the security headers CloudFront also sends, and the API left alone.
 */
import { chromium } from 'playwright-core';
import { readConsoleManifest } from '../../bin/console/build';
import { consoleCsp } from '../../shared/http/console-headers';
import { pollUntil } from '../support/poll';
import { startLocalForTest, type LocalUnderTest } from '../support/spawn-local';

let local: LocalUnderTest;
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

beforeAll(async () => {
  local = await startLocalForTest('console');
});
afterAll(() => local.stop());

it('prints the console URL in the start-up banner', () => {
  expect(local.output()).toContain(`  console    ${local.url}/`);
});

it('serves the page at / with the strict CSP and the other security headers, revalidated on every load', async () => {
  const r = await fetch(`${local.url}/`, { headers: HTML });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(r.headers.get('cache-control')).toBe('no-cache');
  expect(r.headers.get('content-security-policy')).toBe(consoleCsp());
  expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self'.*frame-ancestors 'none'/);
  expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  expect(r.headers.get('referrer-policy')).toBe('no-referrer');
  const html = await r.text();
  const manifest = readConsoleManifest()!;
  expect(html).toContain(`<script type="module" src="${manifest.entry}"></script>`);
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  const again = await fetch(`${local.url}/`, { headers: { ...HTML, 'if-none-match': r.headers.get('etag')! } });
  expect(again.status).toBe(304);
});

it('serves hashed assets with their content type, cached as immutable', async () => {
  const manifest = readConsoleManifest()!;
  const js = await fetch(`${local.url}${manifest.entry}`);
  expect(js.status).toBe(200);
  expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect((await js.arrayBuffer()).byteLength).toBe(manifest.files[manifest.entry].bytes);
  for (const css of manifest.css) expect((await fetch(`${local.url}${css}`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  expect((await fetch(`${local.url}/assets/main-NOPE.js`)).status).toBe(404);
  for (const escape of ['/assets/..%2Fmanifest.json', '/assets/..%2F..%2F..%2Fpackage.json']) expect((await fetch(`${local.url}${escape}`)).status).toBe(404);
});

it('answers deep links with the page, so shared links and reloads work', async () => {
  for (const path of ['/webhooks/abc/events', '/subscriptions', '/operations/keys?tab=1']) {
    const r = await fetch(`${local.url}${path}`, { headers: HTML });
    expect([path, r.status, r.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
    expect(r.headers.get('content-security-policy')).toBe(consoleCsp());
  }
});

it('serves /config.json with the API on this origin', async () => {
  const r = await fetch(`${local.url}/config.json`);
  expect(r.headers.get('cache-control')).toBe('no-cache');
  expect(await r.json()).toEqual({ api_url: '' });
});

it('leaves the API, the receiver and health alone: unknown /api routes stay a JSON 404', async () => {
  const r = await fetch(`${local.url}/api/nope`, { headers: { ...HTML, authorization: `Bearer ${local.adminKey}` } });
  expect(r.status).toBe(404);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  expect(((await r.json()) as any).error.code).toBe('not_found');
  expect(await (await fetch(`${local.url}/health`, { headers: HTML })).json()).toEqual({ status: 'ok' });
  // The receiver is POST-only: a delivery to an unknown webhook is its 404, not the page.
  const post = await fetch(`${local.url}/webhooks/github/nope`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(post.status).toBe(404);
  expect(post.headers.get('content-type')).toMatch(/^application\/json/);
  // A non-browser GET of an unknown path is not a navigation: the route table's 404.
  expect((await fetch(`${local.url}/nope`, { headers: { accept: 'application/json' } })).status).toBe(404);
});

it('runs in Chromium under that CSP without a single violation: sign in, list, deep link', async () => {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const w = window as unknown as { __cspViolations: string[] };
      w.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const refused: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    await page.goto(`${local.url}/`);
    await page.getByLabel('API key').fill(local.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.goto(`${local.url}/webhooks/nope/events`);
    await page.waitForLoadState('networkidle');
    expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([]);
    expect(refused).toEqual([]);
    // Control: an inline script is blocked and reported, so the empty list above means something.
    await page.addScriptTag({ content: 'window.__inline = 1;' }).catch(() => undefined);
    expect(await page.evaluate(() => (window as unknown as { __inline?: number }).__inline)).toBeUndefined();
    const reported = await pollUntil(async () => {
      const v = await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations);
      return v.length ? v : undefined;
    }, 'the CSP violation report');
    expect(reported).toEqual([expect.stringMatching(/^script-src/)]);
  } finally {
    await browser.close();
  }
});
