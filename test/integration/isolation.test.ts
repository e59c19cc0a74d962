import { sign } from '@octokit/webhooks-methods';
import { startFakeProviders, type FakeProviders } from '../support/fake-providers';
import { startTestStack } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';

// One provider that never answers must hold up nobody else: other events, with or without
// actions of their own, are processed while that provider's request is still open.
type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
let slow: FakeProviders;
let fast: FakeProviders;
const SECRET = 'isolation-secret-1';
const repo = { full_name: 'acme/rocket', name: 'rocket', owner: { login: 'acme' } };

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_TARGETS = 'true';
  [slow, fast] = await Promise.all([startFakeProviders(), startFakeProviders()]);
  slow.failNext('github', 'hang', 1000);
  s = await startTestStack();
  const create = async (id: string, apiBase: string | null, action: 'comment' | 'create_task' | null) => {
    const body = {
      webhook_id: id,
      name: id,
      provider: 'github',
      secret: SECRET,
      ...(apiBase ? { reply: { token: 'ghp_test', api_base_url: apiBase } } : {}),
      commands: action ? [{ trigger: 'issues.opened', action, ...(action === 'create_task' ? { agent: 'iso' } : { template: 'on it' }) }] : [],
    };
    expect((await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify(body) })).status).toBe(201);
  };
  await create('iso-slow', slow.url, 'comment');
  await create('iso-fast', fast.url, 'comment');
  await create('iso-task', null, 'create_task');
  await create('iso-plain', null, null);
});
afterAll(async () => {
  await s.stop();
  await Promise.all([slow.stop(), fast.stop()]);
});

async function deliver(webhook: string, n: number): Promise<string> {
  const body = JSON.stringify({ action: 'opened', issue: { number: n, title: `issue ${n}` }, repository: repo, sender: { login: 'octocat' } });
  const r = await fetch(`${s.url}/webhooks/github/${webhook}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': `${webhook}-${n}`, 'x-hub-signature-256': await sign(SECRET, body) },
    body,
  });
  expect(r.status).toBe(202);
  return ((await r.json()) as { event_id: string }).event_id;
}

const final = async (webhook: string, id: string) => {
  const r = await s.admin(`/api/webhooks/${webhook}/events/${id}`);
  const e = r.status === 200 ? ((await r.json()) as { status: string; timings: { latency_ms: number } }) : undefined;
  return e && e.status !== 'received' ? e : undefined;
};

it('processes every other event while one provider hangs', async () => {
  const stuck = await deliver('iso-slow', 1);
  await pollUntil(async () => slow.requestsFor('github').length === 1, 'the hanging provider to be called');

  const others: [string, string][] = [];
  for (let n = 1; n <= 10; n++) for (const w of ['iso-fast', 'iso-task', 'iso-plain']) others.push([w, await deliver(w, n)]);
  // Well inside the 10 s the hanging call is given before it counts as failed.
  const done = await pollUntil(async () => {
    const all = await Promise.all(others.map(([w, id]) => final(w, id)));
    return all.every(Boolean) ? all : undefined;
  }, 'the other events', 8_000);

  expect(done.map((e) => e!.status)).toEqual(others.map(([w]) => (w === 'iso-plain' ? 'ignored' : 'processed')));
  expect(fast.requestsFor('github')).toHaveLength(10);
  // The hung request is still open and its event still waits for it.
  expect(await final('iso-slow', stuck)).toBeUndefined();
  expect(slow.requestsFor('github')).toHaveLength(1);
});
