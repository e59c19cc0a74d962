import * as z from 'zod';
import { Warnings } from './common';
import { CommandInput, Provider, Verification } from './webhook';

/** `POST /api/webhooks/{id}/commands/preview`: a command and the event to try it on (a stored one, a payload, or the provider's sample). */
export const CommandPreviewInput = z
  .object({
    command: CommandInput,
    event_id: z.string().min(1).max(100).optional().meta({ description: "An event of this webhook (from its event log)" }),
    payload: z.record(z.string(), z.unknown()).optional().meta({ description: 'A payload to try the command on; needs event_type' }),
    event_type: z.string().min(1).max(200).optional().meta({ example: 'issues.opened', description: "The payload's event type (Hookline's name, as the event log shows it)" }),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.event_id !== undefined && (b.payload !== undefined || b.event_type !== undefined))
      ctx.addIssue({ code: 'custom', path: ['event_id'], message: 'give either event_id or payload with event_type, not both' });
    if (b.payload !== undefined && b.event_type === undefined) ctx.addIssue({ code: 'custom', path: ['event_type'], message: 'a payload needs its event_type' });
  })
  .meta({ id: 'CommandPreviewInput' });
// The input type: the use case fills in what parsing would default (priority), so callers may omit it.
export type CommandPreviewInput = z.input<typeof CommandPreviewInput>;

export const CommandPreview = z
  .object({
    matched: z.boolean(),
    reasons: z.array(z.string()).meta({ description: 'Why the command does not match (empty when it matches)', example: ['labels: none of "bug" is on the event (it has "question")'] }),
    rendered: z.string().nullable().meta({ description: 'The template rendered against the event (whether or not it matches); without a template, the default prompt of create_task, ask, comment and respond; null for a forward without a template' }),
    missing: z.array(z.string()).meta({ description: 'Template variables that rendered empty (absent or null in the event)' }),
    warnings: Warnings.meta({ description: "The save-time lint of the command: template variables and condition fields that the provider's sample payloads for its trigger never contain" }),
    event: z.object({
      source: z.enum(['event', 'payload', 'sample']),
      event_type: z.string(),
      event_id: z.string().optional(),
    }),
  })
  .meta({ id: 'CommandPreview' });
export type CommandPreview = z.infer<typeof CommandPreview>;

/**
 * `POST /api/commands/preview`: the same preview for a webhook that is not saved yet (the console's create page):
 * the provider (and, for `custom`, its verification) stands in for the webhook; the event is a payload or the
 * provider's sample. Without the webhook's reply settings the loop guard knows no bot user and Slack channel
 * names cannot be looked up (such a condition fails closed, with the reason).
 */
export const UnsavedCommandPreviewInput = z
  .object({
    provider: Provider,
    verification: Verification.optional(),
    command: CommandInput,
    payload: z.record(z.string(), z.unknown()).optional().meta({ description: 'A payload to try the command on; needs event_type' }),
    event_type: z.string().min(1).max(200).optional().meta({ example: 'issues.opened', description: "The payload's event type (Hookline's name, as the event log shows it)" }),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.payload !== undefined && b.event_type === undefined) ctx.addIssue({ code: 'custom', path: ['event_type'], message: 'a payload needs its event_type' });
  })
  .meta({ id: 'UnsavedCommandPreviewInput' });
export type UnsavedCommandPreviewInput = z.infer<typeof UnsavedCommandPreviewInput>;
