import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { startSink, type Sink } from '../support/sink';
import { startLocalForTest, type LocalUnderTest } from '../support/spawn-local';
import { pollUntil } from '../support/poll';

// Subscribers' scenarios through `npm start` (a child process), with sink servers on loopback.
let local: LocalUnderTest;
const s = { admin: (path: string, init: RequestInit = {}) => local.admin(path, init) };
const sinks: Sink[] = [];
async function sink(answers: Sink['answers'] = []): Promise<Sink> {
  const k = await startSink(answers);
  sinks.push(k);
  return k;
}

beforeAll(async () => {
  // npm start allows loopback targets by default (the sinks live there). Containers cache the
  // subscription list for CONFIG_CACHE_SECONDS; here every function must see a subscription the
  // moment it is created (the deliverer publishes delivery.failed to it).
  local = await startLocalForTest('subscribers', { env: { CONFIG_CACHE_SECONDS: '0' } });
});
afterAll(async () => {
  await local?.stop();
  for (const k of sinks) k.close();
});

async function subscribe(body: Record<string, unknown>) {
  const r = await s.admin('/api/subscriptions', { method: 'POST', body: JSON.stringify(body) });
  expect(r.status).toBe(201);
  return (await r.json()) as { subscription_id: string; secret: string };
}
const publish = async (body: unknown) => {
  const r = await s.admin('/api/events', { method: 'POST', body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as { event_id: string; deliveries: number } };
};
/** A subscription's deliveries of events (its hookline.verification, sent on create, left out). */
const deliveries = async (subId: string) => (((await (await s.admin(`/api/subscriptions/${subId}/deliveries`)).json()) as any).items as any[]).filter((d) => d.event_type !== 'hookline.verification');
const fast = { max_attempts: 3, initial_delay: 1, backoff_multiplier: 2, max_delay: 10 };

describe('outbound deliveries', () => {
  it('delivers a signed event that verifies with standardwebhooks, svix and plain HMAC', async () => {
    const k = await sink();
    const sub = await subscribe({ url: k.url, events: ['agent:complete'], headers: { 'X-Team': 'core' } });
    expect(sub.secret).toMatch(/^whsec_/);
    const p = await publish({ type: 'agent:complete', data: { agent: 'planning', summary: 'done ✓' } });
    expect(p).toMatchObject({ status: 202, body: { deliveries: 1 } });
    await pollUntil(async () => k.hits.length === 1, 'the delivery');
    const hit = k.hits[0];
    expect(JSON.parse(hit.body)).toEqual({ id: p.body.event_id, type: 'agent:complete', timestamp: expect.any(String), data: { agent: 'planning', summary: 'done ✓' }, subscription_id: sub.subscription_id });
    expect(() => new StandardWebhook(sub.secret).verify(hit.body, hit.headers)).not.toThrow();
    expect(() => new SvixWebhook(sub.secret).verify(hit.body, hit.headers)).not.toThrow();
    expect(hit.headers['x-hookline-signature']).toBe(`sha256=${createHmac('sha256', sub.secret).update(hit.body).digest('hex')}`);
    expect(hit.headers).toMatchObject({ 'x-hookline-event': 'agent:complete', 'x-team': 'core', 'user-agent': expect.stringMatching(/^Hookline-Webhooks\//) });
    const list = await pollUntil(async () => ((await deliveries(sub.subscription_id))[0]?.status === 'success' ? deliveries(sub.subscription_id) : undefined), 'success');
    const detail = (await (await s.admin(`/api/deliveries/${list[0].delivery_id}`)).json()) as any;
    expect(detail.attempts).toEqual([expect.objectContaining({ attempt: 1, status_code: 200, response_excerpt: '{"ok":true}', error: null })]);
    expect(detail.attempts[0].duration_ms).toEqual(expect.any(Number));
  });

  it('retries 5xx with backoff until success, recording every attempt', async () => {
    const k = await sink([{ status: 500 }, { status: 503 }]);
    const sub = await subscribe({ url: k.url, events: ['project.*'], retry_policy: fast });
    await publish({ type: 'project.created', data: { id: 1 } });
    await pollUntil(async () => k.hits.length === 3, 'three attempts', 20_000);
    const [d] = await pollUntil(async () => ((await deliveries(sub.subscription_id))[0]?.status === 'success' ? deliveries(sub.subscription_id) : undefined), 'success');
    const detail = (await (await s.admin(`/api/deliveries/${d.delivery_id}`)).json()) as any;
    expect(detail.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 503, 200]);
    // initial_delay 1 s then x2, with ±10 % jitter.
    expect(k.hits[1].at - k.hits[0].at).toBeGreaterThanOrEqual(850);
    expect(k.hits[2].at - k.hits[1].at).toBeGreaterThanOrEqual(1750);
    expect(new Set(k.hits.map((h) => h.headers['webhook-id'])).size).toBe(1);
  });

  it('fails after max_attempts, and a manual retry then succeeds', async () => {
    const k = await sink([{ status: 502 }, { status: 502 }]);
    const sub = await subscribe({ url: k.url, events: ['budget:warning'], retry_policy: { ...fast, max_attempts: 2 } });
    await publish({ type: 'budget:warning', data: {} });
    const [d] = await pollUntil(async () => ((await deliveries(sub.subscription_id))[0]?.status === 'failed' ? deliveries(sub.subscription_id) : undefined), 'failed', 20_000);
    expect(d.attempt_count).toBe(2);
    expect((await s.admin(`/api/deliveries/${d.delivery_id}/retry`, { method: 'POST' })).status).toBe(202);
    await pollUntil(async () => ((await deliveries(sub.subscription_id))[0]?.status === 'success' ? true : undefined), 'success after retry');
    expect(k.hits).toHaveLength(3);
  });

  it('honours Retry-After on 429 and disables the subscription on 410', async () => {
    const k = await sink([{ status: 429, headers: { 'retry-after': '3' } }]);
    const sub = await subscribe({ url: k.url, events: ['swarm:progress'], retry_policy: fast });
    await publish({ type: 'swarm:progress', data: {} });
    await pollUntil(async () => k.hits.length === 2, 'the retry after 429', 20_000);
    expect(k.hits[1].at - k.hits[0].at).toBeGreaterThanOrEqual(2900);

    const gone = await sink([{ status: 410 }]);
    const g = await subscribe({ url: gone.url, events: ['*'] });
    await publish({ type: 'chat_message_received', data: {} });
    await pollUntil(async () => ((await (await s.admin(`/api/subscriptions/${g.subscription_id}`)).json()) as any).enabled === false || undefined, 'the subscription disabled');
    const after = (await (await s.admin(`/api/subscriptions/${g.subscription_id}`)).json()) as any;
    expect(after.disabled_reason).toMatch(/410/);
  });

  it('routes by patterns and filters, and a repeated publish id delivers nothing new', async () => {
    const k = await sink();
    const sub = await subscribe({ url: k.url, events: ['agent:*', 'project.created'], filters: { platforms: ['github'], all: [{ field: 'severity', op: 'gt', value: 2 }] } });
    expect((await publish({ type: 'agent:complete', data: { platform: 'github', severity: 3 } })).body.deliveries).toBeGreaterThanOrEqual(1);
    await publish({ type: 'agent:complete', data: { platform: 'slack', severity: 3 } });
    await publish({ type: 'agent:complete', data: { platform: 'github', severity: 1 } });
    await publish({ type: 'project.deleted', data: { platform: 'github', severity: 9 } });
    const first = await publish({ id: 'evt-idem-1', type: 'project.created', data: { platform: 'github', severity: 5 } });
    const again = await publish({ id: 'evt-idem-1', type: 'project.created', data: { platform: 'github', severity: 5 } });
    expect(first.status).toBe(202);
    expect(again).toEqual({ status: 200, body: first.body });
    await pollUntil(async () => k.hits.length === 2, 'two matching deliveries');
    expect(k.hits.map((h) => JSON.parse(h.body).type).sort()).toEqual(['agent:complete', 'project.created']);
    expect((await deliveries(sub.subscription_id)).length).toBe(2);
  });

  it('refuses unsafe targets and invalid fields on save', async () => {
    const meta = await s.admin('/api/subscriptions', { method: 'POST', body: JSON.stringify({ url: 'http://169.254.169.254/latest/meta-data/', events: ['*'] }) });
    expect(meta.status).toBe(400);
    expect(((await meta.json()) as any).error.details[0].path).toBe('url');
    const bad = await s.admin('/api/subscriptions', { method: 'POST', body: JSON.stringify({ url: 'ftp://x', events: [], retry_policy: { max_attempts: 99 } }) });
    expect(((await bad.json()) as any).error.details.map((d: { path: string }) => d.path).sort()).toEqual(['events', 'retry_policy.max_attempts', 'url']);
  });
});

describe('subscription tools', () => {
  it('sends a hookline.test to one subscription, and lists event types', async () => {
    const k = await sink();
    const sub = await subscribe({ url: k.url, events: ['nothing.matches.this'] });
    const t = await s.admin(`/api/subscriptions/${sub.subscription_id}/test`, { method: 'POST' });
    expect(t.status).toBe(202);
    await pollUntil(async () => k.hits.length === 1, 'the test delivery');
    expect(JSON.parse(k.hits[0].body).type).toBe('hookline.test');
    const types = (await (await s.admin('/api/event-types')).json()) as any;
    expect(types.items.map((x: { type: string }) => x.type)).toEqual(expect.arrayContaining(['hookline.test', 'agent:complete', 'project.created']));
  });

  it('rotates the secret with grace: both signatures are sent and each verifies', async () => {
    const k = await sink();
    const sub = await subscribe({ url: k.url, events: ['rotation.check'] });
    const r = await s.admin(`/api/subscriptions/${sub.subscription_id}/rotate-secret`, { method: 'POST', body: JSON.stringify({ grace_seconds: 600 }) });
    const rotated = (await r.json()) as { secret: string; previous_secret_expires_at: string };
    expect(rotated.secret).not.toBe(sub.secret);
    expect(Date.parse(rotated.previous_secret_expires_at)).toBeGreaterThan(Date.now());
    await publish({ type: 'rotation.check', data: {} });
    await pollUntil(async () => k.hits.length === 1, 'the delivery');
    const hit = k.hits[0];
    expect(hit.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new StandardWebhook(rotated.secret).verify(hit.body, hit.headers)).not.toThrow();
    expect(() => new StandardWebhook(sub.secret).verify(hit.body, hit.headers)).not.toThrow();
    const shown = (await (await s.admin(`/api/subscriptions/${sub.subscription_id}`)).json()) as any;
    expect(shown.secret).toBe(`whsec_…${rotated.secret.slice(-4)}`);
  });
});

describe('stats', () => {
  it('reports success rate, latency percentiles and retries', async () => {
    const k = await sink([{ status: 500 }, { status: 404 }]);
    const sub = await subscribe({ url: k.url, events: ['stats.*'], retry_policy: fast });
    await publish({ type: 'stats.a', data: {} }); // 500, then 404 (not retried): failed after 2 attempts
    await pollUntil(async () => ((await deliveries(sub.subscription_id))[0]?.status === 'failed' ? true : undefined), 'the failure', 20_000);
    await publish({ type: 'stats.b', data: {} }); // 200
    await publish({ type: 'stats.c', data: {} }); // 200
    await pollUntil(async () => ((await deliveries(sub.subscription_id)).filter((d) => d.status === 'success').length === 2 ? true : undefined), 'two successes');
    const st = (await (await s.admin(`/api/subscriptions/${sub.subscription_id}/stats?window_hours=1`)).json()) as any;
    // The three events and the subscription's verification (one attempt, 200).
    expect(st).toMatchObject({ deliveries: 4, by_status: { success: 3, failed: 1 }, attempts: 5, retries: 1, window_hours: 1 });
    expect(st.success_rate).toBeCloseTo(3 / 4);
    expect(st.latency_ms.p50).toEqual(expect.any(Number));
    expect(st.latency_ms.p95).toBeGreaterThanOrEqual(st.latency_ms.p50);
  });
});

describe("Hookline's own events", () => {
  it('publishes event.received, delivery.failed and subscription.disabled to subscribers who want them', async () => {
    const watcher = await sink();
    await subscribe({ url: watcher.url, events: ['event.received', 'delivery.failed', 'subscription.disabled'] });
    const types = () => watcher.hits.map((h) => JSON.parse(h.body).type);

    const refusing = await sink([{ status: 400 }]);
    await subscribe({ url: refusing.url, events: ['own.refused'] });
    await publish({ type: 'own.refused', data: {} });
    await pollUntil(async () => types().includes('delivery.failed') || undefined, 'delivery.failed');
    const failed = watcher.hits.map((h) => JSON.parse(h.body)).find((b) => b.type === 'delivery.failed');
    expect(failed.data).toMatchObject({ event_type: 'own.refused', attempts: 1, last_status_code: 400 });

    const gone = await sink([{ status: 410 }]);
    const g = await subscribe({ url: gone.url, events: ['own.gone'] });
    await publish({ type: 'own.gone', data: {} });
    await pollUntil(async () => types().includes('subscription.disabled') || undefined, 'subscription.disabled');
    expect(watcher.hits.map((h) => JSON.parse(h.body)).find((b) => b.type === 'subscription.disabled').data.subscription_id).toBe(g.subscription_id);

    const wh = await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify({ webhook_id: 'own-events', name: 'own', provider: 'github' }) });
    expect(wh.status).toBe(201);
    const test = (await (await s.admin('/api/webhooks/own-events/test', { method: 'POST' })).json()) as { event_id: string };
    await pollUntil(async () => watcher.hits.map((h) => JSON.parse(h.body)).find((b) => b.type === 'event.received' && b.data.event_id === test.event_id), 'event.received');
  });
});
