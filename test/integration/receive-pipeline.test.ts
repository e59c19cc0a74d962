import { randomBytes } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sign } from '@octokit/webhooks-methods';
import { mockClient } from 'aws-sdk-client-mock';
import { sqsClient } from '../../shared/adapters/aws/clients';
import { handler as receiver } from '../../functions/receiver/handler';
import { startTestStack } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
const SECRET = 'gh-webhook-secret-1';

beforeAll(async () => {
  s = await startTestStack();
  for (const id of ['recv', 'recv-off']) {
    const r = await s.admin('/api/webhooks', {
      method: 'POST',
      body: JSON.stringify({ webhook_id: id, name: id, provider: 'github', secret: SECRET, commands: [{ command_id: 'cmd_bug', trigger: 'issues.opened', action: 'create_task', agent: 'planning' }] }),
    });
    expect(r.status).toBe(201);
  }
  await s.admin('/api/webhooks/recv-off/disable', { method: 'POST' });
});
afterAll(() => s.stop());

async function deliver(id: string, body: string, opts: { event?: string; delivery?: string; secret?: string; headers?: Record<string, string> } = {}) {
  return fetch(`${s.url}/webhooks/github/${id}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': opts.event ?? 'issues',
      'x-github-delivery': opts.delivery ?? crypto.randomUUID(),
      'x-hub-signature-256': await sign(opts.secret ?? SECRET, body),
      ...opts.headers,
    },
    body,
  });
}

const eventOf = async (id: string, eventId: string) => {
  const r = await s.admin(`/api/webhooks/${id}/events/${eventId}`);
  return r.status === 200 ? ((await r.json()) as any) : undefined;
};

describe('receiver', () => {
  it('answers 202 with an event id once queued, and the consumer stores it with the payload intact', async () => {
    const payload = { action: 'opened', issue: { title: 'Crash 💥 on start', body: 'Ünïcödé, 漢字, emoji 🚀👩‍💻' } };
    const body = JSON.stringify(payload);
    const r = await deliver('recv', body, { delivery: 'delivery-1' });
    expect(r.status).toBe(202);
    const ack = (await r.json()) as { received: boolean; event_id: string };
    expect(ack).toEqual({ received: true, event_id: expect.stringMatching(/^evt_/) });
    const ev = await pollUntil(async () => ((await eventOf('recv', ack.event_id))?.status === 'processed' ? eventOf('recv', ack.event_id) : undefined), 'the processed event');
    expect(ev).toMatchObject({ event_type: 'issues.opened', delivery_id: 'delivery-1', status: 'processed', matched_commands: ['cmd_bug'], payload });
    expect(ev.payload_bytes).toBe(Buffer.byteLength(body));
  });

  it('gives a retried delivery the same event id and stores it once', async () => {
    const body = JSON.stringify({ action: 'closed', n: 1 });
    const a = (await (await deliver('recv', body, { delivery: 'dup-1' })).json()) as { event_id: string };
    const b = (await (await deliver('recv', body, { delivery: 'dup-1' })).json()) as { event_id: string };
    expect(b.event_id).toBe(a.event_id);
    await pollUntil(() => eventOf('recv', a.event_id), 'the event');
    // A third, distinct delivery processed after the duplicate proves the queue has drained past it.
    const c = (await (await deliver('recv', body, { delivery: 'dup-2' })).json()) as { event_id: string };
    await pollUntil(() => eventOf('recv', c.event_id), 'the later event');
    const list = (await (await s.admin('/api/webhooks/recv/events?limit=100')).json()) as any;
    expect(list.items.filter((e: { delivery_id: string }) => e.delivery_id === 'dup-1')).toHaveLength(1);
  });

  it('logs ping as a handshake that never runs commands', async () => {
    const r = await deliver('recv', JSON.stringify({ zen: 'Design for failure.', hook_id: 1 }), { event: 'ping' });
    expect(r.status).toBe(202);
    const { event_id } = (await r.json()) as { event_id: string };
    expect(await pollUntil(() => eventOf('recv', event_id), 'ping')).toMatchObject({ event_type: 'ping', status: 'ignored', matched_commands: [] });
  });

  it('refuses bad signatures, unknown and disabled webhooks, wrong content types and large bodies', async () => {
    const body = '{"action":"opened"}';
    const wrong = await deliver('recv', body, { secret: 'not-the-secret' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as any).error.code).toBe('invalid_signature');
    const unsigned = await fetch(`${s.url}/webhooks/github/recv`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect((await deliver('nope', body)).status).toBe(404);
    expect((await deliver('recv', body, { headers: {} }).then(() => fetch(`${s.url}/webhooks/gitlab/recv`, { method: 'POST', body }))).status).toBe(404);
    const off = await deliver('recv-off', body);
    expect(off.status).toBe(404);
    expect(((await off.json()) as any).error.code).toBe('webhook_disabled');
    expect((await deliver('recv', body, { headers: { 'content-type': 'text/xml' } })).status).toBe(415);
    const big = JSON.stringify({ pad: 'x'.repeat(4 * 1024 * 1024) });
    expect((await deliver('recv', big)).status).toBe(413);
  });

  it('works behind a Function URL (no path parameters)', async () => {
    const body = '{"action":"edited"}';
    const res = (await receiver({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/webhooks/github/recv',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': 'furl-1', 'x-hub-signature-256': await sign(SECRET, body) },
      requestContext: { http: { method: 'POST', path: '/webhooks/github/recv', sourceIp: '192.0.2.1' } } as never,
      body: Buffer.from(body).toString('base64'),
      isBase64Encoded: true,
    })) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(202);
    const { event_id } = JSON.parse(res.body);
    expect(await pollUntil(() => eventOf('recv', event_id), 'the event')).toMatchObject({ event_type: 'issues.edited', delivery_id: 'furl-1' });
  });

  it('answers 503 and queues nothing when SQS is unavailable', async () => {
    const mock = mockClient(sqsClient());
    mock.on(SendMessageCommand).rejects(Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $fault: 'server' }));
    try {
      const r = await deliver('recv', '{"action":"opened"}');
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('5');
      expect(((await r.json()) as any).error.code).toBe('service_unavailable');
    } finally {
      mock.restore();
    }
  });
});

describe('event log', () => {
  it('lists newest first, filters by status, and pages by cursor', async () => {
    const ids: string[] = [];
    for (const [i, ev] of ['issues', 'push', 'issues'].entries()) {
      const body = ev === 'issues' ? `{"action":"opened","i":${i}}` : `{"ref":"x","i":${i}}`;
      ids.push(((await (await deliver('recv', body, { event: ev })).json()) as { event_id: string }).event_id);
    }
    for (const id of ids) await pollUntil(() => eventOf('recv', id), 'event');
    const ignored = (await (await s.admin('/api/webhooks/recv/events?status=ignored&limit=100')).json()) as any;
    expect(ignored.items.every((e: { status: string }) => e.status === 'ignored')).toBe(true);
    expect(ignored.items.map((e: { event_id: string }) => e.event_id)).toContain(ids[1]);
    const page1 = (await (await s.admin('/api/webhooks/recv/events?limit=2')).json()) as any;
    expect(page1.items).toHaveLength(2);
    expect(page1.items[0].received_at >= page1.items[1].received_at).toBe(true);
    expect(page1.next_cursor).toEqual(expect.any(String));
    const page2 = (await (await s.admin(`/api/webhooks/recv/events?limit=2&cursor=${page1.next_cursor}`)).json()) as any;
    expect(page2.items[0].received_at <= page1.items[1].received_at).toBe(true);
    expect((await s.admin('/api/webhooks/recv/events?status=bogus')).status).toBe(400);
    expect((await s.admin('/api/webhooks/recv/events/evt_nope')).status).toBe(404);
    expect((await s.admin(`/api/webhooks/recv-off/events/${ids[0]}`)).status).toBe(404);
  });
});

describe('receiver guards', () => {
  async function webhook(id: string, extra: Record<string, unknown>) {
    const r = await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify({ webhook_id: id, name: id, provider: 'github', secret: SECRET, ...extra }) });
    expect(r.status).toBe(201);
  }

  it('answers 403 to a source address outside ip_allowlist and accepts one inside', async () => {
    await webhook('recv-ip-deny', { ip_allowlist: ['10.0.0.0/8', '2001:db8::/32'] });
    await webhook('recv-ip-allow', { ip_allowlist: ['127.0.0.0/8', '::1/128'] });
    const denied = await deliver('recv-ip-deny', '{"action":"opened"}');
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as any).error.code).toBe('ip_not_allowed');
    expect((await deliver('recv-ip-allow', '{"action":"opened"}')).status).toBe(202);
  });

  it('answers 429 with Retry-After once the rate limit is used up', async () => {
    await webhook('recv-rate', { rate_limit: { per_second: 0.01, burst: 2 } });
    expect((await deliver('recv-rate', '{"action":"a"}')).status).toBe(202);
    expect((await deliver('recv-rate', '{"action":"b"}')).status).toBe(202);
    const limited = await deliver('recv-rate', '{"action":"c"}');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Unsigned requests do not use up the budget of a limited webhook.
    expect((await deliver('recv-rate', '{"action":"d"}', { secret: 'wrong-secret' })).status).toBe(401);
  });

  it('puts bodies too large for an SQS message in S3 (claim check), invisible in the event log', async () => {
    // Random hex does not compress: gzip+base64 stays far above the 200 KB message budget.
    const noise = randomBytes(400 * 1024).toString('hex');
    const payload = { action: 'opened', noise };
    const r = await deliver('recv', JSON.stringify(payload));
    expect(r.status).toBe(202);
    const { event_id } = (await r.json()) as { event_id: string };
    const ev = await pollUntil(() => eventOf('recv', event_id), 'the claim-checked event');
    expect(ev.payload).toEqual(payload);
    expect(ev.payload_bytes).toBe(Buffer.byteLength(JSON.stringify(payload)));
  });
});
