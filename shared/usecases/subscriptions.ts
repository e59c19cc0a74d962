import { createHash } from 'node:crypto';
import { randomId, type Clock, type Ids } from '../clock';
import { triggerMatches } from '../commands/match';
import { compileConditions, evaluateConditions, factsFor } from '../commands/evaluate-conditions';
import type { EventContext } from '../commands/event-context';
import { renderBodyTemplate } from '../delivery/body-template';
import { DESIGN_EVENTS } from '../delivery/sample-events';
import { checkUrl } from '../delivery/ssrf';
import { generateSubscriptionSecret } from '../delivery/signing';
import { NotFoundError, ValidationError, VersionMismatchError } from '../errors';
import { maskSecret } from '../mask';
import { MAX_DELIVERY_BODY_BYTES } from '../model/ids';
import type { DeliveryRecord, SubscriptionCreate, SubscriptionRecord } from '../model/subscription';
import type { z } from 'zod';
import type { PreviewEvent } from '../model/subscription';
import type { EventTypeRecord } from '../model/event-type';
import type { Actor, DeliveryStore, EventOrigin, OutboundDeps, Page, PublishResult } from '../ports';
import { recordAudit } from './audit';
import { checkPublishedData } from './event-types';
import { reconcileSubscriptionFields } from './server-fields';
import { tenantSubscriptions } from './tenant-scope';
import { deliveryNotSent, gateUnverified, VERIFICATION_TYPE, verificationEvent } from './verification';

/** A subscription as the API shows it: secret masked unless `reveal`. */
export function subscriptionView(s: SubscriptionRecord, reveal = false) {
  const { previous_secrets: _p, created_by: _c, ...rest } = s;
  return { ...rest, paused: s.paused ?? false, verified: s.verified ?? false, secret: reveal ? s.secret : maskSecret(s.secret) };
}

function checkTarget(deps: Pick<OutboundDeps, 'allowPrivateTargets'>, url: string): void {
  try {
    checkUrl(url, { allowPrivate: deps.allowPrivateTargets });
  } catch (err) {
    throw new ValidationError('The URL is not an allowed delivery target.', [{ path: 'url', message: (err as Error).message }]);
  }
}

/**
 * Subscriptions, a page at a time; with `tenantId`, only that tenant's, read through its index
 * item (the one publishing reads: no Scan, no filtered Query). A tenant-bound key's list is its
 * own tenant's already; another tenant's id gives it an empty list.
 */
export function listSubscriptions(deps: Pick<OutboundDeps, 'subscriptions' | 'tenant'>, limit: number, cursor?: string, tenantId?: string): Promise<Page<SubscriptionRecord>> {
  if (tenantId === undefined || tenantId === deps.tenant) return deps.subscriptions.list(limit, cursor);
  if (deps.tenant !== undefined) return Promise.resolve({ items: [], next_cursor: null });
  return tenantSubscriptions(deps.subscriptions, tenantId).list(limit, cursor);
}

export async function getSubscription(deps: Pick<OutboundDeps, 'subscriptions'>, id: string): Promise<SubscriptionRecord> {
  const s = await deps.subscriptions.get(id);
  if (!s) throw new NotFoundError('Subscription', id);
  return s;
}

/** A tenant named in a body must exist: 400 at `tenant_id` otherwise. */
async function checkTenant(deps: Pick<OutboundDeps, 'tenants'>, tenant: string | undefined): Promise<void> {
  if (tenant !== undefined && !(await deps.tenants.get(tenant)))
    throw new ValidationError('The tenant does not exist.', [{ path: 'tenant_id', message: `no tenant "${tenant}"; create it with POST /api/tenants` }]);
}

export async function createSubscription(deps: OutboundDeps, actor: Actor, body: SubscriptionCreate): Promise<SubscriptionRecord> {
  // A tenant-bound key's subscriptions belong to its tenant, whatever the body says.
  const sent = reconcileSubscriptionFields(body, null);
  const input = deps.tenant ? { ...sent, tenant_id: deps.tenant } : sent;
  checkTarget(deps, input.url);
  await checkTenant(deps, input.tenant_id);
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
  const verification = verificationFor(deps, s);
  await deps.subscriptions.create(verification.sub);
  await deps.subscriptionsChanged();
  await sendVerification(deps, verification.delivery);
  await recordAudit(deps, actor, 'subscription.create', { type: 'subscription', id: s.subscription_id }, null, subscriptionView(verification.sub));
  return verification.sub;
}

