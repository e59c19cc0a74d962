import * as z from 'zod';
import { BoundedJson, LIMITS } from './common';
import { checkRegex } from '../commands/safe-regex';
import { isTimeZone } from '../commands/time-window';
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
    // Stored as JSON text, so depth is only bounded against pathological nesting.
    value: BoundedJson(LIMITS.webhookConfigBytes).optional(),
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

const FieldPath = z.string().min(1).max(200);
const SafePattern = z
  .string()
  .min(1)
  .superRefine((p, ctx) => {
    const r = checkRegex(p);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.message });
  });

/**
 * One item of the outbound design's `content_filters`: `field` is a path into the published event
 * `{id, type, timestamp, data}` (`data.` optional); `contains` and `regex` work as the ops of that name.
 */
export const ContentFilter = z.discriminatedUnion('type', [
  z.object({ type: z.literal('contains'), field: FieldPath, value: z.string().min(1).max(1000) }).strict(),
  z.object({ type: z.literal('regex'), field: FieldPath, pattern: SafePattern }).strict(),
]);

/** The outbound design's `time_window`: whole hours on an IANA zone's clock, end exclusive, wrapping midnight when start > end. */
export const TimeWindow = z
  .object({
    start_hour: z.number().int().min(0).max(23),
    end_hour: z.number().int().min(0).max(24),
    timezone: z.string().min(1).max(100).refine(isTimeZone, 'an IANA time zone such as UTC, Europe/Berlin or America/New_York').default('UTC'),
  })
  .strict()
  .refine((w) => w.start_hour !== w.end_hour % 24 || (w.start_hour === 0 && w.end_hour === 24), {
    path: ['end_hour'],
    message: 'a window from an hour to the same hour is empty; 0 to 24 is the whole day',
  });

/**
 * Subscription `filters` (CONTRACT §4): the conditions above and, verbatim, the outbound design's
 * filter form: `platforms`, `users`, `min_severity` (shared with conditions), `content_filters`
 * and `time_window`. All keys are ANDed.
 */
export const SubscriptionFilters = Conditions.extend({
  content_filters: z.array(ContentFilter).max(50).optional(),
  time_window: TimeWindow.optional(),
})
  .strict()
  .meta({ id: 'SubscriptionFilters' });
export type SubscriptionFilters = z.infer<typeof SubscriptionFilters>;
