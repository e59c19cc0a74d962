/**
 * The SSRF guard of every outbound request Hookline makes (command `forward`, subscription
 * deliveries). CONTRACT §1: loopback and private ranges are refused unless
 * ALLOW_PRIVATE_TARGETS=true; link-local and cloud metadata endpoints are refused always.
 *
 * Three layers, because a URL that looks public on save can resolve anywhere later:
 * 1. `checkUrl`: syntax on save (scheme, no credentials, IP literals in every notation, names
 *    such as `localhost` and `*.internal`).
 * 2. `createSafeLookup`: the `lookup` of the socket, so the addresses checked are the addresses
 *    connected to (no window for DNS rebinding between a check and the connect).
 * 3. `guardedFetch`: node:http with that lookup, no redirects, a deadline and a body cap.
 */
import dns, { type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import ipaddr from 'ipaddr.js';
import { HooklineError } from '../errors';
import { version } from '../version';

// ---------------------------------------------------------------------------------------------
// Classification

/** `public`: allowed; `private`: allowed only with allowPrivate; `forbidden`: refused always. */
export type TargetClass = 'public' | 'private' | 'forbidden';

/** How one address or host name was classified, and why (`range` reads well in a sentence). */
export interface TargetVerdict {
  kind: TargetClass;
  /** The address in canonical form, or the host name. */
  target: string;
  range: string;
}

// Cloud metadata endpoints, refused always even where the range alone would only be "private"
// (fd00:ec2::254 sits in fc00::/7, 100.100.100.200 in 100.64/10).
const METADATA: Record<string, string> = {
  '169.254.169.254': 'a cloud metadata endpoint (AWS, GCP, Azure, OpenStack)',
  '169.254.170.2': 'the ECS task metadata endpoint',
  'fd00:ec2::254': 'the AWS instance metadata endpoint (IPv6)',
  '100.100.100.200': 'the Alibaba Cloud metadata endpoint',
  '192.0.0.192': 'the Oracle Cloud metadata endpoint',
};

const PRIVATE_V4: Partial<Record<string, string>> = {
  loopback: 'a loopback address',
  private: 'a private network address',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
};
const FORBIDDEN_V4: Partial<Record<string, string>> = {
  unspecified: 'an unspecified ("this network", 0.0.0.0/8) address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address (169.254.0.0/16)',
  reserved: 'a reserved or documentation address',
};
const PRIVATE_V6: Partial<Record<string, string>> = {
  loopback: 'a loopback address',
  uniqueLocal: 'a unique-local address (fc00::/7)',
  deprecatedSiteLocal: 'a site-local address (fec0::/10)',
  benchmarking: 'a benchmarking address (2001:2::/48)',
};
const FORBIDDEN_V6: Partial<Record<string, string>> = {
  unspecified: 'the unspecified address (::)',
  linkLocal: 'a link-local address (fe80::/10)',
  multicast: 'a multicast address',
  reserved: 'a reserved or documentation address',
};

// 198.18.0.0/15 (RFC 2544 benchmarking) is in ipaddr.js's "reserved", but it is also what
// fake-IP proxies (Clash, Surge) hand out for public names on developer machines: treat it as
// private, so ALLOW_PRIVATE_TARGETS=true lets local development through and production refuses it.
const BENCHMARKING_V4 = ipaddr.parseCIDR('198.18.0.0/15');
// Only 2000::/3 is allocated as global unicast; any other address ipaddr.js calls "unicast"
// (e.g. the deprecated IPv4-compatible ::a.b.c.d) is unassigned and refused.
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');

const RANK: Record<TargetClass, number> = { public: 0, private: 1, forbidden: 2 };
const stricter = (a: TargetVerdict, b: TargetVerdict): TargetVerdict => (RANK[b.kind] > RANK[a.kind] ? b : a);

function v4FromWords(hi: number, lo: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

function classifyV4(a: ipaddr.IPv4): TargetVerdict {
  const target = a.toString();
  if (METADATA[target]) return { kind: 'forbidden', target, range: METADATA[target] };
  if (a.match(BENCHMARKING_V4)) return { kind: 'private', target, range: 'a benchmarking address (198.18.0.0/15)' };
  const range = a.range();
  if (range === 'unicast') return { kind: 'public', target, range: 'a public address' };
  if (PRIVATE_V4[range]) return { kind: 'private', target, range: PRIVATE_V4[range] };
  // as112, amt and anything ipaddr.js adds later: special-purpose, so refused (default deny).
  return { kind: 'forbidden', target, range: FORBIDDEN_V4[range] ?? `a special-purpose address (${range})` };
}

/** An IPv6 address that carries an IPv4 one gets the embedded address's class. */
function embedded(target: string, how: string, v4: ipaddr.IPv4): TargetVerdict {
  const inner = classifyV4(v4);
  return { kind: inner.kind, target, range: `${inner.range} (${how} ${inner.target})` };
}

function classifyV6(a: ipaddr.IPv6): TargetVerdict {
  const target = a.toString();
  if (METADATA[target]) return { kind: 'forbidden', target, range: METADATA[target] };
  const p = a.parts;
  const range = a.range();
  switch (range) {
    case 'ipv4Mapped': // ::ffff:a.b.c.d
    case 'rfc6145': // ::ffff:0:a.b.c.d (IPv4-translated)
      return embedded(target, 'IPv4-mapped', v4FromWords(p[6], p[7]));
    case 'rfc6052':
      if (a.match(NAT64_WELL_KNOWN)) return embedded(target, 'NAT64 of', v4FromWords(p[6], p[7]));
      // 64:ff9b:1::/48 is for a network's own translator (RFC 8215): private at best. Where the
      // IPv4 address sits depends on that network's prefix length; the /96 layout DNS64 uses by
      // default is checked too, so a translated metadata address stays forbidden.
      return stricter({ kind: 'private', target, range: 'a local-use NAT64 address (64:ff9b:1::/48)' }, embedded(target, 'NAT64 of', v4FromWords(p[6], p[7])));
    case '6to4': // 2002:AABB:CCDD::/48 routes to the IPv4 address AABBCCDD
      return embedded(target, '6to4 of', v4FromWords(p[1], p[2]));
    case 'teredo': // 2001:0:<server v4>:<flags>:<port^ffff>:<client v4^ffffffff>
      return stricter(embedded(target, 'Teredo server', v4FromWords(p[2], p[3])), embedded(target, 'Teredo client', v4FromWords(p[6] ^ 0xffff, p[7] ^ 0xffff)));
    case 'unicast':
      return a.match(GLOBAL_UNICAST_V6)
        ? { kind: 'public', target, range: 'a public address' }
        : { kind: 'forbidden', target, range: 'an unassigned address (outside 2000::/3)' };
    default:
      if (PRIVATE_V6[range]) return { kind: 'private', target, range: PRIVATE_V6[range] };
      return { kind: 'forbidden', target, range: FORBIDDEN_V6[range] ?? `a special-purpose address (${range})` };
  }
}

/** Classifies one IP address (as `dns.lookup` or a URL's bracket-less host gives it); unparsable is forbidden. */
export function classifyAddress(address: string): TargetVerdict {
  if (!ipaddr.isValid(address)) return { kind: 'forbidden', target: address, range: 'not a valid IP address' };
  const a = ipaddr.parse(address);
  return a.kind() === 'ipv4' ? classifyV4(a as ipaddr.IPv4) : classifyV6(a as ipaddr.IPv6);
}

// Names that resolve to metadata services inside clouds (GCE answers plain `metadata` through
// its search domain; EC2 answers `instance-data`).
const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);
// Suffixes reserved (RFC 6761, 6762, 8375) or conventionally used for private networks. A name
// outside this list can still resolve privately: the lookup check is the real guard, this only
// refuses the obvious on save.
const PRIVATE_SUFFIXES = ['localhost', 'localdomain', 'local', 'internal', 'home.arpa', 'lan', 'intranet', 'corp', 'home'];

/**
 * Classifies a URL host (WHATWG-normalised: lower case, IPv4 in dotted decimal, IPv6 in
 * brackets). Returns null for an ordinary DNS name, which only the lookup can judge.
 */
export function classifyHost(host: string): TargetVerdict | null {
  if (host.startsWith('[') && host.endsWith(']')) return classifyAddress(host.slice(1, -1));
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return classifyAddress(host);
  // WHATWG URL already turns 2130706433, 0x7f000001, 0177.0.0.1 and 127.1 into 127.0.0.1;
  // this catches the same notations when a caller passes a bare host that skipped the parser.
  if (ipaddr.IPv4.isValid(host)) return classifyAddress(ipaddr.IPv4.parse(host).toString());
  const name = host.toLowerCase().replace(/\.+$/, '');
  if (name === '') return { kind: 'forbidden', target: host, range: 'an empty host name' };
  if (METADATA_NAMES.has(name)) return { kind: 'forbidden', target: name, range: 'a cloud metadata host name' };
  const suffix = PRIVATE_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  if (suffix) return { kind: 'private', target: name, range: `a private host name (${name === suffix ? suffix : `*.${suffix}`})` };
  // A single label (`intranet`, `db`) only resolves through a local search domain.
  if (!name.includes('.')) return { kind: 'private', target: name, range: 'a single-label (local) host name' };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Why the guard refused: callers map `private` to a hint about ALLOW_PRIVATE_TARGETS. */
export type UnsafeTargetReason = 'invalid_url' | 'scheme' | 'credentials' | 'private' | 'forbidden';

/** The guard refused the target: permanent, never retried, no connection was made. */
export class UnsafeTargetError extends HooklineError {
  override readonly name = 'UnsafeTargetError';
  readonly kind = 'refused' as const;
  constructor(
    readonly reason: UnsafeTargetReason,
    message: string,
    readonly verdict?: TargetVerdict,
  ) {
    super('unsafe_target', message, 400, { retryable: false });
  }
}

/**
 * No complete response within the deadline (DNS, connect, headers and body together). `sent`:
 * the connection had opened, so the request may have reached the target (see delivery/outcome.ts).
 */
export class TargetTimeoutError extends HooklineError {
  override readonly name = 'TargetTimeoutError';
  readonly kind = 'timeout' as const;
  constructor(host: string, timeoutMs: number, readonly sent = true) {
    super('target_timeout', `${host} did not answer within ${timeoutMs} ms.`, 504, { retryable: true });
  }
}

/**
 * DNS failure, connection refused or reset, TLS failure. `sent`: the connection had opened
 * before it failed (a reset mid-request), so the request may have reached the target.
 */
export class TargetUnreachableError extends HooklineError {
  override readonly name = 'TargetUnreachableError';
  readonly kind = 'unreachable' as const;
  constructor(host: string, cause: unknown, readonly sent = false) {
    const code = (cause as { code?: unknown } | null)?.code;
    const what = typeof code === 'string' ? code : cause instanceof Error ? cause.message : 'unknown error';
    super('target_unreachable', `Could not reach ${host}: ${what}.`, 502, { retryable: true, cause });
  }
}

/** What guardedFetch throws: `kind` tells refused (permanent) from timeout and unreachable (retry). */
export type OutboundError = UnsafeTargetError | TargetTimeoutError | TargetUnreachableError;

function refusal(verdict: TargetVerdict, allowPrivate: boolean): UnsafeTargetError | null {
  if (verdict.kind === 'public' || (verdict.kind === 'private' && allowPrivate)) return null;
  if (verdict.kind === 'private') {
    return new UnsafeTargetError(
      'private',
      `Target ${verdict.target} is ${verdict.range}; outbound requests to loopback and private networks are refused unless ALLOW_PRIVATE_TARGETS=true.`,
      verdict,
    );
  }
  return new UnsafeTargetError('forbidden', `Target ${verdict.target} is ${verdict.range}; outbound requests to it are always refused.`, verdict);
}

/** Options shared by every check: CONTRACT §1's ALLOW_PRIVATE_TARGETS. */
export interface TargetPolicy {
  allowPrivate: boolean;
}

// ---------------------------------------------------------------------------------------------
// 1. On save

/** Parses and checks an outbound URL syntactically; returns the parsed URL or throws UnsafeTargetError. */
export function checkUrl(input: string | URL, { allowPrivate }: TargetPolicy): URL {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    throw new UnsafeTargetError('invalid_url', 'The target is not a valid absolute URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UnsafeTargetError('scheme', `The target's scheme "${url.protocol.slice(0, -1)}" is not allowed; use http or https.`);
  }
  // The message never echoes the URL: it would carry the credentials into logs and responses.
  if (url.username || url.password) {
    throw new UnsafeTargetError('credentials', 'The target URL must not contain credentials (user:password@); send them in a header instead.');
  }
  if (!url.hostname) throw new UnsafeTargetError('invalid_url', 'The target URL has no host.');
  const verdict = classifyHost(url.hostname);
  const refused = verdict && refusal(verdict, allowPrivate);
  if (refused) throw refused;
  return url;
}

// ---------------------------------------------------------------------------------------------
// 2. On connect

/** Resolves a host name to every address (as `dns.lookup` with `all: true`). */
export type Resolver = (hostname: string, options: { family?: number; hints?: number }) => Promise<LookupAddress[]>;

/** The operating system's resolver, as Node's sockets use by default. */
export const systemResolver: Resolver = (hostname, { family, hints }) =>
  new Promise((resolve, reject) => {
    // dns.lookup read at call time, so a process-wide override (the local stack's *.localhost) applies.
    dns.lookup(hostname, { all: true, family: family ?? 0, hints }, (err, addresses) => (err ? reject(err) : resolve(addresses)));
  });

function familyOf(options: unknown): number | undefined {
  const f = typeof options === 'number' ? options : (options as { family?: unknown } | null)?.family;
  return f === 4 || f === 'IPv4' ? 4 : f === 6 || f === 'IPv6' ? 6 : undefined;
}

/**
 * A `dns.lookup`-compatible function (the `lookup` option of net, http and https) that resolves,
 * then fails with UnsafeTargetError when ANY resolved address is refused, so one public record
 * next to a private one cannot smuggle the connection through.
 */
export function createSafeLookup({ allowPrivate, resolver = systemResolver }: TargetPolicy & { resolver?: Resolver }): LookupFunction {
  return ((hostname: string, options: unknown, callback?: (...args: unknown[]) => void) => {
    const cb = (typeof options === 'function' ? options : callback) as (err: Error | null, address?: string | LookupAddress[], family?: number) => void;
    const opts = typeof options === 'object' && options !== null ? (options as { all?: boolean; hints?: number }) : {};
    const reply = (addresses: LookupAddress[]) => {
      if (opts.all) cb(null, addresses);
      else cb(null, addresses[0].address, addresses[0].family);
    };

    const byName = classifyHost(hostname);
    const refusedName = byName && refusal(byName, allowPrivate);
    if (refusedName) return process.nextTick(cb, refusedName);
    if (byName && ipaddr.isValid(byName.target)) {
      // An IP literal (net never calls lookup for one, but a direct caller may): nothing to resolve.
      const a = ipaddr.parse(byName.target);
      return process.nextTick(reply, [{ address: a.toString(), family: a.kind() === 'ipv4' ? 4 : 6 }]);
    }

    resolver(hostname, { family: familyOf(options), hints: opts.hints }).then(
      (addresses) => {
        if (addresses.length === 0) {
          cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname }));
          return;
        }
        for (const { address } of addresses) {
          const refused = refusal(classifyAddress(address), allowPrivate);
          if (refused) {
            cb(new UnsafeTargetError(refused.reason, `${hostname} resolves to ${address}. ${refused.message}`, refused.verdict));
            return;
          }
        }
        reply(addresses);
      },
      (err: Error) => cb(err),
    );
  }) as LookupFunction;
}

/** `createSafeLookup` with private targets refused: the production policy. */
export const safeLookup: LookupFunction = createSafeLookup({ allowPrivate: false });

// ---------------------------------------------------------------------------------------------
// 3. The request

/** What to send. Headers that would let a caller reshape the request itself are dropped. */
export interface GuardedRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface GuardedFetchOptions extends TargetPolicy {
  /** Deadline for the whole exchange: DNS, connect, TLS, headers and body. */
  timeoutMs: number;
  /** Bytes of the response body read at most (default 64 KiB); the rest is not downloaded. */
  maxBodyBytes?: number;
  /** Bytes of the body kept as text (default 4 KiB). */
  excerptBytes?: number;
  /** Injected for tests; defaults to the operating system's resolver. */
  resolver?: Resolver;
  /** How long a kept-alive connection may sit idle before it is closed (default IDLE_SOCKET_MS). */
  idleSocketMs?: number;
  /**
   * When a reused kept-alive connection fails before any answer (the server closed it while it
   * sat idle), send once more on a fresh connection. Only for idempotent receivers: the first
   * copy may have arrived. Webhook deliveries opt in (receivers dedup by `webhook-id`); provider
   * calls (a comment) do not, so a reset after sending is reported as "may have been sent".
   */
  resendOnStaleConnection?: boolean;
}

export interface GuardedResponse {
  status: number;
  /** Lower-cased names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The first `excerptBytes` of the body as UTF-8 (never cut inside a character). */
  bodyExcerpt: string;
  /** Body bytes read (at most `maxBodyBytes`). */
  bodyBytes: number;
  /** The body was longer than `maxBodyBytes`. */
  bodyTruncated: boolean;
  durationMs: number;
}

// The request's framing and routing belong to guardedFetch, not to subscription headers.
const DROPPED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'proxy-authorization', 'te', 'trailer']);

/**
 * Idle kept-alive connections close after this long: below the 5 s keep-alive timeout of
 * Node's and many other servers' defaults, so a reused connection is rarely one the server is
 * closing, and short enough that an address checked once is not trusted for long.
 */
export const IDLE_SOCKET_MS = 4000;
/** Connections open at once per origin (host, port); further requests wait for a free one. */
export const MAX_SOCKETS_PER_ORIGIN = 32;
/** Idle connections kept per origin. */
export const MAX_IDLE_SOCKETS_PER_ORIGIN = 8;

type Agent = http.Agent | https.Agent;
// One pool per (scheme, policy, resolver, idle time). A pool keys its connections by host and
// port; every connection it opens goes through the safe lookup, so each pooled socket is pinned
// to an address that was checked when it connected, and a changed DNS answer only ever reaches
// a new connection, which is checked again.
const pools = new WeakMap<Resolver, Map<string, Agent>>();

function poolFor(protocol: string, { allowPrivate, resolver = systemResolver, idleSocketMs = IDLE_SOCKET_MS }: GuardedFetchOptions): Agent {
  let byKey = pools.get(resolver);
  if (!byKey) pools.set(resolver, (byKey = new Map()));
  const key = `${protocol}|${allowPrivate}|${idleSocketMs}`;
  let agent = byKey.get(key);
  if (!agent) {
    const options = {
      keepAlive: true,
      // Node closes a free socket whose timeout fires (and honours a shorter Keep-Alive: timeout= hint).
      timeout: idleSocketMs,
      maxSockets: MAX_SOCKETS_PER_ORIGIN,
      maxFreeSockets: MAX_IDLE_SOCKETS_PER_ORIGIN,
      scheduling: 'lifo' as const,
      lookup: createSafeLookup({ allowPrivate, resolver }),
    };
    agent = protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    byKey.set(key, agent);
  }
  return agent;
}

/** Closes every pooled connection (tests, and a process that is about to exit). */
export function closeGuardedConnections(resolver: Resolver = systemResolver): void {
  for (const agent of pools.get(resolver)?.values() ?? []) agent.destroy();
  pools.delete(resolver);
}

/**
 * Sends one request through the guard: redirects are returned, not followed (a 3xx could point
 * anywhere); throws UnsafeTargetError, TargetTimeoutError or TargetUnreachableError.
 * Connections are kept alive (see poolFor); with `resendOnStaleConnection`, a request that fails
 * on a reused connection before any response arrived is sent once more on a fresh one.
 */
export async function guardedFetch(url: string | URL, init: GuardedRequestInit, options: GuardedFetchOptions): Promise<GuardedResponse> {
  const target = checkUrl(url, options);
  const { timeoutMs, maxBodyBytes = 64 * 1024, excerptBytes = 4 * 1024 } = options;
  const host = target.host;
  const body = init.body === undefined ? undefined : typeof init.body === 'string' ? Buffer.from(init.body) : Buffer.from(init.body);
  const headers: Record<string, string> = { 'user-agent': `Hookline-Webhooks/${version}` };
  for (const [k, v] of Object.entries(init.headers ?? {})) if (!DROPPED_HEADERS.has(k.toLowerCase())) headers[k.toLowerCase()] = v;
  if (body) headers['content-length'] = String(body.length);
  const transport = target.protocol === 'https:' ? https : http;
  const requestOptions = {
    protocol: target.protocol,
    hostname: target.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: target.port || undefined,
    path: `${target.pathname}${target.search}`,
    method: init.method ?? 'POST',
    headers,
  };

  const started = performance.now();
  return new Promise<GuardedResponse>((resolve, reject) => {
    let settled = false;
    // Set once the connection (TLS included) is open: from then on the request may have left.
    let connected = false;
    let req: http.ClientRequest | undefined;
    // keep: the response was read to its end, so the connection may serve the next request.
    const settle = (fn: () => void, keep = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
      if (!keep) req?.destroy();
    };
    const timer = setTimeout(() => settle(() => reject(new TargetTimeoutError(host, timeoutMs, connected))), timeoutMs);

    const send = (pooled: boolean) => {
      let answered = false;
      let own: http.ClientRequest | undefined;
      const fail = (err: unknown) => {
        if (own !== req) return; // a superseded attempt
        if (!settled && pooled && options.resendOnStaleConnection && !answered && own?.reusedSocket && !(err instanceof UnsafeTargetError)) {
          // A stale kept-alive connection: nothing came back on it, try once on a new connection.
          own.destroy();
          connected = false;
          send(false);
          return;
        }
        settle(() => reject(err instanceof UnsafeTargetError ? err : new TargetUnreachableError(host, err, connected)));
      };
      try {
        req = transport.request(
          // The retry's connection is not pooled; the lookup still checks its address.
          { ...requestOptions, ...(pooled ? { agent: poolFor(target.protocol, options) } : { agent: false, lookup: createSafeLookup(options) }) },
          (res) => {
            answered = true;
            const chunks: Buffer[] = [];
            let bytes = 0;
            const finish = (truncated: boolean) =>
              settle(() => {
                const all = Buffer.concat(chunks);
                const responseHeaders: Record<string, string> = {};
                for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) responseHeaders[k] = Array.isArray(v) ? v.join(', ') : v;
                resolve({
                  status: res.statusCode ?? 0,
                  headers: responseHeaders,
                  // stream: true holds back a trailing partial character instead of emitting U+FFFD.
                  bodyExcerpt: new TextDecoder().decode(all.subarray(0, excerptBytes), { stream: true }),
                  bodyBytes: bytes,
                  bodyTruncated: truncated,
                  durationMs: Math.round(performance.now() - started),
                });
              }, !truncated);
            res.on('data', (chunk: Buffer) => {
              if (settled) return;
              const room = maxBodyBytes - bytes;
              if (chunk.length > room) {
                chunks.push(chunk.subarray(0, room));
                bytes += room;
                finish(true);
                return;
              }
              chunks.push(chunk);
              bytes += chunk.length;
            });
            res.on('end', () => finish(false));
            res.on('error', fail);
            res.on('close', () => {
              if (!res.complete) fail(Object.assign(new Error('connection closed before the response ended'), { code: 'ECONNRESET' }));
            });
          },
        );
      } catch (err) {
        // Invalid method or header characters: the caller's input, not the target's fault.
        clearTimeout(timer);
        settled = true;
        reject(err);
        return;
      }
      const current = req;
      own = current;
      current.on('socket', (socket) => {
        // A reused connection was opened (and its address checked) by an earlier request.
        if (current.reusedSocket) connected = true;
        else
          socket.once(target.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
            connected = true;
          });
      });
      current.on('error', fail);
      current.end(body);
    };
    send(true);
  });
}
