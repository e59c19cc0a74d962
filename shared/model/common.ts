import * as z from 'zod';

import { isStorableId, LIMITS, LONE_SURROGATE, MAX_ID_CHARS } from './ids';

export { isStorableId, LIMITS, MAX_ID_CHARS };
export const ResourceId = z.string().min(1).max(MAX_ID_CHARS).refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode (no lone surrogates)');

/** Nesting depth of a JSON value, counted without recursion (any depth, no stack overflow); stops past `stop`. */
export function jsonDepth(value: unknown, stop = Number.MAX_SAFE_INTEGER): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    if (max >= stop) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child && typeof child === 'object') stack.push([child, depth]);
  }
  return max;
}

/**
 * Free-form JSON with a depth limit (400) and a size limit (413: the issue carries `status`, which
 * the API handler turns into payload_too_large naming the field).
 */
export function BoundedJson(maxBytes: number, maxDepth: number = LIMITS.jsonDepth) {
  return z.unknown().superRefine((v, ctx) => {
    if (v === undefined) return;
    if (jsonDepth(v, maxDepth + 1) > maxDepth) return ctx.addIssue({ code: 'custom', message: `nested more than ${maxDepth} levels deep` });
    const bytes = Buffer.byteLength(JSON.stringify(v));
    if (bytes > maxBytes) ctx.addIssue({ code: 'custom', message: `${bytes} bytes as JSON; at most ${maxBytes}`, params: { status: 413 } });
  });
}

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

/** Save-time warnings (e.g. a template variable the provider's payloads for that trigger never contain); they never block the change. */
export const Warnings = z
  .array(z.object({ path: z.string(), message: z.string() }))
  .meta({ description: "Paths that the provider's sample payloads for the trigger never contain; never blocking", example: [{ path: 'commands.0.template', message: 'issue.summry is not in jira:issue_created payloads; did you mean issue.summary?' }] });

export const IsoTime = z.string().meta({ format: 'date-time', example: '2026-11-23T12:00:00.000Z' });

export { maskSecret } from '../mask';
