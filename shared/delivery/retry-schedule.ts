import type { RetryPolicy } from '../model/subscription';

/** SQS's longest visibility timeout: a single retry delay cannot exceed it. */
export const SQS_MAX_DELAY_SECONDS = 43_200;

/**
 * Seconds before attempt `n + 1` after `n` failed attempts: `initial_delay * multiplier^(n-1)`,
 * capped by `max_delay` and SQS's 12 h, never shorter than the receiver's `Retry-After`, with
 * ±10 % jitter (so many deliveries failing together do not retry in lockstep).
 */
export function retryDelaySeconds(policy: RetryPolicy, failedAttempts: number, retryAfterSeconds?: number, random: () => number = Math.random): number {
  const base = Math.min(policy.initial_delay * policy.backoff_multiplier ** Math.max(0, failedAttempts - 1), policy.max_delay);
  const jittered = base * (0.9 + 0.2 * random());
  const wanted = Math.max(jittered, retryAfterSeconds ?? 0);
  return Math.max(1, Math.min(Math.round(wanted), SQS_MAX_DELAY_SECONDS));
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | string[] | undefined, now: Date): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim());
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** What a delivery attempt's answer means for the delivery. */
export function classifyStatus(status: number, policy: RetryPolicy): 'success' | 'gone' | 'retry' | 'fail' {
  if (status >= 200 && status < 300) return 'success';
  if (status === 410) return 'gone';
  if (status === 429 || status >= 500 || policy.retry_on_4xx.includes(status)) return 'retry';
  return 'fail';
}
