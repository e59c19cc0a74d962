import { DeleteMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, sqsClient } from '../../shared/adapters/aws/clients';
import { DynamoDeliveryStore } from '../../shared/adapters/aws/dynamo-delivery-store';
import { SqsDeliveryQueue } from '../../shared/adapters/aws/sqs-delivery-queue';
import { outboundDeps } from '../../shared/adapters/aws/wiring';
import { loadEnv } from '../../shared/env';
import { SubscriptionCreate, type DeliveryRecord } from '../../shared/model/subscription';
import type { OutboundDeps } from '../../shared/ports';
import { pauseSubscription, recoverSubscription, resumeSubscription, runDeliveryMessage, type BacklogDeps, type DeliveryMessage } from '../../shared/usecases/backlog';
import { createSubscription, publishEvent, testSubscription } from '../../shared/usecases/subscriptions';
import { startTestStack } from '../support/in-process-stack';

// Pause, resume and recover against the emulators (dynalite's by_backlog index, fauxqs's deliveries
// queue), with the clock injected so a pause can last days. The deliverer is the real use case,
// fed by this test from the real queue one message at a time; only the HTTP send is captured.
type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
let outbound: OutboundDeps;
let store: DynamoDeliveryStore;
let queueUrl: string;
let now = Date.parse('2026-11-20T09:00:00.000Z');
const clock = { now: () => new Date(now) };
const actor = { key_id: 'key_test', name: 'test' };
/** What reached the endpoint, in order: delivery id (webhook-id) and event id. */
let sent: { delivery_id: string; event_id: string }[] = [];
let answer = 200;

beforeAll(async () => {
  s = await startTestStack({ pauseConsumers: true });
  const { resources, settings } = loadEnv('api');
  outbound = { ...outboundDeps(resources, { ...settings, ALLOW_PRIVATE_TARGETS: 'true' }), clock };
  store = new DynamoDeliveryStore(documentClient(), resources.tables.deliveries);
  queueUrl = resources.queues.deliveries;
});
afterAll(() => s.stop());

function deliverer(extra: Partial<BacklogDeps> = {}): BacklogDeps {
  return {
    deliveries: store,
    deliveryQueue: new SqsDeliveryQueue(sqsClient(), queueUrl),
    loadSubscription: (id) => outbound.subscriptions.get(id),
    send: async (_url, headers, body) => {
      // Each subscription's hookline.verification (sent on create) is answered and not counted.
      if (headers['x-hookline-event'] === 'hookline.verification') return { status: 200, headers: {}, bodyExcerpt: '', durationMs: 1 };
      sent.push({ delivery_id: headers['webhook-id'], event_id: (JSON.parse(body) as { id: string }).id });
      return { status: answer, headers: {}, bodyExcerpt: '', durationMs: 1 };
    },
    disableSubscription: async () => undefined,
    setFailingSince: async () => undefined,
    autoDisableAfterDays: 30,
    clock,
    sweepDelaySeconds: 0,
    ...extra,
  };
}

/** Runs every visible message of the deliveries queue through the deliverer, one at a time, until none is left; returns the bodies run. */
async function drain(deps: BacklogDeps, opts: { keep?: boolean } = {}): Promise<DeliveryMessage[]> {
  const ran: DeliveryMessage[] = [];
  const deadline = Date.now() + 30_000;
  for (;;) {
    const out = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0, VisibilityTimeout: 60 }));
    const m = out.Messages?.[0];
    if (!m) return ran;
    const body = JSON.parse(m.Body!) as DeliveryMessage;
    await runDeliveryMessage(deps, body);
    ran.push(body);
    if (!opts.keep) await sqsClient().send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
    if (Date.now() > deadline) throw new Error('the queue did not drain in 30 s');
  }
}

/** A subscription to `${family}.*`: each test publishes its own family, so no other test's subscription receives its events. */
async function subscribe(family: string, maxAttempts = 8) {
  const sub = await createSubscription(outbound, actor, SubscriptionCreate.parse({ url: 'http://127.0.0.1:9/hook', events: [`${family}.*`], retry_policy: { max_attempts: maxAttempts, initial_delay: 10 } }));
  // Its hookline.verification goes first, so the backlogs below hold the test's own deliveries only.
  await drain(deliverer());
  return sub;
}

/** A subscription's deliveries, its verification left out. */
async function deliveriesOf(subId: string): Promise<DeliveryRecord[]> {
  const page = await store.listBySubscription(subId, 100);
  return page.items.filter((d) => d.event_type !== 'hookline.verification');
}

