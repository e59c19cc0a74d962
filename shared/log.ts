import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogContext, Logger } from './ports';

/**
 * The invocation a log line is written in: the Lambda request id (`function_request_id`) and the
 * function's name, on every line of every logger while the handler runs (set by `lambdaEntry`).
 * Kept per async context, not on a shared logger, so concurrent invocations in one process (the
 * local stack runs every function in one) never mix their ids.
 */
const invocation = new AsyncLocalStorage<LogContext>();

/** The ids of the invocation this code runs in, if any. */
export function invocationIds(): LogContext | undefined {
  return invocation.getStore();
}

/** The Lambda context fields the log lines use. */
export interface InvocationContext {
  awsRequestId: string;
  functionName: string;
}

/**
 * The one entry wrapper of every function: runs the handler with its invocation's ids
 * (`function_request_id`, `function_name`, and `cold_start` on the container's first invocation)
 * on all its log lines.
 */
export function lambdaEntry<E, C extends InvocationContext, R>(handler: (event: E, context?: C) => Promise<R>): (event: E, context?: C) => Promise<R> {
  let cold = true;
  return (event, context) => {
    if (!context) return handler(event, context);
    const ids = { function_request_id: context.awsRequestId, function_name: context.functionName, cold_start: cold };
    cold = false;
    return invocation.run(ids, () => handler(event, context));
  };
}

/**
 * The ids every line about one inbound event carries. Its trace id is its event id: deterministic
 * (a provider's retry of the same delivery has the same event id, so it joins the same trace), and
 * carried to the tasks, actions and outbound deliveries the event causes.
 */
export function eventLogIds(e: { event_id: string; webhook_id: string; delivery_id?: string | null }): LogContext {
  return { trace_id: e.event_id, event_id: e.event_id, webhook_id: e.webhook_id, ...(e.delivery_id !== undefined ? { delivery_id: e.delivery_id } : {}) };
}

/** Keys whose values never reach a log line (secrets, tokens, keys, signatures, authorization headers). */
const SECRET_KEY = /secret|token|password|authorization|signature|api[-_]?key|admin[-_]?key|^key$|cookie/i;

/** A copy of `value` with every secret-looking key's value replaced by `[redacted]` (any depth, bounded). */
export function redact(value: unknown, depth = 0): unknown {
  if (!value || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message };
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1)]));
}

/** A JSON-lines logger on stdout (stderr for errors): for tests and before a function's deps exist. */
export function jsonLogger(context: LogContext = {}, write: (line: string, level: string) => void = (line, level) => (level === 'ERROR' ? console.error(line) : console.log(line))): Logger {
  const emit = (level: string) => (message: string, extra?: Record<string, unknown>) =>
    write(JSON.stringify({ level, message, ...invocationIds(), ...context, ...(redact(extra ?? {}) as object) }), level);
  return { debug: emit('DEBUG'), info: emit('INFO'), warn: emit('WARN'), error: emit('ERROR'), with: (ids) => jsonLogger({ ...context, ...ids }, write) };
}

/**
 * Lets at most `perSecond` lines through per second per container and counts the rest, so a flood
 * of rejected requests costs a bounded number of log lines; the next line that passes carries
 * `suppressed` (how many were dropped since).
 */
export function sampled(log: Logger, perSecond: number, now: () => number = Date.now): Logger & { suppressed(): number } {
  let windowStart = 0;
  let used = 0;
  let dropped = 0;
  const gate = (emit: (m: string, e?: Record<string, unknown>) => void) => (m: string, e?: Record<string, unknown>) => {
    const t = now();
    if (t - windowStart >= 1000) [windowStart, used] = [t, 0];
    if (used >= perSecond) return void dropped++;
    used++;
    emit(m, dropped ? { ...e, suppressed: dropped } : e);
    dropped = 0;
  };
  return { debug: gate(log.debug), info: gate(log.info), warn: gate(log.warn), error: gate(log.error), with: (ids) => log.with(ids), suppressed: () => dropped };
}
