import { Webhook as StandardWebhook } from 'standardwebhooks';
import { verifyHooklineSignature } from '../../shared/delivery/signing';
import { pollUntil } from '../support/poll';
import { startSink, type Sink } from '../support/sink';
import { startLocalForTest, type LocalUnderTest } from '../support/spawn-local';

// A subscriber's view of Hookline through `npm start`: a sink server on loopback receives signed deliveries.
let r: LocalUnderTest;
let sink: Sink;

beforeAll(async () => {
  sink = await startSink([], '/webhooks/hookline');
  r = await startLocalForTest('outbound');
});
afterAll(async () => {
  await r?.stop();
  sink.close();
});

const api = async (path: string, init: RequestInit = {}) => {
  const res = await r.admin(path, init);
  return { status: res.status, body: (await res.json()) as any };
};

describe('outbound through npm start', () => {
  it('registers, receives verified deliveries, retries failures, and dedups a repeated publish', async () => {
    const sub = await api('/api/subscriptions', {
      method: 'POST',
      body: JSON.stringify({ url: sink.url, events: ['agent:*', 'project.created'], retry_policy: { max_attempts: 3, initial_delay: 1, backoff_multiplier: 2, max_delay: 5 } }),
    });
    expect(sub.status).toBe(201);
    const secret = sub.body.secret as string;

    sink.answers.push({ status: 503 });
    const first = await api('/api/events', { method: 'POST', body: JSON.stringify({ id: 'proj-42', type: 'project.created', data: { name: 'Rocket 🚀' } }) });
    expect(first).toMatchObject({ status: 202, body: { deliveries: 1 } });
    const again = await api('/api/events', { method: 'POST', body: JSON.stringify({ id: 'proj-42', type: 'project.created', data: { name: 'Rocket 🚀' } }) });
    expect(again).toEqual({ status: 200, body: first.body });

    await pollUntil(async () => sink.hits.length >= 2 || undefined, 'the retry after 503', 20_000);
    // The endpoint was verified on create: one signed hookline.verification, answered 200.
    await pollUntil(async () => (await api(`/api/subscriptions/${sub.body.subscription_id}`)).body.verified, 'the subscription verified');
    expect(sink.verifications).toHaveLength(1);
    expect(() => new StandardWebhook(secret).verify(sink.verifications[0].body, sink.verifications[0].headers)).not.toThrow();
    expect(JSON.parse(sink.verifications[0].body)).toMatchObject({ type: 'hookline.verification', data: { subscription_id: sub.body.subscription_id } });
    const ok = sink.hits[1];
    expect(() => new StandardWebhook(secret).verify(ok.body, ok.headers)).not.toThrow();
    expect(verifyHooklineSignature({ secret, body: ok.body, headers: ok.headers })).toMatchObject({ ok: true });
    expect(JSON.parse(ok.body)).toMatchObject({ type: 'project.created', data: { name: 'Rocket 🚀' }, subscription_id: sub.body.subscription_id });
    expect(ok.at - sink.hits[0].at).toBeGreaterThanOrEqual(850);

    const list = await pollUntil(async () => {
      const l = await api(`/api/subscriptions/${sub.body.subscription_id}/deliveries`);
      // Its hookline.verification (sent on create) is in the log too, apart from the event's delivery.
      const items = l.body.items.filter((d: { event_type: string }) => d.event_type !== 'hookline.verification');
      return items[0]?.status === 'success' ? items : undefined;
    }, 'success');
    expect(list).toHaveLength(1);
    const detail = await api(`/api/deliveries/${list[0].delivery_id}`);
    expect(detail.body.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([503, 200]);
    expect((await api('/api/events', { method: 'POST', body: JSON.stringify({ type: 'unrelated.event', data: {} }) })).body.deliveries).toBe(0);
  });

  it('pause keeps what is published (status paused, nothing sent); resume sends it in order; recover re-sends the failed ones of a window', async () => {
    const sub = await api('/api/subscriptions', { method: 'POST', body: JSON.stringify({ url: sink.url, events: ['order.*'], retry_policy: { max_attempts: 1 } }) });
    const id = sub.body.subscription_id as string;
    const mine = () => sink.hits.filter((h) => JSON.parse(h.body).subscription_id === id);
    expect(await api(`/api/subscriptions/${id}/pause`, { method: 'POST' })).toMatchObject({ status: 200, body: { paused: true } });
    const published: string[] = [];
    for (let i = 0; i < 5; i++) published.push((await api('/api/events', { method: 'POST', body: JSON.stringify({ type: 'order.created', data: { i } }) })).body.event_id);
    const held = await api(`/api/subscriptions/${id}/deliveries?status=paused`);
    expect(held.body.items).toHaveLength(5);
    expect(mine()).toEqual([]);
    expect(await api(`/api/subscriptions/${id}/resume`, { method: 'POST' })).toMatchObject({ status: 200, body: { paused: false } });
    await pollUntil(async () => mine().length >= 5, 'the paused backlog after resume', 20_000);
    expect(mine().map((h) => JSON.parse(h.body).id)).toEqual(published);

    // An outage: two deliveries fail (one attempt each), then the window is recovered.
    const since = new Date().toISOString();
    sink.answers.push({ status: 500 }, { status: 500 });
    for (let i = 0; i < 2; i++) await api('/api/events', { method: 'POST', body: JSON.stringify({ type: 'order.failed', data: { i } }) });
    const failed = await pollUntil(async () => {
      const l = await api(`/api/subscriptions/${id}/deliveries?status=failed`);
      return l.body.items.length === 2 ? l.body.items : undefined;
    }, 'two failed deliveries');
    const bad = await api(`/api/subscriptions/${id}/recover`, { method: 'POST', body: JSON.stringify({ since, until: '2020-01-01T00:00:00Z' }) });
    expect([bad.status, bad.body.error.details.map((d: { path: string }) => d.path)]).toEqual([400, ['until']]);
    expect((await api(`/api/subscriptions/${id}/recover`, { method: 'POST', body: JSON.stringify({}) })).body.error.details[0].path).toBe('since');
    const recovered = await api(`/api/subscriptions/${id}/recover`, { method: 'POST', body: JSON.stringify({ since }) });
    expect(recovered).toMatchObject({ status: 202, body: { queued: 2, recovery_id: expect.stringMatching(/^rcv_/) } });
    await pollUntil(async () => mine().length >= 9, 'the two failed deliveries sent again', 20_000);
    const resent = mine().slice(-2).map((h) => h.headers['webhook-id']);
    expect(resent.sort()).toEqual(failed.map((d: { delivery_id: string }) => d.delivery_id).sort());
    // The sink has the request before the deliverer records the attempt: wait for the record.
    const after = await pollUntil(async () => {
      const d = await api(`/api/deliveries/${failed[0].delivery_id}`);
      return d.body.attempts.length >= 2 ? d : undefined;
    }, 'the recovered attempt recorded');
    expect(after.body.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 200]);
  });
});
