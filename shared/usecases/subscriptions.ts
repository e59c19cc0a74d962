import { createHash } from 'node:crypto';
import { randomId, type Clock, type Ids } from '../clock';
import { triggerMatches } from '../commands/match';
import { evaluateConditions } from '../commands/evaluate-conditions';
import { checkUrl } from '../delivery/ssrf';
import { generateSubscriptionSecret } from '../delivery/signing';
import { NotFoundError, ValidationError, VersionMismatchError } from '../errors';
import { maskSecret } from '../mask';
import type { DeliveryRecord, SubscriptionCreate, SubscriptionRecord } from '../model/subscription';
import type { DeliveryQueue, DeliveryStore, Page, SubscriptionStore } from '../ports';
import { recordAudit } from './audit';
import type { Actor, ManagementDeps } from './deps';

export interface OutboundDeps extends Pick<ManagementDeps, 'audit' | 'clock' | 'ids'> {
  subscriptions: SubscriptionStore;
  deliveries: DeliveryStore;
  deliveryQueue: DeliveryQueue;
  /** Publish results by idempotency id (a repeated `id` answers the first result). */
  publishes: { get(id: string): Promise<PublishResult | null>; putIfAbsent(id: string, r: PublishResult): Promise<boolean> };
  /**
   * Cached list of subscriptions (no Scan on the publish path). `fresh`: check the change counter
   * first, so a change made in any container is seen at once (publishes); without it the list is
   * at most CONFIG_CACHE_SECONDS old (the pre-check of internal events).
   */
  allSubscriptions(fresh?: boolean): Promise<SubscriptionRecord[]>;
  /** Called after a subscription changes: bumps the change counter every container's publish checks. */
  subscriptionsChanged(): Promise<void> | void;
  allowPrivateTargets: boolean;
  retentionDays: number;
}

export interface PublishResult {
  event_id: string;
  deliveries: number;
}

/** A subscription as the API shows it: secret masked unless `reveal`. */
export function subscriptionView(s: SubscriptionRecord, reveal = false) {
  const { previous_secrets: _p, created_by: _c, ...rest } = s;
  return { ...rest, secret: reveal ? s.secret : maskSecret(s.secret) };
}

function checkTarget(deps: Pick<OutboundDeps, 'allowPrivateTargets'>, url: string): void {
  try {
    checkUrl(url, { allowPrivate: deps.allowPrivateTargets });
  } catch (err) {
    throw new ValidationError('The URL is not an allowed delivery target.', [{ path: 'url', message: (err as Error).message }]);
  }
}

export async function getSubscription(deps: Pick<OutboundDeps, 'subscriptions'>, id: string): Promise<SubscriptionRecord> {
  const s = await deps.subscriptions.get(id);
  if (!s) throw new NotFoundError('Subscription', id);
  return s;
}

export async function createSubscription(deps: OutboundDeps, actor: Actor, input: SubscriptionCreate): Promise<SubscriptionRecord> {
  checkTarget(deps, input.url);
  const now = deps.clock.now().toISOString();
  const { secret, subscription_id, ...fields } = input;
  const s: SubscriptionRecord = {
    ...fields,
    subscription_id: subscription_id ?? `sub_${randomId(16)}`,
    secret: secret ?? generateSubscriptionSecret(),
    previous_secrets: [],
    created_at: now,
    created_by: actor.name,
    updated_at: now,
    version: 1,
  };
  await deps.subscriptions.create(s);
  await deps.subscriptionsChanged();
  await recordAudit(deps, actor, 'subscription.create', { type: 'subscription', id: s.subscription_id }, null, subscriptionView(s));
  return s;
}

