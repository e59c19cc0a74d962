import fc from 'fast-check';
import { reserveSlot, type RateLimitSpec } from '../../shared/delivery/rate-limit';
import { deliverOne, type DeliverDeps } from '../../shared/usecases/deliver';
import { deliverySummary } from '../../shared/usecases/subscriptions';
import type { SubscriptionRecord } from '../../shared/model/subscription';
import type { RateLimiter } from '../../shared/ports';
import { MemoryDeliveries, testDelivery, testSubscription } from '../support/fakes';

/** The limiter port over the pure reservation, as the DynamoDB adapter does it with one item per key. */
class MemoryLimiter implements RateLimiter {
  tat = new Map<string, number>();
  calls: string[] = [];
  async reserve(key: string, limit: RateLimitSpec, from: number) {
    this.calls.push(key);
    const r = reserveSlot(this.tat.get(key), from, limit);
    this.tat.set(key, r.tat);
    return r.at;
  }
}

describe('reserveSlot (GCRA)', () => {
  it('lets a fresh bucket send at once, then spaces the excess by 1/per_second after the burst', () => {
    const limit = { per_second: 10, burst: 3 };
    let tat: number | undefined;
    const at: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = reserveSlot(tat, 1000, limit);
      tat = r.tat;
      at.push(r.at);
    }
    expect(at).toEqual([1000, 1000, 1000, 1100, 1200, 1300]);
  });

  it('never sends before the attempt could go, keeps arrival order, and never puts more than burst + rate x window into any window', () => {
    fc.assert(
      fc.property(
        fc.record({ per_second: fc.double({ min: 0.5, max: 200, noNaN: true }), burst: fc.integer({ min: 1, max: 20 }) }),
        fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 5000 }),
        (limit, gaps, window) => {
          let t = 0;
          let tat: number | undefined;
          const sends: number[] = [];
          for (const g of gaps) {
            t += g % 7 === 0 ? 0 : g; // many arrive together
            const r = reserveSlot(tat, t, limit);
            expect(r.at).toBeGreaterThanOrEqual(t);
            if (sends.length) expect(r.at).toBeGreaterThanOrEqual(sends[sends.length - 1]);
            tat = r.tat;
            sends.push(r.at);
          }
          // Any window [s, s + window) starting at a send time holds at most burst + window * rate sends.
          const cap = limit.burst + (window * limit.per_second) / 1000 + 1e-9;
          for (let i = 0; i < sends.length; i++) {
            let n = 0;
            for (let j = i; j < sends.length && sends[j] < sends[i] + window; j++) n++;
            expect(n).toBeLessThanOrEqual(Math.floor(cap));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

const subscription = testSubscription;
const delivery = (id: string) => testDelivery(id);

function harness(sub: SubscriptionRecord, tenantLimit?: RateLimitSpec) {
  let now = Date.parse('2026-12-01T12:00:00Z');
  const limiter = new MemoryLimiter();
  const sent: string[] = [];
  const waits: number[] = [];
  const tenantReads: string[] = [];
  const d: DeliverDeps & { deliveries: MemoryDeliveries } = {
    deliveries: new MemoryDeliveries(),
    loadSubscription: async () => sub,
    send: async (_u, headers) => (sent.push(headers['webhook-id']), { status: 200, headers: {}, bodyExcerpt: '', durationMs: 1 }),
    disableSubscription: async () => undefined,
    setFailingSince: async () => undefined,
    autoDisableAfterDays: 5,
    rateLimits: { rateLimiter: limiter, tenantRateLimit: async (id) => (tenantReads.push(id), tenantLimit) },
    wait: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    clock: { now: () => new Date(now) },
  };
  return { d, limiter, sent, waits, tenantReads, advance: (ms: number) => (now += ms) };
}

describe('deliverOne under a rate limit', () => {
  it('holds the excess in the queue until its slot (no attempt counted), then sends it once on the slot it reserved', async () => {
    const h = harness(subscription({ rate_limit: { per_second: 1 } }));
    for (const id of ['dlv_a', 'dlv_b', 'dlv_c']) await h.d.deliveries.create(delivery(id));
    expect(await deliverOne(h.d, 'dlv_a')).toEqual({ kind: 'done' });
    const b = await deliverOne(h.d, 'dlv_b');
    const c = await deliverOne(h.d, 'dlv_c');
    expect(b).toMatchObject({ kind: 'retry', delaySeconds: 1, dueAt: Date.parse('2026-12-01T12:00:01Z') });
    expect(c).toMatchObject({ kind: 'retry', delaySeconds: 2 });
    expect(h.sent).toEqual(['dlv_a']);
    const held = (await h.d.deliveries.get('dlv_c'))!;
    expect(held).toMatchObject({ status: 'pending', attempt_count: 0, next_attempt_at: '2026-12-01T12:00:02.000Z' });
    expect(deliverySummary(held).rate_limited_until).toBe('2026-12-01T12:00:02.000Z');

    // Back 300 ms before its slot: it waits the rest in process and does not reserve again.
    h.advance(1700);
    expect(await deliverOne(h.d, 'dlv_c')).toEqual({ kind: 'done' });
    expect(h.waits).toEqual([300]);
    expect(h.limiter.calls).toHaveLength(3);
    const done = (await h.d.deliveries.get('dlv_c'))!;
    expect(done).toMatchObject({ status: 'success', attempt_count: 1 });
    expect(deliverySummary(done).rate_limited_until).toBe('2026-12-01T12:00:02.000Z');
    expect(h.sent).toEqual(['dlv_a', 'dlv_c']);
  });

  it('waits in process for a slot due within a second', async () => {
    const h = harness(subscription({ rate_limit: { per_second: 4 } }));
    for (const id of ['dlv_a', 'dlv_b']) await h.d.deliveries.create(delivery(id));
    await deliverOne(h.d, 'dlv_a');
    expect(await deliverOne(h.d, 'dlv_b')).toEqual({ kind: 'done' });
    expect(h.waits).toEqual([250]);
    expect(h.sent).toEqual(['dlv_a', 'dlv_b']);
  });

  it('costs nothing for a subscription without a limit and without a tenant', async () => {
    const h = harness(subscription());
    await h.d.deliveries.create(delivery('dlv_a'));
    await deliverOne(h.d, 'dlv_a');
    expect(h.limiter.calls).toEqual([]);
    expect(h.tenantReads).toEqual([]);
  });

  it("applies the tenant's limit to a subscription without its own, and both when both exist", async () => {
    const h = harness(subscription({ tenant_id: 'acme', rate_limit: { per_second: 10 } }), { per_second: 1 });
    for (const id of ['dlv_a', 'dlv_b']) await h.d.deliveries.create(delivery(id));
    await deliverOne(h.d, 'dlv_a');
    expect(await deliverOne(h.d, 'dlv_b')).toMatchObject({ kind: 'retry', delaySeconds: 1 });
    expect(h.limiter.calls).toEqual(['sub#sub_test', 'tenant#acme', 'sub#sub_test', 'tenant#acme']);
  });
});
