/**
 * The console in a real browser (Debian's chromium through playwright-core) against `npm start`:
 * a person signs in and does everything through the pages, an axe-core check runs on every page
 * (zero serious or critical violations) and each page is photographed at desktop (1280 px) and
 * phone (390 px) width into docs/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { checkConsolePage, launchChromium, newConsolePage, refreshUntilCell, SCREENSHOTS as shots } from '../support/console-check';
import { startSink, type Sink } from '../support/sink';
import { startLocalForTest, type LocalUnderTest } from '../support/spawn-local';
import { pollUntil } from '../support/poll';

let local: LocalUnderTest;
let sink: Sink;
let browser: Browser;
let page: Page;

const errors: string[] = [];

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  [local, sink, browser] = await Promise.all([
    startLocalForTest('console-app', { env: { CONFIG_CACHE_SECONDS: '0' } }),
    startSink(),
    launchChromium(),
  ]);
  page = await newConsolePage(browser, errors);
});
afterAll(async () => {
  await browser?.close();
  sink?.close();
  await local?.stop();
});
afterEach(() => expect(errors).toEqual([]));

/** axe-core on the page as it is now, then a screenshot at 1280 and at 390 px. */
const checkPage = (name: string) => checkConsolePage(page, name);

const state: { webhookId?: string; readKey?: string } = {};

