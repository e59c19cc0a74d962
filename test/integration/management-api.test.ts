import { startTestStack } from '../support/in-process-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;

beforeAll(async () => {
  s = await startTestStack({ pauseConsumers: true });
});
afterAll(() => s.stop());

const gh = (id: string, extra: Record<string, unknown> = {}) => ({
  webhook_id: id,
  name: `GitHub ${id}`,
  provider: 'github',
  commands: [{ trigger: 'issues.opened', action: 'create_task', agent: 'planning', template: 'Analyze issue: {{issue.title}}', conditions: { labels: ['bug'] } }],
  ...extra,
});

async function create(body: unknown) {
  const r = await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify(body) });
  return { status: r.status, headers: r.headers, body: (await r.json()) as any };
}

describe('auth', () => {
  it('answers 401 with the contract body without a key or with an unknown key', async () => {
    const none = await fetch(`${s.url}/api/webhooks`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String), details: [] } });
    const bad = await fetch(`${s.url}/api/webhooks`, { headers: { authorization: 'Bearer hk_aaaaaaaaaaaaaaaa_' + 'x'.repeat(43) } });
    expect(bad.status).toBe(401);
  });

  it('creates scoped keys, enforces scopes with 403, and revokes at once', async () => {
    const created = await s.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'reader', scopes: ['read'] }) });
    expect(created.status).toBe(201);
    const k = (await created.json()) as { key_id: string; key: string; scopes: string[] };
    expect(k.key).toMatch(/^hk_[a-z0-9]{16}_/);
    const asReader = (path: string, init: RequestInit = {}) =>
      fetch(`${s.url}${path}`, { ...init, headers: { authorization: `Bearer ${k.key}`, 'content-type': 'application/json' } });
    expect((await asReader('/api/webhooks')).status).toBe(200);
    const denied = await asReader('/api/webhooks', { method: 'POST', body: JSON.stringify(gh('nope')) });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as any).error.code).toBe('forbidden');
    expect((await asReader('/api/keys')).status).toBe(403);

    const list = (await (await s.admin('/api/keys')).json()) as { items: { key_id: string; key: string }[] };
    const listed = list.items.find((i) => i.key_id === k.key_id)!;
    expect(listed.key).toBe(`hk_…${k.key.slice(-4)}`);
    expect(JSON.stringify(list)).not.toContain(k.key);

    expect((await s.admin(`/api/keys/${k.key_id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await asReader('/api/webhooks')).status).toBe(401);
    expect((await s.admin(`/api/keys/${k.key_id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await s.admin('/api/keys/key_admin', { method: 'DELETE' })).status).toBe(409);
  });

  it('serves the OpenAPI document without a key', async () => {
    const r = await fetch(`${s.url}/api/openapi.json`);
    expect(r.status).toBe(200);
    expect(((await r.json()) as any).paths['/api/webhooks'].post.operationId).toBe('createWebhook');
  });

  it('answers unknown /api routes with a contract 404', async () => {
    const r = await s.admin('/api/nothing-here');
    expect(r.status).toBe(404);
    expect(((await r.json()) as any).error.code).toBe('not_found');
  });
});

