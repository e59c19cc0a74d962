import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SubscribeCommand } from '@aws-sdk/client-sns';
import { sign } from '@octokit/webhooks-methods';
import { snsClient, sqsClient } from '../../shared/adapters/aws/clients';
import { startTestStack, TEST_ADMIN_KEY } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
let agentQueue: string;
const SECRET = 'gh-commands-secret';

beforeAll(async () => {
  s = await startTestStack();
  const r = await s.admin('/api/webhooks', {
    method: 'POST',
    body: JSON.stringify({
      webhook_id: 'cmds',
      name: 'commands',
      provider: 'github',
      secret: SECRET,
      reply: { bot_user: 'hookline-bot' },
      commands: [
        { command_id: 'cmd_bug', trigger: 'issues.opened', action: 'create_task', agent: 'planning', template: 'Analyze issue: {{issue.title}} by {{sender}}', conditions: { labels: ['bug'] } },
      ],
    }),
  });
  expect(r.status).toBe(201);
  // An agent listens on the tasks topic with a filter on its name, as in AWS.
  const sqs = sqsClient();
  agentQueue = (await sqs.send(new CreateQueueCommand({ QueueName: `agent-planning-${Date.now()}` }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: agentQueue, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl: agentQueue, Attributes: { Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: arn }] }) } }));
  await snsClient().send(
    new SubscribeCommand({ TopicArn: s.env.TASKS_TOPIC_ARN, Protocol: 'sqs', Endpoint: arn, Attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ agent: ['planning'] }) } }),
  );
});
afterAll(() => s.stop());

async function deliver(payload: unknown, delivery: string, event = 'issues') {
  const body = JSON.stringify(payload);
  const r = await fetch(`${s.url}/webhooks/github/cmds`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': delivery, 'x-hub-signature-256': await sign(SECRET, body) },
    body,
  });
  expect(r.status).toBe(202);
  return ((await r.json()) as { event_id: string }).event_id;
}

const event = (id: string) =>
  pollUntil(async () => {
    const r = await s.admin(`/api/webhooks/cmds/events/${id}`);
    const e = r.status === 200 ? ((await r.json()) as any) : undefined;
    return e && e.status !== 'received' ? e : undefined;
  }, `event ${id}`);

const issue = (title: string, labels: string[], login = 'octocat') => ({ action: 'opened', issue: { number: 7, title, labels: labels.map((name) => ({ name })) }, sender: { login } });

describe('create_task', () => {
  it('turns a matching event into a task with the rendered prompt, published for the agent', async () => {
    const id = await deliver(issue('<b>&"x"</b> crashes', ['bug']), 'task-1');
    const ev = await event(id);
    expect(ev.status).toBe('processed');
    expect(ev.actions).toEqual([{ command_id: 'cmd_bug', action: 'create_task', status: 'succeeded', task_id: expect.stringMatching(/^task_/) }]);
    const task = (await (await s.admin(`/api/tasks/${ev.actions[0].task_id}`)).json()) as any;
    expect(task).toMatchObject({ agent: 'planning', status: 'pending', prompt: 'Analyze issue: <b>&"x"</b> crashes by octocat', event_id: id, command_id: 'cmd_bug', version: 1 });
    const msg = await pollUntil(async () => (await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: agentQueue, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }))).Messages?.[0], 'the task notification');
    expect(JSON.parse(msg.Body!)).toMatchObject({ type: 'task.created', task: { task_id: task.task_id, agent: 'planning' } });
  });

  it('ignores events whose conditions do not match, and makes no task', async () => {
    const id = await deliver(issue('How do I?', ['question']), 'task-2');
    expect(await event(id)).toMatchObject({ status: 'ignored', matched_commands: [], actions: [] });
  });

  it('makes no second task when the same delivery comes again', async () => {
    const a = await deliver(issue('Twice', ['bug']), 'task-3');
    await event(a);
    const b = await deliver(issue('Twice', ['bug']), 'task-3');
    expect(b).toBe(a);
    // A later event processed after the duplicate shows the queue drained past it.
    await event(await deliver(issue('Later', ['question']), 'task-4'));
    const page = (await (await s.admin('/api/tasks?agent=planning&limit=100')).json()) as any;
    expect(page.items.filter((t: { event_id: string }) => t.event_id === a)).toHaveLength(1);
  });

  it("never runs commands for the bot's own events (loop guard)", async () => {
    const id = await deliver(issue('From the bot', ['bug'], 'hookline-bot'), 'task-5');
    expect(await event(id)).toMatchObject({ status: 'ignored', error: expect.stringContaining('loop guard') });
  });
});

