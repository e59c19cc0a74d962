import ipaddr from 'ipaddr.js';
import type { Clock } from './clock';
import { HooklineError } from './errors';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];
const parsedLists = new WeakMap<string[], Range[]>();

/** CIDR list parsed once per config object (configs are cached per container). */
function ranges(list: string[]): Range[] {
  let r = parsedLists.get(list);
  if (!r) {
    r = list.map((c) => (c.includes('/') ? ipaddr.parseCIDR(c) : ([ipaddr.parse(c), ipaddr.parse(c).kind() === 'ipv4' ? 32 : 128] as Range)));
    parsedLists.set(list, r);
  }
  return r;
}

/**
 * True when `ip` is inside one of the CIDRs. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are
 * compared as IPv4; an unparsable or missing source address is never allowed.
 */
export function ipAllowed(ip: string | undefined, allowlist: string[]): boolean {
  if (!ip || !ipaddr.isValid(ip)) return false;
  const addr = ipaddr.process(ip);
  return ranges(allowlist).some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
}

export class IpNotAllowedError extends HooklineError {
  override readonly name = 'IpNotAllowedError';
  constructor(ip: string | undefined) {
    super('ip_not_allowed', `Source address ${ip ?? '(unknown)'} is not in this webhook's ip_allowlist.`, 403);
  }
}

export class RateLimitedError extends HooklineError {
  override readonly name = 'RateLimitedError';
  constructor(retryAfterSeconds: number) {
    super('rate_limited', `This webhook's rate limit is exceeded; retry after ${retryAfterSeconds} s.`, 429, {
      retryable: true,
      headers: { 'retry-after': String(retryAfterSeconds) },
    });
  }
}

/**
 * Token buckets per webhook, in the memory of one receiver container: `burst` tokens, refilled at
 * `per_second`. Each container limits on its own, so with N warm containers a webhook can get up
 * to N× its limit; the point is to cap a provider's burst cheaply, with no extra AWS call.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly clock: Clock) {}

  /** Takes one token, or returns the seconds until one is available. */
  take(key: string, limit: { per_second: number; burst: number }): number | null {
    const now = this.clock.now().getTime();
    const b = this.buckets.get(key) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + ((now - b.at) / 1000) * limit.per_second);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / limit.per_second));
  }
}
