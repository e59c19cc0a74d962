import { createHmac } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import Stripe from 'stripe';
import { pollUntil } from '../support/poll';
import { startLocalForTest, type LocalUnderTest } from '../support/spawn-local';

// One local stack for all providers, driven as each provider drives its webhooks.
let r: LocalUnderTest;

beforeAll(async () => {
  r = await startLocalForTest('providers');
});
afterAll(() => r?.stop());

const api = (path: string, init: RequestInit = {}) => r.admin(path, init);

async function createWebhook(id: string, provider: string, secret: string) {
  const res = await api('/api/webhooks', { method: 'POST', body: JSON.stringify({ webhook_id: id, name: id, provider, secret }) });
  expect(res.status).toBe(201);
}

async function storedEvent(webhookId: string, eventId: string): Promise<any> {
  return pollUntil(async () => {
    const x = await api(`/api/webhooks/${webhookId}/events/${eventId}`);
    return x.status === 200 ? await x.json() : undefined;
  }, `event ${eventId}`);
}

const post = (path: string, body: string, headers: Record<string, string>) => fetch(`${r.url}${path}`, { method: 'POST', headers, body });

describe('providers end to end through npm start', () => {
  it('GitHub: ping and issues.opened, a redelivery deduplicated', async () => {
    await createWebhook('gh', 'github', 'gh-secret-123');
    const body = JSON.stringify({ action: 'opened', issue: { number: 1, title: 'Ünïcode 🚀' } });
    const headers = { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': 'gh-d-1', 'x-hub-signature-256': await sign('gh-secret-123', body) };
    const a = (await (await post('/webhooks/github/gh', body, headers)).json()) as { event_id: string };
    const b = (await (await post('/webhooks/github/gh', body, headers)).json()) as { event_id: string };
    expect(b.event_id).toBe(a.event_id);
    expect(await storedEvent('gh', a.event_id)).toMatchObject({ event_type: 'issues.opened', payload: JSON.parse(body) });
  });

  it('Slack: url_verification challenge, an Events API callback, and a slash command', async () => {
    const secret = '8f742231b10e8888abcd99yyyzzz85a5';
    await createWebhook('sl', 'slack', secret);
    const signed = (body: string, contentType: string) => {
      const ts = String(Math.floor(Date.now() / 1000));
      return { 'content-type': contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}` };
    };

    const challenge = JSON.stringify({ token: 't', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' });
    const c = await post('/webhooks/slack/sl', challenge, signed(challenge, 'application/json'));
    expect(c.status).toBe(200);
    expect(await c.text()).toBe('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P');

    const event = JSON.stringify({
      type: 'event_callback',
      event_id: 'Ev0001',
      team_id: 'T1',
      event: { type: 'message', channel_type: 'channel', channel: 'C1', user: 'U1', text: 'déploiement 🚢 please', ts: '1700000000.000100' },
    });
    const e = await post('/webhooks/slack/sl', event, signed(event, 'application/json'));
    expect(e.status).toBe(202);
    const { event_id } = (await e.json()) as { event_id: string };
    expect(await storedEvent('sl', event_id)).toMatchObject({ event_type: 'message.channels', delivery_id: 'Ev0001' });

    const slash = 'token=x&team_id=T1&channel_id=C1&channel_name=engineering&user_id=U1&user_name=ana&command=%2Fdeploy&text=api%20prod&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1%2F2%2F3&trigger_id=13345224609.738474920.8088930838d88f008e0';
    const s = await post('/webhooks/slack/sl', slash, signed(slash, 'application/x-www-form-urlencoded'));
    expect(s.status).toBe(200);
    expect(await s.text()).toBe('');
    const events = await pollUntil(async () => {
      const list = (await (await api('/api/webhooks/sl/events')).json()) as { items: { event_type: string; delivery_id: string }[] };
      return list.items.find((x) => x.event_type === 'slash_command');
    }, 'the slash command event');
    expect(events.delivery_id).toBe('13345224609.738474920.8088930838d88f008e0');

    const tampered = await post('/webhooks/slack/sl', slash.replace('%20', '+'), signed(slash, 'application/x-www-form-urlencoded'));
    expect(tampered.status).toBe(401);
  });

  it('Stripe: a test header from the stripe library, and a stale one refused', async () => {
    const secret = 'whsec_test_stripe_endpoint_secret_1';
    await createWebhook('st', 'stripe', secret);
    const body = JSON.stringify({ id: 'evt_1Q2w3E', object: 'event', type: 'invoice.paid', data: { object: { id: 'in_1', customer_name: 'Zoë Åkesson' } } });
    const stripe = new Stripe('sk_test_x');
    const header = stripe.webhooks.generateTestHeaderString({ payload: body, secret });
    const ok = await post('/webhooks/stripe/st', body, { 'content-type': 'application/json', 'stripe-signature': header });
    expect(ok.status).toBe(202);
    const { event_id } = (await ok.json()) as { event_id: string };
    expect(await storedEvent('st', event_id)).toMatchObject({ event_type: 'invoice.paid', delivery_id: 'evt_1Q2w3E' });
    const stale = stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: Math.floor(Date.now() / 1000) - 301 });
    expect((await post('/webhooks/stripe/st', body, { 'content-type': 'application/json', 'stripe-signature': stale })).status).toBe(401);
  });

  it('Standard Webhooks: signed by the standardwebhooks library', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    await createWebhook('sw', 'standard', secret);
    const body = JSON.stringify({ type: 'invoice.paid', timestamp: new Date().toISOString(), data: { amount: 4200, note: '€ ✓' } });
    const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
    const now = new Date();
    const signature = new StandardWebhook(secret).sign(id, now, body);
    const res = await post('/webhooks/standard/sw', body, {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signature,
    });
    expect(res.status).toBe(202);
    const { event_id } = (await res.json()) as { event_id: string };
    expect(await storedEvent('sw', event_id)).toMatchObject({ event_type: 'invoice.paid', delivery_id: id });
  });

  it('every provider: POST /api/webhooks/{id}/test goes through the real receiver', async () => {
    const providers = ['gitlab', 'jira', 'sentry', 'clerk', 'linear', 'shopify', 'custom'];
    for (const p of providers) {
      const body = { webhook_id: `t-${p}`, name: p, provider: p, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', ...(p === 'custom' ? { verification: { header: 'X-Sig' } } : {}) };
      expect((await api('/api/webhooks', { method: 'POST', body: JSON.stringify(body) })).status).toBe(201);
      const t = await api(`/api/webhooks/t-${p}/test`, { method: 'POST' });
      expect([p, t.status]).toEqual([p, 202]);
      const { event_id } = (await t.json()) as { event_id: string };
      expect((await storedEvent(`t-${p}`, event_id)).provider).toBe(p);
    }
  });
});