/**
 * A new `hookline.verification` delivery to `s` (signed and shaped like any delivery to it), and
 * `s` unverified with it as its latest verification: on create, on a URL change and on
 * `POST /api/subscriptions/{id}/verify`. Only the latest one's 2xx verifies (deliver.ts).
 */
function verificationFor(deps: Pick<OutboundDeps, 'ids' | 'clock' | 'retentionDays'>, s: SubscriptionRecord, keepVerified = false): { sub: SubscriptionRecord; delivery: DeliveryRecord } {
  const now = deps.clock.now();
  const delivery = newDelivery(deps, s, verificationEvent(s, deps.ids.next('evt'), now), now);
  return { sub: { ...s, verified: keepVerified && s.verified === true, verification_delivery_id: delivery.delivery_id }, delivery };
}

/** Stores the verification delivery and queues it (a paused subscription keeps it in its backlog). */
async function sendVerification(deps: Pick<OutboundDeps, 'deliveries' | 'deliveryQueue'>, d: DeliveryRecord): Promise<void> {
  await deps.deliveries.create(d);
  if (d.status === 'pending') await deps.deliveryQueue.sendAll([d.delivery_id]);
}

/**
 * `POST /api/subscriptions/{id}/verify`: sends a new verification (after a failed one, or to check
 * an endpoint again). A verified subscription stays verified while it runs; the answer names the
 * delivery to follow in the log.
 */
export async function verifySubscription(deps: OutboundDeps, actor: Actor, id: string): Promise<{ subscription_id: string; delivery_id: string; verified: boolean }> {
  const before = await getSubscription(deps, id);
  const { sub, delivery } = verificationFor(deps, { ...before, updated_at: deps.clock.now().toISOString(), version: before.version + 1 }, true);
  await deps.subscriptions.replace(sub, before.version);
  await deps.subscriptionsChanged();
  await sendVerification(deps, delivery);
  await recordAudit(deps, actor, 'subscription.verify', { type: 'subscription', id }, subscriptionView(before), subscriptionView(sub));
  return { subscription_id: id, delivery_id: delivery.delivery_id, verified: sub.verified === true };
}

export async function replaceSubscription(deps: OutboundDeps, actor: Actor, id: string, body: SubscriptionCreate, ifMatch?: number): Promise<SubscriptionRecord> {
  if (body.subscription_id !== undefined && body.subscription_id !== id)
    throw new ValidationError('subscription_id in the body must equal the one in the path.', [{ path: 'subscription_id', message: `expected "${id}"` }]);
  checkTarget(deps, body.url);
  const before = await getSubscription(deps, id);
  if (ifMatch !== undefined && ifMatch !== before.version) throw new VersionMismatchError(ifMatch, before.version);
  const sent = reconcileSubscriptionFields(body, before);
  const input = deps.tenant ? { ...sent, tenant_id: deps.tenant } : sent;
  if ((input.tenant_id ?? null) !== (before.tenant_id ?? null))
    throw new ValidationError("A subscription's tenant cannot change.", [{ path: 'tenant_id', message: before.tenant_id ? `expected "${before.tenant_id}"` : 'this subscription has no tenant' }]);
  const { secret, subscription_id: _id, ...fields } = input;
  const after: SubscriptionRecord = {
    ...fields,
    subscription_id: id,
    secret: secret ?? before.secret,
    previous_secrets: secret && secret !== before.secret ? [] : before.previous_secrets,
    // Paused stays as it is: only …/pause and …/resume change it (resume also sends the backlog).
    ...(before.paused ? { paused: true, ...(before.paused_at ? { paused_at: before.paused_at } : {}) } : {}),
    created_at: before.created_at,
    created_by: before.created_by,
    updated_at: deps.clock.now().toISOString(),
    version: before.version + 1,
    ...(before.verified ? { verified: true } : {}),
    ...(before.verification_delivery_id ? { verification_delivery_id: before.verification_delivery_id } : {}),
  };
  // A new URL is a new endpoint: unverified until its own verification gets a 2xx.
  const verification = after.url !== before.url ? verificationFor(deps, after) : null;
  let saved = verification?.sub ?? after;
  await deps.subscriptions.replace(saved, before.version);
  if (verification) await sendVerification(deps, verification.delivery);
  else saved = await keepVerification(deps, saved);
  await deps.subscriptionsChanged();
  await recordAudit(deps, actor, 'subscription.update', { type: 'subscription', id }, subscriptionView(before), subscriptionView(saved));
  return saved;
}

