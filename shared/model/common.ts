import { z } from 'zod';

/**
 * Any id a client sends (path parameters, ids in bodies): at most 256 UTF-16 units of well-formed
 * Unicode, so it always fits DynamoDB's key limits (1,024 bytes for a sort key, 2,048 for a
 * partition key) and never reaches the store as a value it must refuse with a 5xx.
 */
export const MAX_ID_CHARS = 256;
/** With the `u` flag a surrogate pair is one code point, so this matches lone surrogates only. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
export function isStorableId(s: string): boolean {
  return s.length >= 1 && s.length <= MAX_ID_CHARS && !LONE_SURROGATE.test(s);
}
export const ResourceId = z.string().min(1).max(MAX_ID_CHARS).refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode (no lone surrogates)');

/** `GET ...?limit=N&cursor=C` */
export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

/** `{"items":[...],"next_cursor":"..."|null}` */
export function Page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), next_cursor: z.string().nullable() });
}

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'validation_error' }),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .meta({ id: 'Error' });

export const IsoTime = z.string().meta({ format: 'date-time', example: '2026-11-23T12:00:00.000Z' });

export { maskSecret } from '../mask';
