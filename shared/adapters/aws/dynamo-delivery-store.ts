import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRecord, DeliveryStatus } from '../../model/subscription';
import type { BacklogRange, BacklogStatus, DeliveryStore, Page } from '../../ports';
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
/** Statuses the sparse by_backlog index holds (resume pages the paused, recover the failed). */
const BACKLOG: ReadonlySet<string> = new Set<BacklogStatus>(['paused', 'failed']);
/**
 * Every write is a whole-item put through here, so `backlog_key` always follows `status`. A paused
 * delivery keeps its expiry under another name: DynamoDB's TTL never deletes it while its
 * subscription is paused (a pause may outlast EVENT_RETENTION_DAYS), and gets it back once sent.
 */
const toItem = (d: DeliveryRecord) => {
  const { expires_at, ...rest } = d;
  return packFields(
    { ...rest, attempts: keptAttempts(d.attempts), ...(BACKLOG.has(d.status) ? { backlog_key: `${d.subscription_id}#${d.status}` } : {}), ...(d.status === 'paused' ? { held_expires_at: expires_at } : { expires_at }) },
    JSON_FIELDS,
    'The delivery',
  );
};
const fromItem = (i: Item | undefined) => {
  const d = unpackFields<DeliveryRecord & { backlog_key?: string; held_expires_at?: number }>(i, JSON_FIELDS);
  if (!d) return d;
  if (d.held_expires_at !== undefined) d.expires_at = d.held_expires_at;
  delete d.backlog_key;
  delete d.held_expires_at;
  return d;
};

/** Oldest first, on one subscription's paused or failed deliveries, optionally within [from, to) of created_at. */
function backlogQuery(table: string, subscriptionId: string, status: BacklogStatus, range: BacklogRange): Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'> {
  // created_key is `${created_at}#${delivery_id}`, longer than the bare time: BETWEEN from AND to
  // keeps a delivery created at `from` and drops one created at `to` (the window is [from, to)).
  const cond = range.from && range.to ? ' AND created_key BETWEEN :from AND :to' : range.from ? ' AND created_key >= :from' : range.to ? ' AND created_key < :to' : '';
  return {
    TableName: table,
    IndexName: 'by_backlog',
    KeyConditionExpression: `backlog_key = :p${cond}`,
    ExpressionAttributeValues: { ':p': `${subscriptionId}#${status}`, ...(range.from ? { ':from': range.from } : {}), ...(range.to ? { ':to': range.to } : {}) },
    ScanIndexForward: true,
  };
}

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

  backlogPage(subscriptionId: string, status: BacklogStatus, range: BacklogRange, limit: number, cursor?: string): Promise<Page<string>> {
    return queryPage<string>(this.db, backlogQuery(this.table, subscriptionId, status, range), { limit, cursor, cursorKeys: ['delivery_id', 'backlog_key', 'created_key'] }, 'The delivery store', (i) => String(i.delivery_id));
  }

  async countBacklog(subscriptionId: string, status: BacklogStatus, range: BacklogRange, max: number): Promise<number> {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      let out;
      try {
        out = await this.db.send(new QueryCommand({ ...backlogQuery(this.table, subscriptionId, status, range), Select: 'COUNT', ExclusiveStartKey: start }));
      } catch (err) {
        throw unavailable('The delivery store', err);
      }
      count += out.Count ?? 0;
      start = out.LastEvaluatedKey;
    } while (start && count < max);
    return Math.min(count, max);
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
