import { z } from 'zod';

/** `{"field":"issue.title","op":"eq|ne|in|contains|regex|exists|gt|lt","value":…}` */
export const FieldCondition = z
  .object({
    field: z.string().min(1).max(200),
    op: z.enum(['eq', 'ne', 'in', 'contains', 'regex', 'exists', 'gt', 'lt']),
    value: z.unknown().optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.op === 'in' && !Array.isArray(c.value)) ctx.addIssue({ code: 'custom', path: ['value'], message: '"in" needs an array value' });
    if (c.op === 'regex') {
      if (typeof c.value !== 'string') ctx.addIssue({ code: 'custom', path: ['value'], message: '"regex" needs a string value' });
      else {
        try {
          new RegExp(c.value);
        } catch (e) {
          ctx.addIssue({ code: 'custom', path: ['value'], message: `invalid regular expression: ${(e as Error).message}` });
        }
      }
    }
    if (c.op !== 'exists' && c.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: `"${c.op}" needs a value` });
  });

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
    any: z.array(FieldCondition).max(50).optional(),
  })
  .strict()
  .meta({ id: 'Conditions' });
export type Conditions = z.infer<typeof Conditions>;
