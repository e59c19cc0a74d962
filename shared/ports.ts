/**
 * Ports: what the use cases need from storage, messaging and the outside world, and the two
 * dependency bundles several use cases share. Adapters in adapters/aws implement the ports;
 * use cases import them from here, never from another use case (that is how import cycles start).
 */
import type { Clock, Ids } from './clock';
import type { MetricName } from './metric-names';
import type { ErrorDetail } from './errors';
import type { ApiKeyRecord, Principal } from './model/api-key';
import type { AuditEntry } from './model/audit';
import type { EventRecord, EventStatus, PayloadRef } from './model/event';
import type { ActionMessage } from './model/action-message';
import type { QueuedEvent } from './model/queued-event';
import type { TaskRecord, TaskStatus } from './model/task';
import type { QuestionRecord, QuestionStatus } from './model/question';
import type { DeliveryRecord, DeliveryStatus, SubscriptionRecord } from './model/subscription';
import type { WebhookRecord } from './model/webhook';
import type { TenantRecord } from './model/tenant';
import type { EventTypeRecord } from './model/event-type';
import type { RateLimitSpec } from './delivery/rate-limit';

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface WebhookStore {
  get(id: string): Promise<WebhookRecord | null>;
  list(limit: number, cursor?: string): Promise<Page<WebhookRecord>>;
  /** Throws ConflictError when the id exists. */
  create(w: WebhookRecord): Promise<void>;
  /** Writes `w` (whose version is the new one) only if the stored version is `expectedVersion`. */
  replace(w: WebhookRecord, expectedVersion: number): Promise<void>;
  /** Deletes only if the stored version is `expectedVersion` (when given). */
  delete(id: string, expectedVersion?: number): Promise<void>;
}

export interface ApiKeyStore {
  get(keyId: string): Promise<ApiKeyRecord | null>;
  list(limit: number, cursor?: string): Promise<Page<ApiKeyRecord>>;
  put(k: ApiKeyRecord): Promise<void>;
  delete(keyId: string): Promise<boolean>;
}

export interface AuditLog {
  append(e: AuditEntry): Promise<void>;
  list(limit: number, cursor?: string, resourceId?: string): Promise<Page<AuditEntry>>;
}

export interface EventStore {
  /** Writes the record unless one with the same event_id exists; returns false for a duplicate. */
  putIfAbsent(e: EventRecord): Promise<boolean>;
  get(eventId: string): Promise<EventRecord | null>;
  /**
   * A webhook's events newest first (received_key descending), merged over its `shards` event-log
   * shards (default 1) with one opaque cursor that carries a position per shard.
   */
  listByWebhook(webhookId: string, limit: number, cursor?: string, status?: EventStatus, shards?: number): Promise<Page<EventRecord>>;
  /** Overwrites an existing record (used for the final `failed` status). */
  put(e: EventRecord): Promise<void>;
}

export interface EventQueue {
  send(e: QueuedEvent): Promise<void>;
}

/** The actions queue: events whose provider-facing commands run in the actions worker. */
export interface ActionQueue {
  send(m: ActionMessage): Promise<void>;
}

/** Compressed payloads, many events per object. */
export interface PayloadStore {
  /** Stores the gzip members back to back in one object; returns each member's byte range. */
  putBatch(key: string, members: Buffer[]): Promise<PayloadRef[]>;
  /** Stores one large body (claim check). */
  putObject(key: string, body: Buffer): Promise<void>;
  getRange(ref: PayloadRef): Promise<Buffer>;
  getObject(key: string): Promise<Buffer>;
}

export interface TaskStore {
  /** Writes the task unless its id exists; returns false when it does. */
  createIfAbsent(t: TaskRecord): Promise<boolean>;
  get(id: string): Promise<TaskRecord | null>;
  markPublished(id: string, at: string): Promise<void>;
  replace(t: TaskRecord, expectedVersion: number): Promise<void>;
  list(q: { agent?: string; status?: TaskStatus; limit: number; cursor?: string }): Promise<Page<TaskRecord>>;
}

/** Where a side effect stands: `started` before the provider is called, then the outcome. */
export interface ActionIntent {
  action_id: string;
  event_id: string;
  command_id: string;
  action: string;
  status: 'started' | 'succeeded' | 'failed' | 'retry';
  attempts: number;
  result?: Record<string, unknown>;
  error?: string;
  updated_at: string;
  expires_at: number;
}

export interface IntentStore {
  get(id: string): Promise<ActionIntent | null>;
  /** Writes `intent` (status started) if absent, or if it is `retry` after `previousAttempts`; false if another attempt owns it. */
  claim(intent: ActionIntent, previousAttempts: number | null): Promise<boolean>;
  finish(intent: ActionIntent): Promise<void>;
}

