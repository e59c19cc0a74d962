import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { startFakeProviders, type FakeProviders } from '../support/fake-providers';
import { pollUntil } from '../support/poll';
import { startLocalForTest, type LocalUnderTest } from '../support/spawn-local';

// An agent's whole loop through `npm start`, using only the OpenAPI document, the config inbox and the API.
let r: LocalUnderTest;
let fake: FakeProviders;
let agentKey: string;
const SECRET = 'agent-loop-github-secret';

beforeAll(async () => {
  fake = await startFakeProviders();
  r = await startLocalForTest('agent');
  // The operator gives the agent its own key.
  const k = await r.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'brain', scopes: ['read', 'agent'] }) });
  agentKey = ((await k.json()) as { key: string }).key;
});
afterAll(async () => {
  await r?.stop();
  await fake.stop();
});

describe('an agent loop', () => {
  it('config file → signed issues.opened → task → claim → ask → human answer → done', async () => {
    // 1. Discover the API from the OpenAPI document (no key needed).
    const doc = (await (await fetch(`${r.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, { operationId: string }>> };
    const op = (id: string) => {
      for (const [path, methods] of Object.entries(doc.paths)) for (const [method, o] of Object.entries(methods)) if (o.operationId === id) return { path, method: method.toUpperCase() };
      throw new Error(`no operation ${id}`);
    };
    const call = async (id: string, params: Record<string, string> = {}, body?: unknown, query = '') => {
      const { path, method } = op(id);
      const url = `${r.url}${path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent(params[k]))}${query}`;
      const res = await fetch(url, { method, headers: { authorization: `Bearer ${agentKey}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: res.status, body: (await res.json()) as any };
    };

    // 2. The agent writes a config file into the inbox (write, then rename).
    const inbox = join(r.dataDir, 'config', 'webhooks');
    mkdirSync(inbox, { recursive: true });
    writeFileSync(join(inbox, '.github-agent.json.tmp'), JSON.stringify({
      name: 'GitHub for the planning agent',
      provider: 'github',
      secret: SECRET,
      reply: { token: 'ghp_agent', api_base_url: fake.url, bot_user: 'hookline-bot' },
      commands: [{ trigger: 'issues.opened', action: 'create_task', agent: 'planning', template: 'Plan a fix for: {{issue.title}}', conditions: { labels: ['bug'] } }],
    }));
    renameSync(join(inbox, '.github-agent.json.tmp'), join(inbox, 'github-agent.json'));
    await pollUntil(async () => ((await call('getWebhook', { id: 'github-agent' })).status === 200 ? true : undefined), 'the webhook from the file');

    // 3. GitHub delivers a signed issues.opened.
    const repo = { full_name: 'acme/rocket', name: 'rocket', owner: { login: 'acme' } };
    const body = JSON.stringify({ action: 'opened', issue: { number: 9, title: 'Launch aborts at T-10 🚀', labels: [{ name: 'bug' }] }, repository: repo, sender: { login: 'maria' } });
    const delivered = await fetch(`${r.url}/webhooks/github/github-agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': 'agent-loop-1', 'x-hub-signature-256': await sign(SECRET, body) },
      body,
    });
    expect(delivered.status).toBe(202);

    // 4. The agent lists its tasks and claims one.
    const task = await pollUntil(async () => (await call('listTasks', {}, undefined, '?agent=planning&status=pending')).body.items[0], 'a pending task');
    expect(task.prompt).toBe('Plan a fix for: Launch aborts at T-10 🚀');
    expect((await call('patchTask', { task_id: task.task_id }, { status: 'claimed' })).status).toBe(200);

    // 5. It asks a question on the issue.
    const asked = await call('askOnEvent', { id: 'github-agent' }, { event_id: task.event_id, question: 'Which build shows it?', agent: 'planning' });
    expect(asked.status).toBe(201);
    expect(fake.requestsFor('github').at(-1)).toMatchObject({ path: '/repos/acme/rocket/issues/9/comments' });

    // 6. A human answers on the same issue.
    const reply = JSON.stringify({ action: 'created', issue: { number: 9, title: 'Launch aborts at T-10 🚀' }, comment: { id: 77, body: 'Build 4711, every time.', user: { login: 'maria' } }, repository: repo, sender: { login: 'maria' } });
    await fetch(`${r.url}/webhooks/github/github-agent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issue_comment', 'x-github-delivery': 'agent-loop-2', 'x-hub-signature-256': await sign(SECRET, reply) },
      body: reply,
    });

    // 7. The agent reads the answer and finishes the task.
    const q = await pollUntil(async () => {
      const x = await call('getQuestion', { question_id: asked.body.question_id });
      return x.body.status === 'answered' ? x.body : undefined;
    }, 'the answer');
    expect(q.answer).toBe('Build 4711, every time.');
    const done = await call('patchTask', { task_id: task.task_id }, { status: 'done', result: { answer_used: q.answer } });
    expect(done.body).toMatchObject({ status: 'done', result: { answer_used: 'Build 4711, every time.' } });
  });
});
