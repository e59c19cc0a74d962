import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/adapters/aws/clients';
import { DynamoAuditLog, DynamoSubscriptionStore, DynamoTenantStore } from '../../shared/adapters/aws/dynamo-config-store';
import { randomIds, systemClock } from '../../shared/clock';
import { SubscriptionCreate, type SubscriptionRecord } from '../../shared/model/subscription';
import { createTenant, deleteTenant } from '../../shared/usecases/tenants';
import { startTestStack } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';
import { startSink, type Sink } from '../support/sink';

// Tenants through the in-process local stack (real handlers, emulators, pollers): CRUD with
// versions, subscriptions bound to a tenant, and publishing per tenant.
type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
let sinkA: Sink;
let sinkB: Sink;
let sinkNone: Sink;

const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as any, etag: r.headers.get('etag') });
const post = (path: string, body: unknown) => s.admin(path, { method: 'POST', body: JSON.stringify(body) });

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_TARGETS = 'true';
  s = await startTestStack();
  [sinkA, sinkB, sinkNone] = await Promise.all([startSink(), startSink(), startSink()]);
});
afterAll(async () => {
  for (const k of [sinkA, sinkB, sinkNone]) k?.close();
  await s?.stop();
});

describe('tenants', () => {
  it('are created, read, listed, replaced with If-Match and deleted; bad input names its field', async () => {
    const created = await json(await post('/api/tenants', { tenant_id: 'crud-co', name: 'Crud Co', rate_limit: { per_second: 5, burst: 10 }, metadata: { plan: 'pro' } }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ tenant_id: 'crud-co', name: 'Crud Co', rate_limit: { per_second: 5, burst: 10 }, metadata: { plan: 'pro' }, version: 1 });
    expect(created.etag).toBe('"1"');
    expect((await post('/api/tenants', { tenant_id: 'crud-co', name: 'again' })).status).toBe(409);

    const bad = await json(await post('/api/tenants', { tenant_id: 'Not Valid', name: '' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['name', 'tenant_id']);

    expect((await json(await s.admin('/api/tenants/crud-co'))).body.name).toBe('Crud Co');
    expect((await s.admin('/api/tenants/nobody')).status).toBe(404);
    const listed = await json(await s.admin('/api/tenants?limit=100'));
    expect(listed.body.items.map((t: { tenant_id: string }) => t.tenant_id)).toContain('crud-co');

    const stale = await s.admin('/api/tenants/crud-co', { method: 'PUT', headers: { 'if-match': '"7"' }, body: JSON.stringify({ name: 'x' }) });
    expect(stale.status).toBe(412);
    const mismatch = await json(await s.admin('/api/tenants/crud-co', { method: 'PUT', body: JSON.stringify({ tenant_id: 'other', name: 'x' }) }));
    expect(mismatch.body.error.details[0].path).toBe('tenant_id');
    const replaced = await json(await s.admin('/api/tenants/crud-co', { method: 'PUT', headers: { 'if-match': '"1"' }, body: JSON.stringify({ name: 'Crud Corp' }) }));
    expect(replaced.body).toMatchObject({ name: 'Crud Corp', version: 2 });
    expect(replaced.body.rate_limit).toBeUndefined();

    expect((await s.admin('/api/tenants/crud-co', { method: 'DELETE', headers: { 'if-match': '"1"' } })).status).toBe(412);
    expect((await s.admin('/api/tenants/crud-co', { method: 'DELETE' })).status).toBe(204);
    expect((await s.admin('/api/tenants/crud-co')).status).toBe(404);
    const audit = await json(await s.admin('/api/audit?resource_id=crud-co'));
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(['tenant.delete', 'tenant.update', 'tenant.create']);
  });

  it('are admin-only', async () => {
    const key = await json(await post('/api/keys', { name: 'writer', scopes: ['read', 'write'] }));
    const r = await fetch(`${s.url}/api/tenants`, { headers: { authorization: `Bearer ${key.body.key}` } });
    expect(r.status).toBe(403);
  });
});

describe('subscriptions and publishing per tenant', () => {
  let subA: string;
  let subB: string;
  let subNone: string;

  beforeAll(async () => {
    for (const t of ['acme', 'globex']) expect((await post('/api/tenants', { tenant_id: t, name: t })).status).toBe(201);
    subA = (await json(await post('/api/subscriptions', { url: sinkA.url, events: ['order.*'], tenant_id: 'acme' }))).body.subscription_id;
    subB = (await json(await post('/api/subscriptions', { url: sinkB.url, events: ['order.*'], tenant_id: 'globex' }))).body.subscription_id;
    subNone = (await json(await post('/api/subscriptions', { url: sinkNone.url, events: ['order.*'] }))).body.subscription_id;
  });

  it('a subscription names an existing tenant (400 at tenant_id otherwise) that never changes', async () => {
    const missing = await json(await post('/api/subscriptions', { url: sinkA.url, events: ['*'], tenant_id: 'nobody' }));
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toBe('tenant_id');
    const badId = await json(await post('/api/subscriptions', { url: sinkA.url, events: ['*'], tenant_id: 'BAD ID' }));
    expect(badId.body.error.details[0].path).toBe('tenant_id');

    const a = await json(await s.admin(`/api/subscriptions/${subA}`));
    expect(a.body.tenant_id).toBe('acme');
    // The writable fields of what GET shows (server fields such as version or paused are not part of a PUT).
    const fields = Object.fromEntries(Object.entries(a.body as Record<string, unknown>).filter(([k]) => k in SubscriptionCreate.shape && k !== 'subscription_id' && k !== 'secret'));
    const moved = await json(await s.admin(`/api/subscriptions/${subA}`, { method: 'PUT', body: JSON.stringify({ ...fields, tenant_id: 'globex' }) }));
    expect(moved.status).toBe(400);
    expect(moved.body.error.details[0].path).toBe('tenant_id');
    const kept = await json(await s.admin(`/api/subscriptions/${subA}`, { method: 'PUT', body: JSON.stringify({ ...fields, description: 'acme orders' }) }));
    expect(kept.body).toMatchObject({ tenant_id: 'acme', description: 'acme orders' });
  });

  it("an event published with a tenant_id reaches only that tenant's subscriptions; one without reaches only subscriptions without a tenant", async () => {
    const toA = await json(await post('/api/events', { type: 'order.paid', data: { n: 1 }, tenant_id: 'acme' }));
    expect(toA).toMatchObject({ status: 202, body: { deliveries: 1 } });
    const toNone = await json(await post('/api/events', { type: 'order.paid', data: { n: 2 } }));
    expect(toNone.body.deliveries).toBe(1);
    const toB = await json(await post('/api/events', { type: 'order.paid', data: { n: 3 }, tenant_id: 'globex' }));
    expect(toB.body.deliveries).toBe(1);

    await pollUntil(async () => sinkA.hits.length >= 1 && sinkB.hits.length >= 1 && sinkNone.hits.length >= 1, 'the three deliveries');
    expect(sinkA.hits.map((h) => JSON.parse(h.body).data.n)).toEqual([1]);
    expect(sinkB.hits.map((h) => JSON.parse(h.body).data.n)).toEqual([3]);
    expect(sinkNone.hits.map((h) => JSON.parse(h.body).data.n)).toEqual([2]);
    expect(JSON.parse(sinkA.hits[0].body).subscription_id).toBe(subA);
    expect(JSON.parse(sinkB.hits[0].body).subscription_id).toBe(subB);
    expect(JSON.parse(sinkNone.hits[0].body).subscription_id).toBe(subNone);
  });

  it('idempotency ids are per tenant, and a tenant that does not exist is a 400 at tenant_id', async () => {
    const first = await json(await post('/api/events', { id: 'order-77', type: 'order.created', data: {}, tenant_id: 'acme' }));
    const again = await json(await post('/api/events', { id: 'order-77', type: 'order.created', data: {}, tenant_id: 'acme' }));
    const other = await json(await post('/api/events', { id: 'order-77', type: 'order.created', data: {}, tenant_id: 'globex' }));
    expect(first.status).toBe(202);
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(other.status).toBe(202);
    expect(other.body.event_id).not.toBe(first.body.event_id);

    const nobody = await json(await post('/api/events', { type: 'order.created', data: {}, tenant_id: 'nobody' }));
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.details[0].path).toBe('tenant_id');
    // A tenant with no subscriptions yet exists: nothing to deliver.
    expect((await post('/api/tenants', { tenant_id: 'initech', name: 'Initech' })).status).toBe(201);
    expect((await json(await post('/api/events', { type: 'order.created', data: {}, tenant_id: 'initech' }))).body.deliveries).toBe(0);
  });

  it('a new subscription of a tenant receives the very next publish; a deleted one nothing more', async () => {
    const extra = (await json(await post('/api/subscriptions', { url: sinkB.url, events: ['ship.*'], tenant_id: 'globex' }))).body.subscription_id;
    expect((await json(await post('/api/events', { type: 'ship.sent', data: {}, tenant_id: 'globex' }))).body.deliveries).toBe(1);
    expect((await s.admin(`/api/subscriptions/${extra}`, { method: 'DELETE' })).status).toBe(204);
    expect((await json(await post('/api/events', { type: 'ship.sent', data: {}, tenant_id: 'globex' }))).body.deliveries).toBe(0);
  });

  it('a tenant with subscriptions cannot be deleted (409 tenant_in_use) until they are gone', async () => {
    const refused = await json(await s.admin('/api/tenants/acme', { method: 'DELETE' }));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('tenant_in_use');
    expect(refused.body.error.message).toContain(subA);
    expect((await s.admin(`/api/subscriptions/${subA}`, { method: 'DELETE' })).status).toBe(204);
    expect((await s.admin('/api/tenants/acme', { method: 'DELETE' })).status).toBe(204);
    expect((await json(await post('/api/events', { type: 'order.paid', data: {}, tenant_id: 'acme' }))).status).toBe(400);
  });
});

describe('GET /api/subscriptions?tenant_id=', () => {
  it("lists one tenant's subscriptions, page by page, for admin and platform keys; a tenant-bound key sees only its own", async () => {
    await post('/api/tenants', { tenant_id: 'filter-a', name: 'Filter A' });
    await post('/api/tenants', { tenant_id: 'filter-b', name: 'Filter B' });
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await json(await post('/api/subscriptions', { url: `https://example.com/fa/${i}`, events: ['*'], tenant_id: 'filter-a' }))).body.subscription_id);
    const other = (await json(await post('/api/subscriptions', { url: 'https://example.com/fb', events: ['*'], tenant_id: 'filter-b' }))).body.subscription_id;
    const platform = (await json(await post('/api/keys', { name: 'filter-platform', scopes: ['read'] }))).body.key;
    const tenantB = (await json(await post('/api/keys', { name: 'filter-b', scopes: ['read'], tenant_id: 'filter-b' }))).body.key;
    const as = (key: string, path: string) => fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    const pages = async (get: (path: string) => Promise<Response>, tenant: string) => {
      const out: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 20; i++) {
        const page = (await (await get(`/api/subscriptions?tenant_id=${tenant}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)).json()) as any;
        out.push(...page.items.map((x: { subscription_id: string; tenant_id: string }) => `${x.tenant_id}/${x.subscription_id}`));
        cursor = page.next_cursor;
        if (!cursor) break;
      }
      return out.sort();
    };
    const want = made.map((id) => `filter-a/${id}`).sort();
    expect(await pages(s.admin, 'filter-a')).toEqual(want);
    expect(await pages((p) => as(platform, p), 'filter-a')).toEqual(want);
    expect(await pages((p) => as(tenantB, p), 'filter-a')).toEqual([]);
    expect(await pages((p) => as(tenantB, p), 'filter-b')).toEqual([`filter-b/${other}`]);
    expect(await pages(s.admin, 'nobody')).toEqual([]);
    const bad = await json(await s.admin('/api/subscriptions?tenant_id=Not%20Valid'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('tenant_id');
  });
});

describe('a tenant deleted while a subscription is being created for it', () => {
  type Send = DynamoDBDocumentClient['send'];
  /** Stores whose DynamoDB calls can be held at one command (the interleaving under test). */
  function stores(hold?: { when: (cmd: { input: Record<string, unknown> }) => boolean; until: Promise<void>; reached: () => void }) {
    const db = documentClient();
    const send = db.send.bind(db) as Send;
    const held = {
      send: (async (cmd: { input: Record<string, unknown> }) => {
        if (hold?.when(cmd)) {
          hold.reached();
          await hold.until;
        }
        return send(cmd as never);
      }) as unknown as Send,
    } as DynamoDBDocumentClient;
    const table = process.env.CONFIG_TABLE!;
    return { tenants: new DynamoTenantStore(db, table), subscriptions: new DynamoSubscriptionStore(held, table), audit: new DynamoAuditLog(db, table), clock: systemClock, ids: randomIds };
  }
  const record = (id: string, tenant: string): SubscriptionRecord =>
    ({ subscription_id: id, tenant_id: tenant, url: 'https://example.com/race', events: ['*'], enabled: true, secret: 'whsec_race', version: 1, created_at: new Date().toISOString(), updated_at: new Date().toISOString() }) as unknown as SubscriptionRecord;
  const isPutOf = (id: string) => (cmd: { input: Record<string, unknown> }) => (cmd.input.Item as { sk?: string } | undefined)?.sk === id;
  const isClosedCheckOf = (tenant: string) => (cmd: { input: Record<string, unknown> }) => (cmd.input.Key as { sk?: string } | undefined)?.sk === `subscriptions-generation#${tenant}` && cmd.input.ProjectionExpression !== undefined;
  const gate = () => {
    let open!: () => void;
    let reached!: () => void;
    const until = new Promise<void>((r) => (open = r));
    const atHold = new Promise<void>((r) => (reached = r));
    return { until, open, reached: () => reached(), atHold };
  };
  const admin = { key_id: 'key_admin', name: 'admin' };

  it('the delete runs between the index entry and the record: the tenant is deleted and the create is refused (409 tenant_deleted), leaving no subscription', async () => {
    const plain = stores();
    await createTenant(plain, admin, { tenant_id: 'race-one', name: 'Race one' });
    const g = gate();
    const creating = stores({ when: isPutOf('sub_race_one'), until: g.until, reached: g.reached }).subscriptions.create(record('sub_race_one', 'race-one')).then(
      () => 'created',
      (e: { code?: string }) => e.code,
    );
    await g.atHold;
    await deleteTenant(plain, admin, 'race-one');
    g.open();
    expect(await creating).toBe('tenant_deleted');
    expect(await plain.subscriptions.get('sub_race_one')).toBeNull();
    expect(await plain.tenants.get('race-one')).toBeNull();
  });

  it('the delete runs after the record is written: the delete is refused (409 tenant_in_use) and the subscription stays with its tenant', async () => {
    const plain = stores();
    await createTenant(plain, admin, { tenant_id: 'race-two', name: 'Race two' });
    const g = gate();
    const creating = stores({ when: isClosedCheckOf('race-two'), until: g.until, reached: g.reached }).subscriptions.create(record('sub_race_two', 'race-two'));
    await g.atHold;
    await expect(deleteTenant(plain, admin, 'race-two')).rejects.toMatchObject({ code: 'tenant_in_use' });
    g.open();
    await creating;
    expect((await plain.subscriptions.get('sub_race_two'))?.tenant_id).toBe('race-two');
    expect(await plain.tenants.get('race-two')).not.toBeNull();
    expect((await json(await post('/api/subscriptions', { url: 'https://example.com/after', events: ['*'], tenant_id: 'race-two' }))).status).toBe(201);
  });

  it('after the delete, a create that checked the tenant before it is refused; the tenant made again takes subscriptions again', async () => {
    const plain = stores();
    await createTenant(plain, admin, { tenant_id: 'race-three', name: 'Race three' });
    await deleteTenant(plain, admin, 'race-three');
    await expect(plain.subscriptions.create(record('sub_race_three', 'race-three'))).rejects.toMatchObject({ code: 'tenant_deleted', status: 409 });
    expect(await plain.subscriptions.get('sub_race_three')).toBeNull();
    await createTenant(plain, admin, { tenant_id: 'race-three', name: 'Race three again' });
    await plain.subscriptions.create(record('sub_race_three', 'race-three'));
    expect((await plain.subscriptions.get('sub_race_three'))?.tenant_id).toBe('race-three');
  });
});
