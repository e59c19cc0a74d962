import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventRecord, EventStatus } from '../../model/event';
import type { EventStore, Page } from '../../ports';
import { partitionQuery, putIfAbsent, queryPage } from './dynamo-helpers';
import { unavailable } from './errors';
import { packFields, unpackFields, type Item } from './stored-json';

/** Action results carry provider answers: free-form JSON, stored as text (see stored-json.ts). */
const JSON_FIELDS = ['actions'];
const toItem = (e: EventRecord) => packFields(e, JSON_FIELDS, 'The event record');
const fromItem = (i: Item | undefined) => unpackFields<EventRecord>(i, JSON_FIELDS);

/** Event metadata keyed by event_id; the by_webhook index lists a webhook's events newest first. */
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

  listByWebhook(webhookId: string, limit: number, cursor?: string, status?: EventStatus): Promise<Page<EventRecord>> {
    return queryPage<EventRecord>(
      this.db,
      partitionQuery(this.table, 'by_webhook', 'webhook_id', webhookId, status),
      { limit, cursor, cursorKeys: ['event_id', 'webhook_id', 'received_key'] },
      'The event store',
      (i) => fromItem(i)!,
    );
  }
}
