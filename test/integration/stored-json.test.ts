/**
 * JSON that clients and providers send is stored and returned exactly as given, whatever its keys
 * (`constructor`, `__proto__`, `toString`) or depth, and every size and depth limit is checked up
 * front with a 4xx naming the field, so no DynamoDB item ever meets DynamoDB's own limits (400 KB,
 * 32 levels of nesting) at write time or later. Run with HOOKLINE_TEST_DYNAMODB=local to hold it
 * to AWS's own emulator's limits (dynalite accepts what DynamoDB refuses).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { startTestStack } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
let inbox: string;
const SECRET = 'stored-json-secret-1';
const WEBHOOK = 'stored-json';

/** Own-property keys JSON.parse creates and a naive marshaller or record parser loses. */
const TRICKY = '{"constructor":{"prototype":{"a":1}},"__proto__":{"polluted":true},"toString":"not a function","hasOwnProperty":0,"valueOf":[1]}';

const deep = (levels: number, leaf: unknown = 'bottom'): unknown => {
  let v: unknown = leaf;
  for (let i = 0; i < levels; i++) v = { d: v };
  return v;
};
const deepText = (levels: number) => `${'{"d":'.repeat(levels)}"bottom"${'}'.repeat(levels)}`;
const bigString = (bytes: number) => 'x'.repeat(bytes);

beforeAll(async () => {
  inbox = mkdtempSync(join(tmpdir(), 'hookline-inbox-'));
  s = await startTestStack({ configDir: inbox });
  const r = await s.admin('/api/webhooks', {
    method: 'POST',
    body: JSON.stringify({ webhook_id: WEBHOOK, name: WEBHOOK, provider: 'github', secret: SECRET, commands: [{ command_id: 'cmd_task', trigger: 'issues.opened', action: 'create_task', agent: 'stored-json' }] }),
  });
  expect(r.status).toBe(201);
});
afterAll(async () => {
  await s.stop();
  rmSync(inbox, { recursive: true, force: true });
});

