import { gunzipSync } from 'node:zlib';
import { randomId, type Clock, type Ids } from '../clock';
import type { ActionContext, SideEffect } from '../actions/runner';
import { senderOf } from '../commands/sender';
import { NotFoundError } from '../errors';
import type { ActionResult } from '../model/event';
import type { QueuedEvent } from '../model/queued-event';
import type { Command } from '../model/webhook';
import { eventLogIds } from '../log';
import type { EventQueue, EventStore, Logger, PayloadStore, QuestionStore, WebhookStore } from '../ports';
import { decodePayload } from './process-events';
import { getQuestion } from './questions';
import { getWebhook } from './webhooks';

export interface InteractiveDeps {
  webhooks: WebhookStore;
  events: EventStore;
  payloads: PayloadStore;
  questions: QuestionStore;
  queue: EventQueue;
  effects: Record<'comment' | 'ask' | 'respond', SideEffect>;
  clock: Clock;
  ids: Ids;
  /** One INFO line per agent action, in the trace of the event it acts on (with the question id when it asks). */
  log?: Logger;
}

async function eventWithPayload(deps: InteractiveDeps, webhookId: string, eventId: string) {
  const webhook = await getWebhook(deps, webhookId);
  const record = await deps.events.get(eventId);
  if (!record || record.webhook_id !== webhookId) throw new NotFoundError('Event', eventId);
  const gz = record.payload_ref.length < 0 ? await deps.payloads.getObject(record.payload_ref.key) : await deps.payloads.getRange(record.payload_ref);
  return { webhook, record, gz, payload: decodePayload(gunzipSync(gz), record.content_type) };
}

/**
 * Runs one action for an agent, on the thread of a stored event. Each call is its own action
 * (a fresh command id), so calling twice posts twice: these routes are what an agent calls when
 * it decides to speak, not a replay of a provider's delivery.
 */
async function direct(deps: InteractiveDeps, webhookId: string, eventId: string, action: 'comment' | 'ask' | 'respond', text: string, agent?: string): Promise<ActionResult> {
  const { webhook, record, payload } = await eventWithPayload(deps, webhookId, eventId);
  const command: Command = { command_id: `cmd_api_${randomId(12)}`, trigger: record.event_type, action, priority: 0, ...(agent ? { agent } : {}) };
  const ctx: ActionContext = {
    event: { event_id: record.event_id, webhook_id: webhookId, provider: record.provider, event_type: record.event_type, delivery_id: record.delivery_id, received_at: record.received_at },
    payload,
    webhook,
    command,
    text,
    missing: [],
    sender: senderOf(record.provider, payload),
    // Each direct call is its own action: its records carry the time of the call.
    at: deps.clock.now().toISOString(),
  };
  const result = await deps.effects[action](ctx);
  const questionId = typeof result?.question_id === 'string' ? { question_id: result.question_id } : {};
  deps.log?.with({ ...eventLogIds(record), command_id: command.command_id, ...questionId }).info('agent action', { action, agent: agent ?? null });
  return { command_id: command.command_id, action, status: 'succeeded', result };
}

export function commentOnEvent(deps: InteractiveDeps, webhookId: string, input: { event_id: string; message: string }): Promise<ActionResult> {
  return direct(deps, webhookId, input.event_id, 'comment', input.message);
}

export function respondToEvent(deps: InteractiveDeps, webhookId: string, input: { event_id: string; response: string }): Promise<ActionResult> {
  return direct(deps, webhookId, input.event_id, 'respond', input.response);
}

/** Posts the question and returns the question record (open until a human replies on the thread). */
export async function askOnEvent(deps: InteractiveDeps, webhookId: string, input: { event_id: string; question: string; agent?: string }) {
  const r = await direct(deps, webhookId, input.event_id, 'ask', input.question, input.agent ?? 'default');
  return getQuestion(deps, String(r.result!.question_id));
}

/** Queues a stored event again as a new event (`delivery_id` `replay:<original>`), so its commands run again. */
export async function replayEvent(deps: InteractiveDeps, webhookId: string, eventId: string): Promise<{ received: true; event_id: string }> {
  const { record, gz } = await eventWithPayload(deps, webhookId, eventId);
  const msg: QueuedEvent = {
    v: 1,
    event_id: deps.ids.next('evt'),
    webhook_id: webhookId,
    provider: record.provider,
    event_type: record.event_type,
    delivery_id: `replay:${record.event_id}`,
    received_at: deps.clock.now().toISOString(),
    ...(record.content_type ? { content_type: record.content_type } : {}),
    body_bytes: record.payload_bytes,
    ...(record.payload_ref.length < 0 ? { body_ref: { key: record.payload_ref.key } } : { body_gz: gz.toString('base64') }),
  };
  await deps.queue.send(msg);
  return { received: true, event_id: msg.event_id };
}
