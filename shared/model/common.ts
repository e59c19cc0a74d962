import { z } from 'zod';

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