async function deliver(body: string) {
  const r = await fetch(`${s.url}/webhooks/github/${WEBHOOK}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': await sign(SECRET, body) },
    body,
  });
  expect(r.status).toBe(202);
  return ((await r.json()) as { event_id: string }).event_id;
}

const processed = (eventId: string) =>
  pollUntil(async () => {
    const r = await s.admin(`/api/webhooks/${WEBHOOK}/events/${eventId}`);
    if (r.status !== 200) return undefined;
    const text = await r.text();
    return text.includes('"status":"processed"') ? { status: r.status, text } : undefined;
  }, 'the processed event');

let taskId = '';
async function aTask(): Promise<string> {
  if (taskId) return taskId;
  const eventId = await deliver(JSON.stringify({ action: 'opened', issue: { title: 'a task to finish' } }));
  const ev = await processed(eventId);
  taskId = JSON.parse(ev.text).actions[0].task_id;
  return taskId;
}

const body = async (r: Response) => ({ status: r.status, text: await r.text() });
const errorOf = (text: string) => JSON.parse(text).error as { code: string; details: { path: string; message: string }[] };

describe('JSON stored as given', () => {
  it('keeps constructor, __proto__ and toString keys in a task result', async () => {
    const id = await aTask();
    const patched = await body(await s.admin(`/api/tasks/${id}`, { method: 'PATCH', body: `{"status":"done","result":${TRICKY}}` }));
    expect(patched.status).toBe(200);
    const got = await body(await s.admin(`/api/tasks/${id}`));
    expect(got.status).toBe(200);
    expect(got.text).toContain(`"result":${TRICKY}`);
  });

  it('keeps them in subscription headers and filter values, and in published event data', async () => {
    const created = await body(
      await s.admin('/api/subscriptions', {
        method: 'POST',
        body: JSON.stringify({
          url: 'https://example.com/stored-json',
          events: ['stored.json'],
          headers: { constructor: 'c', toString: 't', valueOf: 'v' },
          filters: { all: [{ field: 'kind', op: 'in', value: [JSON.parse(TRICKY), 'tricky'] }] },
        }),
      }),
    );
    expect(created.status).toBe(201);
    const sub = JSON.parse(created.text);
    const got = JSON.parse((await body(await s.admin(`/api/subscriptions/${sub.subscription_id}`))).text);
    expect(got.headers).toEqual({ constructor: 'c', toString: 't', valueOf: 'v' });
    expect(JSON.stringify(got.filters)).toContain(TRICKY);

    const published = await body(await s.admin('/api/events', { method: 'POST', body: `{"type":"stored.json","data":{"kind":"tricky","extra":${TRICKY}}}` }));
    expect(published.status).toBe(202);
    expect(JSON.parse(published.text).deliveries).toBe(1);
    const deliveries = JSON.parse((await body(await s.admin(`/api/subscriptions/${sub.subscription_id}/deliveries`))).text);
    const detail = JSON.parse((await body(await s.admin(`/api/deliveries/${deliveries.items[0].delivery_id}`))).text);
    expect(detail.body).toContain(TRICKY);
  });

  it('keeps them in command condition values and their audit entries', async () => {
    const r = await body(
      await s.admin(`/api/webhooks/${WEBHOOK}/commands`, {
        method: 'POST',
        body: `{"trigger":"issues.closed","action":"create_task","agent":"x","conditions":{"all":[{"field":"issue.meta","op":"eq","value":${TRICKY}}]}}`,
      }),
    );
    expect(r.status).toBe(201);
    expect(r.text).toContain(TRICKY);
    const audit = await body(await s.admin(`/api/audit?resource_id=${WEBHOOK}&limit=1`));
    expect(audit.text).toContain(TRICKY);
  });

  it('accepts, stores and serves a verified delivery nested 10,000 levels deep', async () => {
    const text = `{"action":"opened","issue":{"title":"deep"},"deep":${deepText(10_000)}}`;
    const eventId = await deliver(text);
    const ev = await processed(eventId);
    expect(ev.status).toBe(200);
    expect(ev.text).toContain(`"payload":${text}`);
  });
});

describe('depth and size limits, checked up front', () => {
  it('stores a task result nested 31 levels deep (more than DynamoDB nests) and refuses one deeper than 64', async () => {
    const id = await aTask();
    const ok = await s.admin(`/api/tasks/${id}`, { method: 'PATCH', body: JSON.stringify({ result: deep(31) }) });
    expect(ok.status).toBe(200);
    expect(JSON.parse(await (await s.admin(`/api/tasks/${id}`)).text()).result).toEqual(deep(31));
    const tooDeep = await body(await s.admin(`/api/tasks/${id}`, { method: 'PATCH', body: JSON.stringify({ result: deep(65) }) }));
    expect(tooDeep.status).toBe(400);
    expect(errorOf(tooDeep.text).details[0].path).toBe('result');
  });

  it('refuses a 450 KB task result with 413 naming the field', async () => {
    const id = await aTask();
    const r = await body(await s.admin(`/api/tasks/${id}`, { method: 'PATCH', body: JSON.stringify({ result: { text: bigString(450_000) } }) }));
    expect(r.status).toBe(413);
    expect(errorOf(r.text)).toMatchObject({ code: 'payload_too_large', details: [{ path: 'result' }] });
  });

  it('refuses a 450 KB published event with 413 naming data', async () => {
    const r = await body(await s.admin('/api/events', { method: 'POST', body: JSON.stringify({ type: 'big.event', data: { text: bigString(450_000) } }) }));
    expect(r.status).toBe(413);
    expect(errorOf(r.text)).toMatchObject({ code: 'payload_too_large', details: [{ path: 'data' }] });
  });

  it('refuses a 475 KB webhook config with 413, and stores one just under the limit with its audit entries', async () => {
    const command = (i: number, bytes: number) => ({ trigger: 'issues.opened', action: 'create_task', agent: 'big', template: `${i} ${bigString(bytes)}` });
    const tooBig = await body(await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify({ webhook_id: 'too-big', name: 'too big', provider: 'github', commands: Array.from({ length: 25 }, (_, i) => command(i, 19_000)) }) }));
    expect(tooBig.status).toBe(413);
    expect(errorOf(tooBig.text).code).toBe('payload_too_large');

    const big = { webhook_id: 'just-under', name: 'just under', provider: 'github', commands: Array.from({ length: 6 }, (_, i) => command(i, 19_000)) };
    expect((await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify(big) })).status).toBe(201);
    const replaced = await s.admin('/api/webhooks/just-under', { method: 'PUT', body: JSON.stringify({ ...big, name: 'just under, replaced', webhook_id: undefined }) });
    expect(replaced.status).toBe(200);
    const audit = JSON.parse((await body(await s.admin('/api/audit?resource_id=just-under'))).text);
    expect(audit.items.map((e: any) => e.action)).toEqual(['webhook.update', 'webhook.create']);
    expect(audit.items[0].before.commands).toHaveLength(6);
    expect(audit.items[0].after.name).toBe('just under, replaced');
  });

  it('records every config-inbox file, including one over the limits', async () => {
    writeFileSync(join(inbox, 'inbox-too-big.json'), JSON.stringify({ name: 'too big', provider: 'github', commands: Array.from({ length: 25 }, (_, i) => ({ trigger: 'x', action: 'create_task', agent: 'a', template: `${i} ${bigString(19_000)}` })) }));
    writeFileSync(join(inbox, 'inbox-deep.json'), JSON.stringify({ name: 'deep', provider: 'github', commands: [{ trigger: 'x', action: 'create_task', agent: 'a', conditions: { all: [{ field: 'a', op: 'eq', value: deep(40) }] } }] }));
    const imports = await pollUntil(async () => {
      const items = JSON.parse((await body(await s.admin('/api/config/imports?limit=100'))).text).items as any[];
      const mine = items.filter((i) => i.file.startsWith('inbox-'));
      return mine.length === 2 ? mine : undefined;
    }, 'both import records');
    const byFile = Object.fromEntries(imports.map((i) => [i.file, i]));
    expect(byFile['inbox-too-big.json']).toMatchObject({ status: 'rejected', errors: [{ path: '(file)' }] });
    expect(byFile['inbox-deep.json']).toMatchObject({ status: 'applied' });
    const stored = JSON.parse((await body(await s.admin('/api/webhooks/inbox-deep'))).text);
    expect(stored.commands[0].conditions.all[0].value).toEqual(deep(40));
  });
});

describe('delivery attempts appended later', () => {
  it('keeps a delivery storable however many attempts are appended (manual retries), counting them all', async () => {
    const { DynamoDeliveryStore } = await import('../../shared/adapters/aws/dynamo-delivery-store');
    const { documentClient } = await import('../../shared/adapters/aws/clients');
    const store = new DynamoDeliveryStore(documentClient(), s.env.DELIVERIES_TABLE);
    const now = new Date().toISOString();
    const id = `dlv_attempts_${Date.now()}`;
    const base = { delivery_id: id, subscription_id: 'sub_attempts', event_id: 'evt_a', event_type: 'big.one', status: 'pending' as const, body: JSON.stringify({ data: bigString(128 * 1024) }), attempts: [], attempt_count: 0, next_attempt_at: now, created_at: now, updated_at: now, created_key: `${now}#${id}`, expires_at: Math.floor(Date.now() / 1000) + 3600 };
    await store.create(base);
    let d = (await store.get(id))!;
    // Each attempt as large as the deliverer records: a 4,096-character excerpt of 4-byte characters (16 KB).
    for (let n = 0; n < 40; n++) {
      const attempt = { attempt: n + 1, at: now, status_code: 500, duration_ms: 10, response_excerpt: '😀'.repeat(2048), response_headers: { 'content-type': 'text/plain' }, error: 'HTTP 500' };
      expect(await store.update({ ...d, status: 'retrying', attempts: [...d.attempts, attempt], attempt_count: n + 1 }, n)).toBe(true);
      d = (await store.get(id))!;
    }
    expect(d.attempt_count).toBe(40);
    expect(d.attempts.at(-1)!.attempt).toBe(40);
    expect(d.attempts.length).toBeGreaterThan(5);
    expect(d.attempts.length).toBeLessThan(40);
  });
});
