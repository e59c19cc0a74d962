import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { startFakeProviders, type FakeProviders } from '../support/fake-providers';
import { startTestStack } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
let fake: FakeProviders;
let sink: Server;
let sinkUrl: string;
const sunk: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_TARGETS = 'true'; // fake provider APIs and the sink live on loopback
  fake = await startFakeProviders();
  sink = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      sunk.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/hook`;
  s = await startTestStack();
  const create = (body: unknown) => s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify(body) });
  expect(
    (
      await create({
        webhook_id: 'gh-act',
        name: 'actions',
        provider: 'github',
        secret: SECRET,
        reply: { token: 'ghp_test', api_base_url: fake.url, bot_user: 'hookline-bot' },
        commands: [
          { command_id: 'cmd_thanks', trigger: 'issues.opened', action: 'comment', template: 'Thanks {{sender}}, looking at "{{issue.title}}".' },
          { command_id: 'cmd_fwd', trigger: 'issues.opened', action: 'forward', forward_url: sinkUrl },
          { command_id: 'cmd_ask', trigger: 'issue_comment.created', action: 'ask', agent: 'brain', template: 'What did you expect to happen?', conditions: { body_contains: '@agent' } },
        ],
      })
    ).status,
  ).toBe(201);
  expect(
    (
      await create({
        webhook_id: 'sl-act',
        name: 'slack',
        provider: 'slack',
        secret: 'slack-signing-secret',
        reply: { token: 'xoxb-test', api_base_url: fake.url },
        commands: [{ command_id: 'cmd_deploy', trigger: 'slash_command', action: 'respond', template: 'Deploying {{text}} for {{user_name}}', conditions: { all: [{ field: 'command', op: 'eq', value: '/deploy' }] } }],
      })
    ).status,
  ).toBe(201);
});
afterAll(async () => {
  await s.stop();
  await fake.stop();
  sink.close();
});

async function github(event: string, payload: unknown, delivery: string, body = JSON.stringify(payload)) {
  const r = await fetch(`${s.url}/webhooks/github/gh-act`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(SECRET, body) },
    body,
  });
  expect(r.status).toBe(202);
  return ((await r.json()) as { event_id: string }).event_id;
}

const done = (webhook: string, id: string) =>
  pollUntil(async () => {
    const r = await s.admin(`/api/webhooks/${webhook}/events/${id}`);
    const e = r.status === 200 ? ((await r.json()) as any) : undefined;
    return e && e.status !== 'received' ? e : undefined;
  }, `event ${id}`);

const repo = { full_name: 'acme/rocket', name: 'rocket', owner: { login: 'acme' } };
const opened = { action: 'opened', issue: { number: 12, title: 'Crash <b>&"x"</b>', body: 'boom' }, repository: repo, sender: { login: 'octocat' } };
const comment = (login: string, body: string) => ({ action: 'created', issue: { number: 12, title: 'Crash' }, comment: { id: Math.floor(Math.random() * 1e9), body, user: { login } }, repository: repo, sender: { login } });

describe('actions against the providers (fake APIs on loopback)', () => {
  it('comments in the issue thread with the rendered template and the marker, and forwards a signed copy', async () => {
    const id = await github('issues', opened, 'act-1');
    const ev = await done('gh-act', id);
    expect(ev.status).toBe('processed');
    expect(ev.actions.map((a: { status: string }) => a.status)).toEqual(['succeeded', 'succeeded']);
    const posts = fake.requestsFor('github');
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ method: 'POST', path: '/repos/acme/rocket/issues/12/comments', headers: { authorization: 'Bearer ghp_test' } });
    expect((posts[0].body as { body: string }).body).toBe('Thanks octocat, looking at "Crash <b>&"x"</b>".\n\n<!-- hookline -->');
    expect(sunk).toHaveLength(1);
    const h = sunk[0].headers as Record<string, string>;
    expect(JSON.parse(sunk[0].body)).toEqual(opened);
    expect(() => new StandardWebhook(SECRET).verify(sunk[0].body, h)).not.toThrow();
    expect(h['x-hookline-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(sunk[0].body).digest('hex')}`);
  });

  it('does not comment or forward again when the delivery comes again', async () => {
    await github('issues', opened, 'act-1');
    await done('gh-act', await github('issue_comment', comment('octocat', 'no mention'), 'act-1b'));
    expect(fake.requestsFor('github')).toHaveLength(1);
    expect(sunk).toHaveLength(1);
  });

  it('forwards the JSON text exactly as the provider sent it, also a payload 10,000 levels deep', async () => {
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const body = `{"action":"opened", "issue":{"number":13,"title":"Deep","body":"x"},"repository":${JSON.stringify(repo)},"sender":{"login":"octocat"},"deep":${deep}}`;
    const before = sunk.length;
    const ev = await done('gh-act', await github('issues', null, 'act-deep', body));
    expect(ev.actions.find((a: { command_id: string }) => a.command_id === 'cmd_fwd')).toMatchObject({ status: 'succeeded' });
    expect(sunk).toHaveLength(before + 1);
    expect(sunk.at(-1)!.body).toBe(body);
  });

  it('asks on @agent, and the next human comment on the thread answers the question', async () => {
    const askId = await github('issue_comment', comment('octocat', '@agent it crashes again'), 'act-2');
    const asked = await done('gh-act', askId);
    const questionId = asked.actions[0].result.question_id;
    expect(fake.requestsFor('github').at(-1)!.body).toEqual({ body: 'What did you expect to happen?\n\n<!-- hookline -->' });
    const open = (await (await s.admin(`/api/questions?webhook_id=gh-act&status=open`)).json()) as any;
    expect(open.items.map((q: { question_id: string }) => q.question_id)).toContain(questionId);

    // Hookline's own comment coming back does not answer it.
    const own = await done('gh-act', await github('issue_comment', comment('hookline-bot', 'What did you expect to happen?\n\n<!-- hookline -->'), 'act-3'));
    expect(own.in_reply_to).toBeUndefined();

    const reply = await done('gh-act', await github('issue_comment', comment('maria', 'It should start without crashing ✓'), 'act-4'));
    expect(reply.in_reply_to).toBe(questionId);
    const q = (await (await s.admin(`/api/questions/${questionId}`)).json()) as any;
    expect(q).toMatchObject({ status: 'answered', answer: 'It should start without crashing ✓', answer_event_id: reply.event_id, agent: 'brain' });
  });

  it('fails the action, keeping the error, when the provider refuses for good', async () => {
    fake.failNext('github', 401);
    const ev = await done('gh-act', await github('issues', { ...opened, issue: { ...opened.issue, number: 13 } }, 'act-5'));
    expect(ev.status).toBe('failed');
    expect(ev.actions[0]).toMatchObject({ action: 'comment', status: 'failed', error: expect.any(String) });
  });

  it('responds to a Slack slash command through its response_url', async () => {
    const form = `command=%2Fdeploy&text=api&user_name=ana&user_id=U1&channel_id=C1&response_url=${encodeURIComponent(`${fake.url}/commands/T1/1/abc`)}&trigger_id=t-1`;
    const ts = String(Math.floor(Date.now() / 1000));
    const r = await fetch(`${s.url}/webhooks/slack/sl-act`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${createHmac('sha256', 'slack-signing-secret').update(`v0:${ts}:${form}`).digest('hex')}` },
      body: form,
    });
    expect(r.status).toBe(200);
    await pollUntil(async () => fake.requestsFor('slack_response').length === 1, 'the response_url call');
    expect(fake.requestsFor('slack_response')[0].body).toMatchObject({ text: 'Deploying api for ana' });
  });

  it('lets an agent comment, ask and replay through the interactive API', async () => {
    const id = await github('issues', { ...opened, issue: { ...opened.issue, number: 14 } }, 'act-6');
    await done('gh-act', id);
    const before = fake.requestsFor('github').length;
    const c = await s.admin('/api/webhooks/gh-act/comment', { method: 'POST', body: JSON.stringify({ event_id: id, message: 'On it.' }) });
    expect(c.status).toBe(200);
    expect(((await c.json()) as any).status).toBe('succeeded');
    expect(fake.requestsFor('github').at(-1)).toMatchObject({ path: '/repos/acme/rocket/issues/14/comments', body: { body: 'On it.\n\n<!-- hookline -->' } });
    const a = await s.admin('/api/webhooks/gh-act/ask', { method: 'POST', body: JSON.stringify({ event_id: id, question: 'Which version?', agent: 'planning' }) });
    expect(a.status).toBe(201);
    expect(await a.json()).toMatchObject({ status: 'open', agent: 'planning', question: 'Which version?' });
    expect(fake.requestsFor('github').length).toBe(before + 2);
    const bad = await s.admin('/api/webhooks/gh-act/comment', { method: 'POST', body: JSON.stringify({ event_id: id }) });
    expect(((await bad.json()) as any).error.details[0].path).toBe('message');
    expect((await s.admin('/api/webhooks/gh-act/comment', { method: 'POST', body: JSON.stringify({ event_id: 'evt_nope', message: 'x' }) })).status).toBe(404);
    const replay = await s.admin(`/api/webhooks/gh-act/events/${id}/replay`, { method: 'POST' });
    expect(replay.status).toBe(202);
    const again = await done('gh-act', ((await replay.json()) as { event_id: string }).event_id);
    expect(again).toMatchObject({ delivery_id: `replay:${id}`, status: 'processed' });
  });
});
