import { documentClient, sqsClient } from '../../shared/adapters/aws/clients';
import { DynamoRateLimiter } from '../../shared/adapters/aws/dynamo-rate-limiter';
import { SqsDeliveryQueue } from '../../shared/adapters/aws/sqs-delivery-queue';
import { verifyHooklineSignature } from '../../shared/delivery/signing';
import { cliAgainst } from '../support/cli';
import { startTestStack, TEST_ADMIN_KEY } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';
import { startSink, type Sink } from '../support/sink';

// Outbound gates through the in-process local stack (real handlers, emulators, pollers), with
// HOOKLINE_REQUIRE_VERIFIED=true: endpoint verification (an unverified subscription gets nothing
// but its verification), and rate limits that spread a burst out without losing or double-sending anything.
type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
const sinks: Sink[] = [];

const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as any });
const post = (path: string, body: unknown) => s.admin(path, { method: 'POST', body: JSON.stringify(body) });
const sink = async () => {
  const k = await startSink();
  sinks.push(k);
  return k;
};
/** The events a sink received (verifications apart), in arrival order. */
const received = (k: Sink) => k.hits.map((h) => JSON.parse(h.body) as { id: string; type: string });
const getSub = async (id: string) => (await json(await s.admin(`/api/subscriptions/${id}`))).body;
/** Creates a subscription and waits until its verification made it `verified`. */
async function verifiedSubscription(body: Record<string, unknown>): Promise<any> {
  const created = await json(await post('/api/subscriptions', body));
  expect(created.status).toBe(201);
  return pollUntil(async () => {
    const x = await getSub(created.body.subscription_id);
    return x.verified && x;
  }, 'the subscription to be verified');
}

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_TARGETS = 'true';
  process.env.HOOKLINE_REQUIRE_VERIFIED = 'true';
  s = await startTestStack();
});
afterAll(async () => {
  delete process.env.HOOKLINE_REQUIRE_VERIFIED;
  for (const k of sinks) k.close();
  await s?.stop();
});

async function deliveriesOf(sub: string): Promise<any[]> {
  return (await json(await s.admin(`/api/subscriptions/${sub}/deliveries?limit=100`))).body.items.filter((d: { event_type: string }) => d.event_type !== 'hookline.verification');
}