describe('webhooks', () => {
  it('creates a webhook, returns the secret once, and masks it after', async () => {
    const c = await create(gh('wh-create'));
    expect(c.status).toBe(201);
    expect(c.headers.get('etag')).toBe('"1"');
    expect(c.body).toMatchObject({ webhook_id: 'wh-create', endpoint: '/webhooks/github/wh-create', url: `${s.url}/webhooks/github/wh-create`, enabled: true, version: 1, created_by: 'admin' });
    expect(c.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(c.body.commands[0].command_id).toMatch(/^cmd_/);
    const g = (await (await s.admin('/api/webhooks/wh-create')).json()) as any;
    expect(g.secret).toBe(`whsec_…${c.body.secret.slice(-4)}`);
  });

  it('generates an id when none is given and refuses duplicates with 409', async () => {
    const c = await create({ name: 'no id', provider: 'github' });
    expect(c.body.webhook_id).toMatch(/^github-[a-z0-9]{10}$/);
    expect((await create(gh('wh-dup'))).status).toBe(201);
    const again = await create(gh('wh-dup'));
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_exists');
  });

  it('rejects invalid bodies with field paths, malformed JSON and wrong content types', async () => {
    const bad = await create({ name: 'x', provider: 'github', commands: [{ trigger: 't', action: 'explode' }], ip_allowlist: ['nope'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_error');
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['commands.0.action', 'ip_allowlist.0']);
    const malformed = await s.admin('/api/webhooks', { method: 'POST', body: '{"name":' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).error.code).toBe('malformed_json');
    const form = await s.admin('/api/webhooks', { method: 'POST', body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(form.status).toBe(415);
  });

  it('paginates by cursor', async () => {
    for (const i of [1, 2, 3]) await create(gh(`page-${i}`));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = (await (await s.admin(`/api/webhooks?limit=2${cursor ? `&cursor=${cursor}` : ''}`)).json()) as any;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((w: { webhook_id: string }) => w.webhook_id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen).toEqual(expect.arrayContaining(['page-1', 'page-2', 'page-3']));
    expect(new Set(seen).size).toBe(seen.length);
    const badCursor = await s.admin('/api/webhooks?cursor=garbage');
    expect(badCursor.status).toBe(400);
    expect(((await s.admin('/api/webhooks?limit=0').then((r) => r.json())) as any).error.details[0].path).toBe('limit');
  });

  it('replaces with If-Match, answers 412 on a stale version, and keeps the secret when absent', async () => {
    const c = await create(gh('wh-put'));
    const put = (body: unknown, ifMatch?: string) =>
      s.admin('/api/webhooks/wh-put', { method: 'PUT', body: JSON.stringify(body), headers: ifMatch ? { 'if-match': ifMatch } : {} });
    const ok = await put({ ...gh('wh-put'), name: 'renamed' }, '"1"');
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe('"2"');
    const stale = await put({ ...gh('wh-put'), name: 'again' }, '1');
    expect(stale.status).toBe(412);
    expect(((await stale.json()) as any).error.code).toBe('version_mismatch');
    const mismatch = await put({ ...gh('other-id') });
    expect(mismatch.status).toBe(400);
    const noMatch = await put({ ...gh('wh-put'), webhook_id: undefined, name: 'bare' });
    expect(noMatch.status).toBe(200);
    const stored = (await (await s.admin('/api/webhooks/wh-put')).json()) as any;
    expect(stored).toMatchObject({ name: 'bare', version: 3, created_at: c.body.created_at });
    expect(stored.secret.slice(-4)).toBe(c.body.secret.slice(-4));
    const providerChange = await put({ ...gh('wh-put'), provider: 'custom', verification: { header: 'X-Sig' } });
    expect(providerChange.status).toBe(400);
  });

  it('enables, disables and deletes; unknown ids are 404', async () => {
    await create(gh('wh-toggle'));
    const off = (await (await s.admin('/api/webhooks/wh-toggle/disable', { method: 'POST' })).json()) as any;
    expect(off).toMatchObject({ enabled: false, version: 2 });
    const offAgain = (await (await s.admin('/api/webhooks/wh-toggle/disable', { method: 'POST' })).json()) as any;
    expect(offAgain.version).toBe(2);
    expect(((await (await s.admin('/api/webhooks/wh-toggle/enable', { method: 'POST' })).json()) as any).enabled).toBe(true);
    expect((await s.admin('/api/webhooks/wh-toggle', { method: 'DELETE', headers: { 'if-match': '"1"' } })).status).toBe(412);
    expect((await s.admin('/api/webhooks/wh-toggle', { method: 'DELETE' })).status).toBe(204);
    expect((await s.admin('/api/webhooks/wh-toggle')).status).toBe(404);
    expect((await s.admin('/api/webhooks/wh-toggle/enable', { method: 'POST' })).status).toBe(404);
  });

  it('rotates the secret, returning it once, with the previous one valid for the grace period', async () => {
    const c = await create(gh('wh-rotate'));
    const r = await s.admin('/api/webhooks/wh-rotate/rotate-secret', { method: 'POST', body: JSON.stringify({ grace_seconds: 600 }) });
    const body = (await r.json()) as any;
    expect(r.status).toBe(200);
    expect(body.secret).toMatch(/^whsec_/);
    expect(body.secret).not.toBe(c.body.secret);
    expect(Date.parse(body.previous_secret_expires_at) - Date.now()).toBeGreaterThan(590_000);
  });
});

describe('commands', () => {
  it('adds, lists, updates and deletes commands, bumping the webhook version', async () => {
    await create(gh('wh-cmd', { commands: [] }));
    const add = await s.admin('/api/webhooks/wh-cmd/commands', { method: 'POST', body: JSON.stringify({ command_id: 'cmd_first', trigger: 'push', action: 'comment', template: 'Thanks!' }) });
    expect(add.status).toBe(201);
    expect(((await add.json()) as any).command_id).toBe('cmd_first');
    const dup = await s.admin('/api/webhooks/wh-cmd/commands', { method: 'POST', body: JSON.stringify({ command_id: 'cmd_first', trigger: 'x', action: 'comment' }) });
    expect(dup.status).toBe(409);
    const upd = await s.admin('/api/webhooks/wh-cmd/commands/cmd_first', { method: 'PUT', body: JSON.stringify({ trigger: 'push', action: 'comment', priority: 3 }) });
    expect(((await upd.json()) as any).priority).toBe(3);
    const bad = await s.admin('/api/webhooks/wh-cmd/commands/cmd_first', { method: 'PUT', body: JSON.stringify({ trigger: 'push', action: 'forward' }) });
    expect(((await bad.json()) as any).error.details[0].path).toBe('forward_url');
    const list = await s.admin('/api/webhooks/wh-cmd/commands');
    expect(list.headers.get('etag')).toBe('"3"');
    expect(((await list.json()) as any).items).toHaveLength(1);
    expect((await s.admin('/api/webhooks/wh-cmd/commands/cmd_missing', { method: 'DELETE' })).status).toBe(404);
    expect((await s.admin('/api/webhooks/wh-cmd/commands/cmd_first', { method: 'DELETE' })).status).toBe(204);
    expect(((await (await s.admin('/api/webhooks/wh-cmd')).json()) as any).commands).toEqual([]);
  });
});

describe('audit', () => {
  it('records every change with actor, before and after, secrets masked, newest first', async () => {
    const c = await create(gh('wh-audit'));
    await s.admin('/api/webhooks/wh-audit/disable', { method: 'POST' });
    const page = (await (await s.admin('/api/audit?resource_id=wh-audit')).json()) as any;
    expect(page.items.map((e: { action: string }) => e.action)).toEqual(['webhook.disable', 'webhook.create']);
    expect(page.items[0]).toMatchObject({ actor: 'admin', actor_key_id: 'key_admin', resource_type: 'webhook', before: { enabled: true }, after: { enabled: false } });
    expect(JSON.stringify(page)).not.toContain(c.body.secret);
  });
});

describe('test deliveries', () => {
  it('sends a signed sample through the real receiver and returns its event id', async () => {
    await create(gh('wh-test'));
    const r = await s.admin('/api/webhooks/wh-test/test', { method: 'POST' });
    expect(r.status).toBe(202);
    const body = (await r.json()) as { event_id: string; receiver_status: number };
    expect(body).toEqual({ event_id: expect.stringMatching(/^evt_/), receiver_status: 202 });
    await s.admin('/api/webhooks/wh-test/disable', { method: 'POST' });
    const off = await s.admin('/api/webhooks/wh-test/test', { method: 'POST' });
    expect(off.status).toBe(409);
    expect((await s.admin('/api/webhooks/wh-none/test', { method: 'POST' })).status).toBe(404);
  });

  it('signs custom webhooks with their own scheme', async () => {
    const c = await create({
      webhook_id: 'wh-test-custom',
      name: 'custom',
      provider: 'custom',
      verification: { header: 'X-Sig', algorithm: 'sha512', encoding: 'base64', prefix: 'v1=', signed_payload: '{id}.{timestamp}.{body}', timestamp_header: 'X-Ts', id_header: 'X-Id' },
    });
    expect(c.status).toBe(201);
    const r = await s.admin('/api/webhooks/wh-test-custom/test', { method: 'POST' });
    expect(r.status).toBe(202);
  });
});
