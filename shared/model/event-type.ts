import * as z from 'zod';
import { BoundedJson, IsoTime } from './common';

/** Largest registered schema or example, as JSON. */
export const MAX_EVENT_SCHEMA_BYTES = 64 * 1024;

/** `PUT /api/event-types/{type}` body. */
export const EventTypeInput = z
  .object({
    description: z.string().min(1).max(1000),
    schema: z
      .record(z.string(), z.unknown())
      .superRefine((v, ctx) => {
        if (Buffer.byteLength(JSON.stringify(v)) > MAX_EVENT_SCHEMA_BYTES) ctx.addIssue({ code: 'custom', message: `at most ${MAX_EVENT_SCHEMA_BYTES} bytes as JSON` });
      })
      .optional()
      .meta({ description: 'A JSON Schema (draft 2020-12) for the event\'s data; published data is validated against it', example: { type: 'object', required: ['order_id'], properties: { order_id: { type: 'string' }, amount: { type: 'number' } } } }),
    example: BoundedJson(MAX_EVENT_SCHEMA_BYTES).optional().meta({ description: 'Example data (validated against the schema)', example: { order_id: 'ord_1', amount: 42 } }),
  })
  .strict()
  .meta({ id: 'EventTypeInput' });
export type EventTypeInput = z.infer<typeof EventTypeInput>;

export interface EventTypeRecord {
  type: string;
  description: string;
  schema?: Record<string, unknown>;
  example?: unknown;
  created_at: string;
  updated_at: string;
  version: number;
}

export const EventTypeView = z
  .object({
    type: z.string(),
    description: z.string(),
    source: z.enum(['hookline', 'platform', 'registered']),
    schema: z.record(z.string(), z.unknown()).optional(),
    example: z.unknown().optional(),
    created_at: IsoTime.optional(),
    updated_at: IsoTime.optional(),
    version: z.number().int().optional(),
  })
  .meta({ id: 'EventType' });
