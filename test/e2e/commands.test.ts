import { createHmac } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { startFakeProviders, type FakeProviders } from '../support/fake-providers';
import { pollUntil } from '../support/poll';
import { startLocalForTest, type LocalUnderTest } from '../support/spawn-local';

// The issue-to-agent loop through `npm start`, with GitHub's and Slack's APIs faked on loopback.
let r: LocalUnderTest;
let fake: FakeProviders;
const SECRET = 'e2e-commands-secret';

beforeAll(async () => {
  fake = await startFakeProviders();
  r = await startLocalForTest('commands');
  const gh = await api('/api/webhooks', {
    method: 'POST',
    body: JSON.stringify({
      webhook_id: 'github-issues-001',
      name: 'GitHub Issue Tracker',
      provider: 'github',
      secret: SECRET,
      reply: { token: 'ghp_e2e', api_base_url: fake.url, bot_user: 'hookline-bot' },
      commands: [
        { trigger: 'issues.opened', action: 'create_task', agent: 'planning', template: 'Analyze issue: {{issue.title}}\n\n{{issue.body}}', conditions: { labels: ['bug'] } },
        { trigger: 'issue_comment.created', action: 'ask', agent: 'brain', template: 'What should happen instead, {{sender}}?', conditions: { body_contains: '@agent' } },
      ],
    }),
  });
  expect(gh.status).toBe(201);
  const sl = await api('/api/webhooks', {
    method: 'POST',
    body: JSON.stringify({ webhook_id: 'slack-001', name: 'Slack', provider: 'slack', secret: 'e2e-slack-secret', commands: [{ trigger: 'slash_command', action: 'respond', template: 'On it: {{text}}' }] }),
  });
  expect(sl.status).toBe(201);
});
afterAll(async () => {
  await r?.stop();
  await fake.stop();
});

const api = (path: string, init: RequestInit = {}) => r.admin(path, init);

