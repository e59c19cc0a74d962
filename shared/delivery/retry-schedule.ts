import type { RetryPolicy } from '../model/subscription';
import { classifyAnswer } from './outcome';

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

export { parseRetryAfter } from './outcome';

/** The events and actions queues' backoff: 10 s doubling to 15 min, never sooner than the target's Retry-After (also capped at 15 min). */
export function queueRetryDelaySeconds(receiveCount: number, retryAfterSeconds?: number): number {
  return Math.min(Math.max(10 * 2 ** Math.max(0, receiveCount - 1), retryAfterSeconds ?? 0), 900);
}

/** What a delivery attempt's answer means for the delivery (classifyAnswer with the subscription's `retry_on_4xx`). */
export function classifyStatus(status: number, policy: RetryPolicy): 'success' | 'gone' | 'retry' | 'fail' {
  return classifyAnswer(status, undefined, new Date(0), policy.retry_on_4xx).verdict as 'success' | 'gone' | 'retry' | 'fail';
}
