/**
 * The console's security headers and the API's CORS rules for it, in one place: the local gateway
 * (bin/local/console-server.ts) sends exactly these, and the CDK console stack puts the same values
 * into its CloudFront response-headers policy and the HTTP API's CORS configuration.
 */

/**
 * The Content-Security-Policy: only this origin's scripts and styles (no inline code, no eval), data
 * from this origin and the API's, no plugins, no framing. `apiOrigin` is the API's origin when it is
 * not the console's own (AWS: the HTTP API's `https://<id>.execute-api.<region>.amazonaws.com`).
 */
export function consoleCsp(apiOrigin?: string, opts: { upgradeInsecureRequests?: boolean } = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${apiOrigin ? ` ${apiOrigin}` : ''}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.upgradeInsecureRequests ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** Strict-Transport-Security: two years, subdomains included (HTTPS only; browsers ignore it over http). */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;
export const REFERRER_POLICY = 'no-referrer';
export const PERMISSIONS_POLICY = 'camera=(), microphone=(), geolocation=(), payment=(), usb=()';
export const CROSS_ORIGIN_OPENER_POLICY = 'same-origin';

/** Every security header of a console response, as the local gateway sends them (`https`: also HSTS). */
export function consoleSecurityHeaders(o: { apiOrigin?: string; https?: boolean } = {}): Record<string, string> {
  return {
    'content-security-policy': consoleCsp(o.apiOrigin, { upgradeInsecureRequests: o.https }),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': REFERRER_POLICY,
    'permissions-policy': PERMISSIONS_POLICY,
    'cross-origin-opener-policy': CROSS_ORIGIN_OPENER_POLICY,
    ...(o.https ? { 'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains` } : {}),
  };
}

/** What the API allows a console on another origin to send and read (AWS: the HTTP API's CORS configuration). */
export const CONSOLE_CORS = {
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const,
  allowHeaders: ['authorization', 'content-type', 'if-match'],
  exposeHeaders: ['etag', 'location', 'retry-after'],
  maxAgeSeconds: 600,
};

/** Caching: hashed assets never change; the page and config.json are revalidated on every load. */
export const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
export const CACHE_REVALIDATE = 'no-cache';
