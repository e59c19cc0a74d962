import { classifyStatus, parseRetryAfter, retryDelaySeconds, SQS_MAX_DELAY_SECONDS } from '../../../shared/delivery/retry-schedule';
import { RetryPolicy } from '../../../shared/model/subscription';

const policy = RetryPolicy.parse({ initial_delay: 10, backoff_multiplier: 2, max_delay: 3600 });
const mid = () => 0.5; // no jitter

describe('retry schedule', () => {
  it('grows as initial_delay * multiplier^(n-1), capped by max_delay and SQS 12 h', () => {
    expect([1, 2, 3, 4].map((n) => retryDelaySeconds(policy, n, undefined, mid))).toEqual([10, 20, 40, 80]);
    expect(retryDelaySeconds(policy, 20, undefined, mid)).toBe(3600);
    expect(retryDelaySeconds(RetryPolicy.parse({ initial_delay: 3600, backoff_multiplier: 10, max_delay: 43_200 }), 5, undefined, mid)).toBe(SQS_MAX_DELAY_SECONDS);
  });
  it('jitters by ±10 %', () => {
    expect(retryDelaySeconds(policy, 1, undefined, () => 0)).toBe(9);
    expect(retryDelaySeconds(policy, 1, undefined, () => 1)).toBe(11);
  });
  it('never retries sooner than Retry-After (seconds or HTTP date)', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    expect(retryDelaySeconds(policy, 1, parseRetryAfter('120', now), mid)).toBe(120);
    expect(parseRetryAfter('Mon, 23 Nov 2026 12:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
  it('classifies answers: 2xx success, 410 gone, 429/5xx/listed 4xx retry, other 4xx fail', () => {
    expect([200, 204, 410, 429, 500, 503, 408, 400, 404].map((s) => classifyStatus(s, policy))).toEqual(['success', 'success', 'gone', 'retry', 'retry', 'retry', 'retry', 'fail', 'fail']);
  });
});
