import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { verifyHooklineSignature } from '../../shared/delivery/signing';
import { pollUntil } from '../support/poll';
import { startSink, type Sink } from '../support/sink';
import { startLocalForTest, type LocalUnderTest } from '../support/spawn-local';

// The outbound design documents (../shared/seeds/004) pasted as they are written, through `npm start`,
// to subscribers on loopback.
let local: LocalUnderTest;
const sinks: Sink[] = [];
async function sink(path?: string): Promise<Sink> {
  const k = await startSink([], path);
  sinks.push(k);
  return k;
}

beforeAll(async () => {
  local = await startLocalForTest('outbound-designs', { env: { CONFIG_CACHE_SECONDS: '0' } });
});
afterAll(async () => {
  await local?.stop();
  for (const k of sinks) k.close();
});

const api = async (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => {
  const res = await local.admin(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as any };
};

describe('plain secrets', () => {
  it('a supplied plain secret is accepted on create and rotate and keys both signatures', async () => {
    const k = await sink();
    const created = await api('/api/subscriptions', { url: k.url, events: ['secret.check'], secret: 'your_webhook_secret' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toBe('your_webhook_secret');
    expect((await api(`/api/subscriptions/${created.body.subscription_id}`)).body.secret).toBe('…cret');

    await api('/api/events', { type: 'secret.check', data: { n: 1 } });
    const hit = await pollUntil(async () => k.hits[0], 'the delivery');
    expect(verifyHooklineSignature({ secret: 'your_webhook_secret', body: hit.body, headers: hit.headers })).toEqual({ ok: true, scheme: 'standard-webhooks' });
    expect(() => new StandardWebhook('your_webhook_secret', { format: 'raw' }).verify(hit.body, hit.headers)).not.toThrow();
    expect(hit.headers['x-hookline-signature']).toBe(`sha256=${createHmac('sha256', 'your_webhook_secret').update(hit.body).digest('hex')}`);

    const rotated = await api(`/api/subscriptions/${created.body.subscription_id}/rotate-secret`, { secret: 'the next secret, 2 words', grace_seconds: 600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toBe('the next secret, 2 words');
    await api('/api/events', { type: 'secret.check', data: { n: 2 } });
    const second = await pollUntil(async () => k.hits[1], 'the delivery after the rotation');
    expect(verifyHooklineSignature({ secret: 'the next secret, 2 words', body: second.body, headers: second.headers }).ok).toBe(true);
    expect(verifyHooklineSignature({ secret: 'your_webhook_secret', body: second.body, headers: second.headers }).ok).toBe(true);
  });

  it('refuses a secret that is neither kind, at the secret path', async () => {
    for (const secret of ['too-short', 'whsec_not*base64', `whsec_${Buffer.alloc(16).toString('base64')}`, 'non-ascii ünïcødé secret']) {
      const r = await api('/api/subscriptions', { url: 'http://127.0.0.1:9/x', events: ['*'], secret });
      expect(r.status).toBe(400);
      expect(r.body.error.details).toEqual([{ path: 'secret', message: expect.any(String) }]);
    }
  });
});
