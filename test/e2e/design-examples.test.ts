import { createHmac } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { runCli } from '../../shared/cli/program';
import { startFakeProviders, type FakeProviders } from '../support/fake-providers';
import { pollUntil } from '../support/poll';
import { startLocalForTest, type LocalUnderTest } from '../support/spawn-local';

// The inbound design's example configurations (../shared/seeds/001, "Example Configurations" and
// "Brain Creates Webhook"), copied verbatim into test/fixtures/design-examples, pasted into the
// API, the config inbox and `hookline apply` of one `npm start`, then driven by real signed events.
const examples = join(__dirname, '../fixtures/design-examples');
const text = (name: string) => readFileSync(join(examples, `${name}.json`), 'utf8');
const example = (name: string) => JSON.parse(text(name)) as Record<string, any>;
const fixture = (path: string) => JSON.parse(readFileSync(join(__dirname, '..', path), 'utf8'));

let r: LocalUnderTest;
let fake: FakeProviders;
let inbox: string;
let cliDir: string;
const secrets: Record<string, string> = {};

beforeAll(async () => {
  fake = await startFakeProviders();
  r = await startLocalForTest('design-examples', {
    before(dataDir) {
      inbox = join(dataDir, 'config', 'webhooks');
      mkdirSync(inbox, { recursive: true });
    },
  });
  cliDir = mkdtempSync(join(tmpdir(), 'hookline-design-'));
});
afterAll(async () => {
  await r?.stop();
  await fake?.stop();
  rmSync(cliDir, { recursive: true, force: true });
});

