import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { buildProgram, CLI_EXCLUDED_OPERATIONS, runCli } from '../../shared/cli/program';
import { deliveryHeaders } from '../../shared/delivery/signing';
import { routes } from '../../shared/routes';
import { pollUntil } from '../support/poll';
import { startSink, type Sink } from '../support/sink';
import { cliAgainst } from '../support/cli';
import { startTestStack, TEST_ADMIN_KEY } from '../support/in-process-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
let sink: Sink;
let dir: string;
beforeAll(async () => {
  process.env.ALLOW_PRIVATE_TARGETS = 'true'; // the subscribers (a sink, hookline listen) live on loopback
  s = await startTestStack();
  sink = await startSink();
  dir = mkdtempSync(join(tmpdir(), 'hookline-cli2-'));
});
afterAll(async () => {
  sink.close();
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = cliAgainst(() => s.url, TEST_ADMIN_KEY);
const jsonOf = async (...argv: string[]) => {
  const r = await cli('--json', ...argv);
  if (r.code !== 0) throw new Error(`hookline ${argv.join(' ')} exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out);
};

describe('the CLI covers the API', () => {
  it('has a command for every operation of the route table, except the reasoned exclusions', () => {
    const { covered } = buildProgram({ out: () => undefined, err: () => undefined, env: {} }, undefined, async () => undefined);
    const missing = routes.map((r) => r.operation).filter((op) => !covered.has(op) && !(op in CLI_EXCLUDED_OPERATIONS));
    expect(missing).toEqual([]);
    for (const op of Object.keys(CLI_EXCLUDED_OPERATIONS)) expect(routes.map((r) => r.operation)).toContain(op);
  });

  it('gives every command a description and an example in its help', async () => {
    const { program, examples } = buildProgram({ out: () => undefined, err: () => undefined, env: {} }, undefined, async () => undefined);
    const leaves: string[] = [];
    for (const c of program.commands) {
      if (c.commands.length) for (const sub of c.commands) leaves.push(`${c.name()} ${sub.name()}`);
      else leaves.push(c.name());
    }
    expect(leaves.filter((l) => !examples.get(l)?.startsWith('hookline '))).toEqual([]);
    const help = await cli('subscriptions', 'recover', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Example:\n  $ hookline subscriptions recover sub_');
    const top = await cli('--help');
    expect(top.out).toMatch(/Exit codes:\n  0 .*\n  1 .*\n  2 /);
  });
});

describe('the CLI, used by a person or a script', () => {
  it('creates and edits webhooks and commands, previews a command, and never cuts an id, secret or URL', async () => {
    const id = `cli-webhook-with-a-rather-long-identifier-${'x'.repeat(12)}`;
    const created = await cli('webhooks', 'create', '--provider', 'github', '--name', 'CLI hook', '--id', id, '--secret', 'cli-github-secret-0123456789');
    expect(created.code).toBe(0);
    expect(created.out).toContain(`${s.url}/webhooks/github/${id}`);
    expect(created.out).toContain('cli-github-secret-0123456789');
    expect((await cli('webhooks', 'list')).out).toContain(`${s.url}/webhooks/github/${id}`);

    const cmd = await jsonOf('commands', 'add', id, '--trigger', 'issues.opened', '--action', 'create_task', '--agent', 'cli-agent', '--template', 'Fix: {{issue.title}}');
    expect(cmd.command_id).toMatch(/^cmd_/);
    const edited = await jsonOf('commands', 'edit', id, cmd.command_id, '--template', 'Urgent: {{issue.title}}');
    expect(edited).toMatchObject({ command_id: cmd.command_id, template: 'Urgent: {{issue.title}}', agent: 'cli-agent' });
    const payload = join(dir, 'issue.json');
    writeFileSync(payload, JSON.stringify({ action: 'opened', issue: { number: 1, title: 'Boom' }, repository: { full_name: 'a/b' }, sender: { login: 'x' } }));
    const preview = await cli('commands', 'preview', id, '--command-id', cmd.command_id, '--payload', payload, '--event-type', 'issues.opened');
    expect(preview).toMatchObject({ code: 0 });
    expect(preview.out).toContain('MATCHES');
    expect(preview.out).toContain('Urgent: Boom');

    const renamed = await jsonOf('webhooks', 'edit', id, '--name', 'CLI hook (renamed)');
    expect(renamed).toMatchObject({ name: 'CLI hook (renamed)', commands: [{ command_id: cmd.command_id }] });
    const rotated = await jsonOf('webhooks', 'rotate-secret', id, '--grace', '60');
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(await jsonOf('webhooks', 'disable', id)).toMatchObject({ enabled: false });
    expect(await jsonOf('webhooks', 'enable', id)).toMatchObject({ enabled: true });
    expect((await jsonOf('commands', 'list', id)).length).toBe(1);
    expect((await cli('commands', 'delete', id, cmd.command_id)).code).toBe(0);
    expect(await jsonOf('audit', '--resource', id)).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'webhook.create' })]));
    expect((await cli('webhooks', 'delete', id)).code).toBe(0);

    const key = await cli('keys', 'create', '--name', 'a-bot-with-a-long-name-for-the-table', '--scopes', 'read');
    const full = /hk_[A-Za-z0-9_-]+/.exec(key.out)![0];
    expect(full.length).toBeGreaterThan(60);
    expect(key.out).toContain(full);
  });

  it('claims a task for one caller only, explains who was faster, and finishes it', async () => {
    const secret = 'cli-task-secret-0123456789';
    await jsonOf('webhooks', 'create', '--provider', 'github', '--name', 'tasks', '--id', 'cli-tasks', '--secret', secret, '--data', JSON.stringify({ commands: [{ trigger: 'issues.opened', action: 'create_task', agent: 'cli-claimer' }] }));
    const body = JSON.stringify({ action: 'opened', issue: { number: 5, title: 'Claim me' }, repository: { full_name: 'a/b' }, sender: { login: 'x' } });
    const res = await fetch(`${s.url}/webhooks/github/cli-tasks`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': 'cli-task-1', 'x-hub-signature-256': await sign(secret, body) }, body });
    expect(res.status).toBe(202);
    const task = await pollUntil(async () => (await jsonOf('tasks', 'list', '--agent', 'cli-claimer', '--status', 'pending'))[0], 'a pending task');
    const [a, b] = await Promise.all([cli('--json', 'tasks', 'claim', task.task_id), cli('--json', 'tasks', 'claim', task.task_id)]);
    const codes = [a.code, b.code].sort();
    expect(codes).toEqual([0, 1]);
    const loser = a.code === 1 ? a : b;
    expect(loser.err).toMatch(/already claimed: someone else was faster/);
    const again = await cli('tasks', 'claim', task.task_id);
    expect(again).toMatchObject({ code: 1, err: expect.stringContaining('already claimed') });
    expect(await jsonOf('tasks', 'show', task.task_id)).toMatchObject({ status: 'claimed' });
    expect(await jsonOf('tasks', 'done', task.task_id, '--result', '{"summary":"fixed"}')).toMatchObject({ status: 'done', result: { summary: 'fixed' } });
    const events = await jsonOf('events', 'list', 'cli-tasks');
    expect(events[0]).toMatchObject({ event_type: 'issues.opened' });
    expect(await jsonOf('events', 'show', 'cli-tasks', events[0].event_id)).toMatchObject({ payload: { issue: { title: 'Claim me' } } });
    expect((await jsonOf('events', 'replay', 'cli-tasks', events[0].event_id)).event_id).toMatch(/^evt_/);
    expect(await jsonOf('questions', 'list')).toEqual(expect.any(Array));
    expect(await jsonOf('imports')).toEqual(expect.any(Array));
  });

  it('manages subscriptions and deliveries end to end, with a long URL printed whole', async () => {
    const url = `${sink.url}/${'a-very-long-path-segment'.repeat(3)}`;
    const sub = await jsonOf('subscriptions', 'create', '--endpoint', url, '--events', 'cli.*', '--description', 'CLI test');
    expect(sub.secret).toMatch(/^whsec_/);
    expect((await cli('subscriptions', 'list')).out).toContain(url);
    expect(await jsonOf('subscriptions', 'edit', sub.subscription_id, '--events', 'cli.*,other.*')).toMatchObject({ events: ['cli.*', 'other.*'] });
    const published = await jsonOf('publish', 'cli.happened', '--data', '{"n":1}', '--id', 'cli-pub-1');
    expect(published).toMatchObject({ deliveries: 1 });
    const delivered = await pollUntil(async () => (await jsonOf('deliveries', 'list', sub.subscription_id)).find((d: { status: string; event_type: string }) => d.status === 'success' && d.event_type === 'cli.happened'), 'a successful delivery');
    const shown = await cli('deliveries', 'show', delivered.delivery_id);
    expect(shown.out).toContain(delivered.delivery_id);
    expect(shown.out).toMatch(/ATTEMPT\s+AT\s+STATUS_CODE/);
    expect((await jsonOf('deliveries', 'retry', delivered.delivery_id)).status).toBe('pending');
    // The event's delivery and the subscription's hookline.verification (sent on create).
    expect(await jsonOf('subscriptions', 'stats', sub.subscription_id)).toMatchObject({ subscription_id: sub.subscription_id, deliveries: 2 });
    expect((await jsonOf('subscriptions', 'deliveries', sub.subscription_id)).map((d: { event_type: string }) => d.event_type).sort()).toEqual(['cli.happened', 'hookline.verification']);
    await pollUntil(async () => (await jsonOf('subscriptions', 'show', sub.subscription_id)).verified, 'the subscription verified');
    const verify = await jsonOf('subscriptions', 'verify', sub.subscription_id);
    expect(verify).toMatchObject({ subscription_id: sub.subscription_id, verified: true });
    expect(verify.delivery_id).toMatch(/^dlv_/);
    expect((await jsonOf('subscriptions', 'test', sub.subscription_id)).delivery_id).toMatch(/^dlv_/);
    const chosen = await cli('subscriptions', 'preview', sub.subscription_id, '--type', 'other.thing', '--event-data', '{"n":2}');
    expect(chosen.out).toMatch(/^SELECTED \(event other\.thing /);
    expect(chosen.out).toContain('"n":2');
    const unsaved = await jsonOf('subscriptions', 'preview', '--endpoint', 'https://example.com/x', '--events', 'only.this', '--type', 'not.this');
    expect(unsaved).toMatchObject({ matched: false, reasons: [expect.any(String)] });
    expect(await jsonOf('subscriptions', 'disable', sub.subscription_id)).toMatchObject({ enabled: false });
    const refused = await cli('subscriptions', 'recover', sub.subscription_id, '--since', '2026-01-01T00:00:00Z');
    expect([refused.code, refused.err]).toEqual([1, expect.stringMatching(/^409 subscription_disabled/)]);
    expect((await cli('subscriptions', 'recover', sub.subscription_id)).code).toBe(2);
    expect(await jsonOf('subscriptions', 'recover', sub.subscription_id, '--since', '2026-01-01T00:00:00Z', '--enable')).toMatchObject({ queued: 0, since: '2026-01-01T00:00:00.000Z', recovery_id: expect.stringMatching(/^rcv_/) });
    expect(await jsonOf('subscriptions', 'enable', sub.subscription_id)).toMatchObject({ enabled: true });
    expect(await jsonOf('subscriptions', 'pause', sub.subscription_id)).toMatchObject({ paused: true });
    expect((await jsonOf('subscriptions', 'show', sub.subscription_id)).paused).toBe(true);
    expect(await jsonOf('subscriptions', 'resume', sub.subscription_id)).toMatchObject({ paused: false });
    expect((await jsonOf('subscriptions', 'rotate-secret', sub.subscription_id)).previous_secret_expires_at).toBeDefined();
    expect((await jsonOf('subscriptions', 'show', sub.subscription_id)).secret).not.toBe(sub.secret);
    expect((await jsonOf('event-types')).map((t: { type: string }) => t.type)).toContain('task.created');
    expect((await jsonOf('queues', 'stats')).map((q: { queue: string }) => q.queue).sort()).toEqual(['actions', 'deliveries', 'events']);
    expect(await jsonOf('queues', 'redrive', '--queue', 'events', '--max', '1')).toEqual({ queue: 'events', moved: 0 });
    expect((await cli('subscriptions', 'delete', sub.subscription_id)).code).toBe(0);
    expect(JSON.parse((await cli('openapi')).out).paths['/api/tasks']).toBeDefined();
  });

  it("makes a tenant's portal link, lists its subscriptions by tenant, and revokes the link's token", async () => {
    await jsonOf('tenants', 'create', 'cli-portal', '--name', 'CLI portal');
    const made = await jsonOf('subscriptions', 'create', '--endpoint', 'https://example.com/cli-portal', '--events', '*', '--tenant', 'cli-portal');
    const link = await jsonOf('tenants', 'portal-link', 'cli-portal', '--expires-in', '600');
    expect(link.url).toBe(`${s.url}/portal#token=${link.token}`);
    expect(Date.parse(link.expires_at) - Date.now()).toBeGreaterThan(590_000);
    const listed = await jsonOf('subscriptions', 'list', '--tenant', 'cli-portal');
    expect(listed.map((x: { subscription_id: string }) => x.subscription_id)).toEqual([made.subscription_id]);
    const keys = await jsonOf('keys', 'list');
    expect(keys.find((k: { key_id: string }) => k.key_id === link.key_id)).toMatchObject({ kind: 'portal', tenant_id: 'cli-portal' });
    await jsonOf('keys', 'revoke', link.key_id);
    expect((await fetch(`${s.url}/api/subscriptions`, { headers: { authorization: `Bearer ${link.token}` } })).status).toBe(401);
    const tooLong = await cli('tenants', 'portal-link', 'cli-portal', '--expires-in', '90000');
    expect(tooLong.code).toBe(1);
    expect(tooLong.err).toContain('expires_in_seconds');
  });

  it('exits 2 on usage errors and 1 on API errors, with the field path', async () => {
    expect((await cli('tasks', 'done')).code).toBe(2);
    expect((await cli('webhooks', 'rotate-secret', 'x', '--grace', 'soon')).code).toBe(2);
    const bad = await cli('subscriptions', 'create', '--endpoint', 'not a url', '--events', 'x');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^400 validation_error: .*\n  url: /);
  });
});

