import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventRecord, EventStatus } from '../../model/event';
import type { EventStore, Page } from '../../ports';
import { decodeCursor, encodeCursor, InvalidCursorError } from './cursor';
import { partitionQuery, putIfAbsent, queryPage } from './dynamo-helpers';
import { unavailable } from './errors';
import { packFields, unpackFields, type Item } from './stored-json';

/** Action results carry provider answers: free-form JSON, stored as text (see stored-json.ts). */
const JSON_FIELDS = ['actions'];

/**
 * The by_webhook index key of an event: the webhook id for shard 0 (every event written before
 * shards existed), `<webhook_id>#<shard>` for the others (a webhook id never contains `#`). The
 * attribute keeps its name `webhook_id`, so the index and every stored item stay as they were.
 */
const indexKey = (webhookId: string, shard: number | undefined): string => (shard ? `${webhookId}#${shard}` : webhookId);

const toItem = (e: EventRecord) => packFields({ ...e, webhook_id: indexKey(e.webhook_id, e.log_shard) }, JSON_FIELDS, 'The event record');
function fromItem(i: Item | undefined): EventRecord | null {
  const e = unpackFields<EventRecord>(i, JSON_FIELDS);
  if (e && e.webhook_id.includes('#')) e.webhook_id = e.webhook_id.slice(0, e.webhook_id.indexOf('#'));
  return e;
}

/** A shard's position in a merged list's cursor: from the top, done, or after this received_key. */
const TOP = '-';
const DONE = '~';
/** `<ISO time>#<event id>`, the only other shape a position may have. */
const RECEIVED_KEY = /^[0-9][0-9T:.Z+-]*#[A-Za-z0-9_-]+$/;

/**
 * Event metadata keyed by event_id (so a redelivery's conditional put finds it); the by_webhook
 * index lists a webhook's events newest first, spread over its event-log shards.
 */
export class DynamoEventStore implements EventStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  putIfAbsent(e: EventRecord): Promise<boolean> {
    return putIfAbsent(this.db, this.table, toItem(e), 'event_id', 'The event store');
  }

  async put(e: EventRecord): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: toItem(e) }));
    } catch (err) {
      throw unavailable('The event store', err);
    }
  }

  async get(eventId: string): Promise<EventRecord | null> {
    try {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { event_id: eventId } }));
      return fromItem(out.Item);
    } catch (err) {
      throw unavailable('The event store', err);
    }
  }

  listByWebhook(webhookId: string, limit: number, cursor?: string, status?: EventStatus, shards = 1): Promise<Page<EventRecord>> {
    if (shards > 1) return this.listMerged(webhookId, limit, cursor, status, shards);
    return queryPage<EventRecord>(
      this.db,
      partitionQuery(this.table, 'by_webhook', 'webhook_id', webhookId, status),
      { limit, cursor, cursorKeys: ['event_id', 'webhook_id', 'received_key'] },
      'The event store',
      (i) => fromItem(i)!,
    );
  }

  /**
   * Newest first over `shards` index keys: each unfinished shard reads up to `limit` items after
   * its position (all shards at once), the merge keeps the `limit` newest, and each shard's new
   * position is the last of its items kept. Any item among the `limit` newest left is among the
   * first `limit` of its own shard, so every page is exactly the next `limit` of the whole list.
   * The cursor carries one position per shard, bound to this webhook, shard count and filter.
   */
  private async listMerged(webhookId: string, limit: number, cursor: string | undefined, status: EventStatus | undefined, shards: number): Promise<Page<EventRecord>> {
    const names = Array.from({ length: shards }, (_, s) => `s${s}`);
    const binding = ['events-by-webhook-merged', this.table, webhookId, shards, status ?? null];
    const given = decodeCursor(cursor, names, binding);
    const positions = names.map((n) => given?.[n] ?? TOP);
    if (!positions.every((p) => p === TOP || p === DONE || RECEIVED_KEY.test(p))) throw new InvalidCursorError();
    const reads = await Promise.all(positions.map((pos, s) => (pos === DONE ? { items: [], more: false } : this.readShard(webhookId, s, pos, limit, status))));
    const all = reads.flatMap((r, s) => r.items.map((item) => ({ s, item }))).sort((a, b) => (a.item.received_key < b.item.received_key ? 1 : -1));
    const page = all.slice(0, limit);
    const next = positions.map((pos, s) => {
      const kept = page.filter((p) => p.s === s);
      const finished = !reads[s].more && kept.length === reads[s].items.length;
      if (pos === DONE || finished) return DONE;
      return kept.length ? kept[kept.length - 1].item.received_key : pos;
    });
    const nextCursor = next.every((p) => p === DONE) ? null : encodeCursor(Object.fromEntries(names.map((n, s) => [n, next[s]])), binding);
    return { items: page.map((p) => p.item), next_cursor: nextCursor };
  }

  /** Up to `limit` of one shard's events (of `status`) after `after`, newest first; `more` when the shard may hold others. */
  private async readShard(webhookId: string, shard: number, after: string, limit: number, status?: EventStatus): Promise<{ items: EventRecord[]; more: boolean }> {
    const key = indexKey(webhookId, shard);
    const input = partitionQuery(this.table, 'by_webhook', 'webhook_id', key, status);
    let start: Record<string, unknown> | undefined = after === TOP ? undefined : { event_id: after.slice(after.lastIndexOf('#') + 1), webhook_id: key, received_key: after };
    const items: EventRecord[] = [];
    do {
      let out;
      try {
        out = await this.db.send(new QueryCommand({ ...input, Limit: limit - items.length, ExclusiveStartKey: start }));
      } catch (err) {
        throw unavailable('The event store', err);
      }
      for (const i of out.Items ?? []) items.push(fromItem(i)!);
      start = out.LastEvaluatedKey;
    } while (start && items.length < limit);
    return { items, more: Boolean(start) };
  }
}
