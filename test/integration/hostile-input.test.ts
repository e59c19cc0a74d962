/**
 * Hostile input, generated from the route table: every route with a path parameter is called with
 * ids no DynamoDB key can hold, every list with cursors it never issued, and cursors from one list
 * are replayed on another. The answer is always a contract 4xx, never a 5xx.
 */
import { routes, type Route } from '../../shared/routes';
import { startTestStack } from '../support/in-process-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;

const WEBHOOK = 'hostile-wh';
const OTHER = 'hostile-other';
let subscriptionId = '';

beforeAll(async () => {
  s = await startTestStack({ pauseConsumers: true });
  for (const id of [WEBHOOK, OTHER]) {
    const r = await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify({ webhook_id: id, name: id, provider: 'github' }) });
    expect(r.status).toBe(201);
  }
  const sub = await s.admin('/api/subscriptions', { method: 'POST', body: JSON.stringify({ url: 'https://example.com/hook', events: ['*'] }) });
  expect(sub.status).toBe(201);
  subscriptionId = ((await sub.json()) as { subscription_id: string }).subscription_id;
  // A second key and a second subscription so those lists have a next page.
  expect((await s.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'reader', scopes: ['read'] }) })).status).toBe(201);
  expect((await s.admin('/api/subscriptions', { method: 'POST', body: JSON.stringify({ url: 'https://example.com/hook2', events: ['*'] }) })).status).toBe(201);
});
afterAll(() => s.stop());

const paramNames = (route: Route) => [...route.path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]);
const withParams = (route: Route, value: (name: string) => string) => route.path.replace(/\{(\w+)\+?\}/g, (_, n: string) => encodeURIComponent(value(n)));
const existing = (name: string) => (name === 'id' ? WEBHOOK : name === 'provider' ? 'github' : 'x');

async function call(route: Route, path: string) {
  const method = route.method === 'ANY' ? 'GET' : route.method;
  const hasBody = method !== 'GET' && method !== 'DELETE';
  const r = await s.admin(path, { method, ...(hasBody ? { body: '{}' } : {}) });
  const text = await r.text();
  return { status: r.status, text, body: (() => { try { return JSON.parse(text); } catch { return undefined; } })() as any };
}

function expectContractError(res: { status: number; text: string; body: any }, label: string) {
  if (res.status >= 500) throw new Error(`${label}: ${res.status} ${res.text.slice(0, 300)}`);
  if (res.status >= 400) expect(res.body).toEqual({ error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) } });
}

const parameterized = routes.filter((r) => paramNames(r).length > 0 && !r.path.includes('+}'));
const BAD_IDS: [string, string][] = [
  ['over DynamoDB key limits (3,000 characters)', 'k'.repeat(3000)],
  ['over the sort-key limit in bytes (600 three-byte characters)', '€'.repeat(600)],
  ['a lone surrogate', '\ud800'],
  ['control characters', 'a\u0000b\nc'],
];

