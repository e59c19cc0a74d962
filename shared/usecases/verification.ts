import { randomId } from '../clock';
import type { DeliveryAttempt, DeliveryRecord, SubscriptionRecord } from '../model/subscription';

/** The event type of endpoint verification (in the catalog of built-in types). */
export const VERIFICATION_TYPE = 'hookline.verification';

/**
 * The verification event sent on create, on a URL change and by `POST /api/subscriptions/{id}/verify`:
 * signed and shaped like any delivery to the subscription; `challenge` is random, for receivers that
 * want to log or echo it (any 2xx verifies, an echo is not required).
 */
export function verificationEvent(sub: Pick<SubscriptionRecord, 'subscription_id' | 'url'>, eventId: string, now: Date) {
  return { id: eventId, type: VERIFICATION_TYPE, timestamp: now.toISOString(), data: { subscription_id: sub.subscription_id, url: sub.url, challenge: randomId(24) } };
}

/** An attempt that made no request: the reason it was not sent is its error. */
export function notSentAttempt(attempt: number, at: string, error: string): DeliveryAttempt {
  return { attempt, at, status_code: null, duration_ms: 0, response_excerpt: null, error };
}

/** A delivery kept in the log as `failed` without any request made, with the reason as its only attempt's error. */
export function deliveryNotSent(d: DeliveryRecord, error: string, body = d.body): DeliveryRecord {
  return { ...d, status: 'failed', body, attempts: [notSentAttempt(d.attempt_count + 1, d.updated_at, error)], attempt_count: d.attempt_count + 1, next_attempt_at: null };
}

/** Why an unverified subscription gets nothing under HOOKLINE_REQUIRE_VERIFIED (its own verification always goes). */
export function unverifiedReason(requireVerified: boolean | undefined, sub: Pick<SubscriptionRecord, 'verified' | 'subscription_id'>, eventType: string): string | null {
  if (!requireVerified || sub.verified || eventType === VERIFICATION_TYPE) return null;
  return `not sent: the endpoint is not verified yet (HOOKLINE_REQUIRE_VERIFIED=true); once a hookline.verification delivery gets a 2xx (POST /api/subscriptions/${sub.subscription_id}/verify sends one), retry this delivery or recover the window`;
}

/** At fan-out: a new delivery to an unverified subscription is recorded failed with the reason, and not queued. */
export function gateUnverified(requireVerified: boolean | undefined, sub: SubscriptionRecord, d: DeliveryRecord): DeliveryRecord {
  const reason = d.status === 'pending' ? unverifiedReason(requireVerified, sub, d.event_type) : null;
  return reason ? deliveryNotSent(d, reason) : d;
}

/** What the deliverer needs for verification. */
export interface VerificationDeps {
  /** HOOKLINE_REQUIRE_VERIFIED. */
  requireVerified?: boolean;
  /** Sets `verified` when `deliveryId` is still the subscription's latest verification and `url` (where it went) its URL. */
  markVerified?(subscriptionId: string, deliveryId: string, url: string): Promise<void>;
  reloadSubscription?(id: string, notBefore: number): Promise<SubscriptionRecord | null>;
}

/**
 * At send time. A verification goes to the subscription as it is now, read again (a cached record
 * may still have the URL before a change, and a 2xx there must not verify the new one). Any other
 * attempt gets the reason it must not go (an unverified endpoint under HOOKLINE_REQUIRE_VERIFIED),
 * read again before refusing on a cached subscription (the verification may have succeeded in
 * another container a moment ago); `refusal` null: send.
 */
export async function checkVerification(deps: VerificationDeps, sub: SubscriptionRecord, d: DeliveryRecord, now: number): Promise<{ sub: SubscriptionRecord; refusal: string | null }> {
  const fresh = async () => (deps.reloadSubscription ? ((await deps.reloadSubscription(sub.subscription_id, now)) ?? sub) : sub);
  if (d.event_type === VERIFICATION_TYPE) return { sub: await fresh(), refusal: null };
  if (!unverifiedReason(deps.requireVerified, sub, d.event_type)) return { sub, refusal: null };
  const current = await fresh();
  return { sub: current, refusal: unverifiedReason(deps.requireVerified, current, d.event_type) };
}

/** After a 2xx: a verification delivery verifies its subscription, if it is still the latest and went to the current URL. */
export async function afterVerificationSuccess(deps: VerificationDeps, sub: SubscriptionRecord, d: DeliveryRecord): Promise<void> {
  if (d.event_type === VERIFICATION_TYPE && !sub.verified) await deps.markVerified?.(sub.subscription_id, d.delivery_id, sub.url);
}
