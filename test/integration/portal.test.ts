import { documentClient } from '../../shared/adapters/aws/clients';
import { DynamoApiKeyStore } from '../../shared/adapters/aws/dynamo-config-store';
import { startTestStack } from '../support/in-process-stack';

/*
 * Subscriber-portal links through the in-process stack: POST /api/tenants/{tenant_id}/portal-link
 * makes a short-lived token bound to one tenant, listed and revoked like an API key; it answers
 * 401 once expired or revoked; and it never shows in full in a log line or the audit log.
 */
type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
const logged: string[] = [];
const restore: (() => void)[] = [];

const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as any });
const post = (path: string, body: unknown) => s.admin(path, { method: 'POST', body: JSON.stringify(body) });
const as = (key: string, path: string, init: RequestInit = {}) => fetch(`${s.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });

/** Every line any handler, the gateway or the SDK writes while the test runs. */
function captureLogs(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      logged.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    restore.push(() => (stream.write = write));
  }
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      logged.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    };
    restore.push(() => (console[level] = original));
  }
}

beforeAll(async () => {
  process.env.HOOKLINE_ACCESS_LOG = 'true';
  captureLogs();
  s = await startTestStack({ pauseConsumers: true, log: (line) => logged.push(line) });
  for (const t of ['portal-a', 'portal-b']) expect((await post('/api/tenants', { tenant_id: t, name: t })).status).toBe(201);
});
afterAll(async () => {
  await s?.stop();
  restore.forEach((r) => r());
  delete process.env.HOOKLINE_ACCESS_LOG;
});

describe('POST /api/tenants/{tenant_id}/portal-link', () => {
  it('answers 201 with a console URL carrying the token in its fragment, expiring after expires_in_seconds (default 3600)', async () => {
    const before = Date.now();
    const link = await json(await post('/api/tenants/portal-a/portal-link', {}));
    expect(link.status).toBe(201);
    const url = new URL(link.body.url);
    expect(`${url.origin}/`).toBe(`${s.url}/`);
    expect(url.pathname).toBe('/portal');
    expect(url.search).toBe('');
    expect(url.hash).toBe(`#token=${link.body.token}`);
    expect(link.body.token).toMatch(/^hk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    const lifetime = Date.parse(link.body.expires_at) - before;
    expect(lifetime).toBeGreaterThan(3595_000);
    expect(lifetime).toBeLessThan(3605_000);
    const day = await json(await post('/api/tenants/portal-a/portal-link', { expires_in_seconds: 86_400 }));
    expect(Date.parse(day.body.expires_at) - before).toBeGreaterThan(86_395_000);
  });

  it('refuses a lifetime outside 60..86400 seconds, an unknown tenant, and keys without write or bound to a tenant', async () => {
    for (const bad of [{ expires_in_seconds: 59 }, { expires_in_seconds: 86_401 }, { expires_in_seconds: 'soon' }, { expires: 60 }]) {
      const r = await json(await post('/api/tenants/portal-a/portal-link', bad));
      expect(r.status).toBe(400);
      expect(r.body.error.details.map((d: { path: string }) => d.path)).toEqual([Object.keys(bad)[0] === 'expires' ? '(body)' : 'expires_in_seconds']);
    }
    expect((await post('/api/tenants/nobody/portal-link', {})).status).toBe(404);
    const writer = (await json(await post('/api/keys', { name: 'writer', scopes: ['write'] }))).body.key;
    const reader = (await json(await post('/api/keys', { name: 'reader', scopes: ['read'] }))).body.key;
    const tenantKey = (await json(await post('/api/keys', { name: 'tenant a', scopes: ['read', 'write'], tenant_id: 'portal-a' }))).body.key;
    expect((await as(writer, '/api/tenants/portal-a/portal-link', { method: 'POST', body: '{}' })).status).toBe(201);
    expect((await as(reader, '/api/tenants/portal-a/portal-link', { method: 'POST', body: '{}' })).status).toBe(403);
    expect((await as(tenantKey, '/api/tenants/portal-a/portal-link', { method: 'POST', body: '{}' })).status).toBe(403);
  });
});

