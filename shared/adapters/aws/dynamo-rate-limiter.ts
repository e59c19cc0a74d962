import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { sendTimeOf, slotMs, type RateLimitSpec } from '../../delivery/rate-limit';
import type { RateLimiter } from '../../ports';
import { isConditionFailed, unavailable } from './errors';

/** Attempts at the two conditional updates before giving up (each failure means another container moved the bucket). */
const MAX_TRIES = 8;

interface Waiter {
  from: number;
  limit: RateLimitSpec;
  resolve(at: number): void;
  reject(err: unknown): void;
}

/**
 * Rate-limit buckets as items of the deliveries table (`delivery_id` = `ratelimit#<key>`; no
 * `subscription_id`, so they never appear in the by_subscription index), each holding the bucket's
 * theoretical arrival time `tat` in epoch ms and an `expires_at` TTL a week after the last
 * reservation (longer than any queue of reservations can reach), so idle buckets disappear.
 *
 * One UpdateItem reserves the slots of every attempt of this container waiting on the key:
 * `tat = tat + k x slot` while the bucket is busy (`tat > from`), or `tat = from + k x slot` once it
 * is idle. DynamoDB serializes the writes on the item, so reservations from any number of
 * containers never share a slot. Reservations of one key go one update at a time per container
 * (the next takes everyone who arrived meanwhile), and the container remembers the last `tat` it
 * saw to try the likely branch first (a wrong guess, only after another container moved the
 * bucket, costs one refused update).
 */
export class DynamoRateLimiter implements RateLimiter {
  private readonly seen = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly busyKeys = new Set<string>();

  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  reserve(key: string, limit: RateLimitSpec, from: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const list = this.waiting.get(key) ?? [];
      list.push({ from, limit, resolve, reject });
      this.waiting.set(key, list);
      if (!this.busyKeys.has(key)) void this.drain(key);
    });
  }

  /** Reserves for everyone waiting on `key`, one update per group, until nobody waits. */
  private async drain(key: string): Promise<void> {
    this.busyKeys.add(key);
    try {
      for (let group = this.waiting.get(key); group?.length; group = this.waiting.get(key)) {
        this.waiting.delete(key);
        // One limit per group: the newest caller's (a limit changed meanwhile applies from here on).
        const limit = group[group.length - 1].limit;
        const from = Math.max(...group.map((w) => w.from));
        try {
          const tat = await this.take(key, slotMs(limit), group.length, from);
          // The i-th waiter's slot is the i-th of the k taken: tat - (k - 1 - i) x slot.
          group.forEach((w, i) => w.resolve(sendTimeOf(tat - (group.length - 1 - i) * slotMs(limit), from, limit)));
        } catch (err) {
          for (const w of group) w.reject(err);
        }
      }
    } finally {
      this.busyKeys.delete(key);
    }
  }

  /** Takes `k` slots at or after `from`; the bucket's new `tat`. */
  private async take(key: string, slot: number, k: number, from: number): Promise<number> {
    let busy = (this.seen.get(key) ?? 0) > from;
    for (let i = 0; i < MAX_TRIES; i++) {
      const tat = busy
        ? await this.update(key, 'SET tat = tat + :span, expires_at = :exp', 'tat > :from', { ':span': k * slot, ':from': from })
        : await this.update(key, 'SET tat = :next, expires_at = :exp', 'attribute_not_exists(tat) OR tat <= :from', { ':next': from + k * slot, ':from': from });
      if (tat !== undefined) {
        this.seen.set(key, tat);
        if (this.seen.size > 10_000) this.seen.delete(this.seen.keys().next().value as string);
        return tat;
      }
      busy = !busy;
    }
    throw unavailable('The rate limiter', new Error(`bucket ${key} kept changing under ${MAX_TRIES} conditional updates`));
  }

  /** The new `tat`, or undefined when the condition did not hold. */
  private async update(key: string, expression: string, condition: string, values: Record<string, number>): Promise<number | undefined> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { delivery_id: `ratelimit#${key}` },
          UpdateExpression: expression,
          ConditionExpression: condition,
          // A week past now outlives any reservation a queue can hold (deliveries and SQS messages last 4 days).
          ExpressionAttributeValues: { ...values, ':exp': Math.ceil(values[':from'] / 1000) + 7 * 86_400 },
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
