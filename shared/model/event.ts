import * as z from 'zod';
import { IsoTime } from './common';
import { Provider } from './webhook';

export const EVENT_STATUSES = ['received', 'processed', 'ignored', 'failed'] as const;
export const EventStatus = z.enum(EVENT_STATUSES);
export type EventStatus = z.infer<typeof EventStatus>;

export const ActionResult = z.object({
  command_id: z.string(),
  action: z.string(),
  status: z.enum(['succeeded', 'failed', 'skipped']),
  task_id: z.string().optional(),
  error: z.string().optional(),
  result: z.record(z.string(), z.unknown()).optional(),
  warnings: z.array(z.string()).optional(),
});
export type ActionResult = z.infer<typeof ActionResult>;

/** Where a stored payload lives: a byte range of a gzip member inside a batch object. */
export interface PayloadRef {
  key: string;
  offset: number;
  length: number;
}

/** The event's metadata item; kept well under 1 KB so each write costs one write unit. */
export interface EventRecord {
  event_id: string;
  webhook_id: string;
  provider: Provider;
  event_type: string;
  delivery_id: string | null;
  status: EventStatus;
  received_at: string;
  processed_at: string | null;
  /** `${received_at}#${event_id}`: sort key of the by_webhook index. */
  received_key: string;
  /** Which of the webhook's event-log shards lists it (see shared/event-log-shard.ts); absent: 0. */
  log_shard?: number;
  matched_commands: string[];
  actions: ActionResult[];
  response_sent: boolean;
  payload_ref: PayloadRef;
  payload_bytes: number;
  content_type?: string;
  source_ip?: string;
  error?: string;
  in_reply_to?: string;
  /** A handshake (GitHub ping): logged, never matched against commands (the command preview reads it). */
  handshake?: boolean;
  /** An ignored event: why each command whose trigger fits did not run (its first failing condition). */
  match_reasons?: string[];
  /** Epoch seconds; DynamoDB's TTL deletes the item after the retention period. */
  expires_at: number;
}

const EventFields = {
  event_id: z.string().meta({ example: 'evt_1a2b3c' }),
  webhook_id: z.string(),
  provider: Provider,
  event_type: z.string().meta({ example: 'issues.opened' }),
  delivery_id: z.string().nullable(),
  status: EventStatus,
  received_at: IsoTime,
  processed_at: IsoTime.nullable(),
  matched_commands: z.array(z.string()),
  actions: z.array(ActionResult),
  response_sent: z.boolean(),
  payload_bytes: z.number().int(),
  verdict: z.literal('verified').meta({ description: 'Only events with a valid signature are queued and logged' }),
  timings: z.object({ received_at: IsoTime, processed_at: IsoTime.nullable(), latency_ms: z.number().nullable().meta({ description: 'From receipt to the end of processing' }) }),
  error: z.string().optional(),
  in_reply_to: z.string().optional(),
  match_reasons: z.array(z.string()).optional().meta({ description: 'An ignored event: why each command whose trigger fits did not run', example: ['cmd_1a2b: labels: none of "bug" is on the event (it has "question")'] }),
};

export const EventSummary = z.object(EventFields).meta({ id: 'EventSummary' });
export const EventDetail = z
  .object({
    ...EventFields,
    content_type: z.string().optional().meta({ description: "The delivery's Content-Type header", example: 'application/json' }),
    source_ip: z.string().optional().meta({ description: 'The address the delivery came from (what ip_allowlist checks)', example: '192.0.2.10' }),
    payload: z.unknown(),
  })
  .meta({ id: 'Event' });
export type EventDetail = z.infer<typeof EventDetail>;

export const EventListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
  status: EventStatus.optional(),
});
