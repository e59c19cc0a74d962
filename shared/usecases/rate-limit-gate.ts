import type { RateLimitSpec } from '../delivery/rate-limit';
import type { DeliveryRecord, SubscriptionRecord } from '../model/subscription';
import type { RateLimiter } from '../ports';

/** What the deliverer needs to apply outbound rate limits. */
export interface RateLimitDeps {
  rateLimiter: RateLimiter;
  /** The tenant's `rate_limit` as this container last read it (at most CONFIG_CACHE_SECONDS old); undefined when it has none. */
  tenantRateLimit(tenantId: string): Promise<RateLimitSpec | undefined>;
}

/**
 * When this attempt of `d` may be sent (epoch ms), or null when no limit applies. A reservation
 * already made for this attempt (the delivery came back after waiting for it) is reused, so a
 * held delivery takes one slot however often its message arrives. With both the subscription's
 * and its tenant's limit, the attempt reserves in the subscription's bucket first and then in the
 * tenant's from that time: both caps hold. A subscription without a limit and without a tenant
 * costs no call at all; one with a tenant costs the tenant's cached read.
 */
export async function rateLimitedUntil(deps: RateLimitDeps | undefined, sub: SubscriptionRecord, d: DeliveryRecord, now: number): Promise<number | null> {
  if (!deps) return null;
  if (d.rate_limit_slot && d.rate_limit_slot.attempt === d.attempt_count + 1) return Date.parse(d.rate_limit_slot.at);
  const tenantLimit = sub.tenant_id ? await deps.tenantRateLimit(sub.tenant_id) : undefined;
  if (!sub.rate_limit && !tenantLimit) return null;
  let at = now;
  if (sub.rate_limit) at = await deps.rateLimiter.reserve(`sub#${sub.subscription_id}`, sub.rate_limit, at);
  if (tenantLimit && sub.tenant_id) at = await deps.rateLimiter.reserve(`tenant#${sub.tenant_id}`, tenantLimit, at);
  return at;
}