export async function replaceSubscription(deps: OutboundDeps, actor: Actor, id: string, input: SubscriptionCreate, ifMatch?: number): Promise<SubscriptionRecord> {
  if (input.subscription_id !== undefined && input.subscription_id !== id)
    throw new ValidationError('subscription_id in the body must equal the one in the path.', [{ path: 'subscription_id', message: `expected "${id}"` }]);
  checkTarget(deps, input.url);
  const before = await getSubscription(deps, id);
  if (ifMatch !== undefined && ifMatch !== before.version) throw new VersionMismatchError(ifMatch, before.version);
  const { secret, subscription_id: _id, ...fields } = input;
  const after: SubscriptionRecord = {
    ...fields,
    subscription_id: id,
    secret: secret ?? before.secret,
    previous_secrets: secret && secret !== before.secret ? [] : before.previous_secrets,
    created_at: before.created_at,
    created_by: before.created_by,
    updated_at: deps.clock.now().toISOString(),
    version: before.version + 1,
  };
  await deps.subscriptions.replace(after, before.version);
  await deps.subscriptionsChanged();
  await recordAudit(deps, actor, 'subscription.update', { type: 'subscription', id }, subscriptionView(before), subscriptionView(after));
  return after;
}

export async function deleteSubscription(deps: OutboundDeps, actor: Actor, id: string): Promise<void> {
  const before = await getSubscription(deps, id);
  if (!(await deps.subscriptions.delete(id))) throw new NotFoundError('Subscription', id);
  await deps.subscriptionsChanged();
  await recordAudit(deps, actor, 'subscription.delete', { type: 'subscription', id }, subscriptionView(before), null);
}

/** True when the subscription wants this event: an `events` pattern matches and its filters hold. */
export function wants(s: SubscriptionRecord, type: string, data: unknown): boolean {
  if (!s.enabled || !s.events.some((p) => triggerMatches(p, type))) return false;
  return !s.filters || evaluateConditions(s.filters, { payload: data, event_type: type, provider: 'hookline', webhook_id: '' }).matched;
}

/** A new delivery of one event to one subscription; the id derives from both, the body is fixed now. */
function newDelivery(deps: Pick<OutboundDeps, 'retentionDays'>, s: SubscriptionRecord, event_id: string, type: string, data: unknown, now: Date): DeliveryRecord {
  const delivery_id = `dlv_${createHash('sha256').update(`${event_id}\n${s.subscription_id}`).digest('hex').slice(0, 26)}`;
  return {
    delivery_id,
    subscription_id: s.subscription_id,
    event_id,
    event_type: type,
    status: 'pending',
    body: JSON.stringify({ id: event_id, type, timestamp: now.toISOString(), data: data ?? null, subscription_id: s.subscription_id }),
    attempts: [],
    attempt_count: 0,
    next_attempt_at: now.toISOString(),
    created_at: now.toISOString(),
    updated_at: now.toISOString(),
    created_key: `${now.toISOString()}#${delivery_id}`,
    expires_at: Math.floor(now.getTime() / 1000) + deps.retentionDays * 86_400,
  };
}

/**
 * `POST /api/events`: one delivery per matching subscription, each with the body fixed now, and
 * one queue message per delivery. With an `id`, a repeat answers the first result and delivers
 * nothing new; delivery ids derive from (event, subscription), so a retried publish that failed
 * half-way creates no duplicates either.
 */
export async function publishEvent(deps: OutboundDeps, input: { type: string; data: unknown; id?: string }): Promise<{ result: PublishResult; repeated: boolean }> {
  if (input.id) {
    const first = await deps.publishes.get(input.id);
    if (first) return { result: first, repeated: true };
  }
  const event_id = input.id ? `evt_${createHash('sha256').update(`publish\n${input.id}`).digest('hex').slice(0, 26)}` : deps.ids.next('evt');
  const now = deps.clock.now();
  const targets = (await deps.allSubscriptions(true)).filter((s) => wants(s, input.type, input.data));
  const ids: string[] = [];
  for (const s of targets) {
    const d = newDelivery(deps, s, event_id, input.type, input.data, now);
    await deps.deliveries.create(d);
    ids.push(d.delivery_id);
  }
  await deps.deliveryQueue.sendAll(ids);
  const result = { event_id, deliveries: ids.length };
  if (input.id && !(await deps.publishes.putIfAbsent(input.id, result))) {
    // A concurrent publish with the same id won; its deliveries have the same ids as ours.
    return { result: (await deps.publishes.get(input.id)) ?? result, repeated: true };
  }
  return { result, repeated: false };
}