async function github(event: string, payload: unknown, delivery: string): Promise<string> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${r.url}/webhooks/github/github-issues-001`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(SECRET, body) },
    body,
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { event_id: string }).event_id;
}

const finished = (id: string) =>
  pollUntil(async () => {
    const x = await api(`/api/webhooks/github-issues-001/events/${id}`);
    const e = x.status === 200 ? ((await x.json()) as any) : undefined;
    return e && e.status !== 'received' ? e : undefined;
  }, `event ${id}`);

const repo = { full_name: 'acme/rocket', name: 'rocket', owner: { login: 'acme' } };
const issue = (n: number, label: string) => ({ action: 'opened', issue: { number: n, title: `Issue ${n} 💥`, body: 'Steps: start it', labels: [{ name: label }] }, repository: repo, sender: { login: 'octocat' } });
const comment = (n: number, login: string, body: string) => ({ action: 'created', issue: { number: n, title: `Issue ${n}` }, comment: { id: n * 100 + body.length, body, user: { login } }, repository: repo, sender: { login } });

describe('commands through npm start', () => {
  it('issues.opened labeled bug → a task for planning with the rendered prompt; a redelivery makes no second task', async () => {
    const id = await github('issues', issue(1, 'bug'), 'e2e-c-1');
    const ev = await finished(id);
    expect(ev.status).toBe('processed');
    const task = (await (await api(`/api/tasks/${ev.actions[0].task_id}`)).json()) as any;
    expect(task).toMatchObject({ agent: 'planning', status: 'pending', prompt: 'Analyze issue: Issue 1 💥\n\nSteps: start it' });
    expect(await github('issues', issue(1, 'bug'), 'e2e-c-1')).toBe(id);
    await finished(await github('issues', issue(2, 'question'), 'e2e-c-2'));
    const tasks = (await (await api('/api/tasks?agent=planning')).json()) as any;
    expect(tasks.items.filter((t: { event_id: string }) => t.event_id === id)).toHaveLength(1);
  });

  it("one filter on the trace id (the event id) follows a delivery through npm start's log: accepted, stored, its task, each line with its Lambda request id; secrets never appear", async () => {
    const id = await github('issues', issue(40, 'bug'), 'e2e-c-trace');
    const ev = await finished(id);
    const lines = () =>
      r
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return {};
          }
        });
    const trace = await pollUntil(async () => {
      const t = lines().filter((l) => l.trace_id === id);
      return t.some((l) => l.message === 'action') ? t : undefined;
    }, 'the trace of the event in the log');
    // One filter (trace_id = the event id), and every line names the invocation that wrote it.
    for (const l of trace) expect(l).toMatchObject({ function_request_id: expect.stringMatching(/^[0-9a-f-]{36}$/), function_name: expect.any(String) });
    expect(new Set(trace.map((l) => l.function_name))).toEqual(new Set(['receiver', 'consumer']));
    expect(trace.map((l) => l.message)).toEqual(expect.arrayContaining(['event accepted', 'event stored', 'action']));
    expect(trace.find((l) => l.message === 'event accepted')).toMatchObject({ level: 'INFO', webhook_id: 'github-issues-001', delivery_id: 'e2e-c-trace' });
    expect(trace.find((l) => l.message === 'action')).toMatchObject({ command_id: expect.any(String), task_id: ev.actions[0].task_id, outcome: 'succeeded' });

    const bad = await fetch(`${r.url}/webhooks/github/github-issues-001`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-hub-signature-256': 'sha256=00' }, body: '{}' });
    expect(bad.status).toBe(401);
    const rejected = await pollUntil(async () => lines().find((l) => l.message === 'request rejected' && l.status === 401), 'the rejection line');
    expect(rejected).toMatchObject({ level: 'INFO', webhook_id: 'github-issues-001', source_ip: expect.any(String), code: 'invalid_signature' });
    for (const secret of [SECRET, 'ghp_e2e', 'e2e-slack-secret']) expect(r.output()).not.toContain(secret);
  });

  it('labeled question → ignored, no task', async () => {
    const ev = await finished(await github('issues', issue(3, 'question'), 'e2e-c-3'));
    expect(ev).toMatchObject({ status: 'ignored', actions: [] });
  });

  it('@agent comment → ask posted on the issue; a later comment by another user answers it; redelivery asks nothing twice', async () => {
    const askEvent = await finished(await github('issue_comment', comment(4, 'octocat', '@agent please look'), 'e2e-c-4'));
    const questionId = askEvent.actions[0].result.question_id;
    const posted = fake.requestsFor('github');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ path: '/repos/acme/rocket/issues/4/comments', body: { body: 'What should happen instead, octocat?\n\n<!-- hookline -->' } });
    await github('issue_comment', comment(4, 'octocat', '@agent please look'), 'e2e-c-4');
    const answer = await finished(await github('issue_comment', comment(4, 'maria', 'It should not crash.'), 'e2e-c-5'));
    expect(answer.in_reply_to).toBe(questionId);
    expect(fake.requestsFor('github')).toHaveLength(1);
    expect(await (await api(`/api/questions/${questionId}`)).json()).toMatchObject({ status: 'answered', answer: 'It should not crash.' });
  });

  it('Slack slash command → respond through response_url', async () => {
    const form = `command=%2Fdeploy&text=api%20prod&user_name=ana&user_id=U1&channel_id=C1&response_url=${encodeURIComponent(`${fake.url}/commands/T1/2/xyz`)}&trigger_id=e2e-t-1`;
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = `v0=${createHmac('sha256', 'e2e-slack-secret').update(`v0:${ts}:${form}`).digest('hex')}`;
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': sig };
    expect((await fetch(`${r.url}/webhooks/slack/slack-001`, { method: 'POST', headers, body: form })).status).toBe(200);
    await pollUntil(async () => fake.requestsFor('slack_response').length === 1, 'the response_url call');
    expect(fake.requestsFor('slack_response')[0].body).toMatchObject({ text: 'On it: api prod' });
    // Slack retries a slash command only with a new trigger_id; the same one is one event.
    expect((await fetch(`${r.url}/webhooks/slack/slack-001`, { method: 'POST', headers, body: form })).status).toBe(200);
    const events = await pollUntil(async () => {
      const list = (await (await api('/api/webhooks/slack-001/events')).json()) as any;
      return list.items.length >= 1 ? list.items : undefined;
    }, 'slack events');
    expect(events).toHaveLength(1);
    expect(fake.requestsFor('slack_response')).toHaveLength(1);
  });
});
