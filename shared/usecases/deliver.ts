import type { Clock } from '../clock';
import { deliveryHeaders } from '../delivery/signing';
import { classifyAnswer, classifyError } from '../delivery/outcome';
import { retryDelaySeconds } from '../delivery/retry-schedule';
import type { DeliveryAttempt, DeliveryRecord, SubscriptionRecord } from '../model/subscription';
import { metric } from '../metric-names';
import type { DeliveryStore, InternalEvents, Logger, Metrics, SendResult } from '../ports';
import { rateLimitedUntil, type RateLimitDeps } from './rate-limit-gate';
import { afterVerificationSuccess, checkVerification, notSentAttempt } from './verification';
import { INTERNAL_TYPES } from './subscriptions';

export interface DeliverDeps {
  deliveries: DeliveryStore;
  loadSubscription(id: string): Promise<SubscriptionRecord | null>;
  /** Read again at or after `notBefore` (CachedLoader.reload), before failing a delivery on a cached disabled/deleted subscription. */
  reloadSubscription?(id: string, notBefore: number): Promise<SubscriptionRecord | null>;
  /** POSTs through the SSRF guard; throws on refusal, timeout or connection failure. */
  send(url: string, headers: Record<string, string>, body: string, timeoutMs: number): Promise<SendResult>;
  /** Turns a subscription off (410 Gone, or failing for too long), with the reason. */
  disableSubscription(id: string, reason: string): Promise<void>;
  /** Records the subscription's health after a delivery ends: `failing_since` set on failure, cleared on success. */
  setFailingSince(id: string, value: string | undefined): Promise<void>;
  /** A subscription whose deliveries have all failed for this many days is disabled. */
  autoDisableAfterDays: number;
  /** Hookline's own events (delivery.failed, subscription.disabled). */
  internal?: InternalEvents;
  /** Attempts by outcome, latency, retries, disabled subscriptions (EMF in AWS). */
  metrics?: Metrics;
  /** One INFO line per attempt, with delivery, subscription, event and attempt ids. */
  log?: Logger;
  /** Outbound rate limits (subscriptions' and tenants' `rate_limit`); without it none apply. */
  rateLimits?: RateLimitDeps;
  /** HOOKLINE_REQUIRE_VERIFIED: an unverified subscription gets nothing but its verification. */
  requireVerified?: boolean;
  /** Sets `verified` once the subscription's latest verification delivery got a 2xx. */
  markVerified?(subscriptionId: string, deliveryId: string, url: string): Promise<void>;
  /** Waits in process (a rate-limit slot due within a second); default setTimeout. */
  wait?(ms: number): Promise<void>;
  clock: Clock;
  random?: () => number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** After a delivery ended: success clears the failing streak; a failure starts it or, once old enough, disables the subscription. */
async function afterOutcome(deps: DeliverDeps, sub: SubscriptionRecord, d: DeliveryRecord, ok: boolean, attempts: DeliveryAttempt[]): Promise<void> {
  const now = deps.clock.now();
  if (ok) {
    if (sub.failing_since) await deps.setFailingSince(sub.subscription_id, undefined);
    return;
  }
  // A failed delivery of Hookline's own failure notice reports nothing further (no loops).
  if (!INTERNAL_TYPES.has(d.event_type))
    await deps.internal?.publish(
      'delivery.failed',
      {
        delivery_id: d.delivery_id,
        subscription_id: d.subscription_id,
        event_id: d.event_id,
        event_type: d.event_type,
        attempts: attempts.length,
        last_status_code: attempts.at(-1)?.status_code ?? null,
      },
      { key: d.delivery_id, at: attempts.at(-1)?.at ?? now.toISOString(), trace_id: d.trace_id ?? d.event_id },
    );
  if (!sub.failing_since) return deps.setFailingSince(sub.subscription_id, now.toISOString());
  if (now.getTime() - Date.parse(sub.failing_since) >= deps.autoDisableAfterDays * 86_400_000) {
    const reason = `every delivery failed since ${sub.failing_since} (auto-disabled after ${deps.autoDisableAfterDays} days)`;
    await deps.disableSubscription(sub.subscription_id, reason);
    deps.metrics?.count(metric.subscriptionsDisabled, { reason: 'failing' });
    await deps.internal?.publish('subscription.disabled', { subscription_id: sub.subscription_id, reason });
  }
}

export type DeliverOutcome = { kind: 'done' } | { kind: 'retry'; delaySeconds: number; dueAt?: number };

const INTERESTING = ['content-type', 'retry-after', 'location'];

function headersOfInterest(h: SendResult['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of INTERESTING) {
    const v = h[name];
    if (v !== undefined) out[name] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return out;
}

function activeSecrets(s: SubscriptionRecord, now: Date): string[] {
  return [s.secret, ...s.previous_secrets.filter((p) => Date.parse(p.expires_at) > now.getTime()).map((p) => p.secret)];
}

/** A failed delivery is attempted again only by a recovery job that has not re-sent it yet. */
function recoverable(d: DeliveryRecord, job: string | undefined): boolean {
  return job !== undefined && d.recovered_by !== job;
}

/**
 * While the subscription is paused, a delivery picked up (queued before the pause, a retry coming
 * due, a recovery) is recorded `paused` and not attempted: it joins the backlog that resume sends,
 * which lives in the delivery table, not in the queue (SQS keeps messages 4 days at most).
 */
async function holdIfPaused(deps: DeliverDeps, sub: SubscriptionRecord, d: Omit<DeliveryRecord, 'claimed_at'>): Promise<boolean> {
  if (!sub.paused) return false;
  if (d.status !== 'paused') await deps.deliveries.update({ ...d, status: 'paused', next_attempt_at: null, updated_at: deps.clock.now().toISOString() }, d.attempt_count);
  return true;
}

/**
 * One attempt of one delivery. Signed with Standard Webhooks headers (every active secret during a
 * rotation) and X-Hookline-Signature; `webhook-id` is the delivery id, the same on every attempt,
 * so receivers dedup retries. The attempt is recorded with a write conditional on the attempt
 * count, so two copies of the same SQS message never record (or send) the same attempt twice.
 */
export async function deliverOne(deps: DeliverDeps, deliveryId: string, opts: { recover?: string; onlyPaused?: boolean } = {}): Promise<DeliverOutcome> {
  const found = await deps.deliveries.get(deliveryId);
  if (!found || found.status === 'success' || (found.status === 'failed' && !recoverable(found, opts.recover))) return { kind: 'done' };
  // A resume page attempts only what is still paused (a page read from a lagging index, or run twice).
  if (opts.onlyPaused && found.status !== 'paused') return { kind: 'done' };
  // A recovery's attempt carries its job id, so a redelivered page of that job finds it and sends nothing again.
  const d = found.status === 'failed' && opts.recover ? { ...found, recovered_by: opts.recover } : found;
  let now = deps.clock.now();
  // A message that arrives before the retry is due (a hop of a long wait, or an early redelivery)
  // waits for the rest of it instead of attempting early.
  const due = d.status === 'retrying' && d.next_attempt_at ? Date.parse(d.next_attempt_at) - now.getTime() : 0;
  if (due > 1000) return { kind: 'retry', delaySeconds: Math.ceil(due / 1000) };
  let sub = await deps.loadSubscription(d.subscription_id);
  if ((!sub || !sub.enabled || sub.paused) && deps.reloadSubscription) sub = await deps.reloadSubscription(d.subscription_id, now.getTime());
  const n = d.attempt_count;
  const { claimed_at: _claim, ...held } = d;
  let base: DeliveryRecord = held;
  // Every outcome replaces the item: the attempt is appended and the claim dropped.
  const finish = (status: DeliveryRecord['status'], attempt: DeliveryAttempt, next: string | null) =>
    deps.deliveries.update({ ...base, status, attempts: [...d.attempts, attempt], attempt_count: n + 1, next_attempt_at: next, updated_at: deps.clock.now().toISOString() }, n);

  // Every line about this delivery carries the ids that follow it (trace_id: the event that caused it).
  const log = () => deps.log?.with({ trace_id: d.trace_id ?? d.event_id, outbound_delivery_id: d.delivery_id, subscription_id: d.subscription_id, event_id: d.event_id, attempt: n + 1, ...(sub?.tenant_id ? { tenant_id: sub.tenant_id } : {}) });
  // Refused without a request: recorded failed, the reason as the attempt's error.
  const refuse = async (error: string): Promise<DeliverOutcome> => {
    await finish('failed', notSentAttempt(n + 1, now.toISOString(), error), null);
    log()?.info('delivery refused', { event_type: d.event_type, outcome: 'failed', error });
    return { kind: 'done' };
  };
  if (!sub || !sub.enabled) return refuse(sub ? `subscription disabled${sub.disabled_reason ? `: ${sub.disabled_reason}` : ''}` : 'subscription deleted');
  if (await holdIfPaused(deps, sub, base)) {
    log()?.info('delivery held', { event_type: d.event_type, outcome: 'paused' });
    return { kind: 'done' };
  }
  const verification = await checkVerification(deps, sub, d, now.getTime());
  sub = verification.sub;
  if (verification.refusal) return refuse(verification.refusal);
  const slot = await rateLimitedUntil(deps.rateLimits, sub, d, now.getTime());
  if (slot !== null && slot > now.getTime()) {
    // Excess deliveries wait for their slot, never counted as an attempt: within a second in
    // process, longer in the queue (back within the second before the slot, the rest in process).
    const at = new Date(slot).toISOString();
    const wait = slot - now.getTime();
    log()?.debug('delivery rate limited', { event_type: d.event_type, rate_limited_until: at, wait_ms: wait });
    base = { ...base, rate_limit_slot: { attempt: n + 1, at } };
    if (wait >= 1000) {
      if (d.rate_limit_slot?.at !== at) await deps.deliveries.update({ ...base, next_attempt_at: at, updated_at: now.toISOString() }, n);
      return { kind: 'retry', delaySeconds: Math.floor(wait / 1000), dueAt: slot };
    }
    await (deps.wait ?? sleep)(wait);
    now = deps.clock.now();
  }
  // Claim the attempt; a concurrent copy of the message loses here. A claim left by a crashed
  // worker is taken over once it is older than the request timeout.
  const stale = new Date(now.getTime() - (sub.timeout_seconds + 30) * 1000).toISOString();
  if (!(await deps.deliveries.claim({ ...base, status: 'sending', claimed_at: now.toISOString(), updated_at: now.toISOString() }, n, stale))) return { kind: 'done' };

  const headers = {
    ...sub.headers,
    ...deliveryHeaders({ secrets: activeSecrets(sub, now), deliveryId: d.delivery_id, eventType: d.event_type, timestampSeconds: Math.floor(now.getTime() / 1000), body: d.body }),
  };
  let result: SendResult | undefined;
  let error: Error | undefined;
  const started = Date.now();
  try {
    result = await deps.send(sub.url, headers, d.body, sub.timeout_seconds * 1000);
  } catch (err) {
    error = err as Error;
  }
  const attempt: DeliveryAttempt = {
    attempt: n + 1,
    at: now.toISOString(),
    status_code: result?.status ?? null,
    duration_ms: result?.durationMs ?? Date.now() - started,
    response_excerpt: result ? result.bodyExcerpt.slice(0, 4096) : null,
    ...(result ? { response_headers: headersOfInterest(result.headers) } : {}),
    error: error ? error.message.slice(0, 500) : null,
  };
  // One classification for every outbound call; a delivery whose outcome is unknown (timeout,
  // reset after sending) is retried because its webhook-id lets the subscriber dedup.
  const outcome = error ? classifyError(error) : classifyAnswer(result!.status, result!.headers, now, sub.retry_policy.retry_on_4xx);
  const verdict = outcome.verdict === 'unknown' ? 'retry' : outcome.verdict;
  const final = verdict === 'success' ? 'success' : verdict === 'retry' && n + 1 < sub.retry_policy.max_attempts ? 'retry' : 'failed';
  deps.metrics?.count(metric.deliveryAttempts, { outcome: final });
  deps.metrics?.milliseconds(metric.deliveryLatency, attempt.duration_ms);
  log()?.info('delivery attempt', { event_type: d.event_type, status_code: attempt.status_code, outcome: final, duration_ms: attempt.duration_ms, error: attempt.error });
  if (verdict === 'success') {
    if (await finish('success', attempt, null)) {
      await afterVerificationSuccess(deps, sub, d);
      await afterOutcome(deps, sub, d, true, [...d.attempts, attempt]);
    }
    return { kind: 'done' };
  }
  if (verdict === 'gone') {
    const reason = `the endpoint answered 410 Gone at ${attempt.at}`;
    await deps.disableSubscription(sub.subscription_id, reason);
    deps.metrics?.count(metric.subscriptionsDisabled, { reason: 'gone' });
    await deps.internal?.publish('subscription.disabled', { subscription_id: sub.subscription_id, reason });
    await finish('failed', attempt, null);
    return { kind: 'done' };
  }
  if (verdict === 'retry' && n + 1 < sub.retry_policy.max_attempts) {
    const delay = retryDelaySeconds(sub.retry_policy, n + 1, outcome.retryAfterSeconds, deps.random);
    await finish('retrying', attempt, new Date(now.getTime() + delay * 1000).toISOString());
    deps.metrics?.count(metric.retries, { queue: 'deliveries' });
    return { kind: 'retry', delaySeconds: delay };
  }
  if (await finish('failed', attempt, null)) await afterOutcome(deps, sub, d, false, [...d.attempts, attempt]);
  return { kind: 'done' };
}