/**
 * `verified` is set without a new version (deliverer wiring), so a replace that read the record
 * just before the verification's 2xx was recorded may have written it back unverified: when the
 * latest verification delivery is a success, set it again (conditional on the version just
 * written; a concurrent writer reads it afresh anyway). One GetItem, only while unverified.
 */
async function keepVerification(deps: Pick<OutboundDeps, 'deliveries' | 'subscriptions'>, s: SubscriptionRecord): Promise<SubscriptionRecord> {
  if (s.verified || !s.verification_delivery_id) return s;
  if ((await deps.deliveries.get(s.verification_delivery_id))?.status !== 'success') return s;
  const verified = { ...s, verified: true };
  try {
    await deps.subscriptions.replace(verified, s.version);
    return verified;
  } catch (err) {
    if (err instanceof VersionMismatchError) return s;
    throw err;
  }
}

export async function deleteSubscription(deps: OutboundDeps, actor: Actor, id: string): Promise<void> {
  const before = await getSubscription(deps, id);
  if (!(await deps.subscriptions.delete(id))) throw new NotFoundError('Subscription', id);
  await deps.subscriptionsChanged();
  await recordAudit(deps, actor, 'subscription.delete', { type: 'subscription', id }, subscriptionView(before), null);
}

/** An event as published: what filters and body templates see, and what the standard body carries. */
export interface PublishedEvent {
  id: string;
  type: string;
  timestamp: string;
  data: unknown;
}

/**
 * What subscription filters see of a published event: `data` as the payload (conditions' paths
 * and shorthands read it), the event's id and timestamp (`content_filters`, `time_window`), and
 * `info` as the level of an event that names none (`min_severity`, as the outbound design's filter
 * defaults it).
 */
export function filterContext(e: PublishedEvent): EventContext {
  return { payload: e.data, event_type: e.type, provider: 'hookline', webhook_id: '', event: { id: e.id, timestamp: e.timestamp }, default_severity: 'info' };
}

/** True when an `events` pattern of the subscription matches the type. */
function patternMatches(s: Pick<SubscriptionRecord, 'events'>, type: string): boolean {
  return s.events.some((p) => triggerMatches(p, type));
}

/** True when the subscription wants this event: enabled, an `events` pattern matches and its filters hold. Pass one `ctx` per event to every subscription. */
export function wants(s: SubscriptionRecord, ctx: EventContext): boolean {
  if (!s.enabled || !patternMatches(s, ctx.event_type)) return false;
  return !s.filters || compileConditions(s.filters).test(factsFor(ctx));
}

/**
 * Whether a subscription selects an event and, when not, every reason: disabled, no matching
 * pattern, and the first filter key that fails (`filters.content_filters.0: …`).
 */
export function explainMatch(s: Pick<SubscriptionRecord, 'enabled' | 'events' | 'filters' | 'disabled_reason'>, e: PublishedEvent): { matched: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (!s.enabled) reasons.push(`the subscription is disabled${s.disabled_reason ? ` (${s.disabled_reason})` : ''}`);
  if (!patternMatches(s, e.type)) reasons.push(`events: none of ${s.events.map((p) => JSON.stringify(p)).join(', ')} matches the type ${JSON.stringify(e.type)}`);
  if (s.filters) {
    const r = evaluateConditions(s.filters, filterContext(e));
    if (!r.matched) reasons.push(`filters.${r.reason}`);
  }
  return { matched: reasons.length === 0, reasons };
}

/**
 * The body delivered for one event: the standard `{"id","type","timestamp","data","subscription_id"}`,
 * or the subscription's rendered `body_template`. `missing` lists template variables that were absent.
 */
export function deliveryBody(s: Pick<SubscriptionRecord, 'subscription_id' | 'body_template'>, e: PublishedEvent): { body: string; missing: string[] } {
  const event = { id: e.id, type: e.type, timestamp: e.timestamp, data: e.data ?? null, subscription_id: s.subscription_id };
  if (s.body_template === undefined) return { body: JSON.stringify(event), missing: [] };
  const r = renderBodyTemplate(s.body_template, event);
  return { body: JSON.stringify(r.value), missing: r.missing };
}

