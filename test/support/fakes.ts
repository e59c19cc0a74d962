import { VersionMismatchError } from '../../shared/errors';
import type { DeliveryRecord, SubscriptionRecord } from '../../shared/model/subscription';
import type { EventRecord, PayloadRef } from '../../shared/model/event';
import type { DeliveryStore, EventStore, Page, PayloadStore } from '../../shared/ports';

/** In-memory EventStore with the same conditional-write semantics as DynamoDB. */
export class MemoryEventStore implements EventStore {
  readonly items = new Map<string, EventRecord>();
  failNextPut?: Error;
  async putIfAbsent(e: EventRecord): Promise<boolean> {
    if (this.failNextPut) {
      const err = this.failNextPut;
      this.failNextPut = undefined;
      throw err;
    }
    if (this.items.has(e.event_id)) return false;
    this.items.set(e.event_id, structuredClone(e));
    return true;
  }
  async put(e: EventRecord): Promise<void> {
    this.items.set(e.event_id, structuredClone(e));
  }
  async get(id: string): Promise<EventRecord | null> {
    return this.items.get(id) ?? null;
  }
  async listByWebhook(webhookId: string): Promise<Page<EventRecord>> {
    return { items: [...this.items.values()].filter((e) => e.webhook_id === webhookId), next_cursor: null };
  }
}

/** In-memory PayloadStore. */
export class MemoryPayloadStore implements PayloadStore {
  readonly objects = new Map<string, Buffer>();
  puts = 0;
  async putBatch(key: string, members: Buffer[]): Promise<PayloadRef[]> {
    let offset = 0;
    const refs = members.map((m) => {
      const r = { key, offset, length: m.length };
      offset += m.length;
      return r;
    });
    await this.putObject(key, Buffer.concat(members));
    return refs;
  }
  async putObject(key: string, body: Buffer): Promise<void> {
    this.puts++;
    this.objects.set(key, body);
  }
  async getRange(ref: PayloadRef): Promise<Buffer> {
    return this.objects.get(ref.key)!.subarray(ref.offset, ref.offset + ref.length);
  }
  async getObject(key: string): Promise<Buffer> {
    return this.objects.get(key)!;
  }
}

import type { ActionIntent, IntentStore, TaskStore, TaskTopic } from '../../shared/ports';
import type { TaskRecord } from '../../shared/model/task';

/** In-memory TaskStore. */
export class MemoryTaskStore implements TaskStore {
  readonly items = new Map<string, TaskRecord>();
  async createIfAbsent(t: TaskRecord): Promise<boolean> {
    if (this.items.has(t.task_id)) return false;
    this.items.set(t.task_id, structuredClone(t));
    return true;
  }
  async get(id: string): Promise<TaskRecord | null> {
    return this.items.get(id) ?? null;
  }
  async markPublished(id: string, at: string): Promise<void> {
    const t = this.items.get(id);
    if (t) t.published_at = at;
  }
  /** Conditional on the version, like the DynamoDB store. */
  async replace(t: TaskRecord, expectedVersion: number): Promise<void> {
    const cur = this.items.get(t.task_id);
    if (!cur || cur.version !== expectedVersion) throw new VersionMismatchError(expectedVersion, undefined);
    this.items.set(t.task_id, structuredClone(t));
  }
  async list(): Promise<Page<TaskRecord>> {
    return { items: [...this.items.values()], next_cursor: null };
  }
}

/** In-memory IntentStore with the conditional claim semantics of the DynamoDB one. */
export class MemoryIntentStore implements IntentStore {
  readonly items = new Map<string, ActionIntent>();
  async get(id: string): Promise<ActionIntent | null> {
    return this.items.get(id) ?? null;
  }
  async claim(intent: ActionIntent, previousAttempts: number | null): Promise<boolean> {
    const cur = this.items.get(intent.action_id);
    if (previousAttempts === null ? cur : !cur || cur.status !== 'retry' || cur.attempts !== previousAttempts) return false;
    this.items.set(intent.action_id, structuredClone(intent));
    return true;
  }
  async finish(intent: ActionIntent): Promise<void> {
    this.items.set(intent.action_id, structuredClone(intent));
  }
}

/** Records what would be published to the tasks topic. */
export class MemoryTopic implements TaskTopic {
  readonly published: { agent: string; message: any }[] = [];
  async publish(agent: string, message: unknown): Promise<void> {
    this.published.push({ agent, message });
  }
}

import type { QuestionRecord } from '../../shared/model/question';
import type { QuestionStore } from '../../shared/ports';

