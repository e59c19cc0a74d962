import { deliverOne, type DeliverDeps } from '../../shared/usecases/deliver';
import type { DeliveryRecord, SubscriptionRecord } from '../../shared/model/subscription';
import { MemoryDeliveries } from '../support/fakes';

const sub = (extra: Partial<SubscriptionRecord> = {}): SubscriptionRecord => ({
  subscription_id: 'sub_1',
  url: 'https://example.test/hook',
  events: ['*'],
  headers: {},
  retry_policy: { max_attempts: 1, initial_delay: 10, backoff_multiplier: 2, max_delay: 60, retry_on_4xx: [] },
  timeout_seconds: 5,
  enabled: true,
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  previous_secrets: [],
  created_at: '',
  created_by: '',
  updated_at: '',
  version: 1,
  ...extra,
});
const delivery = (id: string): DeliveryRecord => ({
  delivery_id: id,
  subscription_id: 'sub_1',
  event_id: 'evt_1',
  event_type: 'agent:complete',
  status: 'pending',
  body: '{}',
  attempts: [],
  attempt_count: 0,
  next_attempt_at: null,
  created_at: '',
  updated_at: '',
  created_key: '',
  expires_at: 0,
});

function deps(s: SubscriptionRecord, status: number, now: string) {
  const calls = { disabled: [] as string[], failing: [] as (string | undefined)[], published: [] as string[], metrics: [] as string[] };
  const d: DeliverDeps & { deliveries: MemoryDeliveries } = {
    deliveries: new MemoryDeliveries(),
    loadSubscription: async () => s,
    send: async () => ({ status, headers: {}, bodyExcerpt: '', durationMs: 3 }),
    disableSubscription: async (_id, reason) => void calls.disabled.push(reason),
    setFailingSince: async (_id, v) => void calls.failing.push(v),
    autoDisableAfterDays: 5,
    internal: { publish: async (type) => void calls.published.push(type) },
    metrics: { count: (name, dims) => void calls.metrics.push(`${name}:${dims?.outcome ?? dims?.reason ?? dims?.queue ?? ''}`), milliseconds: () => undefined },
    clock: { now: () => new Date(now) },
  };
  return { d, calls };
}

describe('delivery outcomes and subscription health', () => {
  it('starts a failing streak on the first failed delivery and emits the alert metric and delivery.failed', async () => {
    const { d, calls } = deps(sub(), 400, '2026-11-23T00:00:00Z');
    await d.deliveries.create(delivery('dlv_a'));
    await deliverOne(d, 'dlv_a');
    expect(calls).toMatchObject({ failing: ['2026-11-23T00:00:00.000Z'], published: ['delivery.failed'], metrics: ['DeliveryAttempts:failed'], disabled: [] });
  });

  it('does not attempt before next_attempt_at: a message that arrives early (a hop of a long wait) waits for the rest', async () => {
    const { d, calls } = deps(sub(), 200, '2026-11-23T00:00:00Z');
    await d.deliveries.create({ ...delivery('dlv_early'), status: 'retrying', next_attempt_at: '2026-11-23T06:00:00.000Z' });
    expect(await deliverOne(d, 'dlv_early')).toEqual({ kind: 'retry', delaySeconds: 6 * 3600 });
    expect((await d.deliveries.get('dlv_early'))!.attempts).toEqual([]);
    expect(calls.metrics).toEqual([]);
  });

  it('disables a subscription whose deliveries have all failed for the configured days', async () => {
    const { d, calls } = deps(sub({ failing_since: '2026-11-17T00:00:00.000Z' }), 500, '2026-11-23T00:00:00Z');
    await d.deliveries.create(delivery('dlv_b'));
    await deliverOne(d, 'dlv_b');
    expect(calls.disabled[0]).toMatch(/auto-disabled after 5 days/);
    expect(calls.published).toEqual(['delivery.failed', 'subscription.disabled']);
  });

  it('clears the streak on a success', async () => {
    const { d, calls } = deps(sub({ failing_since: '2026-11-22T00:00:00.000Z' }), 204, '2026-11-23T00:00:00Z');
    await d.deliveries.create(delivery('dlv_c'));
    await deliverOne(d, 'dlv_c');
    expect(calls.failing).toEqual([undefined]);
    expect((await d.deliveries.get('dlv_c'))!.status).toBe('success');
  });

  it('publishes nothing for a failed delivery of a delivery.failed notice (no loops)', async () => {
    const { d, calls } = deps(sub(), 400, '2026-11-23T00:00:00Z');
    await d.deliveries.create({ ...delivery('dlv_d'), event_type: 'delivery.failed' });
    await deliverOne(d, 'dlv_d');
    expect(calls.published).toEqual([]);
  });

  it('a second copy of the same message does not attempt again', async () => {
    const { d } = deps(sub({ retry_policy: { max_attempts: 3, initial_delay: 10, backoff_multiplier: 2, max_delay: 60, retry_on_4xx: [] } }), 204, '2026-11-23T00:00:00Z');
    await d.deliveries.create(delivery('dlv_e'));
    const [a, b] = await Promise.all([deliverOne(d, 'dlv_e'), deliverOne(d, 'dlv_e')]);
    expect([a, b]).toEqual([{ kind: 'done' }, { kind: 'done' }]);
    expect((await d.deliveries.get('dlv_e'))!.attempts).toHaveLength(1);
  });
});
