import { gunzipSync } from 'node:zlib';
import { OutOfTime, RetryLater, runActions, type ActionContext, type RunnerDeps } from '../actions/runner';
import type { Clock } from '../clock';
import { commandText } from '../commands/default-prompt';
import type { EventContext } from '../commands/event-context';
import { senderOf } from '../commands/sender';
import { forEachLimit } from '../concurrency';
import { queueRetryDelaySeconds } from '../delivery/retry-schedule';
import { ActionMessage } from '../model/action-message';
import type { ActionResult, EventRecord } from '../model/event';
import type { WebhookRecord } from '../model/webhook';
import { eventLogIds } from '../log';
import type { EventStore, InternalEvents, Logger, PayloadStore } from '../ports';
import { announce, decodePayload, type QueuedRecord } from './process-events';

export interface RunEventActionsDeps {
  loadWebhook(id: string): Promise<WebhookRecord | null>;
  events: EventStore;
  payloads: PayloadStore;
  runner: RunnerDeps;
  clock: Clock;
  internal?: InternalEvents;
  log?: Logger;
}

export interface RunEventActionsOptions {
  /** The actions queue's maxReceiveCount: the attempt on which a failing action is recorded as failed. */
  maxReceiveCount: number;
  /** No side effect starts unless it can end by this time (epoch ms): the invocation's budget. */
  deadline?: number;
  /** Events run at once (independent events never wait for each other beyond this). */
  concurrency?: number;
}

/** A message to try again after `delaySeconds` (its visibility timeout). */
export interface BatchRetry {
  messageId: string;
  delaySeconds: number;
}

/**
 * The actions worker: for each queued event, runs its comment/ask/respond/forward commands (each
 * at most once, under its intent) and writes the event's final record. Events run concurrently
 * (at most `concurrency` at once) and each writes its record as soon as it is done, so one
 * provider that hangs holds up only its own event. Returns the messages to retry, with the delay:
 * the queue's backoff (10 s doubling to 15 min), never sooner than the provider's Retry-After.
 */
export async function runEventActions(deps: RunEventActionsDeps, records: QueuedRecord[], opts: RunEventActionsOptions): Promise<BatchRetry[]> {
  const retries: BatchRetry[] = [];
  await forEachLimit(records, opts.concurrency ?? 10, async (rec) => {
    let msg: ActionMessage | undefined;
    try {
      const parsed = ActionMessage.safeParse(safeJson(rec.body));
      // A malformed message never becomes valid: the DLQ takes it after maxReceiveCount.
      if (!parsed.success) throw new Error('malformed actions message');
      msg = parsed.data;
      await runOne(deps, msg, rec.receiveCount >= opts.maxReceiveCount, opts.deadline);
    } catch (err) {
      const wait = err instanceof RetryLater ? err.retryAfterSeconds : undefined;
      const ids = msg ? eventLogIds(msg) : {};
      deps.log?.[err instanceof RetryLater ? 'info' : 'error']('event actions will be retried', { ...ids, attempt: rec.receiveCount, error: String((err as Error)?.message ?? err) });
      if (msg && !(err instanceof RetryLater) && rec.receiveCount >= opts.maxReceiveCount) await recordFailure(deps, msg, err);
      // Out of time is no failure: the rest of the event's actions go on in a second.
      const delay = err instanceof OutOfTime ? 1 : queueRetryDelaySeconds(rec.receiveCount, wait);
      retries.push({ messageId: rec.messageId, delaySeconds: delay });
    }
  });
  return retries;
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

async function runOne(deps: RunEventActionsDeps, msg: ActionMessage, lastAttempt: boolean, deadline?: number): Promise<void> {
  const record = await deps.events.get(msg.event_id);
  // The consumer writes the record before it queues the message; an absent one was deleted (TTL).
  if (!record) return deps.log?.warn('event of an actions message not found', eventLogIds(msg));
  // Finished by an earlier copy of this message.
  if (record.status !== 'received') return;
  const webhook = await deps.loadWebhook(msg.webhook_id);
  const finish = (actions: ActionResult[], error?: string) => writeFinal(deps, record, actions, error);
  if (!webhook) return finish(record.actions, 'webhook was deleted before its actions ran');

  const gz = record.payload_ref.length < 0 ? await deps.payloads.getObject(record.payload_ref.key) : await deps.payloads.getRange(record.payload_ref);
  const raw = gunzipSync(gz);
  const payload = decodePayload(raw, record.content_type);
  // A form-encoded delivery has no JSON text of its own: its forward is the decoded form as JSON.
  const jsonText = record.content_type === 'application/x-www-form-urlencoded' ? undefined : raw.toString('utf8');
  const ctx: EventContext = { payload, event_type: record.event_type, provider: record.provider, webhook_id: record.webhook_id };
  ctx.sender = senderOf(ctx.provider, payload);
  const event = { event_id: record.event_id, webhook_id: record.webhook_id, provider: record.provider, event_type: record.event_type, delivery_id: record.delivery_id, received_at: record.received_at };
  const contexts: ActionContext[] = [];
  const gone: ActionResult[] = [];
  for (const m of msg.commands) {
    const command = webhook.commands.find((c) => c.command_id === m.command_id);
    // Removed between matching and now: reported, not run.
    if (!command) gone.push({ command_id: m.command_id, action: m.action, status: 'skipped', error: 'the command was removed before it ran' } as ActionResult);
    else {
      const r = commandText(command, ctx);
      contexts.push({ event, payload, json_text: jsonText, webhook, command, text: r.text, missing: r.missing, sender: ctx.sender });
    }
  }
  const results = await runActions(deps.runner, contexts, lastAttempt, deadline);
  return finish([...record.actions, ...results, ...gone]);
}

async function writeFinal(deps: RunEventActionsDeps, record: EventRecord, unordered: ActionResult[], error?: string): Promise<void> {
  // In the order the commands matched (the consumer ran create_task already).
  const order = new Map(record.matched_commands.map((id, i) => [id, i]));
  const actions = [...unordered].sort((a, b) => (order.get(a.command_id) ?? 0) - (order.get(b.command_id) ?? 0));
  const failed = actions.find((a) => a.status === 'failed');
  const status = failed || error ? 'failed' : 'processed';
  await deps.events.put({
    ...record,
    status,
    processed_at: deps.clock.now().toISOString(),
    actions,
    ...(error ? { error } : failed ? { error: `${failed.action} (${failed.command_id}) failed: ${failed.error}` } : {}),
  });
  await announce(deps, record, status);
}

async function recordFailure(deps: RunEventActionsDeps, msg: ActionMessage, err: unknown): Promise<void> {
  try {
    const record = await deps.events.get(msg.event_id);
    if (record && record.status === 'received') await writeFinal(deps, record, record.actions, String((err as Error)?.message ?? err).slice(0, 500));
  } catch (e) {
    deps.log?.error('could not record the failure', { ...eventLogIds(msg), error: String(e) });
  }
}
