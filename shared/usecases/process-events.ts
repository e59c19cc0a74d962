import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { runActions, type RunnerDeps } from '../actions/runner';
import type { Clock } from '../clock';
import type { EventContext } from '../commands/event-context';
import { matchCommands, triggerMatches } from '../commands/match';
import { PayloadFacts } from '../commands/payload-facts';
import { loopGuard, threadOf } from '../actions/reply';
import { publicQuestion } from './questions';
import { senderOf } from '../commands/sender';
import { commandText } from '../commands/default-prompt';
import { eventLogShard } from '../event-log-shard';
import type { EventRecord, PayloadRef } from '../model/event';
import { QueuedEvent } from '../model/queued-event';
import type { WebhookRecord } from '../model/webhook';
import { eventLogIds } from '../log';
import { metric } from '../metric-names';
import type { ActionQueue, ChannelDirectory, EventStore, InternalEvents, Logger, Metrics, PayloadStore, QuestionStore } from '../ports';
import { evaluateConditions } from '../commands/evaluate-conditions';
import { resolveChannelNames } from './channel-names';
import { forEachLimit } from '../concurrency';
import { queueRetryDelaySeconds } from '../delivery/retry-schedule';

export interface ProcessDeps {
  loadWebhook(id: string): Promise<WebhookRecord | null>;
  events: EventStore;
  payloads: PayloadStore;
  clock: Clock;
  retentionDays: number;
  /** Runs matched commands' actions. */
  runner: RunnerDeps;
  /** Open questions, answered by the next human event on their thread. */
  questions: QuestionStore;
  /** Hookline's own outbound events (event.received, question.answered). */
  internal?: InternalEvents;
  /** Slack channel ids to names, for `channel: "#name"` conditions (see channel-names.ts). */
  channels?: ChannelDirectory;
  /**
   * Where provider-facing commands (comment, ask, respond, forward) go, so no provider can hold up
   * the ingestion and logging of other events; without it they run here (tests, tools).
   */
  actionQueue?: ActionQueue;
  log?: Logger;
  /** Processed events by outcome, retries. */
  metrics?: Metrics;
}

/** One SQS record as the consumer sees it. */
export interface QueuedRecord {
  messageId: string;
  body: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
}

export interface ProcessOptions {
  /** The queue's maxReceiveCount: the attempt at which a failing event is recorded as failed. */
  maxReceiveCount: number;
  /** Events of a batch processed at once (default EVENT_CONCURRENCY). */
  concurrency?: number;
}

/** Events of one batch in flight at once: enough to overlap DynamoDB round trips, few enough to bound memory and connections. */
export const EVENT_CONCURRENCY = 16;

interface Parsed {
  rec: QueuedRecord;
  msg: QueuedEvent;
  gz?: Buffer;
}