describe('the console', () => {
  it('refuses a wrong key with the API message, then signs in with the admin key', async () => {
    await page.goto(`${local.url}/webhooks`);
    await page.getByLabel('API key').fill('hk_wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('not valid');
    await checkPage('sign-in');
    await page.getByLabel('API key').fill(local.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    expect(await page.evaluate(() => [sessionStorage.length, localStorage.length, document.cookie])).toEqual([1, 0, '']);
    await page.getByText('No webhooks yet').waitFor();
  });

  it('creates a webhook with two commands through the builder, with the live preview', async () => {
    await page.getByRole('link', { name: 'Create webhook' }).click();
    await page.getByLabel('Name').fill('Stripe payments');
    await page.getByLabel('Webhook id').fill('stripe-pay');
    await page.getByLabel('Provider').selectOption('stripe');
    await page.getByRole('button', { name: 'Add command' }).click();
    const first = page.getByRole('group', { name: 'Command 1' });
    await first.getByLabel('Trigger').fill('payment_intent.succeeded');
    await first.getByLabel('Agent').fill('billing');
    await first.getByLabel('Template').fill('Check payment {{data.object.id}} of {{data.object.amount}}');
    // Before the webhook exists the preview runs on the provider's sample through POST /api/commands/preview.
    await first.getByText('✓ Matches').waitFor();
    await expect(first.locator('.preview pre').textContent()).resolves.toMatch(/^Check payment pi_\w+ of \d+$/);
    await checkPage('webhook-create');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    await page.getByText('shown once').waitFor();
    state.webhookId = 'stripe-pay';
    expect(await page.locator('.secret-value').textContent()).toMatch(/^whsec_/);

    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByRole('button', { name: 'Add command' }).click();
    const second = page.getByRole('group', { name: 'Command 2' });
    await second.getByLabel('Trigger').fill('charge.*');
    await second.getByLabel('Action').selectOption('create_task');
    await second.getByLabel('Agent').fill('fraud');
    await second.getByLabel('Priority', { exact: true }).fill('5');
    await second.getByRole('button', { name: 'Add field condition' }).click();
    await second.getByLabel('Field 1', { exact: true }).fill('data.object.amount');
    await second.getByLabel('Operator 1').selectOption('gt');
    await second.getByLabel('Value 1').fill('500');
    // The preview runs the consumer's matcher on the provider's sample (a payment_intent.succeeded).
    await first.getByText('✓ Matches').waitFor();
    await expect(first.locator('.preview pre').textContent()).resolves.toMatch(/^Check payment pi_\w+ of \d+$/);
    await second.getByText('✕ Does not match').waitFor();
    await expect(second.locator('.preview li').first().textContent()).resolves.toContain('charge.*');
    await checkPage('webhook-edit');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Stripe payments' }).waitFor();
    await page.getByText('payment_intent.succeeded -> create_task (billing)').waitFor();
    await page.getByText('charge.* -> create_task (fraud)').waitFor();
  });

  it('shows an API validation error next to the field it names', async () => {
    await page.goto(`${local.url}/webhooks/new`);
    await page.getByLabel('Name').fill('Bad one');
    await page.getByLabel('Webhook id').fill('Not Valid!');
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const idField = page.locator('.field', { has: page.getByLabel('Webhook id') });
    await expect(idField.locator('.field-error').textContent()).resolves.toContain('must match');
    await expect(page.getByLabel('Webhook id').getAttribute('aria-invalid')).resolves.toBe('true');
  });

  it('toggles the webhook off and on from the list', async () => {
    await page.getByRole('link', { name: 'Webhooks' }).first().click();
    const sw = page.getByRole('row', { name: /Stripe payments/ }).getByRole('switch', { name: 'Enabled' });
    await expect(sw.getAttribute('aria-checked')).resolves.toBe('true');
    await sw.click();
    await page.waitForFunction(() => document.querySelector('[role=switch]')?.getAttribute('aria-checked') === 'false' && !document.querySelector('[role=switch][aria-busy=true]'));
    expect(((await (await local.admin('/api/webhooks/stripe-pay')).json()) as { enabled: boolean }).enabled).toBe(false);
    await sw.click();
    await page.waitForFunction(() => document.querySelector('[role=switch]')?.getAttribute('aria-checked') === 'true' && !document.querySelector('[role=switch][aria-busy=true]'));
    expect(((await (await local.admin('/api/webhooks/stripe-pay')).json()) as { enabled: boolean }).enabled).toBe(true);
    await checkPage('webhooks');
  });

  it('sends a test event and sees it in the events page with its matched command', async () => {
    await page.getByRole('link', { name: 'Stripe payments' }).click();
    await page.getByRole('button', { name: 'Test' }).click();
    await page.getByText('Sample event sent').waitFor();
    await page.getByRole('link', { name: 'All events' }).click();
    // The events page follows new events: the processed event appears without a reload.
    const row = page.getByRole('row', { name: /payment_intent\.succeeded/ });
    await row.getByText('processed').waitFor({ timeout: 15_000 });
    const cmd = ((await (await local.admin('/api/webhooks/stripe-pay')).json()) as { commands: { command_id: string; trigger: string }[] }).commands.find((c) => c.trigger === 'payment_intent.succeeded')!;
    await row.getByText(cmd.command_id).waitFor();
    await checkPage('events');
  });

  it('opens the event, sees its action results and payload, and replays it', async () => {
    await page.getByRole('link', { name: /payment_intent\.succeeded/ }).first().click();
    await page.getByRole('heading', { name: 'payment_intent.succeeded event' }).waitFor();
    await page.getByRole('cell', { name: 'succeeded' }).waitFor();
    await page.getByRole('group', { name: 'event payload' }).getByText('"payment_intent.succeeded"').waitFor();
    await checkPage('event-detail');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.getByText('Replayed as a new event').waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'Events' }).waitFor();
    // The replay is a new event of the same type: two rows now.
    await page.getByRole('row', { name: /payment_intent\.succeeded/ }).nth(1).waitFor();
  });

  it('rotates the secret and shows the new one once', async () => {
    await page.goto(`${local.url}/webhooks/stripe-pay`);
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Grace period (seconds)').fill('60');
    await checkPage('webhook-rotate');
    await dialog.getByRole('button', { name: 'Rotate now' }).click();
    await page.getByText('New signing secret').waitFor();
    const secret = await page.locator('.secret-value').textContent();
    expect(secret).toMatch(/^whsec_/);
    // Focus returned to the control that opened the dialog.
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Rotate secret');
    await checkPage('webhook-detail');
    await page.reload();
    await page.getByRole('heading', { name: 'Stripe payments' }).waitFor();
    await expect(page.locator('.secret-value').count()).resolves.toBe(0);
  });

  it('works with the keyboard alone: focus on the new page, a dialog that traps focus, Escape, focus returned', async () => {
    await page.goto(`${local.url}/webhooks/stripe-pay`);
    await page.getByRole('heading', { name: 'Stripe payments' }).waitFor();
    // The page moves focus to its heading once it has rendered.
    await page.waitForFunction(() => document.activeElement?.id === 'page-title');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Test');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Delete');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Delete Stripe payments?' });
    await dialog.waitFor();
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press(i % 2 ? 'Shift+Tab' : 'Tab');
      await expect(page.evaluate(() => Boolean(document.activeElement?.closest('dialog')))).resolves.toBe(true);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForFunction(() => document.activeElement?.textContent === 'Delete');
    expect((await local.admin('/api/webhooks/stripe-pay')).status).toBe(200);
  });

  it('finds the task the test event made, with its source event', async () => {
    await page.getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('link', { name: /Check payment pi_/ }).first().click();
    await page.getByRole('heading', { name: 'Task for billing' }).waitFor();
    await page.getByRole('link', { name: /^evt_/ }).waitFor();
    await checkPage('task-detail');
    await page.goto(`${local.url}/tasks?agent=billing`);
    await page.getByRole('link', { name: /Check payment pi_/ }).first().waitFor();
    await checkPage('tasks');
    await page.getByRole('link', { name: 'Questions' }).click();
    await page.getByText('No questions yet').waitFor();
    await checkPage('questions');
  });

  it('creates a subscription to a loopback sink and sees a delivery with its attempts', async () => {
    await page.getByRole('link', { name: 'Subscriptions' }).click();
    await page.getByText('No subscriptions yet').waitFor();
    await page.getByRole('link', { name: 'Create subscription' }).click();
    await page.getByLabel('URL', { exact: true }).fill(sink.url);
    await page.getByLabel('Description').fill('Ops sink');
    await page.getByLabel('Event pattern 1').fill('task.created');
    await page.getByRole('button', { name: 'Add event pattern' }).click();
    await page.getByLabel('Event pattern 2').fill('hookline.test');
    await page.getByRole('button', { name: 'Add header' }).click();
    await page.getByLabel('Header name 1').fill('X-Team');
    await page.getByLabel('Header value 1').fill('ops');
    await page.getByLabel('Max attempts').fill('3');
    await checkPage('subscription-create');
    await page.getByRole('button', { name: 'Create subscription' }).click();
    await page.getByRole('heading', { name: 'Ops sink' }).waitFor();
    expect(await page.locator('.secret-value').textContent()).toMatch(/^whsec_/);
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('link', { name: /^delivery dlv_/ }).click();
    await page.getByRole('heading', { name: 'Delivery of hookline.test' }).waitFor();
    // The attempt appears once the deliverer has sent it (Refresh until then, with a deadline).
    await refreshUntilCell(page, '#1');
    await page.getByRole('cell', { name: '200' }).waitFor();
    await page.getByRole('cell', { name: '{"ok":true}' }).waitFor();
    expect(sink.hits.at(-1)!.headers['x-team']).toBe('ops');
    await checkPage('delivery');
    // The trace to filter the logs by: a test event is its own trace, so its event id.
    const traceId = await page.getByTitle("filter trace_id in the functions' logs to follow it").textContent();
    expect(traceId).toMatch(/^evt_/);
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.getByRole('cell', { name: '#2' }).waitFor({ timeout: 15_000 }).catch(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.getByRole('cell', { name: '#2' }).waitFor({ timeout: 10_000 });
    });
    await page.getByRole('link', { name: /^sub_/ }).click();
    await page.getByRole('row', { name: /hookline\.test/ }).first().waitFor();
    await page.getByRole('img', { name: /Success rate 100 %/ }).waitFor();
    await checkPage('subscription-detail');
    // The endpoint answered the hookline.verification sent at create; Verify endpoint sends a new signed one.
    await page.locator('.badge', { hasText: /^\W*verified$/ }).waitFor();
    const checks = sink.verifications.length;
    await page.getByRole('button', { name: 'Verify endpoint' }).click();
    await page.getByRole('status').filter({ hasText: /Verification sent: delivery dlv_/ }).waitFor();
    await pollUntil(async () => sink.verifications.length === checks + 1, 'the new hookline.verification at the endpoint');
    // Paused, a test event waits in the log (status paused, nothing sent); Resume sends it.
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText(/deliveries wait with status paused/).waitFor();
    const hits = sink.hits.length;
    await page.getByRole('button', { name: 'Send test event' }).click();
    await page.getByRole('row', { name: /hookline\.test.*paused/ }).waitFor();
    expect(sink.hits.length).toBe(hits);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    await pollUntil(async () => sink.hits.length === hits + 1, 'the paused test event sent on resume');
    await page.getByRole('link', { name: 'Subscriptions' }).first().click();
    await page.getByRole('link', { name: 'Ops sink' }).waitFor();
    await checkPage('subscriptions');
  });

  it('redrives an empty DLQ, creates and lists an API key, shows the audit diff and the imports', async () => {
    await page.getByRole('link', { name: 'Operations' }).click();
    const row = page.getByRole('row', { name: /^deliveries/ });
    await row.getByText('0 in DLQ').waitFor();
    await row.getByRole('button', { name: 'Redrive' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Redrive now' }).click();
    await page.getByText('Redrive of deliveries: 0 messages moved back.').waitFor();
    await checkPage('operations-queues');

    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByLabel('Key name').fill('read-only viewer');
    await page.getByRole('checkbox', { name: 'read' }).check();
    await page.getByRole('button', { name: 'Create key' }).click();
    await page.getByText('shown once').waitFor();
    state.readKey = (await page.locator('.secret-value').textContent())!;
    await page.getByRole('row', { name: /read-only viewer/ }).waitFor();
    await checkPage('operations-keys');

    await page.getByRole('link', { name: 'Audit log' }).click();
    const enable = page.getByRole('row', { name: /webhook\.\w+.*stripe-pay/ }).first();
    await enable.getByRole('button', { name: 'Show diff' }).click();
    await enable.getByRole('table', { name: 'Changed fields' }).waitFor();
    await checkPage('operations-audit');

    await page.getByRole('link', { name: 'Config imports' }).click();
    await page.getByText('No config files imported yet').waitFor();
    await checkPage('operations-imports');
  });

  it('hides what a read-only key cannot do', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(state.readKey!);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Scopes: read', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Webhooks' }).first().click();
    await page.getByRole('link', { name: 'Stripe payments' }).waitFor();
    await expect(page.getByRole('link', { name: 'Create webhook' }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Operations' }).count()).resolves.toBe(0);
    await expect(page.getByRole('switch', { name: 'Enabled' }).isDisabled()).resolves.toBe(true);
    await page.getByRole('link', { name: 'Stripe payments' }).click();
    await page.getByRole('heading', { name: 'Stripe payments' }).waitFor();
    await expect(page.getByRole('button', { name: 'Rotate secret' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Delete' }).count()).resolves.toBe(0);
  });

  it('signs out and forgets the key', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });
});