describe('tasks API', () => {
  it('lets an agent claim and finish a task, with versions and scopes', async () => {
    const id = await deliver(issue('Claim me', ['bug']), 'task-6');
    const taskId = (await event(id)).actions[0].task_id;
    const keyRes = await s.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'planner', scopes: ['agent'] }) });
    const { key } = (await keyRes.json()) as { key: string };
    const asAgent = (path: string, init: RequestInit = {}) => fetch(`${s.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
    const listed = (await (await asAgent('/api/tasks?agent=planning&status=pending')).json()) as any;
    expect(listed.items.map((t: { task_id: string }) => t.task_id)).toContain(taskId);
    const claimed = await asAgent(`/api/tasks/${taskId}`, { method: 'PATCH', body: JSON.stringify({ status: 'claimed' }), headers: { 'if-match': '"1"' } });
    expect(claimed.status).toBe(200);
    expect(claimed.headers.get('etag')).toBe('"2"');
    const stale = await asAgent(`/api/tasks/${taskId}`, { method: 'PATCH', body: JSON.stringify({ status: 'claimed' }), headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    const done = (await (await asAgent(`/api/tasks/${taskId}`, { method: 'PATCH', body: JSON.stringify({ status: 'done', result: { summary: 'fixed ✓' } }) })).json()) as any;
    expect(done).toMatchObject({ status: 'done', result: { summary: 'fixed ✓' }, version: 3 });
    const bad = await asAgent(`/api/tasks/${taskId}`, { method: 'PATCH', body: JSON.stringify({ status: 'finished' }) });
    expect(((await bad.json()) as any).error.details[0].path).toBe('status');
    expect((await asAgent('/api/tasks/task_nope')).status).toBe(404);
    expect((await asAgent('/api/webhooks')).status).toBe(403);
    const all = (await (await s.admin('/api/tasks?status=done')).json()) as any;
    expect(all.items.map((t: { task_id: string }) => t.task_id)).toContain(taskId);
  });
});

describe('command preview (POST /api/webhooks/{id}/commands/preview)', () => {
  const preview = (body: unknown, key?: string) =>
    fetch(`${s.url}/api/webhooks/cmds/commands/preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key ?? TEST_ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('shows for a stored event what the consumer did with it, to a read-only key, and changes nothing', async () => {
    const before = (await (await s.admin('/api/webhooks/cmds')).json()) as any;
    const readKey = ((await (await s.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'viewer', scopes: ['read'] }) })).json()) as any).key;
    const matchedId = await deliver(issue('Preview me', ['bug']), 'preview-1');
    const ignoredId = await deliver(issue('Not a bug', ['question']), 'preview-2');
    const [matched, ignored] = [await event(matchedId), await event(ignoredId)];
    const bug = before.commands[0];

    const r1 = await preview({ command: bug, event_id: matchedId }, readKey);
    expect(r1.status).toBe(200);
    expect(await r1.json()).toEqual({ matched: true, reasons: [], rendered: 'Analyze issue: Preview me by octocat', missing: [], warnings: [], event: { source: 'event', event_type: 'issues.opened', event_id: matchedId } });
    expect(matched.matched_commands).toEqual([bug.command_id]);

    const r2 = (await (await preview({ command: bug, event_id: ignoredId }, readKey)).json()) as any;
    expect(r2).toMatchObject({ matched: false, reasons: ['labels: none of "bug" is on the event (it has "question")'], rendered: 'Analyze issue: Not a bug by octocat' });
    expect(ignored.matched_commands).toEqual([]);

    const after = (await (await s.admin('/api/webhooks/cmds')).json()) as any;
    expect(after.version).toBe(before.version);
    const tasks = (await (await s.admin('/api/tasks?agent=planning&limit=100')).json()) as any;
    expect(tasks.items.filter((t: any) => t.prompt.includes('Preview me'))).toHaveLength(1);
  });

  it("tries a new command on a payload, or on the provider's sample event", async () => {
    const r = await preview({ command: { trigger: 'issues.*', action: 'comment', template: 'Hi {{sender}}', conditions: { users: ['alice'] } }, payload: issue('x', []), event_type: 'issues.opened' });
    expect(await r.json()).toEqual({ matched: false, reasons: ['users: the actor is not one of "alice" (actor "octocat")'], rendered: 'Hi octocat', missing: [], warnings: [], event: { source: 'payload', event_type: 'issues.opened' } });
    const sample = (await (await preview({ command: { trigger: 'ping', action: 'comment', template: '{{zen}}' } })).json()) as any;
    expect(sample).toMatchObject({ matched: false, reasons: [expect.stringMatching(/^handshake/)], event: { source: 'sample', event_type: 'ping' } });
    expect(sample.rendered).toEqual(expect.any(String));
  });

  it('answers 400 with field paths for an invalid command or body, and 404 for an unknown event or webhook', async () => {
    const bad = await preview({ command: { trigger: 'issues.opened', action: 'create_task', template: '{{#a}}', conditions: { all: [{ field: 'x', op: 'regex', value: '(a+)+$' }] } } });
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as any).error.details.map((d: any) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['command.agent', 'command.template', 'command.conditions.all.0.value']));
    const noType = (await (await preview({ command: { trigger: '*', action: 'comment' }, payload: {} })).json()) as any;
    expect(noType.error.details).toEqual([{ path: 'event_type', message: 'a payload needs its event_type' }]);
    expect((await preview({ command: { trigger: '*', action: 'comment' }, event_id: 'evt_unknown' })).status).toBe(404);
    const other = await fetch(`${s.url}/api/webhooks/nope/commands/preview`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ command: { trigger: '*', action: 'comment' } }) });
    expect(other.status).toBe(404);
  });
});

