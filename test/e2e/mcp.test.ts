import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { sign } from '@octokit/webhooks-methods';
import { startFakeProviders, type FakeProviders } from '../support/fake-providers';
import { pollUntil } from '../support/poll';
import { startLocalForTest, type LocalUnderTest } from '../support/spawn-local';

// An AI agent's whole loop through `hookline mcp` (stdio, the SDK's own client) against `npm start`:
// it sets up the webhook, gets a task from a signed GitHub issue, asks the human, reads the
// answer and finishes the task, with no tool but MCP.
const root = join(__dirname, '..', '..');
const SECRET = 'mcp-loop-github-secret-01';
let r: LocalUnderTest;
let fake: FakeProviders;
let client: Client;

type ToolText = { content: { type: string; text: string }[]; isError?: boolean };
async function tool(name: string, args: Record<string, unknown> = {}): Promise<any> {
  const res = (await client.callTool({ name, arguments: args })) as ToolText;
  if (res.isError) throw new Error(`${name} failed: ${res.content[0].text}`);
  return JSON.parse(res.content[0].text);
}
async function toolError(name: string, args: Record<string, unknown>): Promise<string> {
  const res = (await client.callTool({ name, arguments: args })) as ToolText;
  expect(res.isError).toBe(true);
  return res.content[0].text;
}

