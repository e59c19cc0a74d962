import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventRecord, EventStatus } from '../../model/event';
import type { EventStore, Page } from '../../ports';
import { decodeCursor, encodeCursor } from './cursor';
import { isConditionFailed, unavailable } from './errors';

/** Event metadata keyed by event_id; the by_webhook index lists a webhook's events newest first. */
export class DynamoEventStore implements EventStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async putIfAbsent(e: EventRecord): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: e, ConditionExpression: 'attribute_not_exists(event_id)' }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw unavailable('The event store', err);
    }
  }

  async put(e: EventRecord): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: e }));
    } catch (err) {
      throw unavailable('The event store', err);
    }
  }

  async get(eventId: string): Promise<EventRecord | null> {
    try {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { event_id: eventId } }));
      return (out.Item as EventRecord | undefined) ?? null;
    } catch (err) {
      throw unavailable('The event store', err);
    }
  }

  async listByWebhook(webhookId: string, limit: number, cursor?: string, status?: EventStatus): Promise<Page<EventRecord>> {
    const items: EventRecord[] = [];
    let start = decodeCursor(cursor, ['event_id', 'webhook_id', 'received_key']);
    do {
      let out;
      try {
        out = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: 'by_webhook',
            KeyConditionExpression: 'webhook_id = :w',
            ExpressionAttributeValues: { ':w': webhookId, ...(status ? { ':s': status } : {}) },
            ...(status ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' } } : {}),
            ScanIndexForward: false,
            Limit: limit - items.length,
            ExclusiveStartKey: start,
          }),
        );
      } catch (err) {
        throw unavailable('The event store', err);
      }
      items.push(...((out.Items ?? []) as EventRecord[]));
      start = out.LastEvaluatedKey as Record<string, string> | undefined;
    } while (start && items.length < limit);
    return { items, next_cursor: encodeCursor(start) };
  }
}
