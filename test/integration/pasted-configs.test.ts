import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliAgainst } from '../support/cli';
import { startTestStack, TEST_ADMIN_KEY } from '../support/in-process-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
let dir: string;
beforeAll(async () => {
  s = await startTestStack({ pauseConsumers: true });
  dir = mkdtempSync(join(tmpdir(), 'hookline-pasted-'));
});
afterAll(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await s.admin(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }), headers });
  return { status: r.status, body: (r.status === 204 ? null : await r.json()) as any };
}
const cli = cliAgainst(() => s.url, TEST_ADMIN_KEY);

const tracker = {
  webhook_id: 'rt-issues',
  name: 'Round trip',
  provider: 'github',
  reply: { token: 'ghp_roundtrip0123456789', bot_user: 'hookline-bot' },
  commands: [{ trigger: 'issues.opened', action: 'create_task', agent: 'planning', template: 'Analyze issue: {{issue.title}}' }],
};

describe('server fields sent back', () => {
  it('round-trips GET -> edit -> PUT with endpoint, url, timestamps, version and masked secrets', async () => {
    expect((await call('POST', '/api/webhooks', tracker)).status).toBe(201);
    await call('POST', '/api/webhooks/rt-issues/rotate-secret', { grace_seconds: 3600 });
    const got = (await call('GET', '/api/webhooks/rt-issues')).body;
    expect(got).toMatchObject({ endpoint: '/webhooks/github/rt-issues', secret: expect.stringContaining('…'), reply: { token: expect.stringContaining('…') }, previous_secret_expires_at: expect.any(String) });
    const put = await call('PUT', '/api/webhooks/rt-issues', { ...got, name: 'Round trip (edited)' });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'Round trip (edited)', version: got.version + 1, secret: got.secret, reply: { token: got.reply.token }, previous_secret_expires_at: got.previous_secret_expires_at });
  });

  it('answers 412 to a PUT of a stale copy and 400 naming a contradicting endpoint', async () => {
    const got = (await call('GET', '/api/webhooks/rt-issues')).body;
    const stale = await call('PUT', '/api/webhooks/rt-issues', { ...got, version: got.version - 1 });
    expect(stale.status).toBe(412);
    expect(stale.body.error).toMatchObject({ code: 'version_mismatch', details: [{ path: 'version', message: expect.any(String) }] });
    const other = await call('PUT', '/api/webhooks/rt-issues', { ...got, endpoint: '/webhooks/jira/rt-issues' });
    expect(other.status).toBe(400);
    expect(other.body.error.details).toEqual([{ path: 'endpoint', message: expect.stringContaining('/webhooks/github/rt-issues') }]);
  });

  it('takes a create id from the endpoint when webhook_id is absent', async () => {
    const r = await call('POST', '/api/webhooks', { name: 'From endpoint', provider: 'slack', endpoint: '/webhooks/slack/from-endpoint' });
    expect(r.status).toBe(201);
    expect(r.body.webhook_id).toBe('from-endpoint');
  });

  it('applies a GET response saved as a config file with the CLI (then unchanged)', async () => {
    const shown = await cli('webhooks', 'show', 'rt-issues', '--json');
    const got = JSON.parse(shown.out);
    writeFileSync(join(dir, 'rt-issues.json'), JSON.stringify({ ...got, name: 'Round trip (from a file)' }));
    const applied = await cli('apply', '-f', dir);
    expect(applied).toMatchObject({ code: 0, out: '~ update rt-issues (name)' });
    expect((await cli('apply', '-f', dir)).out).toBe('= unchanged rt-issues');
    const after = (await call('GET', '/api/webhooks/rt-issues')).body;
    expect(after).toMatchObject({ name: 'Round trip (from a file)', secret: got.secret, reply: { token: got.reply.token } });
  });
});

