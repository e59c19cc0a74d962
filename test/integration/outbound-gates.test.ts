import { documentClient } from '../../shared/adapters/aws/clients';
import { DynamoRateLimiter } from '../../shared/adapters/aws/dynamo-rate-limiter';
import { cliAgainst } from '../support/cli';
import { startTestStack, TEST_ADMIN_KEY } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';
import { startSink, type Sink } from '../support/sink';

// Outbound gates through the in-process local stack (real handlers, emulators, pollers): rate
// limits spread a burst out without losing or double-sending anything.
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
/** The event ids a sink received, in arrival order. */
const received = (k: Sink) => k.hits.map((h) => JSON.parse(h.body) as { id: string; type: string }).filter((e) => e.type !== 'hookline.verification');

beforeAll(async () => {
  process.env.ALLOW_PRIVATE_TARGETS = 'true';
  s = await startTestStack();
});
afterAll(async () => {
  for (const k of sinks) k.close();
  await s?.stop();
});

async function deliveriesOf(sub: string): Promise<any[]> {
  return (await json(await s.admin(`/api/subscriptions/${sub}/deliveries?limit=100`))).body.items.filter((d: { event_type: string }) => d.event_type !== 'hookline.verification');
}

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
    const sub = await json(await post('/api/subscriptions', { url: k.url, events: ['gate.rate'], rate_limit: { per_second: 5, burst: 1 } }));
    expect(sub.status).toBe(201);
    expect(sub.body.rate_limit).toEqual({ per_second: 5, burst: 1 });
    const published = await Promise.all(Array.from({ length: 12 }, async (_, i) => json(await post('/api/events', { type: 'gate.rate', data: { i } }))));
    const ids = published.map((p) => p.body.event_id);
    await pollUntil(async () => received(k).length >= 12, '12 rate-limited deliveries', 20_000);
    const got = received(k);
    expect(got.map((e) => e.id).sort()).toEqual([...ids].sort());
    // 12 slots 200 ms apart: the last cannot go before 11 slots after the first.
    const times = k.hits.filter((h) => !h.body.includes('hookline.verification')).map((h) => h.at);
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
    for (const k of [a, b]) expect((await post('/api/subscriptions', { url: k.url, events: ['gate.tenant'], tenant_id: 'gate-co' })).status).toBe(201);
    await Promise.all(Array.from({ length: 5 }, (_, i) => post('/api/events', { type: 'gate.tenant', tenant_id: 'gate-co', data: { i } })));
    await pollUntil(async () => received(a).length >= 5 && received(b).length >= 5, '10 tenant deliveries', 20_000);
    expect(received(a).length + received(b).length).toBe(10);
    const times = [...a.hits, ...b.hits].filter((h) => !h.body.includes('hookline.verification')).map((h) => h.at);
    // 10 slots 250 ms apart across both endpoints.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(9 * 250 * 0.9);
  });
});

