import { HooklineError } from '../../../shared/errors';
import { maskSecret } from '../../../shared/mask';
import { WebhookCreate, type WebhookRecord } from '../../../shared/model/webhook';
import { idFromServerFields, reconcileServerFields } from '../../../shared/usecases/server-fields';

const stored: WebhookRecord = {
  webhook_id: 'github-issues-001',
  name: 'GitHub Issue Tracker',
  provider: 'github',
  secret: 'whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0',
  previous_secrets: [],
  enabled: true,
  commands: [],
  reply: { token: 'ghp_0123456789abcdef', bot_user: 'hookline-bot' },
  created_at: '2026-12-01T08:00:00.000Z',
  created_by: 'admin',
  updated_at: '2026-12-01T09:00:00.000Z',
  updated_by: 'admin',
  version: 3,
};
const receiverUrl = 'https://hooks.example.com';
const at = (existing: WebhookRecord | null) => ({ webhook_id: 'github-issues-001', provider: 'github', receiverUrl, existing });
const body = (extra: Record<string, unknown>) => WebhookCreate.parse({ name: 'GitHub Issue Tracker', provider: 'github', ...extra });
const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e as HooklineError;
  }
  throw new Error('expected an error');
};

describe('server fields in a create, replace or config file', () => {
  it('accepts and drops every server field that agrees with the stored webhook (GET -> PUT)', () => {
    const got = body({
      webhook_id: 'github-issues-001',
      endpoint: '/webhooks/github/github-issues-001',
      url: 'https://hooks.example.com/webhooks/github/github-issues-001',
      secret: maskSecret(stored.secret),
      reply: { token: maskSecret(stored.reply!.token!), bot_user: 'hookline-bot' },
      created_at: stored.created_at,
      created_by: 'admin',
      updated_at: stored.updated_at,
      version: 3,
      previous_secret_expires_at: '2026-12-02T00:00:00.000Z',
    });
    const out = reconcileServerFields(got, at(stored));
    expect(out).toEqual({ webhook_id: 'github-issues-001', name: 'GitHub Issue Tracker', provider: 'github', enabled: true, commands: [], reply: { bot_user: 'hookline-bot' } });
  });

  it('refuses an endpoint of another provider or id, naming the field', () => {
    const e = errorOf(() => reconcileServerFields(body({ endpoint: '/webhooks/jira/github-issues-001' }), at(stored)));
    expect(e.status).toBe(400);
    expect(e.details).toEqual([{ path: 'endpoint', message: expect.stringContaining('"/webhooks/github/github-issues-001"') }]);
    expect(errorOf(() => reconcileServerFields(body({ url: 'https://other.example.com/webhooks/github/github-issues-001' }), at(stored))).details[0].path).toBe('url');
  });

  it('answers 412 for a stale version or updated_at, like a stale If-Match', () => {
    const e = errorOf(() => reconcileServerFields(body({ version: 2 }), at(stored)));
    expect(e).toMatchObject({ status: 412, code: 'version_mismatch' });
    expect(e.details[0].path).toBe('version');
    expect(errorOf(() => reconcileServerFields(body({ updated_at: '2026-12-01T08:30:00.000Z' }), at(stored))).status).toBe(412);
  });

  it('refuses created_at and created_by that are not the stored ones', () => {
    const e = errorOf(() => reconcileServerFields(body({ created_at: '2020-01-01T00:00:00.000Z', created_by: 'someone' }), at(stored)));
    expect(e.details.map((d) => d.path)).toEqual(['created_at', 'created_by']);
  });

  it('refuses a masked secret or token that is not the mask of the held one', () => {
    expect(errorOf(() => reconcileServerFields(body({ secret: 'whsec_…ZZZZ' }), at(stored))).details[0]).toEqual({ path: 'secret', message: expect.stringContaining('omit secret to keep') });
    expect(errorOf(() => reconcileServerFields(body({ reply: { token: 'ghp_…zzzz' } }), at(stored))).details[0].path).toBe('reply.token');
  });

  it('on create, ignores timestamps and version, checks endpoint against the new id, and refuses a masked secret', () => {
    const out = reconcileServerFields(body({ endpoint: '/webhooks/github/github-issues-001', created_at: 'x', created_by: 'y', updated_at: 'z', version: 9 }), at(null));
    expect(out).toEqual({ name: 'GitHub Issue Tracker', provider: 'github', enabled: true, commands: [] });
    expect(errorOf(() => reconcileServerFields(body({ secret: 'whsec_…X7aQ' }), at(null))).details[0].path).toBe('secret');
  });

  it('keeps a full secret and token (a real change)', () => {
    const out = reconcileServerFields(body({ secret: 'your-webhook-secret', reply: { token: 'xoxb-new' } }), at(stored));
    expect(out).toMatchObject({ secret: 'your-webhook-secret', reply: { token: 'xoxb-new' } });
  });

  it('reads the webhook id of a create from its endpoint or url', () => {
    expect(idFromServerFields({ endpoint: '/webhooks/slack/slack-alerts-001' })).toBe('slack-alerts-001');
    expect(idFromServerFields({ url: 'https://h.example/webhooks/jira/jira-automation-001/' })).toBe('jira-automation-001');
    expect(idFromServerFields({})).toBeUndefined();
  });
});
