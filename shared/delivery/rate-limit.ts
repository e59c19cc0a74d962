/**
 * Outbound rate limits as GCRA (the generic cell rate algorithm: a token bucket kept as one number,
 * the "theoretical arrival time"). Every attempt reserves the next free slot of its limit, so excess
 * deliveries are not refused but given a later send time: the bucket is a queue of reservations.
 * Pure: the stored `tat` comes in, the new `tat` and the send time go out (epoch milliseconds).
 */

/** `{"per_second","burst"}` as stored on a subscription or a tenant; `burst` defaults to 1. */
export interface RateLimitSpec {
  per_second: number;
  burst?: number;
}

/** Milliseconds between two slots of the limit. */
export function slotMs(limit: RateLimitSpec): number {
  return 1000 / limit.per_second;
}

/**
 * One reservation: with the stored theoretical arrival time `tat` (undefined for a fresh bucket)
 * and the earliest time the attempt could go (`from`), the new `tat` to store and the time `at`
 * the attempt may be sent. Over any window of `w` ms at most `burst + w * per_second / 1000`
 * reservations get a send time inside it, and `at` is never before `from`.
 */
export function reserveSlot(tat: number | undefined, from: number, limit: RateLimitSpec): { tat: number; at: number } {
  const next = Math.max(tat ?? from, from) + slotMs(limit);
  return { tat: next, at: sendTimeOf(next, from, limit) };
}

/** The send time of the reservation that moved the bucket to `tat` (the adapter's atomic update returns only `tat`). */
export function sendTimeOf(tat: number, from: number, limit: RateLimitSpec): number {
  return Math.max(from, tat - (limit.burst ?? 1) * slotMs(limit));
}