/** A subscription's deliveries, newest first (attempts omitted; see the delivery detail). */
export async function listDeliveries(deps: Pick<OutboundDeps, 'subscriptions' | 'deliveries'>, id: string, limit: number, cursor?: string, status?: DeliveryRecord['status']): Promise<Page<Record<string, unknown>>> {
  await getSubscription(deps, id);
  const page = await deps.deliveries.listBySubscription(id, limit, cursor, status);
  return { items: page.items.map(deliverySummary), next_cursor: page.next_cursor };
}

export function deliverySummary(d: DeliveryRecord) {
  const last = d.attempts.at(-1);
  return {
    delivery_id: d.delivery_id,
    subscription_id: d.subscription_id,
    event_id: d.event_id,
    event_type: d.event_type,
    status: d.status,
    attempt_count: d.attempt_count,
    last_status_code: last?.status_code ?? null,
    next_attempt_at: d.next_attempt_at,
    created_at: d.created_at,
    updated_at: d.updated_at,
  };
}

export async function getDelivery(deps: Pick<OutboundDeps, 'deliveries'>, id: string) {
  const d = await deps.deliveries.get(id);
  if (!d) throw new NotFoundError('Delivery', id);
  return { ...deliverySummary(d), attempts: d.attempts, body: d.body };
}

/** Sends a delivery again (a new attempt, counted after the earlier ones). */
export async function retryDelivery(deps: Pick<OutboundDeps, 'deliveries' | 'deliveryQueue' | 'clock'>, id: string) {
  const d = await deps.deliveries.get(id);
  if (!d) throw new NotFoundError('Delivery', id);
  if (d.status !== 'sending') {
    const { claimed_at: _c, ...rest } = d;
    await deps.deliveries.update({ ...rest, status: 'pending', next_attempt_at: deps.clock.now().toISOString(), updated_at: deps.clock.now().toISOString() }, d.attempt_count);
  }
  await deps.deliveryQueue.sendAll([id]);
  return { delivery_id: id, status: 'pending' as const };
}

/** Event types Hookline knows: its own, and the agent platform's documented ones. Others may be published too. */
export const EVENT_TYPES: { type: string; description: string; source: 'hookline' | 'platform' }[] = [
  { type: 'hookline.test', description: 'Sent by POST /api/subscriptions/{id}/test to that subscription only', source: 'hookline' },
  { type: 'event.received', description: 'An inbound webhook event was verified and logged (data: event_id, webhook_id, provider, event_type, status)', source: 'hookline' },
  { type: 'task.created', description: 'A create_task command made a task (data: the task)', source: 'hookline' },
  { type: 'question.answered', description: 'A human answered a question from ask (data: the question)', source: 'hookline' },
  { type: 'delivery.failed', description: 'A delivery failed after its last attempt (data: delivery_id, subscription_id, event_id, event_type, attempts, last_status_code)', source: 'hookline' },
  { type: 'subscription.disabled', description: 'A subscription was turned off (410 Gone, or failing for too long) (data: subscription_id, reason)', source: 'hookline' },
  { type: 'agent:complete', description: 'An agent finished a task', source: 'platform' },
  { type: 'swarm:progress', description: 'Progress of a group of agents', source: 'platform' },
  { type: 'budget:warning', description: 'A budget threshold was crossed', source: 'platform' },
  { type: 'project.created', description: 'A project was created', source: 'platform' },
  { type: 'chat_message_received', description: 'A chat message arrived', source: 'platform' },
];

