import { z } from 'zod';
import { checkRegex } from '../commands/safe-regex';
import { parseTimestamp } from '../commands/timestamp';

/**
 * `{"field":"issue.title","op":"eq|ne|in|contains|regex|exists|gt|lt","value":…}`; semantics in
 * shared/commands/evaluate-conditions.ts. Regexes are checked here, on save, by the same checker
 * the matcher uses (shared/commands/safe-regex.ts), so a pattern that could hang it is refused
 * with the reason at `…value`.
 */
export const FieldCondition = z
  .object({
    field: z.string().min(1).max(200),
    op: z.enum(['eq', 'ne', 'in', 'contains', 'regex', 'exists', 'gt', 'lt']),
    value: z.unknown().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['value'], message });
    if (c.op !== 'exists' && c.value === undefined) return issue(`"${c.op}" needs a value`);
    if (c.op === 'in' && !Array.isArray(c.value)) issue('"in" needs an array value');
    if (c.op === 'exists' && c.value !== undefined && typeof c.value !== 'boolean') issue('"exists" takes true (present, the default) or false (absent)');
    if ((c.op === 'gt' || c.op === 'lt') && typeof c.value !== 'number' && !(typeof c.value === 'string' && !Number.isNaN(parseTimestamp(c.value))))
      issue(`"${c.op}" needs a number or an ISO 8601 timestamp such as 2026-01-31T12:00:00Z`);
    if (c.op === 'regex') {
      if (typeof c.value !== 'string') issue('"regex" needs a string value');
      else {
        const r = checkRegex(c.value);
        if (!r.ok) issue(r.message);
      }
    }
  });
export type FieldCondition = z.infer<typeof FieldCondition>;

const StringList = z.array(z.string().min(1).max(200)).min(1).max(100);

/** Conditions shared by commands and subscription filters (contract section 5); keys are ANDed. */
export const Conditions = z
  .object({
    labels: StringList.optional(),
    label: z.string().min(1).max(200).optional(),
    body_contains: z.string().min(1).max(1000).optional(),
    channel: z.string().min(1).max(200).optional(),
    users: StringList.optional(),
    platforms: StringList.optional(),
    min_severity: z.enum(['debug', 'info', 'warning', 'error', 'critical']).optional(),
    all: z.array(FieldCondition).max(50).optional(),
    // An empty `any` could never hold: refuse it rather than store a command that never runs.
    any: z.array(FieldCondition).min(1, '"any" needs at least one condition').max(50).optional(),
  })
  .strict()
  .meta({ id: 'Conditions' });
export type Conditions = z.infer<typeof Conditions>;