describe('a portal token', () => {
  let subA = '';
  let subB = '';
  beforeAll(async () => {
    subA = (await json(await post('/api/subscriptions', { url: 'https://example.com/a', events: ['*'], tenant_id: 'portal-a' }))).body.subscription_id;
    subB = (await json(await post('/api/subscriptions', { url: 'https://example.com/b', events: ['*'], tenant_id: 'portal-b' }))).body.subscription_id;
  });

  it("works like a key bound to its tenant: only that tenant's subscriptions, another's are 404, everything else 403", async () => {
    const { token } = (await json(await post('/api/tenants/portal-a/portal-link', {}))).body;
    const list = await json(await as(token, '/api/subscriptions?limit=100'));
    expect(list.body.items.map((x: { subscription_id: string }) => x.subscription_id)).toEqual([subA]);
    expect((await as(token, `/api/subscriptions/${subA}`)).status).toBe(200);
    expect((await as(token, `/api/subscriptions/${subB}`)).status).toBe(404);
    const made = await json(await as(token, '/api/subscriptions', { method: 'POST', body: JSON.stringify({ url: 'https://example.com/made', events: ['order.*'], tenant_id: 'portal-b' }) }));
    expect(made.body.tenant_id).toBe('portal-a');
    expect((await as(token, '/api/event-types')).status).toBe(200);
    for (const path of ['/api/webhooks', '/api/keys', '/api/audit', '/api/tenants', '/api/queues/stats']) expect([path, (await as(token, path)).status]).toEqual([path, 403]);
    // It cannot mint further links (its lifetime is fixed when it is made).
    expect((await as(token, '/api/tenants/portal-a/portal-link', { method: 'POST', body: '{}' })).status).toBe(403);
  });

  it('is listed by GET /api/keys as kind portal with its expiry (masked), and DELETE /api/keys/{key_id} revokes it at once', async () => {
    const link = (await json(await post('/api/tenants/portal-a/portal-link', { expires_in_seconds: 600 }))).body;
    const listed = (await json(await s.admin('/api/keys?limit=100'))).body.items.find((k: { key_id: string }) => k.key_id === link.key_id);
    expect(listed).toMatchObject({ kind: 'portal', tenant_id: 'portal-a', scopes: ['read', 'write'], expires_at: link.expires_at, key: `hk_…${link.token.slice(-4)}` });
    expect((await as(link.token, '/api/subscriptions')).status).toBe(200);
    expect((await s.admin(`/api/keys/${link.key_id}`, { method: 'DELETE' })).status).toBe(204);
    const refused = await json(await as(link.token, '/api/subscriptions'));
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('unauthorized');
  });

  it('answers 401 token_expired once its expires_at has passed', async () => {
    const link = (await json(await post('/api/tenants/portal-a/portal-link', { expires_in_seconds: 60 }))).body;
    expect((await as(link.token, '/api/subscriptions')).status).toBe(200);
    // Time passes: the stored expiry is moved into the past (the authorizer reads it on every request).
    const keys = new DynamoApiKeyStore(documentClient(), process.env.CONFIG_TABLE!);
    const rec = (await keys.get(link.key_id))!;
    await keys.put({ ...rec, expires_at: new Date(Date.now() - 1000).toISOString() });
    const refused = await json(await as(link.token, '/api/subscriptions'));
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ code: 'token_expired', message: expect.stringContaining('expired') });
    const listed = (await json(await s.admin('/api/keys?limit=100'))).body.items.find((k: { key_id: string }) => k.key_id === link.key_id);
    expect(Date.parse(listed.expires_at)).toBeLessThan(Date.now());
  });

  it('never appears in full in a log line or in the audit log, through use, errors and revocation', async () => {
    const link = (await json(await post('/api/tenants/portal-a/portal-link', {}))).body;
    const token: string = link.token;
    await as(token, '/api/subscriptions');
    await as(token, `/api/subscriptions/${subB}`);
    await as(token, '/api/subscriptions', { method: 'POST', body: '{"url": 1}' });
    const made = (await json(await as(token, '/api/subscriptions', { method: 'POST', body: JSON.stringify({ url: 'https://example.com/audited', events: ['*'] }) }))).body;
    await as(token, `/api/subscriptions/${made.subscription_id}/rotate-secret`, { method: 'POST', body: '{}' });
    await as(token, '/api/webhooks');
    await s.admin(`/api/keys/${link.key_id}`, { method: 'DELETE' });
    await as(token, '/api/subscriptions');
    const audit = JSON.stringify((await json(await s.admin('/api/audit?limit=100'))).body);
    expect(audit).toContain(link.key_id);
    expect(audit).toContain(`hk_…${token.slice(-4)}`);
    expect(audit).toContain('portal portal-a');
    expect(audit).not.toContain(token);
    expect(audit).not.toContain(token.slice(20));
    // The capture works (the access log saw these requests), and none of it holds the token.
    const all = logged.join('\n');
    expect(all).toContain('/api/subscriptions');
    expect(all).not.toContain(token);
    expect(all).not.toContain(token.slice(20));
  });
});
