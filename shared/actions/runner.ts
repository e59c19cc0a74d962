import { createHash } from 'node:crypto';
import type { Clock } from '../clock';
import { HooklineError } from '../errors';
import type { ActionResult } from '../model/event';
import type { TaskRecord } from '../model/task';
import type { Command, WebhookRecord } from '../model/webhook';
import { eventLogIds } from '../log';
import { metric } from '../metric-names';
import type { ActionIntent, IntentStore, InternalEvents, Logger, Metrics, TaskStore, TaskTopic } from '../ports';

/** The event a command runs for. */
export interface ActionEvent {
  event_id: string;
  webhook_id: string;
  provider: string;
  event_type: string;
  delivery_id: string | null;
  received_at: string;
}

export interface ActionContext {
  event: ActionEvent;
  payload: unknown;
  /**
   * The payload's JSON text exactly as the provider sent it (JSON deliveries only): what a `forward` without a
   * template sends, so the bytes are the provider's and a deeply nested payload is never serialized again.
   */
  json_text?: string;
  webhook: WebhookRecord;
  command: Command;
  /** The command's template rendered against the payload (empty when it has none). */
  text: string;
  /** Template variables that resolved to nothing. */
  missing: string[];
  sender?: string;
  thread?: string;
  /**
   * The action's own time, which records it creates carry (`created_at`, index keys, TTL):
   * the event's `received_at` unless set (a direct call through the API is its own action, now).
   * Never the attempt's clock, so a record re-created after a crash is the same item.
   */
  at?: string;
}

/** The time records of this action carry (see ActionContext.at). */
export const actionTime = (ctx: ActionContext): string => ctx.at ?? ctx.event.received_at;

/** A side effect that touches the outside world (comment, ask, respond, forward). */
export type SideEffect = (ctx: ActionContext) => Promise<Record<string, unknown>>;

export interface RunnerDeps {
  tasks: TaskStore;
  topic: TaskTopic;
  intents: IntentStore;
  clock: Clock;
  retentionDays: number;
  /** Side effects by action name; `create_task` is built in. */
  effects: Partial<Record<Command['action'], SideEffect>>;
  /** Hookline's own outbound events (task.created). */
  internal?: InternalEvents;
  /** Actions by kind and outcome, action latency. */
  metrics?: Metrics;
  /** One INFO line per action, with event, command and task ids. */
  log?: Logger;
}

/** Thrown when an action failed in a way that is safe to try again later (SQS redelivers the event). */
export class RetryLater extends Error {
  override readonly name: string = 'RetryLater';
  constructor(message: string, readonly retryAfterSeconds?: number) {
    super(message);
  }
}

/** The invocation's time budget ran out before an action could start: go on at once in the next one. */
export class OutOfTime extends RetryLater {
  override readonly name: string = 'OutOfTime';
}

/** Longest prompt a task keeps (at most ~150 KB of UTF-8). */
export const MAX_PROMPT_CHARS = 50_000;

/** Stable id of the side effect of one command on one event. */
export function actionId(prefix: string, eventId: string, commandId: string): string {
  return `${prefix}_${createHash('sha256').update(`${eventId}\n${commandId}`).digest('hex').slice(0, 26)}`;
}

/**
 * create_task: the task id derives from (event, command) and the write is conditional, so a
 * redelivery finds the task instead of making another. The topic notification is sent until the
 * task is marked published: at least once, always for the same task_id, which agents dedup on.
 */
async function createTask(deps: RunnerDeps, ctx: ActionContext): Promise<ActionResult> {
  // Derived from the event, not this attempt's clock: a task re-created after a crash (or by a
  // concurrent copy of the message) is the same item with the same index keys.
  const now = actionTime(ctx);
  const taskId = actionId('task', ctx.event.event_id, ctx.command.command_id);
  const task: TaskRecord = {
    task_id: taskId,
    agent: ctx.command.agent ?? 'default',
    status: 'pending',
    // DynamoDB items stop at 400 KB and SNS messages at 256 KB: prompts are cut at 50,000 characters.
    prompt: ctx.text.length > MAX_PROMPT_CHARS ? ctx.text.slice(0, MAX_PROMPT_CHARS) : ctx.text,
    webhook_id: ctx.event.webhook_id,
    event_id: ctx.event.event_id,
    command_id: ctx.command.command_id,
    source: {
      provider: ctx.event.provider,
      event_type: ctx.event.event_type,
      delivery_id: ctx.event.delivery_id,
      ...(ctx.thread ? { thread: ctx.thread } : {}),
      ...(ctx.sender ? { sender: ctx.sender } : {}),
    },
    created_at: now,
    updated_at: now,
    result: null,
    created_key: `${now}#${taskId}`,
    kind: 'task',
    version: 1,
  };
  const created = await deps.tasks.createIfAbsent(task);
  const stored = created ? task : ((await deps.tasks.get(task.task_id)) ?? task);
  if (!stored.published_at) {
    await deps.topic.publish(stored.agent, { type: 'task.created', task: publicTask(stored) });
    await deps.internal?.publish('task.created', publicTask(stored), { key: stored.task_id, at: stored.created_at, trace_id: ctx.event.event_id });
    await deps.tasks.markPublished(stored.task_id, deps.clock.now().toISOString());
  }
  return { command_id: ctx.command.command_id, action: 'create_task', status: 'succeeded', task_id: stored.task_id, ...(ctx.missing.length ? { warnings: missingWarning(ctx.missing) } : {}) } as ActionResult;
}

function missingWarning(missing: string[]): string[] {
  return missing.map((m) => `template variable "${m}" rendered empty`);
}