/** Publishes to the tasks topic with message attribute `agent`. */
export interface TaskTopic {
  publish(agent: string, message: unknown): Promise<void>;
}

export interface QuestionStore {
  putIfAbsent(q: QuestionRecord): Promise<boolean>;
  get(id: string): Promise<QuestionRecord | null>;
  /** The newest open question of a thread (`${webhook_id}#${thread key}`), if any. */
  openForThread(threadKey: string): Promise<QuestionRecord | null>;
  /** Marks an open question answered; null when it was not open any more. */
  answer(id: string, answer: { answer: string; answer_event_id: string; answered_at: string }): Promise<QuestionRecord | null>;
  list(q: { webhook_id?: string; status?: QuestionStatus; limit: number; cursor?: string }): Promise<Page<QuestionRecord>>;
}

export interface SubscriptionStore {
  get(id: string): Promise<SubscriptionRecord | null>;
  list(limit: number, cursor?: string): Promise<Page<SubscriptionRecord>>;
  create(s: SubscriptionRecord): Promise<void>;
  replace(s: SubscriptionRecord, expectedVersion: number): Promise<void>;
  /** Deletes the subscription; false when there was none. */
  delete(id: string): Promise<boolean>;
  /**
   * The subscription index of one tenant (`null`: subscriptions without a tenant), one consistent
   * GetItem: a change counter every create, replace and delete of that tenant's subscriptions bumps,
   * and the ids of its subscriptions (a superset: an id may name a deleted or foreign record, so
   * readers check each record's tenant_id). `ids` is null for a tenant without an index yet.
   */
  index(tenant: string | null): Promise<{ generation: number; ids: string[] | null }>;
  /** The records of these ids that exist (consistent reads, any order). */
  getMany(ids: string[]): Promise<SubscriptionRecord[]>;
  /**
   * Closes a tenant's index for a deletion: from then on `create` refuses the tenant's subscriptions
   * (409 tenant_deleted), including one whose create was under way; `reopenIndex` undoes it (a
   * deletion refused, or the tenant created again).
   */
  closeIndex(tenant: string): Promise<void>;
  reopenIndex(tenant: string): Promise<void>;
}

/** Registered event types (the typed catalog). */
export interface EventTypeStore {
  get(type: string): Promise<EventTypeRecord | null>;
  /** Every registered type (the catalog is small: one Query, paged inside). */
  all(): Promise<EventTypeRecord[]>;
  /** Writes `t` if the stored version is `expectedVersion` (null: only if absent). */
  put(t: EventTypeRecord, expectedVersion: number | null): Promise<void>;
}

export interface TenantStore {
  get(id: string): Promise<TenantRecord | null>;
  list(limit: number, cursor?: string): Promise<Page<TenantRecord>>;
  /** Throws ConflictError when the id exists. */
  create(t: TenantRecord): Promise<void>;
  /** Writes `t` only if the stored version is `expectedVersion`. */
  replace(t: TenantRecord, expectedVersion: number): Promise<void>;
  /** Deletes only if the stored version is `expectedVersion` (when given). */
  delete(id: string, expectedVersion?: number): Promise<void>;
}

export interface DeliveryStore {
  create(d: DeliveryRecord): Promise<void>;
  get(id: string): Promise<DeliveryRecord | null>;
  /** Writes `d` only if the stored record still has `expectedAttempts` attempts (one writer per attempt). */
  update(d: DeliveryRecord, expectedAttempts: number): Promise<boolean>;
  /** Marks attempt `expectedAttempts + 1` in flight unless another claim newer than `staleBefore` holds it. */
  claim(d: DeliveryRecord, expectedAttempts: number, staleBefore: string): Promise<boolean>;
  listBySubscription(subscriptionId: string, limit: number, cursor?: string, status?: DeliveryStatus): Promise<Page<DeliveryRecord>>;
  /** Deliveries created at or after `since` (ISO), newest first, at most `max`. */
  listSince(subscriptionId: string, since: string, max: number): Promise<DeliveryRecord[]>;
  /** Ids of one subscription's paused or failed deliveries, oldest first, from an index of those only (never a Scan). */
  backlogPage(subscriptionId: string, status: BacklogStatus, range: BacklogRange, limit: number, cursor?: string): Promise<Page<string>>;
  /** How many such deliveries there are, counting at most `max`. */
  countBacklog(subscriptionId: string, status: BacklogStatus, range: BacklogRange, max: number): Promise<number>;
}

/** The delivery statuses a subscription's backlog is paged by. */
export type BacklogStatus = Extract<DeliveryStatus, 'paused' | 'failed'>;

/** A window of creation times, ISO (`toISOString()` form): `from` included, `to` excluded. */
export interface BacklogRange {
  from?: string;
  to?: string;
}