/** New secret (`secret` when supplied, else generated); the old one keeps signing (a second `v1,` entry) for `graceSeconds`. */
export async function rotateSubscriptionSecret(deps: OutboundDeps, actor: Actor, id: string, graceSeconds: number, secret?: string): Promise<SubscriptionRecord> {
  const before = await getSubscription(deps, id);
  const now = deps.clock.now().getTime();
  const still = before.previous_secrets.filter((p) => Date.parse(p.expires_at) > now);
  const after: SubscriptionRecord = {
    ...before,
    secret: secret ?? generateSubscriptionSecret(),
    previous_secrets: graceSeconds > 0 ? [...still, { secret: before.secret, expires_at: new Date(now + graceSeconds * 1000).toISOString() }] : still,
    updated_at: new Date(now).toISOString(),
    version: before.version + 1,
  };
  await deps.subscriptions.replace(after, before.version);
  await deps.subscriptionsChanged();
  await recordAudit(deps, actor, 'subscription.rotate_secret', { type: 'subscription', id }, subscriptionView(before), subscriptionView(after));
  return after;
}

/** Sends a `hookline.test` event to this subscription only (whatever its patterns and filters). */
export async function testSubscription(deps: OutboundDeps, id: string): Promise<PublishResult & { delivery_id: string }> {
  const s = await getSubscription(deps, id);
  const now = deps.clock.now();
  const event_id = deps.ids.next('evt');
  const d = newDelivery(deps, s, event_id, 'hookline.test', { message: 'A test delivery from Hookline' }, now);
  await deps.deliveries.create(d);
  const delivery_id = d.delivery_id;
  await deps.deliveryQueue.sendAll([delivery_id]);
  return { event_id, deliveries: 1, delivery_id };
}

function quantile(sorted: number[], q: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Success rate, attempt latency p50/p95 and retries over the last `windowHours` (at most 10,000 deliveries read). */
export async function subscriptionStats(deps: Pick<OutboundDeps, 'subscriptions' | 'deliveries' | 'clock'>, id: string, windowHours: number) {
  await getSubscription(deps, id);
  const since = new Date(deps.clock.now().getTime() - windowHours * 3_600_000).toISOString();
  const list = await deps.deliveries.listSince(id, since, 10_000);
  const by = (st: string) => list.filter((d) => d.status === st).length;
  const durations = list.flatMap((d) => d.attempts.map((a) => a.duration_ms)).sort((a, b) => a - b);
  const finished = by('success') + by('failed');
  return {
    subscription_id: id,
    window_hours: windowHours,
    since,
    deliveries: list.length,
    by_status: { pending: by('pending'), sending: by('sending'), success: by('success'), retrying: by('retrying'), failed: by('failed') },
    success_rate: finished ? by('success') / finished : null,
    attempts: durations.length,
    retries: list.reduce((n, d) => n + Math.max(0, d.attempt_count - 1), 0),
    latency_ms: { p50: quantile(durations, 0.5), p95: quantile(durations, 0.95) },
    truncated: list.length >= 10_000,
  };
}

/** Event types Hookline publishes itself; a failed delivery of one of them publishes nothing more (no loops). */
export const INTERNAL_TYPES = new Set(['event.received', 'task.created', 'question.answered', 'delivery.failed', 'subscription.disabled']);

/**
 * Hookline's own events, published like any other: only subscriptions whose patterns and filters
 * want them get deliveries, so with none the cost is a cached list read. Failures are logged, not
 * thrown: a notification must not fail the work it reports on.
 */
export function internalEvents(deps: OutboundDeps, log: (message: string, extra: Record<string, unknown>) => void = () => undefined) {
  return {
    async publish(type: string, data: unknown): Promise<void> {
      try {
        const subs = await deps.allSubscriptions();
        if (!subs.some((s) => wants(s, type, data))) return;
        await publishEvent(deps, { type, data });
      } catch (err) {
        log('could not publish an internal event', { type, error: String(err) });
      }
    },
  };
}