const day = 86_400_000;

describe('pause and resume', () => {
  it('keeps three days of deliveries as paused (one queued before the pause included) and resumes them all, once each, oldest first', async () => {
    sent = [];
    answer = 200;
    const sub = await subscribe('order');
    // Queued before the pause, picked up by the deliverer after it: paused, not attempted.
    const early = await publishEvent(outbound, { type: 'order.created', data: { n: 0 } });
    now += 60_000;
    const paused = await pauseSubscription(outbound, actor, sub.subscription_id);
    expect(paused).toMatchObject({ paused: true, paused_at: new Date(now).toISOString() });
    await drain(deliverer());
    expect(sent).toEqual([]);
    const published = [early.result.event_id];
    for (let d = 0; d < 3; d++) {
      for (let i = 1; i <= 3; i++) {
        now += 3_600_000;
        published.push((await publishEvent(outbound, { type: 'order.created', data: { d, i } })).result.event_id);
      }
      now += day - 3 * 3_600_000;
    }
    // A test while paused waits in the backlog too.
    const test = await testSubscription(outbound, sub.subscription_id);
    expect(test.status).toBe('paused');
    published.push(test.event_id);
    await drain(deliverer());
    expect(sent).toEqual([]);
    const before = await deliveriesOf(sub.subscription_id);
    expect(before.map((x) => x.status)).toEqual(Array(11).fill('paused'));
    expect(before.every((x) => x.attempt_count === 0)).toBe(true);
    expect(await store.countBacklog(sub.subscription_id, 'paused', {}, 1000)).toBe(11);
    // While paused, DynamoDB's TTL cannot expire them (a pause may outlast the retention): no expires_at.
    const raw = async (id: string) => (await documentClient().send(new GetCommand({ TableName: loadEnv('api').resources.tables.deliveries, Key: { delivery_id: id } }))).Item!;
    expect((await raw(before[0].delivery_id)).expires_at).toBeUndefined();

    now += day;
    const resumed = await resumeSubscription(outbound, actor, sub.subscription_id);
    expect(resumed.paused).toBeFalsy();
    // Pages of 2 (each queues the next): 11 deliveries take 6 pages, then the sweep.
    const ran = await drain(deliverer({ resumePageSize: 2 }));
    expect(ran.filter((m) => m.backlog).length).toBeGreaterThanOrEqual(7);
    expect(sent.map((x) => x.event_id)).toEqual(published);
    const after = await deliveriesOf(sub.subscription_id);
    expect(after.map((x) => [x.status, x.attempt_count])).toEqual(Array(11).fill(['success', 1]));
    expect((await raw(before[0].delivery_id)).expires_at).toBe(before[0].expires_at);
    expect(before[0].expires_at).toBeGreaterThan(0);
    expect(await store.countBacklog(sub.subscription_id, 'paused', {}, 1000)).toBe(0);
  });

  it('a resume page run twice (redelivered) sends nothing twice, and a pause mid-backlog stops the resume', async () => {
    sent = [];
    answer = 200;
    const sub = await subscribe('invoice');
    await pauseSubscription(outbound, actor, sub.subscription_id);
    for (let i = 0; i < 5; i++) {
      now += 1000;
      await publishEvent(outbound, { type: 'invoice.paid', data: { i } });
    }
    await resumeSubscription(outbound, actor, sub.subscription_id);
    // Every message runs twice (as if SQS redelivered each one), the safety copies included.
    const deps = deliverer({ resumePageSize: 2 });
    const twice: BacklogDeps = { ...deps };
    const runs = await drain(deps, { keep: false });
    for (const m of runs) await runDeliveryMessage(twice, m);
    expect(sent.length).toBe(5);
    expect(new Set(sent.map((x) => x.delivery_id)).size).toBe(5);

    // Paused again before a resume's next page runs: that page stops, the backlog waits.
    sent = [];
    await pauseSubscription(outbound, actor, sub.subscription_id);
    for (let i = 0; i < 3; i++) {
      now += 1000;
      await publishEvent(outbound, { type: 'invoice.paid', data: { again: i } });
    }
    await outbound.deliveryQueue.sendJob({ op: 'resume', subscription_id: sub.subscription_id, job_id: 'rsm_stale', cursor: null });
    await drain(deliverer());
    expect(sent).toEqual([]);
    expect(await store.countBacklog(sub.subscription_id, 'paused', {}, 100)).toBe(3);
  });
});