/** A new delivery of one event to one subscription; the id derives from both, the body is fixed now. A paused subscription's is recorded `paused` (not queued). */
function newDelivery(deps: Pick<OutboundDeps, 'retentionDays'>, s: SubscriptionRecord, e: PublishedEvent, now: Date, traceId = e.id): DeliveryRecord {
  const delivery_id = `dlv_${createHash('sha256').update(`${e.id}\n${s.subscription_id}`).digest('hex').slice(0, 26)}`;
  const at = now.toISOString();
  const { body } = deliveryBody(s, e);
  const bytes = Buffer.byteLength(body);
  const base: DeliveryRecord = {
    delivery_id,
    subscription_id: s.subscription_id,
    event_id: e.id,
    event_type: e.type,
    status: s.paused ? 'paused' : 'pending',
    body,
    attempts: [],
    attempt_count: 0,
    next_attempt_at: s.paused ? null : at,
    created_at: at,
    updated_at: at,
    created_key: `${at}#${delivery_id}`,
    expires_at: Math.floor(now.getTime() / 1000) + deps.retentionDays * 86_400,
    trace_id: traceId,
  };
  if (bytes <= MAX_DELIVERY_BODY_BYTES) return base;
  // A body_template that repeats a large value can outgrow what a delivery record holds: the
  // delivery is kept, failed, with the reason and the start of the body, instead of a 5xx on publish.
  return deliveryNotSent(base, `the rendered body_template is ${bytes} bytes, over the ${MAX_DELIVERY_BODY_BYTES}-byte limit; nothing was sent`, body.slice(0, 4096));
}

/**
 * `POST /api/events`: one delivery per matching subscription, each with the body fixed now, and
 * one queue message per delivery. With an `id`, a repeat answers the first result and delivers
 * nothing new; delivery ids derive from (event, subscription), so a retried publish that failed
 * half-way creates no duplicates either.
 */