describe('Slack channel names on save', () => {
  const slackHook = { webhook_id: 'sl-names', name: 'Slack names', provider: 'slack', commands: [{ trigger: 'message.channels', action: 'respond', template: 'Processing your request: {{text}}', conditions: { channel: '#engineering' } }] };

  it('answers 400 for a channel name without reply.token, and accepts it with one (also kept across a PUT without the token)', async () => {
    const refused = await call('POST', '/api/webhooks', slackHook);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([{ path: 'commands.0.conditions.channel', message: expect.stringContaining("Slack's Events API sends channel ids") }]);
    expect((await call('POST', '/api/webhooks', { ...slackHook, reply: { token: 'xoxb-names' } })).status).toBe(201);
    const got = (await call('GET', '/api/webhooks/sl-names')).body;
    expect((await call('PUT', '/api/webhooks/sl-names', { ...got, reply: {} })).status).toBe(200);
  });

  it('names the field of an added command relative to the command', async () => {
    expect((await call('POST', '/api/webhooks', { webhook_id: 'sl-names-2', name: 'x', provider: 'slack' })).status).toBe(201);
    const r = await call('POST', '/api/webhooks/sl-names-2/commands', { trigger: 'app_mention', action: 'respond', conditions: { channel: 'engineering' } });
    expect(r.status).toBe(400);
    expect(r.body.error.details[0].path).toBe('conditions.channel');
    expect((await call('POST', '/api/webhooks/sl-names-2/commands', { trigger: 'slash_command', action: 'respond', conditions: { channel: '#engineering' } })).status).toBe(201);
  });
});

describe('save-time lint', () => {
  const jiraHook = (template: string) => ({ webhook_id: 'lint-jira', name: 'Jira lint', provider: 'jira', commands: [{ trigger: 'jira:issue_created', action: 'create_task', agent: 'planning', template }] });
  const typo = { path: 'commands.0.template', message: 'issue.summry is not in jira:issue_created payloads; did you mean issue.summary?' };

  it('answers create and replace with warnings for paths no payload has, and none through an alias', async () => {
    const created = await call('POST', '/api/webhooks', jiraHook('New Jira ticket: {{issue.key}} - {{issue.summry}}'));
    expect(created.status).toBe(201);
    expect(created.body.warnings).toEqual([typo]);
    const replaced = await call('PUT', '/api/webhooks/lint-jira', jiraHook('New Jira ticket: {{issue.key}} - {{issue.summary}}'));
    expect(replaced.status).toBe(200);
    expect(replaced.body.warnings).toBeUndefined();
    expect((await call('GET', '/api/webhooks/lint-jira')).body.warnings).toBeUndefined();
  });

  it('answers an added or updated command with warnings relative to the command', async () => {
    const added = await call('POST', '/api/webhooks/lint-jira/commands', { trigger: 'jira:*', action: 'comment', template: 'Status {{issue.state}}', conditions: { all: [{ field: 'issue.fields.prio', op: 'exists' }] } });
    expect(added.status).toBe(201);
    expect(added.body.warnings).toEqual([
      { path: 'template', message: 'issue.state is not in jira:issue_created, jira:issue_updated payloads; did you mean issue.status?' },
      { path: 'conditions.all.0.field', message: 'issue.fields.prio is not in jira:issue_created, jira:issue_updated payloads; did you mean issue.fields.priority?' },
    ]);
    const updated = await call('PUT', `/api/webhooks/lint-jira/commands/${added.body.command_id}`, { trigger: 'jira:*', action: 'comment', template: 'Status {{issue.status}}' });
    expect(updated).toMatchObject({ status: 200, body: { template: 'Status {{issue.status}}' } });
    expect(updated.body.warnings).toBeUndefined();
  });

  it("shows the warnings in the CLI's plan", async () => {
    const d = join(dir, 'lint');
    mkdirSync(d);
    writeFileSync(join(d, 'lint-plan.json'), JSON.stringify({ name: 'plan', provider: 'jira', commands: [{ trigger: 'jira:issue_created', action: 'create_task', agent: 'planning', template: '{{issue.summry}}' }] }));
    const r = await cli('apply', '-f', d, '--dry-run');
    expect(r).toMatchObject({ code: 0, out: `+ create lint-plan\n    warning commands.0.template: ${typo.message}` });
    expect(JSON.parse((await cli('apply', '-f', d, '--dry-run', '--json')).out).plan).toEqual([{ kind: 'create', id: 'lint-plan', warnings: [typo] }]);
  });
});
