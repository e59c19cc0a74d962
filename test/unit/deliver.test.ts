import { jsonLogger } from '../../shared/log';
import { runBacklogJob } from '../../shared/usecases/backlog';
import { deliverOne, type DeliverDeps } from '../../shared/usecases/deliver';
import type { BacklogJob } from '../../shared/ports';
import type { DeliveryRecord, SubscriptionRecord } from '../../shared/model/subscription';
import { MemoryDeliveries, testDelivery, testSubscription } from '../support/fakes';

// sub_1 with one attempt (a failure is final), and its deliveries of evt_1.
const sub = (extra: Partial<SubscriptionRecord> = {}): SubscriptionRecord =>
  testSubscription({ subscription_id: 'sub_1', retry_policy: { max_attempts: 1, initial_delay: 10, backoff_multiplier: 2, max_delay: 60, retry_on_4xx: [] }, ...extra });
const delivery = (id: string): DeliveryRecord => testDelivery(id, { subscription_id: 'sub_1', event_id: 'evt_1' });

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

describe('log lines: every way a delivery ends carries its trace', () => {
  function logged(d: DeliverDeps) {
    const lines: Record<string, unknown>[] = [];
    d.log = jsonLogger({}, (line) => void lines.push(JSON.parse(line)));
    return lines;
  }
  const ids = { trace_id: 'evt_1', outbound_delivery_id: 'dlv_t', subscription_id: 'sub_1', event_id: 'evt_1', attempt: 1 };

  it('an attempt, a delivery refused because its subscription is gone, and one held while paused', async () => {
    for (const [s, message, outcome] of [
      [sub(), 'delivery attempt', 'success'],
      [null, 'delivery refused', 'failed'],
      [sub({ enabled: false }), 'delivery refused', 'failed'],
      [sub({ paused: true }), 'delivery held', 'paused'],
    ] as const) {
      const { d } = deps(sub(), 200, '2026-11-23T00:00:00Z');
      d.loadSubscription = async () => s;
      const lines = logged(d);
      await d.deliveries.create({ ...delivery('dlv_t'), trace_id: 'evt_1' });
      await deliverOne(d, 'dlv_t');
      expect(lines).toEqual([expect.objectContaining({ message, outcome, ...ids })]);
    }
  });
});

describe('paused subscriptions and recovery', () => {
  it('records a delivery picked up while the subscription is paused as paused, without an attempt, after a fresh read', async () => {
    const { d, calls } = deps(sub({ paused: true }), 200, '2026-11-23T00:00:00Z');
    let fresh = 0;
    d.reloadSubscription = async () => (fresh++, sub({ paused: true }));
    await d.deliveries.create({ ...delivery('dlv_p'), status: 'retrying', next_attempt_at: '2026-11-22T23:59:59.000Z' });
    expect(await deliverOne(d, 'dlv_p')).toEqual({ kind: 'done' });
    expect(await d.deliveries.get('dlv_p')).toMatchObject({ status: 'paused', attempts: [], next_attempt_at: null });
    expect([fresh, calls.metrics]).toEqual([1, []]);
  });

  it('sends a paused delivery once its subscription is no longer paused (a cached pause is read again first)', async () => {
    const { d } = deps(sub({ paused: true }), 200, '2026-11-23T00:00:00Z');
    d.reloadSubscription = async () => sub();
    await d.deliveries.create({ ...delivery('dlv_q'), status: 'paused' });
    await deliverOne(d, 'dlv_q');
    expect(await d.deliveries.get('dlv_q')).toMatchObject({ status: 'success', attempt_count: 1 });
  });

  it('a resume page attempts only deliveries that are still paused', async () => {
    const { d } = deps(sub(), 200, '2026-11-23T00:00:00Z');
    await d.deliveries.create({ ...delivery('dlv_r'), status: 'retrying', next_attempt_at: '2026-11-22T00:00:00.000Z' });
    await deliverOne(d, 'dlv_r', { onlyPaused: true });
    expect((await d.deliveries.get('dlv_r'))!.attempt_count).toBe(0);
  });

  it('attempts a failed delivery again only for a recovery job that has not re-sent it, and marks it with the job', async () => {
    const { d } = deps(sub(), 500, '2026-11-23T00:00:00Z');
    const failed: DeliveryRecord = { ...delivery('dlv_f'), status: 'failed', attempt_count: 1, attempts: [{ attempt: 1, at: '2026-11-22T00:00:00.000Z', status_code: 500, duration_ms: 1, response_excerpt: null, error: null }] };
    await d.deliveries.create(failed);
    await deliverOne(d, 'dlv_f');
    expect((await d.deliveries.get('dlv_f'))!.attempt_count).toBe(1);
    await deliverOne(d, 'dlv_f', { recover: 'rcv_1' });
    expect(await d.deliveries.get('dlv_f')).toMatchObject({ status: 'failed', attempt_count: 2, recovered_by: 'rcv_1' });
    await deliverOne(d, 'dlv_f', { recover: 'rcv_1' });
    expect((await d.deliveries.get('dlv_f'))!.attempt_count).toBe(2);
    await deliverOne(d, 'dlv_f', { recover: 'rcv_2' });
    expect(await d.deliveries.get('dlv_f')).toMatchObject({ attempt_count: 3, recovered_by: 'rcv_2' });
  });
});

describe('a resume page', () => {
  it('out of time, queues itself again from the same cursor (what it sent has left the paused index), after queuing safety copies of its page', async () => {
    const { d } = deps(sub(), 200, '2026-11-23T00:00:00Z');
    for (const [i, id] of ['dlv_1', 'dlv_2', 'dlv_3'].entries()) await d.deliveries.create({ ...delivery(id), status: 'paused', created_key: `2026-11-2${i}T00:00:00.000Z#${id}` });
    const jobs: BacklogJob[] = [];
    const copies: { ids: string[]; delay?: number }[] = [];
    let t = 0;
    const job: BacklogJob = { op: 'resume', subscription_id: 'sub_1', job_id: 'rsm_1', cursor: null };
    await runBacklogJob(
      {
        ...d,
        deliveryQueue: { sendAll: async (ids, o) => void copies.push({ ids, delay: o?.delaySeconds }), sendJob: async (j) => void jobs.push(j) },
        // 20 s per attempt: the second attempt would start after the 25 s budget.
        elapsed: () => (t += 20_000) - 20_000,
      },
      job,
    );
    expect(copies).toEqual([{ ids: ['dlv_1', 'dlv_2', 'dlv_3'], delay: 900 }]);
    expect([...d.deliveries.items.values()].map((x) => x.status)).toEqual(['success', 'paused', 'paused']);
    expect(jobs).toEqual([job]);
  });
});
