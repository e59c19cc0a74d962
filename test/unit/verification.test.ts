import type { SubscriptionRecord } from '../../shared/model/subscription';
import { deliverOne, type DeliverDeps } from '../../shared/usecases/deliver';
import { gateUnverified, unverifiedReason, VERIFICATION_TYPE } from '../../shared/usecases/verification';
import { MemoryDeliveries, testDelivery, testSubscription } from '../support/fakes';

const subscription = (extra: Partial<SubscriptionRecord> = {}) => testSubscription({ subscription_id: 'sub_v', url: 'https://new.example.test/hook', ...extra });
const delivery = (id: string, type: string) => testDelivery(id, { subscription_id: 'sub_v', event_type: type });

describe('unverified subscriptions under HOOKLINE_REQUIRE_VERIFIED', () => {
  it('get nothing but their verification, and nothing is held when the setting is off', () => {
    expect(unverifiedReason(true, subscription(), 'order.paid')).toContain('not verified');
    expect(unverifiedReason(true, subscription(), VERIFICATION_TYPE)).toBeNull();
    expect(unverifiedReason(true, subscription({ verified: true }), 'order.paid')).toBeNull();
    expect(unverifiedReason(false, subscription(), 'order.paid')).toBeNull();
  });

  it('have their new deliveries recorded failed with the reason at publish (no attempt made), paused ones left to the pause', () => {
    const gated = gateUnverified(true, subscription(), delivery('dlv_1', 'order.paid'));
    expect(gated).toMatchObject({ status: 'failed', attempt_count: 1, next_attempt_at: null });
    expect(gated.attempts[0]).toMatchObject({ status_code: null, duration_ms: 0 });
    expect(gateUnverified(true, subscription(), { ...delivery('dlv_2', 'order.paid'), status: 'paused' }).status).toBe('paused');
  });
});

describe('deliverOne and verification', () => {
  function harness(cached: SubscriptionRecord, fresh: SubscriptionRecord) {
    const sent: string[] = [];
    const marked: [string, string, string][] = [];
    const d: DeliverDeps & { deliveries: MemoryDeliveries } = {
      deliveries: new MemoryDeliveries(),
      loadSubscription: async () => cached,
      reloadSubscription: async () => fresh,
      send: async (url) => (sent.push(url), { status: 200, headers: {}, bodyExcerpt: '', durationMs: 1 }),
      disableSubscription: async () => undefined,
      setFailingSince: async () => undefined,
      autoDisableAfterDays: 5,
      requireVerified: true,
      markVerified: async (id, deliveryId, url) => void marked.push([id, deliveryId, url]),
      clock: { now: () => new Date('2026-12-01T12:00:01Z') },
    };
    return { d, sent, marked };
  }

  it('sends a verification to the URL read fresh (not a cached old one) and marks verified with that URL', async () => {
    const h = harness(subscription({ url: 'https://old.example.test/hook' }), subscription());
    await h.d.deliveries.create(delivery('dlv_v', VERIFICATION_TYPE));
    expect(await deliverOne(h.d, 'dlv_v')).toEqual({ kind: 'done' });
    expect(h.sent).toEqual(['https://new.example.test/hook']);
    expect(h.marked).toEqual([['sub_v', 'dlv_v', 'https://new.example.test/hook']]);
  });

  it('refuses an event to an unverified endpoint after reading it again, and sends once the fresh read says verified', async () => {
    const refused = harness(subscription(), subscription());
    await refused.d.deliveries.create(delivery('dlv_e', 'order.paid'));
    await deliverOne(refused.d, 'dlv_e');
    expect(refused.sent).toEqual([]);
    const stored = (await refused.d.deliveries.get('dlv_e'))!;
    expect(stored.status).toBe('failed');
    expect(stored.attempts[0].error).toContain('POST /api/subscriptions/sub_v/verify');

    const meanwhile = harness(subscription(), subscription({ verified: true }));
    await meanwhile.d.deliveries.create(delivery('dlv_e', 'order.paid'));
    await deliverOne(meanwhile.d, 'dlv_e');
    expect(meanwhile.sent).toEqual(['https://new.example.test/hook']);
  });
});
