import { HANDSHAKE_REASON, loopGuard } from '../actions/reply';
import type { EventContext } from '../commands/event-context';
import { explainCommand } from '../commands/match';
import { senderOf } from '../commands/sender';
import { commandText } from '../commands/default-prompt';
import { NotFoundError, ValidationError } from '../errors';
import type { CommandPreview, CommandPreviewInput, UnsavedCommandPreviewInput } from '../model/command-preview';
import type { Command, WebhookRecord } from '../model/webhook';
import type { ManagementDeps } from '../ports';
import { storedPayloadText } from './events';
import { decodePayload } from './process-events';
import { resolveChannelNames } from './channel-names';
import { lintOneCommand } from './lint-config';
import { sampleEvent, type SampleEvent } from './sample-event';
import { getWebhook } from './webhooks';

type Deps = Pick<ManagementDeps, 'webhooks' | 'events' | 'payloads' | 'clock' | 'channels'>;

/**
 * What the consumer would do with `input.command` on one event, changing nothing: the same loop
 * guard, handshake rule, trigger and condition matching (shared/commands/match.ts) and template
 * rendering the consumer runs. The event is a stored event of this webhook, a given payload, or
 * the provider's sample event.
 */
export async function previewCommand(deps: Deps, webhookId: string, input: CommandPreviewInput): Promise<CommandPreview> {
  return previewOn(deps, await getWebhook(deps, webhookId), input);
}

/**
 * The same preview for a webhook that is not saved yet (the console's create page): the provider stands in for
 * the webhook, with a throwaway secret for the provider's signed sample and no reply settings.
 */
export async function previewUnsavedCommand(deps: Deps, input: UnsavedCommandPreviewInput): Promise<CommandPreview> {
  const at = deps.clock.now().toISOString();
  const draft: WebhookRecord = {
    webhook_id: 'unsaved',
    name: 'unsaved',
    provider: input.provider,
    // Only signs the provider's sample inside this preview; never stored or shown.
    secret: `whsec_${Buffer.alloc(32).toString('base64')}`,
    previous_secrets: [],
    enabled: true,
    commands: [],
    ...(input.verification ? { verification: input.verification } : {}),
    created_at: at,
    created_by: 'preview',
    updated_at: at,
    updated_by: 'preview',
    version: 0,
  };
  return previewOn(deps, draft, { command: input.command, payload: input.payload, event_type: input.event_type });
}

async function previewOn(deps: Deps, webhook: WebhookRecord, input: CommandPreviewInput): Promise<CommandPreview> {
  const webhookId = webhook.webhook_id;
  let source: CommandPreview['event']['source'];
  let ev: SampleEvent;
  if (input.event_id !== undefined) {
    const e = await deps.events.get(input.event_id);
    if (!e || e.webhook_id !== webhookId) throw new NotFoundError('Event', input.event_id);
    const raw = await storedPayloadText(deps, e);
    ev = { event_type: e.event_type, payload: decodePayload(raw, e.content_type), raw, handshake: Boolean(e.handshake) };
    source = 'event';
  } else if (input.payload !== undefined) {
    ev = { event_type: input.event_type!, payload: input.payload, raw: JSON.stringify(input.payload), handshake: false };
    source = 'payload';
  } else {
    const s = sampleEvent(webhook, deps.clock.now(), input.event_type, input.command.trigger);
    if (!s)
      throw new ValidationError(`There is no sample event${input.event_type ? ` of type "${input.event_type}"` : ''} for the ${webhook.provider} provider; send a payload with its event_type.`, [
        { path: input.event_type ? 'event_type' : 'payload', message: 'no sample event: send a payload' },
      ]);
    ev = s;
    source = 'sample';
  }

  const command: Command = { ...input.command, command_id: input.command.command_id ?? 'cmd_preview', priority: input.command.priority ?? 0 };
  const ctx: EventContext = { payload: ev.payload, event_type: ev.event_type, provider: webhook.provider, webhook_id: webhook.webhook_id };
  ctx.sender = senderOf(ctx.provider, ev.payload);
  // Channel names are looked up as the consumer looks them up (same directory port, same cache rules).
  await resolveChannelNames(deps.channels, { ...webhook, commands: [command] }, ctx);
  const reasons: string[] = [];
  if (ev.handshake) reasons.push(HANDSHAKE_REASON);
  const guard = loopGuard(webhook.reply, ctx.sender, ev.raw);
  if (guard) reasons.push(guard);
  reasons.push(...explainCommand(command, ctx).reasons);
  // The same text the consumer produces: the template, or the default prompt of the action.
  const t = commandText(command, ctx);
  const r = command.template !== undefined || t.default ? t : null;
  return {
    matched: reasons.length === 0,
    reasons,
    rendered: r ? r.text : null,
    missing: r ? r.missing : [],
    warnings: lintOneCommand(webhook.provider, command),
    event: { source, event_type: ev.event_type, ...(input.event_id ? { event_id: input.event_id } : {}) },
  };
}