describe('recover', () => {
  it('re-sends exactly the failed deliveries created in the window, with the same webhook-id, as a new attempt', async () => {
    sent = [];
    const sub = await subscribe('refund', 1);
    const at = (iso: string) => (now = Date.parse(iso));
    const publishAt = async (iso: string, ok: boolean) => {
      at(iso);
      answer = ok ? 200 : 503;
      const r = await publishEvent(outbound, { type: 'refund.created', data: { iso, ok } });
      await drain(deliverer());
      return r.result.event_id;
    };
    await publishAt('2026-11-25T07:59:59.999Z', false); // before the window
    const a = await publishAt('2026-11-25T08:00:00.000Z', false); // first instant: in
    await publishAt('2026-11-25T09:00:00.000Z', true); // in, but succeeded
    const b = await publishAt('2026-11-25T10:00:00.000Z', false);
    const c = await publishAt('2026-11-25T11:59:59.999Z', false);
    await publishAt('2026-11-25T12:00:00.000Z', false); // until is exclusive
    await publishAt('2026-11-25T13:00:00.000Z', false); // after
    const all = await deliveriesOf(sub.subscription_id);
    expect(all.filter((x) => x.status === 'failed').length).toBe(6);

    sent = [];
    answer = 200;
    at('2026-11-26T09:00:00.000Z');
    const r = await recoverSubscription(outbound, actor, sub.subscription_id, { since: '2026-11-25T08:00:00Z', until: '2026-11-25T12:00:00Z' });
    expect(r).toMatchObject({ queued: 3, since: '2026-11-25T08:00:00.000Z', until: '2026-11-25T12:00:00.000Z' });
    await drain(deliverer({ recoverPageSize: 2 }));
    expect(sent.map((x) => x.event_id).sort()).toEqual([a, b, c].sort());
    const byEvent = new Map((await deliveriesOf(sub.subscription_id)).map((x) => [x.event_id, x]));
    for (const e of [a, b, c]) {
      const d = byEvent.get(e)!;
      expect([d.status, d.attempt_count, d.recovered_by]).toEqual(['success', 2, r.recovery_id]);
      expect(sent.find((x) => x.event_id === e)!.delivery_id).toBe(d.delivery_id);
    }
    expect([...byEvent.values()].filter((x) => x.status === 'failed').length).toBe(3);
  });

  it('pages through many failed deliveries with a small page; a redelivered page sends nothing twice', async () => {
    sent = [];
    const sub = await subscribe('payout', 1);
    answer = 500;
    now = Date.parse('2026-11-27T10:00:00.000Z');
    for (let i = 0; i < 13; i++) {
      now += 1000;
      await publishEvent(outbound, { type: 'payout.created', data: { i } });
    }
    await drain(deliverer());
    sent = [];
    answer = 500; // still down: every recovered attempt fails again, and must not be re-sent by a redelivered page
    now += 60_000;
    const r = await recoverSubscription(outbound, actor, sub.subscription_id, { since: '2026-11-27T00:00:00Z' });
    expect(r.queued).toBe(13);
    const deps = deliverer({ recoverPageSize: 4 });
    const ran = await drain(deps);
    expect(ran.filter((m) => m.backlog).length).toBe(4); // ceil(13 / 4)
    expect(sent.length).toBe(13);
    // Every message again, as SQS redelivering all of them would.
    for (const m of ran) await runDeliveryMessage(deps, m);
    await drain(deps);
    expect(sent.length).toBe(13);
    expect(new Set(sent.map((x) => x.delivery_id)).size).toBe(13);
    // A new recovery is a new job: it re-sends them again.
    answer = 200;
    const again = await recoverSubscription(outbound, actor, sub.subscription_id, { since: '2026-11-27T00:00:00Z' });
    expect(again.queued).toBe(13);
    await drain(deps);
    expect(sent.length).toBe(26);
  });

  it('refuses a disabled subscription (409) and an empty window (400 at since)', async () => {
    const sub = await subscribe('misc');
    await expect(recoverSubscription(outbound, actor, sub.subscription_id, { since: new Date(now + day).toISOString() })).rejects.toMatchObject({ status: 400, details: [{ path: 'since' }] });
    const off = await createSubscription(outbound, actor, SubscriptionCreate.parse({ url: 'http://127.0.0.1:9/hook', events: ['*'], enabled: false }));
    await expect(recoverSubscription(outbound, actor, off.subscription_id, { since: '2026-11-01T00:00:00Z' })).rejects.toMatchObject({ status: 409, code: 'subscription_disabled' });
  });
});