const api = async (method: string, path: string, body?: unknown) => {
  const res = await r.admin(path, { method, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as any };
};
const post = (path: string, body: string, headers: Record<string, string>) => fetch(`${r.url}${path}`, { method: 'POST', headers, body });
const importsOf = async (file: string) => ((await api('GET', '/api/config/imports?limit=100')).body.items as any[]).filter((i) => i.file === file);
const taskFor = (eventId: string) =>
  pollUntil(async () => ((await api('GET', '/api/tasks?agent=planning&limit=100')).body.items as any[]).find((t) => t.event_id === eventId), `the task of ${eventId}`);
const processed = (webhookId: string, eventId: string) =>
  pollUntil(async () => {
    const e = await api('GET', `/api/webhooks/${webhookId}/events/${eventId}`);
    return e.status === 200 && e.body.status !== 'received' ? e.body : undefined;
  }, `event ${eventId} processed`);

async function github(webhookId: string, secret: string, event: string, payload: unknown, delivery: string): Promise<string> {
  const body = JSON.stringify(payload);
  const res = await post(`/webhooks/github/${webhookId}`, body, { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(secret, body) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { event_id: string }).event_id;
}

// The Slack example needs what Slack itself needs to answer in #engineering: the app's bot token
// (Hookline looks the channel id up and posts the response with it). The API says so on save.
const slackReply = () => ({ token: 'xoxb-design-example', api_base_url: fake.url });

describe("the inbound design's example configurations, as written", () => {
  it('are accepted by POST /api/webhooks as pasted (the Slack one once it has the bot token the 400 asks for)', async () => {
    for (const name of ['github-issues-001', 'jira-automation-001']) {
      const res = await api('POST', '/api/webhooks', text(name));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ webhook_id: name, endpoint: example(name).endpoint });
      expect(res.body.warnings).toBeUndefined();
      secrets[name] = res.body.secret;
    }
    expect(secrets['github-issues-001']).toBe('your-webhook-secret');

    const refused = await api('POST', '/api/webhooks', text('slack-alerts-001'));
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([{ path: 'commands.0.conditions.channel', message: expect.stringMatching(/Slack's Events API sends channel ids .*set reply\.token/) }]);
    const slack = await api('POST', '/api/webhooks', { ...example('slack-alerts-001'), reply: slackReply() });
    expect(slack.status).toBe(201);
    expect(slack.body.warnings).toBeUndefined();
    secrets['slack-alerts-001'] = slack.body.secret;
  });

  it('are accepted by the config inbox (the Brain writes its file there), with no errors and no warnings', async () => {
    copyFileSync(join(examples, 'github-urgent-issues.json'), join(inbox, 'github-urgent-issues.json'));
    copyFileSync(join(examples, 'github-issues-001.json'), join(inbox, 'github-issues-001.json'));
    copyFileSync(join(examples, 'jira-automation-001.json'), join(inbox, 'jira-automation-001.json'));
    writeFileSync(join(inbox, 'slack-alerts-001.json'), JSON.stringify({ ...example('slack-alerts-001'), reply: slackReply() }));
    const brain = await pollUntil(async () => (await importsOf('github-urgent-issues.json'))[0], 'the Brain file imported');
    expect(brain).toMatchObject({ status: 'applied', webhook_id: 'github-urgent-issues', changed: true, errors: [], warnings: [] });
    for (const name of ['github-issues-001', 'jira-automation-001', 'slack-alerts-001']) {
      // The same content as the API created: applied, and nothing to change.
      const imported = await pollUntil(async () => (await importsOf(`${name}.json`))[0], `${name}.json imported`);
      expect(imported).toMatchObject({ status: 'applied', webhook_id: name, changed: false, errors: [], warnings: [] });
    }
    const w = (await api('GET', '/api/webhooks/github-urgent-issues')).body;
    expect(w).toMatchObject({ created_by: 'config-file:github-urgent-issues.json', commands: [{ trigger: 'issues.labeled', action: 'create_task', agent: 'planning', conditions: { label: 'urgent' } }] });
    // A file has no response to show a generated secret in: read it once by rotating without grace.
    secrets['github-urgent-issues'] = (await api('POST', '/api/webhooks/github-urgent-issues/rotate-secret', { grace_seconds: 0 })).body.secret;
  });

  it('are accepted by hookline apply as files, unchanged', async () => {
    for (const name of ['github-issues-001', 'jira-automation-001', 'github-urgent-issues']) copyFileSync(join(examples, `${name}.json`), join(cliDir, `${name}.json`));
    writeFileSync(join(cliDir, 'slack-alerts-001.json'), JSON.stringify({ ...example('slack-alerts-001'), reply: slackReply() }));
    const out: string[] = [];
    const code = await runCli(['apply', '-f', cliDir], { out: (t) => out.push(t), err: (t) => out.push(t), env: { HOOKLINE_URL: r.url, HOOKLINE_KEY: r.adminKey } });
    expect({ code, out: out.join('\n') }).toEqual({
      code: 0,
      out: ['= unchanged github-issues-001', '= unchanged github-urgent-issues', '= unchanged jira-automation-001', '= unchanged slack-alerts-001'].join('\n'),
    });
  });

  it('Example 1: an issue labelled bug opens a planning task saying "Analyze issue: <title>\\n\\n<body>"', async () => {
    const payload = fixture('fixtures/github/issues.opened.json');
    const eventId = await github('github-issues-001', secrets['github-issues-001'], 'issues', payload, 'design-ex1');
    const task = await taskFor(eventId);
    expect(task).toMatchObject({ agent: 'planning', status: 'pending', prompt: `Analyze issue: ${payload.issue.title}\n\n${payload.issue.body}` });
  });

  it('Example 2: a Jira issue_created opens a planning task with the key and the summary', async () => {
    const payload = fixture('fixtures/jira/jira-issue_created.json');
    const body = JSON.stringify(payload);
    const res = await post('/webhooks/jira/jira-automation-001', body, {
      'content-type': 'application/json',
      'x-atlassian-webhook-identifier': 'design-ex2',
      'x-hub-signature': `sha256=${createHmac('sha256', secrets['jira-automation-001']).update(body).digest('hex')}`,
    });
    expect(res.status).toBe(202);
    const task = await taskFor(((await res.json()) as { event_id: string }).event_id);
    expect(task.prompt).toBe(`New Jira ticket: OPS-42 - ${payload.issue.fields.summary}`);
  });

  it('Example 3: a message in #engineering gets the response in its thread; one in another channel is ignored, saying why', async () => {
    const slackEvent = async (payload: unknown) => {
      const body = JSON.stringify(payload);
      const ts = String(Math.floor(Date.now() / 1000));
      const sig = `v0=${createHmac('sha256', secrets['slack-alerts-001']).update(`v0:${ts}:${body}`).digest('hex')}`;
      const res = await post('/webhooks/slack/slack-alerts-001', body, { 'content-type': 'application/json', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig });
      expect(res.status).toBe(202);
      return ((await res.json()) as { event_id: string }).event_id;
    };
    const message = fixture('fixtures/slack/message.channels.json'); // channel C024BE91L, which the fake Slack calls engineering
    const e = await processed('slack-alerts-001', await slackEvent(message));
    expect(e).toMatchObject({ status: 'processed', actions: [{ action: 'respond', status: 'succeeded' }] });
    const posted = fake.requestsFor('slack').at(-1)!;
    expect(posted.body).toEqual({ channel: 'C024BE91L', thread_ts: message.event.ts, text: `Processing your request: ${message.event.text}` });
    expect(fake.requestsFor('slack_conversations').map((q) => q.body)).toEqual([{ channel: 'C024BE91L' }]);

    const elsewhere = { ...message, event_id: 'Ev0RANDOM', event: { ...message.event, channel: 'C0RANDOM01', ts: '1795435300.000100' } };
    const ignored = await processed('slack-alerts-001', await slackEvent(elsewhere));
    expect(ignored).toMatchObject({ status: 'ignored', match_reasons: [expect.stringContaining('channel: the event is not in "#engineering" (channel "c0random01", "random")')] });
  });

  it('The Brain\'s webhook: an issue labelled "urgent" opens a planning task whose default prompt names the issue', async () => {
    const payload = fixture('../shared/providers/fixtures/github/issues.labeled.json');
    payload.label = { ...payload.label, name: 'urgent' };
    const eventId = await github('github-urgent-issues', secrets['github-urgent-issues'], 'issues', payload, 'design-ex4');
    const task = await taskFor(eventId);
    expect(task.prompt).toContain(`GitHub issues.labeled in ${payload.repository.full_name}: issue #${payload.issue.number} ${JSON.stringify(payload.issue.title)}`);
    expect(task.prompt).toContain(`Link: ${payload.issue.html_url}`);
    expect(task.prompt).toContain(payload.issue.body.slice(0, 40));
  });
});