export async function publishEvent(deps: OutboundDeps, input: { type: string; data: unknown; id?: string; tenant_id?: string; origin?: EventOrigin }): Promise<{ result: PublishResult; repeated: boolean }> {
  // Hookline's own events are not checked against registered schemas (they are Hookline's to shape).
  if (!input.origin) await checkPublishedData(deps, input.type, input.data, (t) => EVENT_TYPES.some((k) => k.type === t));
  // Idempotency ids are per tenant: two tenants' "order-1" are two events.
  const idKey = input.id && (input.tenant_id ? `tenant\u0000${input.tenant_id}\u0000${input.id}` : input.id);
  if (idKey) {
    const first = await deps.publishes.get(idKey);
    if (first) return { result: first, repeated: true };
  }
  // Hookline's own events derive their id and time from their origin: a retry after a crash
  // makes the same deliveries (same ids, same created_at), which the conditional create keeps once.
  const event_id = idKey
    ? `evt_${createHash('sha256').update(`publish\n${idKey}`).digest('hex').slice(0, 26)}`
    : input.origin
      ? `evt_${createHash('sha256').update(`internal\n${input.type}\n${input.origin.key}`).digest('hex').slice(0, 26)}`
      : deps.ids.next('evt');
  const now = input.origin && !Number.isNaN(Date.parse(input.origin.at)) ? new Date(input.origin.at) : deps.clock.now();
  const event: PublishedEvent = { id: event_id, type: input.type, timestamp: now.toISOString(), data: input.data ?? null };
  const ctx = filterContext(event);
  const subs = await deps.allSubscriptions(true, input.tenant_id ?? null);
  // A tenant with subscriptions exists; only an empty list costs the look-up.
  if (!subs.length) await checkTenant(deps, input.tenant_id);
  const targets = subs.filter((s) => wants(s, ctx));
  // An event Hookline publishes about an inbound one joins that event's trace; any other starts its own.
  const trace_id = input.origin?.trace_id ?? event_id;
  const ids: string[] = [];
  for (const s of targets) {
    const d = gateUnverified(deps.requireVerified, s, newDelivery(deps, s, event, now, trace_id));
    await deps.deliveries.create(d);
    if (d.status === 'pending') ids.push(d.delivery_id);
  }
  await deps.deliveryQueue.sendAll(ids);
  deps.log?.info('event published', { trace_id, event_id, event_type: input.type, tenant_id: input.tenant_id ?? null, deliveries: targets.length });
  const result = { event_id, deliveries: targets.length };
  if (idKey && !(await deps.publishes.putIfAbsent(idKey, result))) {
    // A concurrent publish with the same id won; its deliveries have the same ids as ours.
    return { result: (await deps.publishes.get(idKey)) ?? result, repeated: true };
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
    trace_id: d.trace_id ?? d.event_id,
    status: d.status,
    attempt_count: d.attempt_count,
    last_status_code: last?.status_code ?? null,
    next_attempt_at: d.next_attempt_at,
    rate_limited_until: d.rate_limit_slot && d.rate_limit_slot.attempt >= d.attempt_count ? d.rate_limit_slot.at : null,
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

/** The catalog: the built-in types, each replaced by its registration if there is one, then the other registered types. */
export async function listEventTypes(deps: Pick<OutboundDeps, 'eventTypes'>) {
  const registered = new Map((await deps.eventTypes.all()).map((t) => [t.type, t]));
  const view = (t: EventTypeRecord, source: 'hookline' | 'platform' | 'registered') => ({
    type: t.type,
    description: t.description,
    source,
    ...(t.schema ? { schema: t.schema } : {}),
    ...(t.example !== undefined ? { example: t.example } : {}),
    updated_at: t.updated_at,
    version: t.version,
  });
  const items: Record<string, unknown>[] = EVENT_TYPES.map((b) => {
    const r = registered.get(b.type);
    registered.delete(b.type);
    return r ? view(r, b.source) : b;
  });
  for (const r of [...registered.values()].sort((a, b) => (a.type < b.type ? -1 : 1))) items.push(view(r, 'registered'));
  return { items, next_cursor: null };
}

/** Event types Hookline knows: its own, and the agent platform's documented ones. Others may be published too. */
export const EVENT_TYPES: { type: string; description: string; source: 'hookline' | 'platform' }[] = [
  { type: 'hookline.test', description: 'Sent by POST /api/subscriptions/{id}/test to that subscription only', source: 'hookline' },
  { type: VERIFICATION_TYPE, description: 'Sent to a subscription on create, on a url change and by POST /api/subscriptions/{id}/verify; a 2xx sets its verified (data: subscription_id, url, challenge)', source: 'hookline' },
  { type: 'event.received', description: 'An inbound webhook event was verified and logged (data: event_id, webhook_id, provider, event_type, status)', source: 'hookline' },
  { type: 'task.created', description: 'A create_task command made a task (data: the task)', source: 'hookline' },
  { type: 'question.answered', description: 'A human answered a question from ask (data: the question)', source: 'hookline' },
  { type: 'delivery.failed', description: 'A delivery failed after its last attempt (data: delivery_id, subscription_id, event_id, event_type, attempts, last_status_code)', source: 'hookline' },
  { type: 'subscription.disabled', description: 'A subscription was turned off (410 Gone, or failing for too long) (data: subscription_id, reason)', source: 'hookline' },
  { type: 'alert.triggered', description: 'A Hookline CloudWatch alarm went into ALARM (data: alarm, state, previous_state, reason, description, at)', source: 'hookline' },
  { type: 'alert.resolved', description: 'A Hookline CloudWatch alarm went back to OK (data: as alert.triggered)', source: 'hookline' },
  { type: 'agent:complete', description: 'An agent finished a task', source: 'platform' },
  { type: 'swarm:progress', description: 'Progress of a group of agents', source: 'platform' },
  { type: 'budget:warning', description: 'A budget threshold was crossed', source: 'platform' },
  { type: 'project.created', description: 'A project was created', source: 'platform' },
  ...DESIGN_EVENTS.map(({ type, description }) => ({ type, description, source: 'platform' as const })),
];

/** Sample `data` of known event types, for the preview when no event is given. */
const SAMPLE_DATA: Record<string, unknown> = {
  'hookline.test': { message: 'A test delivery from Hookline' },
  'agent:complete': { agent: 'planning', task_id: 'task_01example', status: 'done', summary: 'Triaged issue #7: a null check in the parser', platform: 'github' },
  'swarm:progress': { swarm_id: 'swarm_01example', completed: 3, total: 5 },
  'budget:warning': { budget: 'monthly', spent: 80, limit: 100, severity: 'warning' },
  'project.created': { project_id: 42, name: 'Rocket', platform: 'github' },
  ...Object.fromEntries(DESIGN_EVENTS.map((e) => [e.type, e.data])),
};

/** The sample event type of a subscription: its first exact type, else the first known type a pattern matches, else the first pattern made concrete. */
function sampleType(events: readonly string[]): string {
  const exact = events.find((p) => !p.includes('*'));
  if (exact) return exact;
  const known = EVENT_TYPES.find((t) => events.some((p) => triggerMatches(p, t.type)));
  return known ? known.type : events[0].replace('*', 'example');
}

export interface SubscriptionPreviewResult {
  matched: boolean;
  reasons: string[];
  rendered: string;
  missing: string[];
  event: PublishedEvent & { source: 'event' | 'sample' };
}

/**
 * The outbound twin of the command preview: whether `sub` selects the event (with the reasons when
 * not) and the exact body it would be sent. Without an event, a sample of the subscription's first
 * event type. Changes nothing and sends nothing.
 */
export function previewSubscription(
  deps: Pick<OutboundDeps, 'clock'>,
  sub: Pick<SubscriptionRecord, 'enabled' | 'events' | 'filters' | 'body_template' | 'disabled_reason'> & { subscription_id?: string },
  given?: z.infer<typeof PreviewEvent>,
): SubscriptionPreviewResult {
  const type = given?.type ?? sampleType(sub.events);
  const event: PublishedEvent = {
    id: given?.id ?? 'evt_preview',
    type,
    timestamp: given?.timestamp ? new Date(given.timestamp).toISOString() : deps.clock.now().toISOString(),
    data: given ? (given.data ?? null) : (SAMPLE_DATA[type] ?? {}),
  };
  const { matched, reasons } = explainMatch(sub, event);
  const { body, missing } = deliveryBody({ subscription_id: sub.subscription_id ?? 'sub_preview', body_template: sub.body_template }, event);
  return { matched, reasons, rendered: body, missing, event: { source: given ? 'event' : 'sample', ...event } };
}

/** `POST /api/subscriptions/{id}/preview`: the preview of a stored subscription. */
export async function previewStoredSubscription(deps: Pick<OutboundDeps, 'clock' | 'subscriptions'>, id: string, given?: z.infer<typeof PreviewEvent>): Promise<SubscriptionPreviewResult> {
  return previewSubscription(deps, await getSubscription(deps, id), given);
}

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
export async function testSubscription(deps: OutboundDeps, id: string): Promise<PublishResult & { delivery_id: string; status: DeliveryRecord['status'] }> {
  const s = await getSubscription(deps, id);
  const now = deps.clock.now();
  const event_id = deps.ids.next('evt');
  const d = newDelivery(deps, s, { id: event_id, type: 'hookline.test', timestamp: now.toISOString(), data: { message: 'A test delivery from Hookline' } }, now);
  await deps.deliveries.create(d);
  const delivery_id = d.delivery_id;
  // Paused means nothing reaches the endpoint, a test included: it waits in the backlog, in order.
  if (d.status === 'pending') await deps.deliveryQueue.sendAll([delivery_id]);
  return { event_id, deliveries: 1, delivery_id, status: d.status };
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
    by_status: { pending: by('pending'), sending: by('sending'), success: by('success'), retrying: by('retrying'), failed: by('failed'), paused: by('paused') },
    success_rate: finished ? by('success') / finished : null,
    attempts: durations.length,
    retries: list.reduce((n, d) => n + Math.max(0, d.attempt_count - 1), 0),
    latency_ms: { p50: quantile(durations, 0.5), p95: quantile(durations, 0.95) },
    truncated: list.length >= 10_000,
  };
}

/** Event types Hookline publishes itself; a failed delivery of one of them publishes nothing more (no loops). */
export const INTERNAL_TYPES = new Set(['event.received', 'task.created', 'question.answered', 'delivery.failed', 'subscription.disabled', 'alert.triggered', 'alert.resolved']);

/**
 * Hookline's own events, published like any other: only subscriptions whose patterns and filters
 * want them get deliveries, so with none the cost is a cached list read. Failures are logged, not
 * thrown: a notification must not fail the work it reports on.
 */
export function internalEvents(deps: OutboundDeps, log: (message: string, extra: Record<string, unknown>) => void = () => undefined) {
  return {
    async publish(type: string, data: unknown, origin?: EventOrigin): Promise<void> {
      try {
        // A cheap first look (patterns only): publishEvent applies the filters with the event's id and time.
        const subs = await deps.allSubscriptions();
        if (!subs.some((s) => s.enabled && patternMatches(s, type))) return;
        await publishEvent(deps, { type, data, ...(origin ? { origin } : {}) });
      } catch (err) {
        log('could not publish an internal event', { type, ...(origin?.trace_id ? { trace_id: origin.trace_id } : {}), error: String(err) });
      }
    },
  };
}
