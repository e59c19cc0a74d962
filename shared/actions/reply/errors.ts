import { HooklineError } from '../../errors';
import { classifyAnswer, classifyError, parseRetryAfter } from '../../delivery/outcome';

/** What the caller may do after a failed reply. */
export type ReplyOutcome = 'retryable' | 'permanent' | 'ambiguous';

export interface ReplyErrorInit {
  status: number;
  provider: string;
  retryable?: boolean;
  /** The provider may have posted (the request left, no answer came back): never retry, to keep at-most-once. */
  ambiguous?: boolean;
  retryAfterSeconds?: number;
  /** The provider's HTTP status, when it answered. */
  providerStatus?: number;
  /** The provider's own error code (`channel_not_found`, `RATELIMITED`, ...). */
  providerError?: string;
  field?: string;
  cause?: unknown;
}

/**
 * A reply that did not post (or may have): `retryable` for 429 and 5xx, `ambiguous` when the
 * request may have reached the provider, permanent otherwise. Messages never carry the token.
 */
export class ReplyError extends HooklineError {
  override readonly name = 'ReplyError';
  readonly provider: string;
  readonly ambiguous: boolean;
  readonly retryAfterSeconds?: number;
  readonly providerStatus?: number;
  readonly providerError?: string;
  constructor(code: string, message: string, init: ReplyErrorInit) {
    super(code, message, init.status, {
      retryable: (init.retryable ?? false) && !init.ambiguous,
      cause: init.cause,
      ...(init.field ? { details: [{ path: init.field, message }] } : {}),
      ...(init.retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(init.retryAfterSeconds) } } : {}),
    });
    this.provider = init.provider;
    this.ambiguous = init.ambiguous ?? false;
    if (init.retryAfterSeconds !== undefined) this.retryAfterSeconds = init.retryAfterSeconds;
    if (init.providerStatus !== undefined) this.providerStatus = init.providerStatus;
    if (init.providerError !== undefined) this.providerError = init.providerError;
  }
  get outcome(): ReplyOutcome {
    return this.ambiguous ? 'ambiguous' : this.retryable ? 'retryable' : 'permanent';
  }
}

/** A provider answer, body parsed as JSON when it is JSON. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** The webhook's `reply` lacks what this provider needs: permanent, names the field. */
export function notConfigured(provider: string, field: 'token' | 'api_base_url', why: string): ReplyError {
  return new ReplyError('reply_not_configured', `Cannot reply on ${provider}: reply.${field} is not set (${why}).`, {
    status: 400,
    provider,
    field: `reply.${field}`,
  });
}

/** Seconds to wait from `Retry-After` (delta seconds or an HTTP date), read by the one shared parser. */
export function retryAfterHeader(headers: Headers, now: Date): number | undefined {
  return parseRetryAfter(headers.get('retry-after') ?? undefined, now);
}

/**
 * Seconds to wait after a rate limit: `Retry-After`, else the reset header (GitHub
 * `x-ratelimit-reset` and GitLab `ratelimit-reset` in unix seconds, Linear
 * `x-ratelimit-requests-reset` in unix ms). Only read on rate-limit answers: GitHub sends the
 * reset header on every answer.
 */
export function retryAfterSeconds(headers: Headers, now: Date): number | undefined {
  const ra = retryAfterHeader(headers, now);
  if (ra !== undefined) return ra;
  const reset = headers.get('x-ratelimit-reset') ?? headers.get('ratelimit-reset') ?? headers.get('x-ratelimit-requests-reset');
  if (!reset || !/^\d+$/.test(reset)) return undefined;
  const n = Number(reset);
  if (n < 1e9) return n; // a delta in seconds (IETF RateLimit-Reset), not an epoch
  const ms = n > 1e12 ? n : n * 1000;
  return Math.max(0, Math.ceil((ms - now.getTime()) / 1000));
}

