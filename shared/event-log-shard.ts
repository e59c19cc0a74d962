/** Zod-free, so the consumer and the actions worker can use it without bundling the schemas. */

/**
 * The shard an event is listed under: FNV-1a of its id modulo the webhook's shard count, so every
 * write of one event (a redelivery, its final status) lands on the same shard while a busy
 * webhook's events spread evenly over `shards` index keys.
 */
export function eventLogShard(eventId: string, shards: number | undefined): number {
  if (!shards || shards <= 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < eventId.length; i++) {
    h ^= eventId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}