/** In-memory QuestionStore. */
export class MemoryQuestionStore implements QuestionStore {
  readonly items = new Map<string, QuestionRecord>();
  async putIfAbsent(q: QuestionRecord): Promise<boolean> {
    if (this.items.has(q.question_id)) return false;
    this.items.set(q.question_id, structuredClone(q));
    return true;
  }
  async get(id: string): Promise<QuestionRecord | null> {
    return this.items.get(id) ?? null;
  }
  async openForThread(key: string): Promise<QuestionRecord | null> {
    return [...this.items.values()].filter((q) => q.thread_key === key && q.status === 'open').sort((a, b) => b.asked_key.localeCompare(a.asked_key))[0] ?? null;
  }
  async answer(id: string, a: { answer: string; answer_event_id: string; answered_at: string }): Promise<QuestionRecord | null> {
    const q = this.items.get(id);
    if (!q || q.status !== 'open') return null;
    Object.assign(q, { ...a, status: 'answered' });
    return structuredClone(q);
  }
  async list(): Promise<Page<QuestionRecord>> {
    return { items: [...this.items.values()], next_cursor: null };
  }
}

/** Deliveries in memory, conditional on the attempt count like DynamoDB's, with the backlog index. */
export class MemoryDeliveries implements DeliveryStore {
  items = new Map<string, DeliveryRecord>();
  async create(d: DeliveryRecord) {
    this.items.set(d.delivery_id, structuredClone(d));
  }
  async get(id: string) {
    return structuredClone(this.items.get(id)) ?? null;
  }
  async update(d: DeliveryRecord, n: number) {
    if (this.items.get(d.delivery_id)?.attempt_count !== n) return false;
    this.items.set(d.delivery_id, structuredClone(d));
    return true;
  }
  async claim(d: DeliveryRecord, n: number, stale: string) {
    const cur = this.items.get(d.delivery_id);
    if (!cur || cur.attempt_count !== n || (cur.claimed_at && cur.claimed_at >= stale)) return false;
    this.items.set(d.delivery_id, structuredClone(d));
    return true;
  }
  async listBySubscription() {
    return { items: [...this.items.values()], next_cursor: null };
  }
  async listSince() {
    return [...this.items.values()];
  }
  /** As the by_backlog index: the subscription's deliveries of that status, oldest first, created in [from, to). */
  async backlogPage(subscriptionId: string, status: string, range: { from?: string; to?: string }, limit: number, cursor?: string) {
    const keys = [...this.items.values()]
      .filter((d) => d.subscription_id === subscriptionId && d.status === status && (!range.from || d.created_key >= range.from) && (!range.to || d.created_key < range.to) && (!cursor || d.created_key > cursor))
      .sort((a, b) => (a.created_key < b.created_key ? -1 : 1));
    const items = keys.slice(0, limit);
    return { items: items.map((d) => d.delivery_id), next_cursor: keys.length > limit ? items[items.length - 1].created_key : null };
  }
  async countBacklog(subscriptionId: string, status: string, range: { from?: string; to?: string }, max: number) {
    return Math.min(max, (await this.backlogPage(subscriptionId, status, range, Number.MAX_SAFE_INTEGER)).items.length);
  }
}

/** A stored subscription for deliverer tests (`sub_test`, enabled, 3 attempts, 5 s timeout), with `extra` on top. */
export function testSubscription(extra: Partial<SubscriptionRecord> = {}): SubscriptionRecord {
  return {
    subscription_id: 'sub_test',
    url: 'https://example.test/hook',
    events: ['*'],
    headers: {},
    retry_policy: { max_attempts: 3, initial_delay: 10, backoff_multiplier: 2, max_delay: 60, retry_on_4xx: [] },
    timeout_seconds: 5,
    enabled: true,
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    previous_secrets: [],
    created_at: '',
    created_by: '',
    updated_at: '2026-12-01T12:00:00.000Z',
    version: 1,
    ...extra,
  };
}

/** A pending delivery `id` of `sub_test`, never attempted, with `extra` on top. */
export function testDelivery(id: string, extra: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    delivery_id: id,
    subscription_id: 'sub_test',
    event_id: `evt_${id}`,
    event_type: 'agent:complete',
    status: 'pending',
    body: '{}',
    attempts: [],
    attempt_count: 0,
    next_attempt_at: null,
    created_at: '2026-12-01T12:00:00.000Z',
    updated_at: '2026-12-01T12:00:00.000Z',
    created_key: '',
    expires_at: 0,
    ...extra,
  };
}