/**
 * One page of work on a subscription's backlog, as a message on the deliveries queue: `resume`
 * sends the paused deliveries oldest first, `recover` re-sends the failed ones of a window. Each
 * page ends by queuing the next (the cursor), so no invocation runs long, and a redelivered page
 * sends nothing twice (see usecases/backlog.ts).
 */
export interface BacklogJob {
  op: 'resume' | 'recover';
  subscription_id: string;
  job_id: string;
  cursor: string | null;
  /** recover: the window of creation times. */
  range?: BacklogRange;
  /** resume: the last look, a little after the drain, for deliveries paused by a container that had not yet seen the resume. */
  sweep?: boolean;
}

/** The deliveries queue: one message `{delivery_id}` per delivery, and backlog pages `{backlog}`. */
export interface DeliveryQueue {
  /** `recover`: the recovery job these sends belong to (the deliverer attempts a failed delivery once per job); `delaySeconds` at most 900. */
  sendAll(deliveryIds: string[], opts?: { recover?: string; delaySeconds?: number }): Promise<void>;
  /** Queues one backlog page (`delaySeconds` at most 900). */
  sendJob(job: BacklogJob, delaySeconds?: number): Promise<void>;
}

export interface QueueStats {
  queue: string;
  visible: number;
  in_flight: number;
  delayed: number;
  /** Messages waiting in the queue's dead-letter queue. */
  dlq: number | null;
}

export interface QueueAdmin {
  stats(): Promise<QueueStats[]>;
  /** Moves up to `max` messages from a queue's DLQ back to it; returns how many moved. */
  redrive(queue: string, max: number): Promise<number>;
}

/** Publishes Hookline's own events (event.received, task.created, ...) to matching subscriptions. */
export interface InternalEvents {
  /**
   * `origin`: what the event is about (`key`, e.g. the task id) and when it happened (`at`). The
   * event id, the delivery ids and their `created_at` derive from it, so a retry after a crash
   * publishes the same event and creates no second delivery.
   */
  publish(type: string, data: unknown, origin?: EventOrigin): Promise<void>;
}

/** The stable identity of an internal event: its subject's key and the time it happened. */
export interface EventOrigin {
  key: string;
  at: string;
  /** The trace the event belongs to (the inbound event that caused it); its deliveries carry it. Default: the event's own id. */
  trace_id?: string;
}

/** Webhook config backups, one object per version, secrets excluded. */
export interface BackupStore {
  put(id: string, version: number, config: unknown): Promise<void>;
  list(id: string): Promise<{ version: number; key: string; at: string; bytes: number }[]>;
  get(id: string, version: number): Promise<unknown | null>;
}

/** What a deleted webhook leaves behind so a restore keeps working with the provider. */
export interface SecretVault {
  keep(id: string, secrets: { secret: string; previous_secrets: { secret: string; expires_at: string }[]; reply_token?: string }): Promise<void>;
  take(id: string): Promise<{ secret: string; previous_secrets: { secret: string; expires_at: string }[]; reply_token?: string } | null>;
}

/** Slack channel ids to names (`C024BE91L` -> `engineering`), for `channel: "#name"` conditions on Events API callbacks, which carry only ids. */
export interface ChannelDirectory {
  /** The channel's name without `#`; throws with Slack's reason (`channel_not_found`, `missing_scope`, …) when it cannot be looked up. */
  channelName(channelId: string, auth: { token: string; api_base_url?: string }): Promise<string>;
}

/** `{"file","status":"applied|rejected","webhook_id","errors":[{"path","message"}],"at"}` (+ whether anything changed). */
export interface ImportResult {
  file: string;
  status: 'applied' | 'rejected';
  webhook_id: string | null;
  errors: ErrorDetail[];
  /** The save-time lint of the applied config (never blocking; empty when rejected). */
  warnings: ErrorDetail[];
  at: string;
  changed: boolean;
}

/** Results of config-file imports. */
export interface ImportLog {
  append(r: ImportResult): Promise<void>;
  list(limit: number, cursor?: string): Promise<Page<ImportResult>>;
}

export interface PublishResult {
  event_id: string;
  deliveries: number;
}

/** Publish results by idempotency id (a repeated `id` answers the first result). */
export interface PublishLog {
  get(id: string): Promise<PublishResult | null>;
  putIfAbsent(id: string, r: PublishResult): Promise<boolean>;
}

/** What one outbound HTTP attempt returned (the SSRF-guarded client's answer). */
export interface SendResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bodyExcerpt: string;
  durationMs: number;
}

/** Who is acting: an API key, or a config file. */
export type Actor = Pick<Principal, 'key_id' | 'name'>;

