/**
 * A subscription read with GET can be sent back with PUT as it was read (edit one field, keep
 * the rest), like a webhook: the server fields (masked secret, timestamps, version, paused, …)
 * are accepted when they agree and refused, naming the field, when they contradict the server.
 */
import { startTestStack } from '../support/in-process-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;

beforeAll(async () => {
  s = await startTestStack({ pauseConsumers: true });
});
afterAll(() => s.stop());

async function call(path: string, method = 'GET', body?: unknown) {
  const r = await s.admin(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const json = (await r.json()) as Record<string, any>;
  return { status: r.status, json, paths: (json.error?.details ?? []).map((d: { path: string }) => d.path) };
}

async function created(extra: Record<string, unknown> = {}) {
  const c = await call('/api/subscriptions', 'POST', { url: 'https://example.com/hook', events: ['order.*'], secret: 'a-plain-secret-of-24-chars', ...extra });
  expect(c.status).toBe(201);
  return c.json.subscription_id as string;
}

it('PUT of the GET body, one field changed, applies the change and keeps the secret', async () => {
  const id = await created();
  const read = await call(`/api/subscriptions/${id}`);
  expect(read.json.secret).toContain('…');
  const put = await call(`/api/subscriptions/${id}`, 'PUT', { ...read.json, description: 'orders' });
  expect([put.status, put.json.description, put.json.version]).toEqual([200, 'orders', read.json.version + 1]);
  expect(put.json.secret).toBe(read.json.secret);
  expect(put.json.created_at).toBe(read.json.created_at);
  // The same body again is a lost update: its version is no longer the current one.
  const stale = await call(`/api/subscriptions/${id}`, 'PUT', { ...read.json, description: 'again' });
  expect([stale.status, stale.json.error.code, stale.paths]).toEqual([412, 'version_mismatch', ['version', 'updated_at']]);
});

it('refuses server fields that contradict the server, naming each', async () => {
  const id = await created();
  const read = (await call(`/api/subscriptions/${id}`)).json;
  const wrong = await call(`/api/subscriptions/${id}`, 'PUT', { ...read, secret: 'whsec_…XXXX', created_at: '2020-01-01T00:00:00.000Z' });
  expect([wrong.status, wrong.paths]).toEqual([400, ['created_at', 'secret']]);
  const paused = await call(`/api/subscriptions/${id}`, 'PUT', { ...read, paused: true });
  expect([paused.status, paused.paths]).toEqual([400, ['paused']]);
  expect(paused.json.error.details[0].message).toContain(`/api/subscriptions/${id}/pause`);
});

it('keeps paused as it is: a paused subscription PUT back as read stays paused', async () => {
  const id = await created();
  expect((await call(`/api/subscriptions/${id}/pause`, 'POST', {})).status).toBe(200);
  const read = (await call(`/api/subscriptions/${id}`)).json;
  const put = await call(`/api/subscriptions/${id}`, 'PUT', { ...read, events: ['order.created'] });
  expect([put.status, put.json.paused, put.json.events]).toEqual([200, true, ['order.created']]);
});

it('a GET body posted as a new subscription needs a real secret (a mask cannot sign)', async () => {
  const id = await created();
  const { subscription_id: _id, ...read } = (await call(`/api/subscriptions/${id}`)).json;
  const copy = await call('/api/subscriptions', 'POST', read);
  expect([copy.status, copy.paths]).toEqual([400, ['secret']]);
  const { secret: _s, ...withoutSecret } = read;
  const ok = await call('/api/subscriptions', 'POST', withoutSecret);
  expect([ok.status, ok.json.version, ok.json.events]).toEqual([201, 1, ['order.*']]);
});
