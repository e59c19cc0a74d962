import * as z from 'zod/mini';

/**
 * What the consumer puts on the actions queue: the event whose provider-facing commands (comment,
 * ask, respond, forward) are still to run, by command id and action. The worker reads the stored event record
 * and its payload; the message stays small whatever the payload's size.
 */
export const ActionMessage = z.object({
  v: z.literal(1),
  event_id: z.string(),
  webhook_id: z.string(),
  commands: z.array(z.object({ command_id: z.string(), action: z.enum(['comment', 'ask', 'respond', 'forward']) })),
});
export type ActionMessage = z.infer<typeof ActionMessage>;
