import * as z from 'zod/mini';
import { PROVIDERS } from './webhook-providers';

/**
 * What the receiver puts on the events queue. The body travels gzip-compressed and
 * base64-encoded: smaller SQS requests, the consumer stores the same bytes in S3 without
 * recompressing, and the message stays ASCII (the local SQS emulator rejects emoji).
 * zod/mini: the consumer validates every message, and the full zod build would triple its bundle.
 */
export const QueuedEvent = z.object({
  v: z.literal(1),
  event_id: z.string(),
  webhook_id: z.string(),
  provider: z.enum(PROVIDERS),
  event_type: z.string(),
  delivery_id: z.nullable(z.string()),
  received_at: z.string(),
  source_ip: z.optional(z.string()),
  /** Set for handshakes (GitHub ping): logged, never matched against commands. */
  handshake: z.optional(z.boolean()),
  content_type: z.optional(z.string()),
  body_bytes: z.number().check(z.int()),
  /** gzip(raw body), base64. Absent when the body was too large and went to S3 (claim check). */
  body_gz: z.optional(z.string()),
  body_ref: z.optional(z.object({ key: z.string() })),
});
export type QueuedEvent = z.infer<typeof QueuedEvent>;