describe('hookline listen', () => {
  async function listen(...argv: string[]) {
    const out: string[] = [];
    const abort = new AbortController();
    const done = runCli(['listen', '--port', '0', ...argv], { out: (t) => out.push(t), err: (t) => out.push(t), env: {}, signal: abort.signal });
    const ready = await pollUntil(async () => out.find((l) => l.startsWith('Ready: ')), 'listen to start');
    return { url: /Ready: (http:\/\/\S+)/.exec(ready)![1], out, stop: async () => (abort.abort(), done) };
  }

  it('verifies both signatures of a real delivery, prints it, and relays it to the local app', async () => {
    const local = await startSink([{ status: 201 }]);
    const l = await listen('--secret', 'a-plain-subscriber-secret', '--forward-to', local.url);
    try {
      const sub = await jsonOf('subscriptions', 'create', '--endpoint', `${l.url}/hooks`, '--events', 'listen.*', '--secret', 'a-plain-subscriber-secret');
      await jsonOf('publish', 'listen.ping', '--data', '{"hello":"world"}');
      const line = await pollUntil(async () => l.out.find((x) => x.includes('listen.ping')), 'the printed delivery');
      expect(line).toMatch(/listen\.ping {2}dlv_\S+ {2}verified \(standard-webhooks ok, x-hookline-signature ok\) {2}-> 201 {2}forwarded to /);
      expect(l.out.join('\n')).toContain('"hello": "world"');
      expect(local.hits).toHaveLength(1);
      expect(JSON.parse(local.hits[0].body)).toMatchObject({ type: 'listen.ping', data: { hello: 'world' } });
      const d = await pollUntil(async () => (await jsonOf('deliveries', 'list', sub.subscription_id)).find((x: { status: string }) => x.status === 'success'), 'the delivery recorded as success');
      expect(d.last_status_code).toBe(201);
    } finally {
      await l.stop();
      local.close();
    }
  });

  it('rejects a wrong signature with 401 and answers the chosen status to exercise retries', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const l = await listen('--secret', secret, '--status', '503');
    try {
      const body = JSON.stringify({ id: 'evt_1', type: 'x.y', timestamp: new Date().toISOString(), data: {} });
      const headers = deliveryHeaders({ secrets: [secret], deliveryId: 'dlv_1', eventType: 'x.y', timestampSeconds: Math.floor(Date.now() / 1000), body });
      expect((await fetch(l.url, { method: 'POST', headers, body })).status).toBe(503);
      const forged = deliveryHeaders({ secrets: ['whsec_' + Buffer.alloc(24, 7).toString('base64')], deliveryId: 'dlv_2', eventType: 'x.y', timestampSeconds: Math.floor(Date.now() / 1000), body });
      expect((await fetch(l.url, { method: 'POST', headers: forged, body })).status).toBe(401);
      expect(l.out.find((x) => x.includes('dlv_2'))).toMatch(/REJECTED \(standard-webhooks FAILED \(webhook-signature does not match\), x-hookline-signature FAILED/);
      expect((await runCli(['listen', '--secret', 'short'], { out: () => undefined, err: () => undefined, env: {} }))).toBe(2);
    } finally {
      await l.stop();
    }
  });
});