/** Decodes a stored payload for display or matching: JSON when it parses, else the text. */
export function decodePayload(raw: Buffer | string, contentType?: string): unknown {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = Object.fromEntries(new URLSearchParams(text));
    if (typeof form.payload === 'string') {
      try {
        return JSON.parse(form.payload);
      } catch {
        return form;
      }
    }
    return form;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Stores a batch of received events: all their payloads in one S3 object, then one small
 * conditional write per event (a redelivered message finds its event_id taken and does nothing).
 * Returns the message ids that failed, for SQS partial batch responses.
 */
export async function processEvents(deps: ProcessDeps, records: QueuedRecord[], opts: ProcessOptions): Promise<string[]> {
  const failed: string[] = [];
  const parsed: Parsed[] = [];
  for (const rec of records) {
    let json: unknown;
    try {
      json = JSON.parse(rec.body);
    } catch {
      json = undefined;
    }
    const msg = QueuedEvent.safeParse(json);
    if (!msg.success) {
      // A malformed message never becomes valid: let SQS move it to the DLQ after maxReceiveCount.
      deps.log?.error('malformed queue message', { messageId: rec.messageId, issues: msg.error?.issues.slice(0, 3) });
      failed.push(rec.messageId);
      continue;
    }
    parsed.push({ rec, msg: msg.data, gz: msg.data.body_gz !== undefined ? Buffer.from(msg.data.body_gz, 'base64') : undefined });
  }
  if (!parsed.length) return failed;

  const now = deps.clock.now();
  const inline = parsed.filter((p) => p.gz);
  let refs: PayloadRef[] = [];
  if (inline.length) {
    const key = `events/${now.toISOString().slice(0, 13).replace(/[-T]/g, '/')}/${randomUUID()}.gz`;
    refs = await deps.payloads.putBatch(key, inline.map((p) => p.gz!));
  }
  const refOf = new Map<Parsed, PayloadRef>(inline.map((p, i) => [p, refs[i]]));

  // Independent events run concurrently, each writing its own record when done.
  await forEachLimit(parsed, opts.concurrency ?? EVENT_CONCURRENCY, async (p) => {
    const ref = refOf.get(p) ?? { key: p.msg.body_ref!.key, offset: 0, length: -1 };
    try {
      await processOne(deps, p, ref, opts);
    } catch (err) {
      deps.log?.with({ ...eventLogIds(p.msg), attempt: p.rec.receiveCount }).error('event processing failed', { error: String(err) });
      deps.metrics?.count(metric.eventsProcessed, { outcome: 'retry' });
      deps.metrics?.count(metric.retries, { queue: 'events' });
      if (p.rec.receiveCount >= opts.maxReceiveCount) await recordFailure(deps, p, ref, err);
      failed.push(p.rec.messageId);
    }
  });
  return failed;
}

function baseRecord(deps: ProcessDeps, p: Parsed, ref: PayloadRef, webhook: WebhookRecord | null): EventRecord {
  const m = p.msg;
  const receivedMs = Date.parse(m.received_at);
  const shard = eventLogShard(m.event_id, webhook?.event_log_shards);
  return {
    event_id: m.event_id,
    webhook_id: m.webhook_id,
    provider: m.provider,
    event_type: m.event_type,
    delivery_id: m.delivery_id,
    status: 'received',
    received_at: m.received_at,
    processed_at: null,
    received_key: `${m.received_at}#${m.event_id}`,
    ...(shard ? { log_shard: shard } : {}),
    matched_commands: [],
    actions: [],
    response_sent: false,
    payload_ref: ref,
    payload_bytes: m.body_bytes,
    ...(m.source_ip ? { source_ip: m.source_ip } : {}),
    ...(m.content_type ? { content_type: m.content_type } : {}),
    ...(m.handshake ? { handshake: true } : {}),
    expires_at: Math.floor(receivedMs / 1000) + deps.retentionDays * 86_400,
  };
}

/** `event.received` for subscribers, once per stored event. */
export function announce(deps: Pick<ProcessDeps, 'internal' | 'metrics' | 'log'>, r: EventRecord, status: EventRecord['status']): Promise<void> {
  deps.metrics?.count(metric.eventsProcessed, { outcome: status });
  deps.log?.with(eventLogIds(r)).info('event stored', { status, provider: r.provider, event_type: r.event_type });
  return (
    deps.internal?.publish(
      'event.received',
      { event_id: r.event_id, webhook_id: r.webhook_id, provider: r.provider, event_type: r.event_type, delivery_id: r.delivery_id, status, received_at: r.received_at },
      { key: r.event_id, at: r.received_at, trace_id: r.event_id },
    ) ?? Promise.resolve()
  );
}

/**
 * Links a human event on a thread with an open question to that question: marks it answered
 * (conditionally, so a redelivery answers nothing twice) and tells the asking agent on the tasks topic.
 */
async function answerQuestion(deps: ProcessDeps, p: Parsed, ctx: EventContext): Promise<string | undefined> {
  const thread = threadOf(ctx.provider, ctx.payload);
  if (!thread) return undefined;
  const open = await deps.questions.openForThread(`${p.msg.webhook_id}#${thread.key}`);
  if (!open || open.event_id === p.msg.event_id) return undefined;
  if (open.answer_event_id === p.msg.event_id) return open.question_id;
  const answer = new PayloadFacts(ctx).body ?? '';
  const q = await deps.questions.answer(open.question_id, { answer, answer_event_id: p.msg.event_id, answered_at: deps.clock.now().toISOString() });
  if (!q) {
    // Already answered: by this event on an earlier attempt, or by another one.
    const now = await deps.questions.get(open.question_id);
    return now?.answer_event_id === p.msg.event_id ? now.question_id : undefined;
  }
  deps.log?.with({ ...eventLogIds(p.msg), question_id: q.question_id }).info('question answered', { asked_on_event_id: q.event_id, agent: q.agent });
  await deps.runner.topic.publish(q.agent, { type: 'question.answered', question: publicQuestion(q) });
  await deps.internal?.publish('question.answered', publicQuestion(q), { key: q.question_id, at: q.answered_at ?? p.msg.received_at, trace_id: p.msg.event_id });
  return q.question_id;
}

async function processOne(deps: ProcessDeps, p: Parsed, ref: PayloadRef, opts: ProcessOptions): Promise<void> {
  const webhook = await deps.loadWebhook(p.msg.webhook_id);
  const record = baseRecord(deps, p, ref, webhook);
  // Cheap pre-check: most events match no trigger and, on webhooks that cannot ask (no `reply`),
  // answer no question either, so they need no payload decoding.
  const candidates = webhook && !p.msg.handshake && webhook.commands.some((c) => triggerMatches(c.trigger, p.msg.event_type));
  const mayAnswer = Boolean(webhook?.reply) && !p.msg.handshake;
  const ignore = async (extra: Partial<EventRecord> = {}) => {
    const stored = await deps.events.putIfAbsent({ ...record, status: 'ignored', processed_at: deps.clock.now().toISOString(), ...extra });
    if (!stored) deps.log?.with(eventLogIds(p.msg)).info('duplicate delivery ignored');
    else await announce(deps, record, 'ignored');
  };
  if (!webhook) return ignore({ error: 'webhook was deleted before the event was processed' });
  if (!candidates && !mayAnswer) return ignore();

  const raw = gunzipSync(p.gz ?? (await deps.payloads.getObject(p.msg.body_ref!.key))).toString('utf8');
  const payload = decodePayload(raw, p.msg.content_type);
  const ctx: EventContext = { payload, event_type: p.msg.event_type, provider: p.msg.provider, webhook_id: p.msg.webhook_id };
  ctx.sender = senderOf(ctx.provider, payload);
  // Loop guard: Hookline's own posts (its marker, or the bot account it posts as) never trigger
  // commands and never answer questions.
  const guard = loopGuard(webhook.reply, ctx.sender, raw);
  if (guard) return ignore({ error: guard });

  const answered = mayAnswer ? await answerQuestion(deps, p, ctx) : undefined;
  if (answered) record.in_reply_to = answered;
  // Only Slack webhooks with a channel-name condition wait for a lookup; every other event goes straight on.
  if (candidates && webhook.provider === 'slack') await resolveChannelNames(deps.channels, webhook, ctx);
  const matched = candidates ? matchCommands(webhook.commands, ctx) : [];
  if (!matched.length) {
    const reasons = candidates ? matchReasons(webhook, ctx) : [];
    return ignore(reasons.length ? { match_reasons: reasons } : {});
  }

  // Record the event before any side effect; a redelivery that finds it finished stops here.
  const fresh = await deps.events.putIfAbsent({ ...record, status: 'received', matched_commands: matched.map((c) => c.command_id) });
  if (!fresh) {
    const existing = await deps.events.get(p.msg.event_id);
    if (existing && existing.status !== 'received') {
      deps.log?.with(eventLogIds(p.msg)).info('duplicate delivery ignored');
      return;
    }
  }
  const event = { event_id: p.msg.event_id, webhook_id: p.msg.webhook_id, provider: p.msg.provider, event_type: p.msg.event_type, delivery_id: p.msg.delivery_id, received_at: p.msg.received_at };
  const contexts = matched.map((command) => {
    const r = commandText(command, ctx);
    return { event, payload, webhook, command, text: r.text, missing: r.missing, sender: ctx.sender };
  });
  const lastAttempt = p.rec.receiveCount >= opts.maxReceiveCount;
  if (deps.actionQueue) {
    // create_task only writes DynamoDB and SNS: it runs here. Commands that call a provider go to
    // the actions worker, which writes the final record; until then the event is `received`.
    const later = contexts.filter((c) => c.command.action !== 'create_task');
    if (later.length) {
      const now = await runActions(deps.runner, contexts.filter((c) => c.command.action === 'create_task'), lastAttempt);
      await deps.events.put({ ...record, status: 'received', matched_commands: matched.map((c) => c.command_id), actions: now });
      await deps.actionQueue.send({
        v: 1,
        event_id: record.event_id,
        webhook_id: record.webhook_id,
        commands: later.map((c) => ({ command_id: c.command.command_id, action: c.command.action as 'comment' })),
      });
      return;
    }
  }
  const actions = await runActions(deps.runner, contexts, lastAttempt);
  const failed = actions.find((a) => a.status === 'failed');
  const status = failed ? 'failed' : 'processed';
  await deps.events.put({
    ...record,
    status,
    processed_at: deps.clock.now().toISOString(),
    matched_commands: matched.map((c) => c.command_id),
    actions,
    ...(failed ? { error: `${failed.action} (${failed.command_id}) failed: ${failed.error}` } : {}),
  });
  await announce(deps, record, status);
}

/** At most this many reasons of at most this length keep an ignored event's item small (one write unit is 1 KB). */
const MAX_REASONS = 3;
const MAX_REASON_CHARS = 240;

/** Why each command whose trigger fits did not run: its first failing condition (`cmd_…: channel: …`). */
function matchReasons(webhook: WebhookRecord, ctx: EventContext): string[] {
  const out: string[] = [];
  for (const c of webhook.commands) {
    if (out.length >= MAX_REASONS || !triggerMatches(c.trigger, ctx.event_type)) continue;
    const r = evaluateConditions(c.conditions, ctx);
    if (!r.matched && r.reason) out.push(`${c.command_id}: ${r.reason}`.slice(0, MAX_REASON_CHARS));
  }
  return out;
}

async function recordFailure(deps: ProcessDeps, p: Parsed, ref: PayloadRef, err: unknown): Promise<void> {
  try {
    const existing = await deps.events.get(p.msg.event_id);
    if (existing && existing.status !== 'received') return;
    // The shard it was first listed under (an unstored one: the webhook's current spread).
    const webhook = existing ? null : await deps.loadWebhook(p.msg.webhook_id).catch(() => null);
    const base = baseRecord(deps, p, ref, webhook);
    await deps.events.put({ ...base, ...(existing?.log_shard ? { log_shard: existing.log_shard } : {}), status: 'failed', processed_at: deps.clock.now().toISOString(), error: String((err as Error)?.message ?? err).slice(0, 500) });
  } catch (e) {
    deps.log?.with(eventLogIds(p.msg)).error('could not record the failure', { error: String(e) });
  }
}

/** Seconds before a failed event is tried again: 10 s, 20 s, 40 s ... capped at 15 minutes. */
export function consumerRetrySeconds(receiveCount: number): number {
  return queueRetryDelaySeconds(receiveCount);
}
