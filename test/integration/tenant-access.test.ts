import { REQUEST_EXAMPLES } from '../../shared/openapi-examples';
import { routes, type Route } from '../../shared/routes';
import { startTestStack, TEST_ADMIN_KEY } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';

/*
 * The access matrix of tenant-bound keys, generated from the route table: every route that needs
 * a key x {admin, platform key (read+write, no tenant), tenant A's key, tenant A's portal token,
 * tenant B's key}, each request aimed at tenant A's records. Expected, per cell:
 *   admin     never 401/403
 *   platform  never 401/403 on read/write routes; 403 on admin/agent routes
 *   tenant A  2xx on the routes marked `tenant` (its own records); 403 on every other route
 *   portal A  exactly as tenant A's key (a portal link's token is a tenant-bound key that expires)
 *   tenant B  404 on marked routes that name a record (A's: no existence leak), 2xx on marked
 *             routes without one (lists, previews, its own creations); 403 on every other route
 */
type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
const keys: Record<'platform' | 'tenantA' | 'portalA' | 'tenantB', string> = { platform: '', tenantA: '', portalA: '', tenantB: '' };
let subA = '';
let deliveryA = '';

const post = async (path: string, body: unknown) => {
  const r = await s.admin(path, { method: 'POST', body: JSON.stringify(body) });
  const json = (await r.json()) as any;
  if (r.status >= 300) throw new Error(`${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
};
const aSubscription = async () => (await post('/api/subscriptions', { url: 'https://example.com/a', events: ['order.*'], tenant_id: 'tenant-a' })).subscription_id as string;

beforeAll(async () => {
  s = await startTestStack({ pauseConsumers: true });
  await post('/api/tenants', { tenant_id: 'tenant-a', name: 'A' });
  await post('/api/tenants', { tenant_id: 'tenant-b', name: 'B' });
  keys.platform = (await post('/api/keys', { name: 'platform', scopes: ['read', 'write'] })).key;
  keys.tenantA = (await post('/api/keys', { name: 'a', scopes: ['read', 'write'], tenant_id: 'tenant-a' })).key;
  keys.tenantB = (await post('/api/keys', { name: 'b', scopes: ['write'], tenant_id: 'tenant-b' })).key;
  keys.portalA = (await post('/api/tenants/tenant-a/portal-link', {})).token;
  subA = await aSubscription();
  await post('/api/events', { type: 'order.paid', data: {}, tenant_id: 'tenant-a' });
  deliveryA = await pollUntil(async () => (((await (await s.admin(`/api/subscriptions/${subA}/deliveries`)).json()) as any).items[0]?.delivery_id as string) || undefined, "tenant A's delivery");
});
afterAll(() => s?.stop());

/** Path parameters aimed at tenant A's records (a fresh subscription for DELETE); other resources need not exist. */
async function pathOf(route: Route): Promise<string> {
  const subId = route.method === 'DELETE' && route.path.startsWith('/api/subscriptions/') ? await aSubscription() : subA;
  const values: Record<string, string> = { delivery_id: deliveryA, tenant_id: 'tenant-a', key_id: 'key_none', cmd_id: 'cmd_none', event_id: 'evt_none', task_id: 'task_none', question_id: 'q_none' };
  return route.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'id' ? (route.path.startsWith('/api/subscriptions/') ? subId : 'wh-none') : values[name]));
}

async function call(route: Route, key: string): Promise<number> {
  const body = REQUEST_EXAMPLES[route.operation] ?? (route.body ? {} : undefined);
  const r = await fetch(`${s.url}${await pathOf(route)}`, {
    method: route.method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  await r.arrayBuffer();
  return r.status;
}

const keyed = routes.filter((r) => r.scope !== null && r.method !== 'ANY');
const namesRecord = (r: Route) => /\{(id|delivery_id)\}/.test(r.path);

describe.each(keyed.map((r) => [`${r.method} ${r.path}`, r] as const))('%s', (_name, route) => {
  it(route.tenant ? (namesRecord(route) ? 'tenant A 2xx, tenant B 404' : 'tenant A and B 2xx') : 'tenant keys 403', async () => {
    const cells: Record<string, number> = {};
    // Tenant B and the platform key first: they must change nothing of A's.
    cells.tenantB = await call(route, keys.tenantB);
    cells.platform = await call(route, keys.platform);
    cells.tenantA = await call(route, keys.tenantA);
    cells.portalA = await call(route, keys.portalA);
    cells.admin = await call(route, TEST_ADMIN_KEY);
    const expected = {
      admin: 'allowed',
      platform: route.scope === 'read' || route.scope === 'write' ? 'allowed' : '403',
      tenantA: route.tenant ? '2xx' : '403',
      portalA: route.tenant ? '2xx' : '403',
      tenantB: route.tenant ? (namesRecord(route) ? '404' : '2xx') : '403',
    };
    const verdict = (status: number, want: string) => (want === 'allowed' ? status !== 401 && status !== 403 : want === '2xx' ? status >= 200 && status < 300 : status === Number(want));
    const wrong = Object.entries(expected).filter(([who, want]) => !verdict(cells[who], want)).map(([who, want]) => `${who}: wanted ${want}, got ${cells[who]}`);
    expect(wrong).toEqual([]);
  });
});

describe('tenant-bound keys', () => {
  const as = (key: string, path: string, init: RequestInit = {}) => fetch(`${s.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, ...(init.body ? { 'content-type': 'application/json' } : {}) } });

  it('are made for an existing tenant with the scopes read and write only', async () => {
    const admin = await s.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'x', scopes: ['admin'], tenant_id: 'tenant-a' }) });
    expect(admin.status).toBe(400);
    expect(((await admin.json()) as any).error.details[0].path).toBe('scopes');
    const missing = await s.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'x', scopes: ['read'], tenant_id: 'nobody' }) });
    expect(((await missing.json()) as any).error.details[0].path).toBe('tenant_id');
    const listed = ((await (await s.admin('/api/keys?limit=100')).json()) as any).items.find((k: { name: string }) => k.name === 'a');
    expect(listed.tenant_id).toBe('tenant-a');
  });

  it("list only their tenant's subscriptions, page by page, and what they create belongs to their tenant whatever the body says", async () => {
    const made = (await (await as(keys.tenantB, '/api/subscriptions', { method: 'POST', body: JSON.stringify({ url: 'https://example.com/b', events: ['*'], tenant_id: 'tenant-a' }) })).json()) as any;
    expect(made.tenant_id).toBe('tenant-b');
    const ids = async (key: string) => {
      const out: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 50; i++) {
        const page = (await (await as(key, `/api/subscriptions?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json()) as any;
        out.push(...page.items.map((x: { subscription_id: string; tenant_id: string }) => `${x.tenant_id}/${x.subscription_id}`));
        cursor = page.next_cursor;
        if (!cursor) break;
      }
      return out;
    };
    const a = await ids(keys.tenantA);
    const b = await ids(keys.tenantB);
    expect(a).toContain(`tenant-a/${subA}`);
    expect(a.every((x) => x.startsWith('tenant-a/'))).toBe(true);
    expect(b.every((x) => x.startsWith('tenant-b/'))).toBe(true);
    expect(b).toContain(`tenant-b/${made.subscription_id}`);
    expect(new Set(a).size).toBe(a.length);
    const bad = await as(keys.tenantB, '/api/subscriptions?cursor=bm9wZQ');
    expect(bad.status).toBe(400);
  });
});