describe('endpoint verification', () => {
  it('sends a signed hookline.verification on create; a 2xx makes the subscription verified; it is in the delivery log and the catalog', async () => {
    const k = await sink();
    const created = await json(await post('/api/subscriptions', { url: k.url, events: ['gate.v'] }));
    expect(created.status).toBe(201);
    expect(created.body.verified).toBe(false);
    const { subscription_id, secret, verification_delivery_id } = created.body;
    expect(verification_delivery_id).toMatch(/^dlv_/);
    const sub = await pollUntil(async () => {
      const x = await getSub(subscription_id);
      return x.verified && x;
    }, 'verified');
    expect(sub.verification_delivery_id).toBe(verification_delivery_id);
    expect(k.verifications).toHaveLength(1);
    const v = k.verifications[0];
    expect(verifyHooklineSignature({ secret, body: v.body, headers: v.headers })).toEqual({ ok: true, scheme: 'standard-webhooks' });
    expect(v.headers['webhook-id']).toBe(verification_delivery_id);
    const body = JSON.parse(v.body);
    expect(body).toMatchObject({ type: 'hookline.verification', subscription_id, data: { subscription_id, url: k.url } });
    expect(body.data.challenge).toMatch(/^[a-z0-9]{24}$/);
    const logged = await json(await s.admin(`/api/deliveries/${verification_delivery_id}`));
    expect(logged.body).toMatchObject({ event_type: 'hookline.verification', status: 'success', attempt_count: 1 });
    const catalog = await json(await s.admin('/api/event-types'));
    expect(catalog.body.items.find((t: { type: string }) => t.type === 'hookline.verification')).toMatchObject({ source: 'hookline' });
    // A redelivered verification message sends nothing again.
    await new SqsDeliveryQueue(sqsClient(), s.env.DELIVERIES_QUEUE_URL).sendAll([verification_delivery_id]);
    await post(`/api/events`, { type: 'gate.v', data: {} });
    await pollUntil(async () => k.hits.length === 1, 'the event after the redelivered verification');
    expect(k.verifications).toHaveLength(1);
  });

  it('keeps an unverified endpoint from receiving anything (recorded failed with the reason); verify again, then retry delivers', async () => {
    const k = await sink();
    k.verificationAnswer = { status: 500 };
    const created = await json(await post('/api/subscriptions', { url: k.url, events: ['gate.unverified'], retry_policy: { max_attempts: 1 } }));
    const id = created.body.subscription_id;
    await pollUntil(async () => (await json(await s.admin(`/api/deliveries/${created.body.verification_delivery_id}`))).body.status === 'failed', 'the failed verification');
    expect((await getSub(id)).verified).toBe(false);

    const published = await json(await post('/api/events', { type: 'gate.unverified', data: { n: 1 } }));
    expect(published.body.deliveries).toBe(1);
    const [held] = await deliveriesOf(id);
    expect(held.status).toBe('failed');
    const detail = await json(await s.admin(`/api/deliveries/${held.delivery_id}`));
    expect(detail.body.attempts[0]).toMatchObject({ status_code: null });
    expect(detail.body.attempts[0].error).toContain('not verified');
    // A test event is held the same way.
    const test = await json(await post(`/api/subscriptions/${id}/test`, {}));
    await pollUntil(async () => (await json(await s.admin(`/api/deliveries/${test.body.delivery_id}`))).body.status === 'failed', 'the refused test');
    expect(k.hits).toHaveLength(0);

    k.verificationAnswer = { status: 204 };
    const again = await json(await post(`/api/subscriptions/${id}/verify`, {}));
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ subscription_id: id, verified: false });
    expect(again.body.delivery_id).not.toBe(created.body.verification_delivery_id);
    await pollUntil(async () => (await getSub(id)).verified, 'verified after the new verification');
    expect((await post(`/api/deliveries/${held.delivery_id}/retry`, {})).status).toBe(202);
    await pollUntil(async () => k.hits.length === 1, 'the retried delivery');
    expect(JSON.parse(k.hits[0].body)).toMatchObject({ type: 'gate.unverified', data: { n: 1 } });
    expect((await json(await post('/api/subscriptions/sub_nobody/verify', {}))).status).toBe(404);
  });

  it('resets verified on a URL change and verifies the new URL (the old one gets nothing more)', async () => {
    const [oldSink, newSink] = [await sink(), await sink()];
    const sub = await verifiedSubscription({ url: oldSink.url, events: ['gate.move'] });
    const { subscription_id, version, verification_delivery_id, secret: _s, verified: _v, paused: _p, created_at: _c, updated_at: _u, ...rest } = sub;
    const moved = await json(await s.admin(`/api/subscriptions/${subscription_id}`, { method: 'PUT', body: JSON.stringify({ ...rest, url: newSink.url }) }));
    expect(moved.status).toBe(200);
    expect(moved.body.verified).toBe(false);
    expect(moved.body.verification_delivery_id).not.toBe(verification_delivery_id);
    await pollUntil(async () => (await getSub(subscription_id)).verified, 'the new URL verified');
    expect(newSink.verifications).toHaveLength(1);
    expect(oldSink.verifications).toHaveLength(1);
    // A save that keeps the URL keeps verified and sends nothing.
    const cur = await getSub(subscription_id);
    const kept = await json(await s.admin(`/api/subscriptions/${subscription_id}`, { method: 'PUT', body: JSON.stringify({ ...rest, url: newSink.url, description: 'same url' }) }));
    expect(kept.body).toMatchObject({ verified: true, verification_delivery_id: cur.verification_delivery_id });
  });
});

