/** Ports: what the use cases need from storage and messaging. Adapters in adapters/aws implement them. */
import type { ApiKeyRecord } from './model/api-key';
import type { AuditEntry } from './model/audit';
import type { EventRecord, EventStatus, PayloadRef } from './model/event';
import type { QueuedEvent } from './model/queued-event';
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
