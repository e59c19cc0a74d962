import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRecord, DeliveryStatus } from '../../model/subscription';
import type { DeliveryStore, Page } from '../../ports';
import { partitionQuery, putIfAbsent, queryPage } from './dynamo-helpers';
import { isConditionFailed, unavailable } from './errors';
import { packFields, unpackFields, type Item } from './stored-json';

/**
 * Attempts are appended for as long as a delivery is retried (manual retries have no cap), so the
 * item keeps the newest attempts up to this many bytes of JSON (`attempt_count` still counts every
 * one); body and attempts are stored as JSON text, gzipped when large (see stored-json.ts).
 */
export const KEPT_ATTEMPTS_BYTES = 96 * 1024;
const JSON_FIELDS = ['body', 'attempts'];

function keptAttempts(attempts: DeliveryRecord['attempts']): DeliveryRecord['attempts'] {
  let bytes = 0;
  let from = attempts.length;
  while (from > 0) {
    bytes += Buffer.byteLength(JSON.stringify(attempts[from - 1]));
    if (bytes > KEPT_ATTEMPTS_BYTES && from < attempts.length) break;
    from--;
  }
  return from === 0 ? attempts : attempts.slice(from);
}
const toItem = (d: DeliveryRecord) => packFields({ ...d, attempts: keptAttempts(d.attempts) }, JSON_FIELDS, 'The delivery');
const fromItem = (i: Item | undefined) => unpackFields<DeliveryRecord>(i, JSON_FIELDS);

/** Deliveries keyed by delivery_id; by_subscription lists a subscription's newest first. */
export class DynamoDeliveryStore implements DeliveryStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async create(d: DeliveryRecord): Promise<void> {
    await putIfAbsent(this.db, this.table, toItem(d), 'delivery_id', 'The delivery store');
  }

  async get(id: string): Promise<DeliveryRecord | null> {
    try {
      return fromItem((await this.db.send(new GetCommand({ TableName: this.table, Key: { delivery_id: id }, ConsistentRead: true }))).Item);
    } catch (err) {
      throw unavailable('The delivery store', err);
    }
  }

  private async conditionalPut(d: DeliveryRecord, condition: string, values: Record<string, unknown>): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: toItem(d), ConditionExpression: condition, ExpressionAttributeValues: values }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw unavailable('The delivery store', err);
    }
  }

  update(d: DeliveryRecord, expectedAttempts: number): Promise<boolean> {
    return this.conditionalPut(d, 'attempt_count = :n', { ':n': expectedAttempts });
  }

  claim(d: DeliveryRecord, expectedAttempts: number, staleBefore: string): Promise<boolean> {
    return this.conditionalPut(d, 'attempt_count = :n AND (attribute_not_exists(claimed_at) OR claimed_at < :stale)', { ':n': expectedAttempts, ':stale': staleBefore });
  }

  async listSince(subscriptionId: string, since: string, max: number): Promise<DeliveryRecord[]> {
    const out: DeliveryRecord[] = [];
    let cursor: string | undefined;
    do {
      const q = partitionQuery(this.table, 'by_subscription', 'subscription_id', subscriptionId);
      const page = await queryPage<DeliveryRecord>(
        this.db,
        { ...q, KeyConditionExpression: '#p = :p AND created_key >= :since', ExpressionAttributeValues: { ...q.ExpressionAttributeValues, ':since': since } },
        { limit: Math.min(100, max - out.length), cursor, cursorKeys: ['delivery_id', 'subscription_id', 'created_key'] },
        'The delivery store',
        (i) => fromItem(i)!,
      );
      out.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor && out.length < max);
    return out;
  }

  listBySubscription(subscriptionId: string, limit: number, cursor?: string, status?: DeliveryStatus): Promise<Page<DeliveryRecord>> {
    return queryPage<DeliveryRecord>(
      this.db,
      partitionQuery(this.table, 'by_subscription', 'subscription_id', subscriptionId, status),
      { limit, cursor, cursorKeys: ['delivery_id', 'subscription_id', 'created_key'] },
      'The delivery store',
      (i) => fromItem(i)!,
    );
  }
}