describe('outbound rate limits', () => {
  it('never give two reservations the same slot, from any number of containers at once (DynamoDB bucket item)', async () => {
    // Eight containers' limiters, 40 reservations racing on one bucket at 100/s, burst 1.
    const limiters = Array.from({ length: 8 }, () => new DynamoRateLimiter(documentClient(), s.env.DELIVERIES_TABLE));
    const from = Date.now();
    const at = await Promise.all(Array.from({ length: 40 }, (_, i) => limiters[i % 8].reserve('sub#race', { per_second: 100 }, from)));
    const sorted = [...at].sort((a, b) => a - b);
    expect(sorted[0]).toBe(from);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeCloseTo(10, 6);
  });

  it('refuses a bad rate_limit at its field path', async () => {
    const bad = await json(await post('/api/subscriptions', { url: 'http://127.0.0.1:9/x', events: ['*'], rate_limit: { per_second: 0, burst: 1.5 } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['rate_limit.burst', 'rate_limit.per_second']);
    const huge = await json(await post('/api/subscriptions', { url: 'http://127.0.0.1:9/x', events: ['*'], rate_limit: { per_second: 5000 } }));
    expect(huge.body.error.details[0].path).toBe('rate_limit.per_second');
  });

  it("spreads a burst to one subscription out at its rate: every event arrives once, none counted as a failed attempt", async () => {
    const k = await sink();
    const sub = { body: await verifiedSubscription({ url: k.url, events: ['gate.rate'], rate_limit: { per_second: 5, burst: 1 } }) };
    expect(sub.body.rate_limit).toEqual({ per_second: 5, burst: 1 });
    const published = await Promise.all(Array.from({ length: 12 }, async (_, i) => json(await post('/api/events', { type: 'gate.rate', data: { i } }))));
    const ids = published.map((p) => p.body.event_id);
    await pollUntil(async () => received(k).length >= 12, '12 rate-limited deliveries', 20_000);
    const got = received(k);
    expect(got.map((e) => e.id).sort()).toEqual([...ids].sort());
    // 12 slots 200 ms apart: the last cannot go before 11 slots after the first.
    const times = k.hits.map((h) => h.at);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(11 * 200 * 0.9);
    const list = await pollUntil(async () => {
      const ds = await deliveriesOf(sub.body.subscription_id);
      return ds.length === 12 && ds.every((d) => d.status === 'success') && ds;
    }, 'every delivery recorded as success');
    expect(list.every((d: { attempt_count: number }) => d.attempt_count === 1)).toBe(true);
    // The held ones show the slot they waited for.
    expect(list.filter((d: { rate_limited_until: string | null }) => d.rate_limited_until !== null).length).toBeGreaterThan(0);
  });

  it('is set and shown by the CLI (--rate-limit per_second:burst)', async () => {
    const cli = cliAgainst(() => s.url, TEST_ADMIN_KEY);
    const made = await cli('subscriptions', 'create', '--endpoint', 'http://127.0.0.1:9/cli', '--events', 'gate.cli', '--rate-limit', '20:5');
    expect(made.code).toBe(0);
    expect(made.out).toContain('20/s burst 5');
    const bad = await cli('subscriptions', 'create', '--endpoint', 'http://127.0.0.1:9/cli', '--events', 'gate.cli', '--rate-limit', 'fast');
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--rate-limit');
  });

  it("caps the sum over a tenant's subscriptions with the tenant's rate_limit", async () => {
    expect((await post('/api/tenants', { tenant_id: 'gate-co', name: 'Gate Co', rate_limit: { per_second: 4 } })).status).toBe(201);
    const [a, b] = [await sink(), await sink()];
    for (const k of [a, b]) await verifiedSubscription({ url: k.url, events: ['gate.tenant'], tenant_id: 'gate-co' });
    await Promise.all(Array.from({ length: 5 }, (_, i) => post('/api/events', { type: 'gate.tenant', tenant_id: 'gate-co', data: { i } })));
    await pollUntil(async () => received(a).length >= 5 && received(b).length >= 5, '10 tenant deliveries', 20_000);
    expect(received(a).length + received(b).length).toBe(10);
    const times = [...a.hits, ...b.hits].map((h) => h.at);
    // 10 slots 250 ms apart across both endpoints.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(9 * 250 * 0.9);
  });
});