describe('ids no key can hold', () => {
  it('covers every route with a path parameter', () => {
    expect(parameterized.length).toBeGreaterThan(25);
  });

  for (const [what, bad] of BAD_IDS) {
    it(`answers 4xx, never 5xx, on every route for an id ${what}`, async () => {
      const failures: string[] = [];
      for (const route of parameterized) {
        for (const name of paramNames(route)) {
          // Lone surrogates cannot be percent-encoded by encodeURIComponent: send the raw UTF-8 escape.
          const path =
            bad === '\ud800' ? withParams(route, (n) => (n === name ? '\u0000' : existing(n))).replace('%00', '%ED%A0%80') : withParams(route, (n) => (n === name ? bad : existing(n)));
          const res = await call(route, path);
          try {
            expectContractError(res, `${route.method} ${route.path} {${name}}`);
            expect(res.status).toBeGreaterThanOrEqual(400);
          } catch (err) {
            failures.push(`${route.method} ${route.path} {${name}}: ${res.status} ${res.text.slice(0, 200)}`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('answers 404 on the receiver for a webhook id longer than any key', async () => {
    const r = await fetch(`${s.url}/webhooks/github/${'w'.repeat(3000)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(404);
    expect(((await r.json()) as any).error.code).toBe('not_found');
  });

  it('answers 400 naming the field for body ids no key can hold', async () => {
    for (const action of ['comment', 'ask', 'respond']) {
      const field = action === 'comment' ? 'message' : action === 'ask' ? 'question' : 'response';
      const r = await s.admin(`/api/webhooks/${WEBHOOK}/${action}`, { method: 'POST', body: JSON.stringify({ event_id: 'e'.repeat(3000), [field]: 'hi' }) });
      expect(r.status).toBe(400);
      expect(((await r.json()) as any).error.details[0].path).toBe('event_id');
    }
  });
});

const listRoutes = routes.filter((r) => r.method === 'GET' && r.query?.shape && 'cursor' in r.query.shape);
const GARBAGE_CURSORS = ['x', 'AAAA', '!!!', Buffer.from('{"pk":"apikey","sk":"key_admin"}').toString('base64url'), Buffer.from('[]').toString('base64url'), 'eyJ9.abc', '%'];

describe('cursors', () => {
  it('covers every list with a cursor', () => {
    expect(listRoutes.map((r) => r.operation).sort()).toEqual(expect.arrayContaining(['listAudit', 'listDeliveries', 'listEvents', 'listKeys', 'listTasks', 'listWebhooks']));
  });

  it('answers 400 invalid_cursor for a cursor no list issued, on every list', async () => {
    const failures: string[] = [];
    for (const route of listRoutes) {
      for (const cursor of GARBAGE_CURSORS) {
        const path = withParams(route, (n) => (n === 'id' && route.path.startsWith('/api/subscriptions') ? subscriptionId : existing(n)));
        const res = await call(route, `${path}?cursor=${encodeURIComponent(cursor)}`);
        if (res.status !== 400 || res.body?.error?.code !== 'invalid_cursor') failures.push(`${route.operation} ${cursor}: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('never pages into another list: a cursor from one list is refused by every other', async () => {
    const next = async (path: string) => {
      const r = await s.admin(`${path}${path.includes('?') ? '&' : '?'}limit=1`);
      expect(r.status).toBe(200);
      const c = ((await r.json()) as { next_cursor: string | null }).next_cursor;
      expect(c).toEqual(expect.any(String));
      return c!;
    };
    const keys = await next('/api/keys');
    const webhooks = await next('/api/webhooks');
    const subs = await next('/api/subscriptions');
    const audit = await next('/api/audit');
    const refused = async (path: string, cursor: string) => {
      const r = await s.admin(`${path}${path.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(cursor)}`);
      expect([r.status, ((await r.json()) as any).error?.code]).toEqual([400, 'invalid_cursor']);
    };
    await refused('/api/audit', keys);
    await refused('/api/keys', audit);
    await refused('/api/webhooks', keys);
    await refused('/api/subscriptions', webhooks);
    await refused('/api/config/imports', subs);
    // The same list with another filter is another list.
    await refused(`/api/audit?resource_id=${WEBHOOK}`, audit);
    // A cursor is accepted by the list that issued it.
    expect((await s.admin(`/api/keys?cursor=${encodeURIComponent(keys)}`)).status).toBe(200);
  });
});

describe('answers produced outside a handler', () => {
  it('an undecodable path is a contract 404', async () => {
    const r = await fetch(`${s.url}/api/webhooks/%E0%A4%A`, { headers: { authorization: 'Bearer x' } });
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ error: { code: 'not_found', message: expect.any(String), details: [] } });
  });

  it("the gateway's own 413 for a body over its limit is a contract error", async () => {
    const r = await s.admin('/api/events', { method: 'POST', body: 'x'.repeat(10 * 1024 * 1024 + 1) });
    expect(r.status).toBe(413);
    expect(await r.json()).toEqual({ error: { code: 'payload_too_large', message: expect.any(String), details: [] } });
  });
});