/** Subscriptions, deliveries and publishing, for every function that publishes or manages them. */
export interface OutboundDeps {
  audit: AuditLog;
  clock: Clock;
  ids: Ids;
  subscriptions: SubscriptionStore;
  tenants: TenantStore;
  eventTypes: EventTypeStore;
  /** A registered event type as this container last read it (at most CONFIG_CACHE_SECONDS old). */
  eventType(type: string): Promise<EventTypeRecord | null>;
  /** HOOKLINE_STRICT_EVENT_TYPES: refuse publishing types neither built in nor registered. */
  strictEventTypes: boolean;
  deliveries: DeliveryStore;
  deliveryQueue: DeliveryQueue;
  publishes: PublishLog;
  /**
   * Cached list of one tenant's subscriptions (`tenant` null or absent: those without a tenant),
   * read from that tenant's index only (no Scan, no other tenant's records). `fresh`: check the
   * tenant's change counter first, so a change made in any container is seen at once (publishes);
   * without it the list is at most CONFIG_CACHE_SECONDS old (the pre-check of internal events).
   */
  allSubscriptions(fresh?: boolean, tenant?: string | null): Promise<SubscriptionRecord[]>;
  /** Called after a subscription changes: drops this container's cached lists (the store bumps the counters). */
  subscriptionsChanged(): Promise<void> | void;
  allowPrivateTargets: boolean;
  /** HOOKLINE_REQUIRE_VERIFIED: deliveries to unverified subscriptions are recorded failed with the reason, never sent. */
  requireVerified?: boolean;
  retentionDays: number;
  /** Set when a tenant-bound key acts (usecases/tenant-scope.ts): the stores show only this tenant's records, and what it creates belongs to it. */
  tenant?: string;
  /** One INFO line per published event (trace, event and tenant ids, deliveries made). */
  log?: Logger;
}

/** Everything the management use cases need; tests pass whatever adapters fit. */
export interface ManagementDeps {
  webhooks: WebhookStore;
  keys: ApiKeyStore;
  audit: AuditLog;
  events: EventStore;
  payloads: PayloadStore;
  queue: EventQueue;
  tasks: TaskStore;
  clock: Clock;
  ids: Ids;
  /** Base URL providers call, for the webhook's `url`. */
  receiverUrl: string;
  /** Where the console is, for portal links (CONSOLE_URL, or in AWS the console stack's SSM parameter). */
  consoleLocation: ConsoleLocation;
  /** HTTP client for calls to the receiver (test deliveries). */
  fetch: typeof fetch;
  /** Outbound: subscriptions, deliveries, publishing. */
  outbound: OutboundDeps;
  /** Config backups (S3) and the secrets of deleted webhooks. */
  backups: BackupStore;
  vault: SecretVault;
  /** Results of config-file imports. */
  imports: ImportLog;
  /** Queue depths and DLQ redrive. */
  queues: QueueAdmin;
  /** Slack channel ids to names, so the command preview judges `channel: "#name"` as the consumer does. */
  channels?: ChannelDirectory;
  /** ALLOW_PRIVATE_TARGETS: outbound URLs saved in webhook configs are checked against it (default false: refused). */
  allowPrivateTargets?: boolean;
}

/**
 * Where the console is deployed, the base of subscriber-portal links: `CONSOLE_URL` when given
 * (`npm start`, or `-c hookline:consoleUrl` in AWS), else the URL the console stack wrote to its
 * SSM parameter (read on demand and cached by the adapter).
 */
export interface ConsoleLocation {
  /** The console's base URL, or undefined while no console is deployed. */
  url(): Promise<string | undefined>;
}

/** A secret value read from outside (Secrets Manager in AWS); cached by the adapter. */
export interface SecretSource {
  /** The current value, or undefined when none is configured. */
  value(): Promise<string | undefined>;
}

/** Text objects of one bucket (the config inbox). */
export interface TextObjects {
  getText(key: string): Promise<string>;
}

/** Ids a log line carries when it knows them (snake_case, as in the API). */
export type LogContext = Record<string, string | number | boolean | null | undefined>;

/**
 * Structured logging, injected like the clock. `with` returns a logger whose every line carries
 * the given ids (one webhook, event, delivery ...), so one id filters a whole trace.
 */
export interface Logger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
  with(ids: LogContext): Logger;
}

/** Low-cardinality metrics (CloudWatch EMF in AWS): names from shared/metric-names.ts, never an id as a dimension. */
export interface Metrics {
  count(name: MetricName, dimensions?: Record<string, string>, value?: number): void;
  milliseconds(name: MetricName, ms: number, dimensions?: Record<string, string>): void;
}

/**
 * Outbound rate-limit buckets (shared/delivery/rate-limit.ts), one per key (`sub#<id>`,
 * `tenant#<id>`), shared by every deliverer container.
 */
export interface RateLimiter {
  /** Reserves the next slot of `key`'s bucket at or after `from` (epoch ms); resolves to the time the attempt may be sent. */
  reserve(key: string, limit: RateLimitSpec, from: number): Promise<number>;
}
