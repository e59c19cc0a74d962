import { HooklineError } from '../errors';
import { TargetTimeoutError, TargetUnreachableError, UnsafeTargetError } from './ssrf';

/**
 * What one outbound HTTP attempt (a subscriber delivery, a forward, a comment/ask/respond on a
 * provider's API) means for the caller:
 * - `success`: 2xx;
 * - `gone`: 410 (subscriptions are disabled on it; other callers read it as `fail`);
 * - `retry`: the target refused for now and nothing happened (429, 5xx, 408, a connection that
 *   never opened): safe to send again, after `retryAfterSeconds` when the target said so;
 * - `fail`: a permanent answer (401, 403, 404, 422, any other 4xx, a redirect, a refused target);
 * - `unknown`: the request may have reached the target and no answer came back (a timeout or a
 *   reset after the connection opened). Callers whose receiver dedups (deliveries and forwards
 *   carry a stable `webhook-id`) retry it; replies do not, to post at most once.
 */
export type OutboundVerdict = 'success' | 'gone' | 'retry' | 'fail' | 'unknown';

export interface OutboundOutcome {
  verdict: OutboundVerdict;
  retryAfterSeconds?: number;
  /** A short reason, for logs and error messages (`ECONNREFUSED`, `HTTP 503`). */
  reason: string;
}

/** Response headers as either the fetch API or node:http give them. */
export type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(h: HeaderSource | undefined, name: string): string | undefined {
  if (!h) return undefined;
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name) ?? undefined;
  const v = (h as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `Retry-After` as seconds to wait: delta-seconds or an HTTP date; undefined when absent or unparsable. The one parser every caller uses. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  const v = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  // Only an HTTP date (RFC 9110 IMF-fixdate, or the obsolete forms Date.parse reads): a bare
  // number with a sign or a fraction is not one.
  if (!/[a-z]/i.test(v)) return undefined;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** Reads an HTTP answer. `retryOn4xx`: 4xx statuses that mean "try again" (a subscription's `retry_on_4xx`; 408 by default). */
export function classifyAnswer(status: number, headers: HeaderSource | undefined, now: Date, retryOn4xx: readonly number[] = [408]): OutboundOutcome {
  const reason = `HTTP ${status}`;
  if (status >= 200 && status < 300) return { verdict: 'success', reason };
  if (status === 410) return { verdict: 'gone', reason };
  if (status === 429 || status >= 500 || retryOn4xx.includes(status)) {
    const wait = parseRetryAfter(header(headers, 'retry-after'), now);
    return { verdict: 'retry', reason, ...(wait !== undefined ? { retryAfterSeconds: wait } : {}) };
  }
  return { verdict: 'fail', reason };
}

// Raised while connecting, before a byte of the request could leave: a retry cannot double-send.
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);
// Certificate problems also stop the request before it leaves, but retrying will not fix them.
const CERT = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME|ALTNAME/;

function codeOf(err: unknown): string | undefined {
  for (let e = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string' && !(e instanceof HooklineError)) return c;
  }
  return undefined;
}

/**
 * Reads a failed attempt (the request threw). The SSRF-guarded client says whether the
 * connection had opened (`sent`): before that, timeouts, resets and refusals are `retry`; after,
 * they are `unknown`. A plain fetch's errors are read by their code: connect failures `retry`,
 * a timeout, an abort or a dropped connection `unknown`.
 */
export function classifyError(err: unknown): OutboundOutcome {
  if (err instanceof UnsafeTargetError) return { verdict: 'fail', reason: err.message };
  if (err instanceof TargetTimeoutError || err instanceof TargetUnreachableError) {
    const code = codeOf(err.cause) ?? (err instanceof TargetTimeoutError ? 'timeout' : 'unreachable');
    if (CERT.test(code)) return { verdict: 'fail', reason: code };
    return { verdict: err.sent ? 'unknown' : 'retry', reason: code };
  }
  // Some other guard in an injected client refused before sending.
  if (err instanceof HooklineError) return { verdict: err.retryable ? 'retry' : 'fail', reason: err.message };
  const name = (err as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return { verdict: 'unknown', reason: 'timeout' };
  const code = codeOf(err);
  if (code && NOT_SENT.has(code)) return { verdict: 'retry', reason: code };
  if (code && CERT.test(code)) return { verdict: 'fail', reason: code };
  return { verdict: 'unknown', reason: code ?? String((err as Error)?.message ?? err) };
}
