/** Ports: what the use cases need from storage and messaging. Adapters in adapters/aws implement them. */
import type { ApiKeyRecord } from './model/api-key';
import type { AuditEntry } from './model/audit';
import type { EventRecord, EventStatus, PayloadRef } from './model/event';
import type { QueuedEvent } from './model/queued-event';
import type { TaskRecord, TaskStatus } from './model/task';
import type { QuestionRecord, QuestionStatus } from './model/question';
import type { DeliveryRecord, DeliveryStatus, SubscriptionRecord } from './model/subscription';
import type { WebhookRecord } from './model/webhook';

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
  listByWebhook(webhookId: string, limit: number, cursor?: string, status?: EventStatus): Promise<Page<EventRecord>>;
  /** Overwrites an existing record (used for the final `failed` status). */
  put(e: EventRecord): Promise<void>;
}

export interface EventQueue {
  send(e: QueuedEvent): Promise<void>;
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
  delete(id: string): Promise<boolean>;
  /** A counter bumped by every subscription change: the publish path reads it (one GetItem) to see changes at once. */
  generation(): Promise<number>;
  bumpGeneration(): Promise<void>;
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
}

/** The deliveries queue: one message `{delivery_id}` per delivery. */
export interface DeliveryQueue {
  sendAll(deliveryIds: string[]): Promise<void>;
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
  publish(type: string, data: unknown): Promise<void>;
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
