import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { pollUntil } from '../support/poll';
import { spawnLocal, type RunningLocal } from '../support/spawn-local';

const SECRET = 'e2e-github-secret';
let dataDir: string;
const running: RunningLocal[] = [];

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'hookline-e2e-'));
});
afterAll(async () => {
  for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function start(env: Record<string, string> = {}): Promise<RunningLocal> {
  const r = await spawnLocal(dataDir, env);
  running.push(r);
  return r;
}

function api(r: RunningLocal, key: string) {
  return (path: string, init: RequestInit = {}) =>
    fetch(`${r.url}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
}

async function deliverGithub(url: string, webhookId: string, payload: unknown, delivery: string) {
  const body = JSON.stringify(payload);
  return fetch(`${url}/webhooks/github/${webhookId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/e2e',
      'x-github-event': 'issues',
      'x-github-delivery': delivery,
      'x-github-hook-id': '1',
      'x-hub-signature-256': await sign(SECRET, body),
    },
    body,
  });
}

describe('npm start (end to end, as a provider would use it)', () => {
  it('serves health, prints the admin key once, and stores a signed GitHub delivery with its non-ASCII payload intact', async () => {
    const r = await start();
    const key = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
    expect(r.output()).toContain(`admin key  ${key}`);
    expect(r.output()).toMatch(/dynalite/);
    expect(r.output()).toMatch(/fauxqs/);
    expect(await (await fetch(`${r.url}/health`)).json()).toEqual({ status: 'ok' });

    const call = api(r, key);
    const created = await call('/api/webhooks', {
      method: 'POST',
      body: JSON.stringify({ webhook_id: 'e2e-gh', name: 'E2E', provider: 'github', secret: SECRET, commands: [{ trigger: 'issues.opened', action: 'create_task', agent: 'planning' }] }),
    });
    expect(created.status).toBe(201);
    expect(((await created.json()) as any).url).toBe(`${r.url}/webhooks/github/e2e-gh`);

    const payload = {
      action: 'opened',
      issue: { number: 7, title: 'Ça plante au démarrage 🚀🔥', body: '日本語のテキスト, emoji 👩‍💻 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢', labels: [{ name: 'bug' }] },
      sender: { login: 'octocat' },
    };
    const res = await deliverGithub(r.url, 'e2e-gh', payload, 'e2e-delivery-1');
    expect(res.status).toBe(202);
    const { event_id } = (await res.json()) as { event_id: string };
    const ev = await pollUntil(async () => {
      const x = await call(`/api/webhooks/e2e-gh/events/${event_id}`);
      const e = x.status === 200 ? ((await x.json()) as any) : undefined;
      // The consumer logs the event as `received` before it runs the commands: wait for the outcome.
      return e && e.status !== 'received' ? e : undefined;
    }, 'the processed event');
    expect(ev).toMatchObject({ status: 'processed', event_type: 'issues.opened', delivery_id: 'e2e-delivery-1' });
    expect(ev.payload).toEqual(payload);

    r.child.kill('SIGINT');
    expect(await r.exited).toBe(0);
    expect(r.output()).toContain('SIGINT: shutting down');
  });

  it('keeps configs and a queued event across kill -9, and processes the event after the restart', async () => {
    // Consumers paused: the event is answered 202 and stays queued when the process is killed.
    const paused = await start({ HOOKLINE_PAUSE_CONSUMERS: 'true' });
    const key = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
    expect(paused.output()).not.toContain(`admin key  ${key}`);
    const res = await deliverGithub(paused.url, 'e2e-gh', { action: 'opened', issue: { title: 'before the crash ⚡' } }, 'e2e-delivery-2');
    expect(res.status).toBe(202);
    const { event_id } = (await res.json()) as { event_id: string };
    paused.child.kill('SIGKILL');
    await paused.exited;

    const r = await start();
    const call = api(r, key);
    expect(((await (await call('/api/webhooks/e2e-gh')).json()) as any).webhook_id).toBe('e2e-gh');
    const ev = await pollUntil(async () => {
      const x = await call(`/api/webhooks/e2e-gh/events/${event_id}`);
      return x.status === 200 ? ((await x.json()) as any) : undefined;
    }, 'the event queued before kill -9', 20_000);
    expect(ev.payload.issue.title).toBe('before the crash ⚡');
    r.child.kill('SIGTERM');
    expect(await r.exited).toBe(0);
  });
});

describe('npm start with AWS endpoint variables', () => {
  it('starts no emulators and uses the given endpoints (LocalStack or real AWS)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookline-e2e-external-'));
    // The suite's shared emulators stand in for LocalStack here.
    const endpoints = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('AWS_')) as [string, string][]);
    const r = await spawnLocal(dir, { ...endpoints, RESOURCE_PREFIX: 'ext', WEBHOOKS_ADMIN_KEY: 'external-admin-key-0123456789' });
    running.push(r);
    try {
      expect(r.output()).toContain('emulated   nothing: AWS_ENDPOINT_URL* is set');
      expect(r.output()).not.toMatch(/dynalite at/);
      expect(await (await fetch(`${r.url}/health`)).json()).toEqual({ status: 'ok' });
      const res = await fetch(`${r.url}/api/webhooks`, { headers: { authorization: 'Bearer external-admin-key-0123456789' } });
      expect(res.status).toBe(200);
    } finally {
      r.child.kill('SIGTERM');
      await r.exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
