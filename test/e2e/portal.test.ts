/**
 * The subscriber portal in a real browser (Debian's chromium through playwright-core) against the
 * in-process stack serving the built console: a tenant opens its portal link and manages its own
 * endpoints, sees only its own data, and an expired or revoked link is refused with a clear page.
 * Every page passes axe-core and fits a 390 px phone; screenshots go into docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { ensureConsoleBuilt, CONSOLE_OUT } from '../../bin/console/build';
import { documentClient } from '../../shared/adapters/aws/clients';
import { DynamoApiKeyStore } from '../../shared/adapters/aws/dynamo-config-store';
import { checkConsolePage, launchChromium, newConsolePage, refreshUntilCell, phoneWidth, SCREENSHOTS } from '../support/console-check';
import { startTestStack } from '../support/in-process-stack';
import { startSink, type Sink } from '../support/sink';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
let sink: Sink;
let browser: Browser;
let page: Page;
const errors: string[] = [];
let link: { url: string; token: string; key_id: string };
let subB = '';

const post = async (path: string, body: unknown) => {
  const r = await s.admin(path, { method: 'POST', body: JSON.stringify(body) });
  const json = (await r.json()) as any;
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
};
const check = async (name: string) => {
  await checkConsolePage(page, name);
  expect(await phoneWidth(page)).toBeLessThanOrEqual(390);
};

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  process.env.ALLOW_PRIVATE_TARGETS = 'true';
  process.env.CONFIG_CACHE_SECONDS = '0';
  await ensureConsoleBuilt();
  [s, sink, browser] = await Promise.all([
    startTestStack({ consoleDir: CONSOLE_OUT }),
    startSink(),
    launchChromium(),
  ]);
  await post('/api/tenants', { tenant_id: 'acme', name: 'Acme Inc.' });
  await post('/api/tenants', { tenant_id: 'globex', name: 'Globex' });
  subB = (await post('/api/subscriptions', { url: 'https://example.com/globex-secret-endpoint', description: 'Globex endpoint', events: ['*'], tenant_id: 'globex' })).subscription_id;
  const put = await s.admin('/api/event-types/order.paid', {
    method: 'PUT',
    body: JSON.stringify({ description: 'An order was paid', schema: { type: 'object', required: ['order_id', 'amount'], properties: { order_id: { type: 'string' }, amount: { type: 'number', minimum: 0 } } }, example: { order_id: 'ord_1', amount: 42 } }),
  });
  expect(put.status).toBe(200);
  link = await post('/api/tenants/acme/portal-link', {});
  page = await newConsolePage(browser, errors);
});
afterAll(async () => {
  await browser?.close();
  sink?.close();
  await s?.stop();
  delete process.env.CONFIG_CACHE_SECONDS;
});
afterEach(() => expect(errors).toEqual([]));

describe('the subscriber portal', () => {
  it('opens from the link: the token moves from the fragment into sessionStorage, and only the portal navigation shows', async () => {
    expect(link.url).toBe(`${s.url}/portal#token=${link.token}`);
    await page.goto(link.url);
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor();
    expect(page.url()).toBe(`${s.url}/subscriptions`);
    expect(await page.evaluate(() => [sessionStorage.getItem('hookline.api_key'), localStorage.length, document.cookie, location.hash])).toEqual([link.token, 0, '', '']);
    const nav = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    expect(nav).toEqual(['Subscriptions', 'Event types']);
    expect(await page.getByText('Globex endpoint').count()).toBe(0);
    await page.getByText('No subscriptions yet').waitFor();
    await check('portal-subscriptions-empty');
  });

  it('creates, edits and tests a subscription, sees the delivery with its attempts, retries it and rotates the secret', async () => {
    await page.getByRole('link', { name: 'Create subscription' }).click();
    await page.getByLabel('URL', { exact: true }).fill(sink.url);
    await page.getByLabel('Description').fill('Acme orders');
    await page.getByLabel('Event pattern 1').fill('order.*');
    await page.getByRole('button', { name: 'Create subscription' }).click();
    await page.getByRole('heading', { name: 'Acme orders' }).waitFor();
    expect(await page.locator('.secret-value').textContent()).toMatch(/^whsec_/);
    await page.getByText('acme', { exact: true }).waitFor();

    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Description').fill('Acme orders (v2)');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Acme orders (v2)' }).waitFor();

    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('link', { name: /^delivery dlv_/ }).click();
    await page.getByRole('heading', { name: 'Delivery of hookline.test' }).waitFor();
    await refreshUntilCell(page, '#1');
    await page.getByRole('cell', { name: '200' }).waitFor();
    await check('portal-delivery');
    await page.getByRole('button', { name: 'Retry' }).click();
    await refreshUntilCell(page, '#2');
    expect(sink.hits.length).toBeGreaterThanOrEqual(2);

    await page.getByRole('link', { name: /^sub_/ }).click();
    await page.getByRole('heading', { name: 'Acme orders (v2)' }).waitFor();
    const before = await page.locator('dd code').filter({ hasText: /^whsec_/ }).first().textContent();
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('button', { name: 'Rotate now' }).click();
    const fresh = await page.locator('.secret-value').textContent();
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(before);
    await page.getByRole('row', { name: /hookline\.test/ }).first().waitFor();
    await check('portal-subscription');

    await page.getByRole('link', { name: 'Subscriptions' }).first().click();
    await page.getByRole('link', { name: 'Acme orders (v2)' }).waitFor();
    expect(await page.getByText('Globex endpoint').count()).toBe(0);
    await check('portal-subscriptions');
  });

  it('shows the event catalog with schemas and examples', async () => {
    await page.getByRole('link', { name: 'Event types' }).click();
    await page.getByRole('heading', { name: 'order.paid' }).waitFor();
    await page.getByText('An order was paid').waitFor();
    await page.getByRole('group', { name: 'Schema of order.paid' }).getByText('"order_id"').first().waitFor();
    await page.getByRole('group', { name: 'Example of order.paid' }).getByText('"ord_1"').waitFor();
    await check('portal-event-types');
  });

  it("answers another tenant's subscription id typed into the address bar, and every page outside the portal, with not found", async () => {
    await page.goto(`${s.url}/subscriptions/${subB}`);
    await page.getByRole('alert').getByText(`"${subB}" was not found`).waitFor();
    expect(await page.getByText('globex-secret-endpoint').count()).toBe(0);
    for (const path of ['/webhooks', '/operations/keys', '/tasks', '/operations/audit']) {
      await page.goto(`${s.url}${path}`);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    }
  });

  it('a revoked link is refused with a page that says so (no API key form first)', async () => {
    await page.goto(`${s.url}/subscriptions`);
    await page.getByRole('link', { name: 'Acme orders (v2)' }).waitFor();
    expect((await s.admin(`/api/keys/${link.key_id}`, { method: 'DELETE' })).status).toBe(204);
    await page.reload();
    await page.getByRole('heading', { name: 'This portal link is not valid' }).waitFor();
    await page.getByText('Ask the service that sent it for a new link').waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('hookline.api_key'))).toBeNull();
    await check('portal-revoked');
  });

  it('an expired link is refused with a page that says it expired', async () => {
    const expiring = await post('/api/tenants/acme/portal-link', { expires_in_seconds: 60 });
    await page.goto(expiring.url);
    await page.getByRole('link', { name: 'Acme orders (v2)' }).waitFor();
    // Time passes: the stored expiry moves into the past (the authorizer checks it on every request).
    const keys = new DynamoApiKeyStore(documentClient(), process.env.CONFIG_TABLE!);
    await keys.put({ ...(await keys.get(expiring.key_id))!, expires_at: new Date(Date.now() - 1000).toISOString() });
    await page.getByRole('link', { name: 'Event types' }).click();
    await page.getByRole('heading', { name: 'This portal link has expired' }).waitFor();
    await check('portal-expired');
    await page.getByRole('button', { name: 'Sign in with an API key instead' }).click();
    await page.getByLabel('API key').waitFor();
  });
});
