import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sendTimeOf, slotMs, type RateLimitSpec } from '../../delivery/rate-limit';
import type { RateLimiter } from '../../ports';
import { isConditionFailed, unavailable } from './errors';

/** Attempts at the two conditional updates before giving up (each failure means another writer moved the bucket). */
const MAX_TRIES = 8;

/**
 * Rate-limit buckets as items of the deliveries table (`delivery_id` = `ratelimit#<key>`; no
 * `subscription_id`, so they never appear in the by_subscription index), each holding the bucket's
 * theoretical arrival time `tat` in epoch ms and an `expires_at` TTL a week after the last
 * reservation (longer than any queue of reservations can reach), so idle buckets disappear. One reservation is one UpdateItem: `tat = tat + slot` while the bucket is busy
 * (`tat > from`), or `tat = from + slot` once it is idle; DynamoDB serializes the writes on the item,
 * so reservations from any number of containers never share a slot. The container remembers the
 * last `tat` it saw per key to try the likely branch first (a wrong guess costs one refused update).
 */
export class DynamoRateLimiter implements RateLimiter {
  private readonly seen = new Map<string, number>();

  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async reserve(key: string, limit: RateLimitSpec, from: number): Promise<number> {
    const slot = slotMs(limit);
    let busy = (this.seen.get(key) ?? 0) > from;
    for (let i = 0; i < MAX_TRIES; i++) {
      const tat = busy ? await this.update(key, 'SET tat = tat + :slot, expires_at = :exp', 'tat > :from', { ':slot': slot, ':from': from }, from + slot) : await this.update(key, 'SET tat = :next, expires_at = :exp', 'attribute_not_exists(tat) OR tat <= :from', { ':next': from + slot, ':from': from }, from + slot);
      if (tat !== undefined) {
        this.seen.set(key, tat);
        if (this.seen.size > 10_000) this.seen.delete(this.seen.keys().next().value as string);
        return sendTimeOf(tat, from, limit);
      }
      busy = !busy;
    }
    throw unavailable('The rate limiter', new Error(`bucket ${key} kept changing under ${MAX_TRIES} conditional updates`));
  }

  /** The new `tat`, or undefined when the condition did not hold. */
  private async update(key: string, expression: string, condition: string, values: Record<string, number>, expiresFrom: number): Promise<number | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { delivery_id: `ratelimit#${key}` },
          UpdateExpression: expression,
          ConditionExpression: condition,
          ExpressionAttributeValues: { ...values, ':exp': Math.ceil(expiresFrom / 1000) + 7 * 86_400 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(out.Attributes?.tat);
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw unavailable('The rate limiter', err);
    }
  }
}