/** A task as the API and the topic show it. */
export function publicTask(t: TaskRecord): Omit<TaskRecord, 'created_key' | 'kind' | 'published_at'> {
  const { created_key: _k, kind: _kind, published_at: _p, ...rest } = t;
  return rest;
}

/**
 * Runs one side effect at most once per (event, command): the intent is claimed with a
 * conditional write before the provider is called and finished after. A redelivery finds it:
 * `succeeded`/`failed` are reported again without calling anything; `started` means an earlier
 * attempt stopped between the call and the record, so the outcome is unknown and the call is not
 * repeated (the remaining window, see README); `retry` (a definite, retryable refusal such as
 * 429/5xx) is claimed again.
 */
async function runOnce(deps: RunnerDeps, ctx: ActionContext, effect: SideEffect, lastAttempt: boolean): Promise<ActionResult> {
  const id = actionId('act', ctx.event.event_id, ctx.command.command_id);
  const base = { command_id: ctx.command.command_id, action: ctx.command.action };
  // Like the event record's: from the event's time, so every attempt writes the same TTL.
  const expires = Math.floor(Date.parse(actionTime(ctx)) / 1000) + deps.retentionDays * 86_400;
  const existing = await deps.intents.get(id);
  if (existing?.status === 'succeeded') return { ...base, status: 'succeeded', ...(existing.result ? { result: existing.result } : {}) } as ActionResult;
  if (existing?.status === 'failed') return { ...base, status: 'failed', error: existing.error };
  if (existing?.status === 'started') {
    const error = 'outcome unknown: an earlier attempt stopped after calling the provider; not repeated, to avoid a duplicate';
    await deps.intents.finish({ ...existing, status: 'failed', error, updated_at: deps.clock.now().toISOString() });
    return { ...base, status: 'failed', error };
  }
  const attempts = (existing?.attempts ?? 0) + 1;
  const intent: ActionIntent = {
    action_id: id,
    event_id: ctx.event.event_id,
    command_id: ctx.command.command_id,
    action: ctx.command.action,
    status: 'started',
    attempts,
    updated_at: deps.clock.now().toISOString(),
    expires_at: expires,
  };
  if (!(await deps.intents.claim(intent, existing ? existing.attempts : null))) {
    throw new RetryLater(`action ${id} is being run by another attempt`);
  }
  try {
    const result = await effect(ctx);
    await deps.intents.finish({ ...intent, status: 'succeeded', result, updated_at: deps.clock.now().toISOString() });
    return { ...base, status: 'succeeded', result, ...(ctx.missing.length ? { warnings: missingWarning(ctx.missing) } : {}) } as ActionResult;
  } catch (err) {
    const e = err as HooklineError & { ambiguous?: boolean; retryAfterSeconds?: number };
    const message = String(e?.message ?? err).slice(0, 500);
    if (e instanceof HooklineError && e.retryable && !e.ambiguous && !lastAttempt) {
      await deps.intents.finish({ ...intent, status: 'retry', error: message, updated_at: deps.clock.now().toISOString() });
      throw new RetryLater(message, e.retryAfterSeconds);
    }
    await deps.intents.finish({ ...intent, status: 'failed', error: message, updated_at: deps.clock.now().toISOString() });
    return { ...base, status: 'failed', error: message };
  }
}

/**
 * The longest one side effect may take: a provider call gives up after 10 s (REPLY_TIMEOUT_MS),
 * a forward after 15 s (FORWARD_TIMEOUT_MS), each followed by one intent write.
 */
export const ACTION_TIMEOUT_MS = 15_000;

/**
 * Runs the matched commands in order; throws RetryLater when the event should be redelivered.
 * `deadline` (epoch ms): no side effect starts unless it can end by then (ACTION_TIMEOUT_MS); the
 * rest run on the next delivery of the message (finished ones are reported from their intents).
 */
export async function runActions(deps: RunnerDeps, contexts: ActionContext[], lastAttempt: boolean, deadline?: number): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (const ctx of contexts) {
    if (ctx.command.action !== 'create_task' && deadline !== undefined && deps.clock.now().getTime() + ACTION_TIMEOUT_MS > deadline)
      throw new OutOfTime(`this attempt's time is used up; ${ctx.command.action} (${ctx.command.command_id}) and what follows run on the next one`);
    const started = Date.now();
    const r = await runAction(deps, ctx, lastAttempt);
    deps.metrics?.count(metric.actions, { action: r.action, outcome: r.status });
    deps.metrics?.milliseconds(metric.actionLatency, Date.now() - started, { action: r.action });
    const taskId = (r as { task_id?: string }).task_id;
    const questionId = (r as { result?: { question_id?: unknown } }).result?.question_id;
    deps.log
      ?.with({ ...eventLogIds(ctx.event), command_id: ctx.command.command_id, ...(taskId ? { task_id: taskId } : {}), ...(typeof questionId === 'string' ? { question_id: questionId } : {}) })
      .info('action', { action: r.action, outcome: r.status, ...(r.status === 'failed' ? { error: (r as { error?: string }).error } : {}) });
    results.push(r);
  }
  return results;
}

async function runAction(deps: RunnerDeps, ctx: ActionContext, lastAttempt: boolean): Promise<ActionResult> {
  if (ctx.command.action === 'create_task') return createTask(deps, ctx);
  const effect = deps.effects[ctx.command.action];
  if (!effect) return { command_id: ctx.command.command_id, action: ctx.command.action, status: 'skipped', error: `the ${ctx.command.action} action is not available` };
  return runOnce(deps, ctx, effect, lastAttempt);
}