describe('command preview before the webhook exists (POST /api/commands/preview)', () => {
  const preview = (body: unknown) =>
    fetch(`${s.url}/api/commands/preview`, { method: 'POST', headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it("runs the same matching and rendering on the provider's sample or a payload, with only the provider given", async () => {
    const jira = (await (await preview({ provider: 'jira', command: { trigger: 'jira:issue_created', action: 'create_task', agent: 'planning', template: 'New Jira ticket: {{issue.key}} - {{issue.summary}}' } })).json()) as any;
    expect(jira).toMatchObject({ matched: true, reasons: [], missing: [], warnings: [], event: { source: 'sample', event_type: 'jira:issue_created' } });
    expect(jira.rendered).toMatch(/^New Jira ticket: [A-Z]+-\d+ - \S/);
    const gh = (await (await preview({ provider: 'github', command: { trigger: 'issues.opened', action: 'comment', template: 'Hi {{sender}}', conditions: { labels: ['bug'] } }, payload: issue('x', ['question']), event_type: 'issues.opened' })).json()) as any;
    expect(gh).toEqual({ matched: false, reasons: ['labels: none of "bug" is on the event (it has "question")'], rendered: 'Hi octocat', missing: [], warnings: [], event: { source: 'payload', event_type: 'issues.opened' } });
    const before = (await (await s.admin('/api/webhooks?limit=100')).json()) as any;
    expect(before.items.map((w: any) => w.webhook_id)).not.toContain('unsaved');
  });

  it('answers 400 naming the field for an unknown provider or an invalid command', async () => {
    const bad = (await (await preview({ provider: 'myspace', command: { trigger: '*', action: 'create_task' } })).json()) as any;
    expect(bad.error.details.map((d: any) => d.path)).toEqual(expect.arrayContaining(['provider', 'command.agent']));
  });
});