/** A short, single-line excerpt of what the provider said, for error messages. */
export function saying(answer: HttpAnswer): string {
  const b = answer.body as Record<string, unknown> | undefined;
  let said: unknown;
  if (b && typeof b === 'object') {
    const errs = (b as { errorMessages?: unknown }).errorMessages;
    said =
      b.message ??
      b.detail ??
      b.error ??
      (Array.isArray(errs) && errs.length ? errs.join('; ') : undefined) ??
      (Array.isArray(b.errors) ? (b.errors[0] as { message?: unknown } | undefined)?.message : undefined) ??
      (b.errors && typeof b.errors === 'object' ? Object.values(b.errors as object).join('; ') : undefined);
  }
  const s = typeof said === 'string' && said ? said : answer.text;
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

const label = (provider: string) => provider.charAt(0).toUpperCase() + provider.slice(1);

/** The rate-limited outcome: retryable after `retryAfter` seconds. */
export function rateLimited(provider: string, answer: HttpAnswer, now: Date, providerError?: string): ReplyError {
  const wait = retryAfterSeconds(answer.headers, now);
  return new ReplyError(
    'reply_rate_limited',
    `${label(provider)} rate-limited the reply (HTTP ${answer.status})${wait !== undefined ? `; retry after ${wait} s` : ''}.`,
    { status: 429, provider, retryable: true, retryAfterSeconds: wait, providerStatus: answer.status, providerError },
  );
}

/** A provider-side failure before anything was posted: retryable. */
export function unavailable(provider: string, answer: HttpAnswer, now: Date, providerError?: string): ReplyError {
  const said = saying(answer);
  return new ReplyError('reply_unavailable', `${label(provider)} failed the reply with HTTP ${answer.status}${said ? `: ${said}` : ''}.`, {
    status: 503,
    provider,
    retryable: true,
    retryAfterSeconds: retryAfterHeader(answer.headers, now),
    providerStatus: answer.status,
    providerError,
  });
}

/** The provider refused for good (credentials, permissions, unknown thread, invalid body). */
export function rejected(provider: string, answer: HttpAnswer, providerError?: string, hint?: string): ReplyError {
  const said = saying(answer);
  return new ReplyError(
    'reply_rejected',
    `${label(provider)} rejected the reply with HTTP ${answer.status}${said ? `: ${said}` : ''}${hint ? ` (${hint})` : ''}.`,
    { status: 502, provider, providerStatus: answer.status, providerError },
  );
}

/** The provider accepted the request (2xx) but its answer is unreadable: it has probably posted. */
export function unreadable(provider: string, answer: HttpAnswer, what: string, cause?: unknown): ReplyError {
  return new ReplyError(
    'reply_outcome_unknown',
    `${label(provider)} answered HTTP ${answer.status} but ${what}; the reply may have been posted, so it is not retried.`,
    { status: 502, provider, ambiguous: true, providerStatus: answer.status, cause },
  );
}

/** The generic reading of a non-2xx answer (classifyAnswer): 429, 408 and 5xx retryable; 3xx, 410 and other 4xx permanent. */
export function fromHttp(provider: string, answer: HttpAnswer, now: Date): ReplyError {
  if (answer.status === 429) return rateLimited(provider, answer, now);
  if (classifyAnswer(answer.status, answer.headers, now).verdict === 'retry') return unavailable(provider, answer, now);
  if (answer.status >= 300 && answer.status < 400) {
    // Redirects are not followed: a POST would turn into a GET, and the credential would go to
    // wherever the Location points.
    const to = answer.headers.get('location');
    return rejected(provider, answer, undefined, `redirected${to ? ` to ${to}` : ''}; set reply.api_base_url to the final address`);
  }
  return rejected(provider, answer);
}

/**
 * A request that threw, read by classifyError: a connection that never opened (refused, DNS,
 * connect timeout, reset during connect) is retryable, since nothing was posted; a timeout or a
 * reset once the connection was open is ambiguous (the provider may have posted: not retried);
 * a refused target or a bad certificate is permanent.
 */
export function fromNetwork(provider: string, err: unknown, timeoutMs: number): ReplyError {
  const o = classifyError(err);
  const timedOut = o.reason === 'timeout' || (err as { kind?: unknown })?.kind === 'timeout';
  if (o.verdict === 'retry')
    return new ReplyError('reply_unavailable', `Could not connect to ${label(provider)} (${o.reason}); nothing was posted.`, {
      status: 503,
      provider,
      retryable: true,
      cause: err,
    });
  if (o.verdict === 'unknown')
    return new ReplyError(
      'reply_outcome_unknown',
      timedOut
        ? `${label(provider)} did not answer within ${timeoutMs} ms; the reply may have been posted, so it is not retried.`
        : `The connection to ${label(provider)} failed mid-request (${o.reason}); the reply may have been posted, so it is not retried.`,
      { status: timedOut ? 504 : 502, provider, ambiguous: true, cause: err },
    );
  if (err instanceof HooklineError) return new ReplyError('reply_rejected', err.message, { status: err.status, provider, cause: err });
  return new ReplyError('reply_rejected', `TLS to ${label(provider)} failed (${o.reason}); nothing was posted.`, { status: 502, provider, cause: err });
}