async function deliver(event: string, id: string, payload: unknown) {
  const body = JSON.stringify(payload);
  const res = await fetch(`${r.url}/webhooks/github/github-mcp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': id, 'x-hub-signature-256': await sign(SECRET, body) },
    body,
  });
  expect(res.status).toBe(202);
}

beforeAll(async () => {
  fake = await startFakeProviders();
  r = await startLocalForTest('mcp');
  const k = await r.admin('/api/keys', { method: 'POST', body: JSON.stringify({ name: 'mcp-agent', scopes: ['write', 'agent'] }) });
  const agentKey = ((await k.json()) as { key: string }).key;
  const node = existsSync(join(root, 'node_modules', '.bin', 'node')) ? join(root, 'node_modules', '.bin', 'node') : process.execPath;
  const transport = new StdioClientTransport({
    command: node,
    args: ['--import', 'tsx', '--disable-warning=ExperimentalWarning', join(root, 'bin', 'hookline.ts'), 'mcp'],
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOOKLINE_URL: r.url, HOOKLINE_KEY: agentKey },
    stderr: 'pipe',
  });
  client = new Client({ name: 'hookline-e2e-agent', version: '1.0.0' });
  await client.connect(transport);
});
afterAll(async () => {
  await client?.close();
  await r?.stop();
  await fake?.stop();
});

describe('hookline mcp', () => {
  it('offers tools whose input schemas come from the route table, and resources', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const n of ['list_tasks', 'claim_task', 'complete_task', 'fail_task', 'comment_on_event', 'ask_on_event', 'respond_to_event', 'get_question', 'list_webhooks', 'create_webhook', 'update_webhook', 'list_commands', 'add_command', 'update_command', 'preview_command', 'list_events', 'get_event', 'replay_event', 'publish_event', 'list_subscriptions', 'list_deliveries', 'retry_delivery'])
      expect(names).toContain(n);
    const create = tools.find((t) => t.name === 'create_webhook')!.inputSchema as any;
    expect(create.properties.provider.enum).toEqual(expect.arrayContaining(['github', 'slack', 'custom']));
    expect(create.required).toEqual(expect.arrayContaining(['name', 'provider']));
    const update = tools.find((t) => t.name === 'update_webhook')!.inputSchema as any;
    expect(update.properties.if_match).toBeDefined();
    expect(update.required).toContain('webhook_id');
    const complete = tools.find((t) => t.name === 'complete_task')!.inputSchema as any;
    expect(Object.keys(complete.properties).sort()).toEqual(['if_match', 'result', 'task_id']);
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual(['hookline://webhooks/{webhook_id}', 'hookline://webhooks/{webhook_id}/events/{event_id}']);
    const doc = await client.readResource({ uri: 'hookline://openapi' });
    expect(JSON.parse((doc.contents[0] as { text: string }).text).paths['/api/tasks']).toBeDefined();
  });

  it('returns the API message and field paths when a call is wrong, so the agent can fix it', async () => {
    const text = await toolError('create_webhook', { name: 'x', provider: 'myspace' });
    expect(text).toMatch(/^400 validation_error: /);
    expect(text).toContain('provider:');
    expect(JSON.parse(text.slice(text.indexOf('{')))).toMatchObject({ status: 400, error: { code: 'validation_error', details: [{ path: 'provider' }] } });
    expect(await toolError('get_task', { task_id: 'task_nope' })).toMatch(/^404 not_found/);
    expect(await toolError('list_tasks', { colour: 'red' })).toMatch(/colour: Unknown argument/);
  });

  it('runs the loop: webhook -> signed issue -> task -> claim (exclusive) -> ask -> human answer -> done', async () => {
    // 1. The agent sets up the webhook and checks its command on GitHub's sample event.
    const created = await tool('create_webhook', {
      webhook_id: 'github-mcp',
      name: 'GitHub via MCP',
      provider: 'github',
      secret: SECRET,
      reply: { token: 'ghp_mcp', api_base_url: fake.url, bot_user: 'hookline-bot' },
      commands: [{ trigger: 'issues.opened', action: 'create_task', agent: 'mcp-planner', template: 'Plan: {{issue.title}}' }],
    });
    expect(created).toMatchObject({ webhook_id: 'github-mcp', secret: SECRET });
    const preview = await tool('preview_command', {
      webhook_id: 'github-mcp',
      command: { trigger: 'issues.opened', action: 'create_task', agent: 'mcp-planner', template: 'Plan: {{issue.title}}' },
      event_type: 'issues.opened',
      payload: { action: 'opened', issue: { number: 1, title: 'Sample' }, repository: { full_name: 'acme/rocket' }, sender: { login: 'maria' } },
    });
    expect(preview).toMatchObject({ matched: true, rendered: 'Plan: Sample' });
    const hook = await client.readResource({ uri: 'hookline://webhooks/github-mcp' });
    expect(JSON.parse((hook.contents[0] as { text: string }).text)).toMatchObject({ webhook_id: 'github-mcp', commands: [{ agent: 'mcp-planner' }] });

    // 2. GitHub delivers a signed issues.opened; a task appears.
    const repo = { full_name: 'acme/rocket', name: 'rocket', owner: { login: 'acme' } };
    await deliver('issues', 'mcp-loop-1', { action: 'opened', issue: { number: 12, title: 'Fuel gauge reads empty' }, repository: repo, sender: { login: 'maria' } });
    const task = await pollUntil(async () => (await tool('list_tasks', { agent: 'mcp-planner', status: 'pending' })).items[0], 'a pending task');
    expect(task.prompt).toBe('Plan: Fuel gauge reads empty');

    // 3. Claiming is exclusive: the second claim is told someone was faster.
    expect(await tool('claim_task', { task_id: task.task_id })).toMatchObject({ status: 'claimed' });
    expect(await toolError('claim_task', { task_id: task.task_id })).toMatch(/already claimed: someone else was faster/);

    // 4. It reads the event and asks on the issue.
    const event = await tool('get_event', { webhook_id: 'github-mcp', event_id: task.event_id });
    expect(event.payload.issue.number).toBe(12);
    const eventResource = await client.readResource({ uri: `hookline://webhooks/github-mcp/events/${task.event_id}` });
    expect(JSON.parse((eventResource.contents[0] as { text: string }).text).event_id).toBe(task.event_id);
    const asked = await tool('ask_on_event', { webhook_id: 'github-mcp', event_id: task.event_id, question: 'Since which firmware?', agent: 'mcp-planner' });
    expect(asked).toMatchObject({ status: 'open', question: 'Since which firmware?' });
    expect(fake.requestsFor('github').at(-1)).toMatchObject({ path: '/repos/acme/rocket/issues/12/comments' });

    // 5. The human answers on the same issue (a second signed event).
    await deliver('issue_comment', 'mcp-loop-2', { action: 'created', issue: { number: 12, title: 'Fuel gauge reads empty' }, comment: { id: 91, body: 'Since 2.4.1.', user: { login: 'maria' } }, repository: repo, sender: { login: 'maria' } });
    const q = await pollUntil(async () => {
      const x = await tool('get_question', { question_id: asked.question_id });
      return x.status === 'answered' ? x : undefined;
    }, 'the answer');
    expect(q.answer).toBe('Since 2.4.1.');

    // 6. It comments and finishes the task.
    expect(await tool('comment_on_event', { webhook_id: 'github-mcp', event_id: task.event_id, message: 'Fix planned for 2.4.2.' })).toMatchObject({ status: 'succeeded' });
    const done = await tool('complete_task', { task_id: task.task_id, result: { answer: q.answer, plan: 'revert the gauge filter' } });
    expect(done).toMatchObject({ status: 'done', result: { answer: 'Since 2.4.1.' } });
    expect((await tool('list_events', { webhook_id: 'github-mcp' })).items.length).toBe(2);
  });
});
