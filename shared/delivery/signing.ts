/**
 * Outbound signatures (CONTRACT §4): Standard Webhooks headers and X-Hookline-Signature.
 *
 * A subscription secret is one of two kinds, told apart by {@link parseSubscriptionSecret} (the
 * only place that knows the rules; the API's schema and the signers both call it):
 * - generated (or supplied in that form): `whsec_` + base64 of 24 to 64 bytes; the Standard
 *   Webhooks key is the decoded bytes;
 * - plain: any other string of 16 to 256 printable ASCII characters (as the outbound design
 *   documents register them, `"secret": "your_webhook_secret"`); the Standard Webhooks key is its
 *   UTF-8 bytes.
 * X-Hookline-Signature is keyed with the secret string's UTF-8 bytes either way.
 */
import { randomBytes } from 'node:crypto';
import { hmac, safeEqual } from '../providers/crypto';
import { STANDARD_TOLERANCE_SECONDS } from '../providers/standard-webhooks';
import { version } from '../version';

export const SECRET_PREFIX = 'whsec_';
/** Bytes of key a `whsec_` secret may decode to. */
export const GENERATED_SECRET_BYTES = { min: 24, max: 64 } as const;
/** Characters of a plain secret. */
export const PLAIN_SECRET_LENGTH = { min: 16, max: 256 } as const;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export type ParsedSecret = { ok: true; kind: 'generated' | 'plain'; key: Buffer } | { ok: false; message: string };

/**
 * The one reading of a subscription secret: its kind and the Standard Webhooks HMAC key, or why
 * it is refused. A string that starts with `whsec_` is always read as base64 (never as a plain
 * secret), so the two kinds cannot be confused by a receiver.
 */
export function parseSubscriptionSecret(secret: string): ParsedSecret {
  if (secret.startsWith(SECRET_PREFIX)) return parseWhsecSecret(secret);
  const { min, max } = PLAIN_SECRET_LENGTH;
  if (secret.length < min || secret.length > max || !PRINTABLE_ASCII.test(secret))
    return { ok: false, message: `a secret must be ${SECRET_PREFIX} + base64 of ${GENERATED_SECRET_BYTES.min} to ${GENERATED_SECRET_BYTES.max} bytes, or ${min} to ${max} printable ASCII characters` };
  return { ok: true, kind: 'plain', key: Buffer.from(secret, 'utf8') };
}

/**
 * The one reading of a `whsec_` secret (Standard Webhooks, Svix, Hookline's generated ones):
 * base64 of 24 to 64 bytes after the prefix; the HMAC key is the decoded bytes.
 */
export function parseWhsecSecret(secret: string): ParsedSecret {
  const b64 = secret.slice(SECRET_PREFIX.length);
  const { min, max } = GENERATED_SECRET_BYTES;
  if (!secret.startsWith(SECRET_PREFIX) || !BASE64.test(b64)) return { ok: false, message: `a secret starting with ${SECRET_PREFIX} must continue with base64 (A-Z a-z 0-9 + /, = padding) of ${min} to ${max} bytes` };
  const key = Buffer.from(b64, 'base64');
  if (key.length < min || key.length > max) return { ok: false, message: `a secret starting with ${SECRET_PREFIX} must encode ${min} to ${max} bytes (this one encodes ${key.length})` };
  return { ok: true, kind: 'generated', key };
}

/**
 * Why a secret can never verify a Standard Webhooks / Svix `v1` signature, or null. The secret is
 * `whsec_` + base64 (the prefix may be left out: the rest is then read as base64, as the
 * standardwebhooks library does); a `whpk_` Ed25519 public key is another kind and passes.
 */
export function standardWebhooksSecretProblem(secret: string): string | null {
  if (secret.startsWith('whpk_')) return null;
  const parsed = parseWhsecSecret(secret.startsWith(SECRET_PREFIX) ? secret : `${SECRET_PREFIX}${secret}`);
  return parsed.ok ? null : parsed.message;
}

/** The Standard Webhooks HMAC key of a subscription secret; throws on a malformed one. */
export function subscriptionSigningKey(secret: string): Buffer {
  const parsed = parseSubscriptionSecret(secret);
  // A malformed secret would sign with a key no receiver holds: fail loudly instead.
  if (!parsed.ok) throw new TypeError(`Invalid subscription secret: ${parsed.message}.`);
  return parsed.key;
}

const list = (secret: string | readonly string[]): readonly string[] => (typeof secret === 'string' ? [secret] : secret);

/** A new subscription secret: `whsec_` + base64 of 32 random bytes. */
export function generateSubscriptionSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The three Standard Webhooks headers. With several secrets (a rotation in progress), one
 * `v1,<sig>` per secret, space-separated, so receivers holding either key verify.
 */
export function standardWebhookHeaders(
  secret: string | readonly string[],
  id: string,
  timestampSeconds: number,
  body: string | Buffer,
): { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string } {
  const secrets = list(secret);
  if (secrets.length === 0) throw new TypeError('At least one secret is needed to sign.');
  if (!Number.isInteger(timestampSeconds) || timestampSeconds < 0) throw new TypeError('timestampSeconds must be a non-negative integer of unix seconds.');
  const ts = String(timestampSeconds);
  const signatures = secrets.map((s) => `v1,${hmac('sha256', subscriptionSigningKey(s), [`${id}.${ts}.`, body], 'base64')}`);
  return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': signatures.join(' ') };
}

/** `sha256=<hex HMAC-SHA256 of the body>`, keyed with the secret string's UTF-8 bytes (prefix included). */
export function hooklineSignature(secret: string, body: string | Buffer): string {
  return `sha256=${hmac('sha256', secret, [body], 'hex')}`;
}

/** Everything a delivery needs to identify and sign itself. */
export interface DeliveryHeaderInput {
  /** Current secret first, then any still in their grace period. */
  secrets: readonly string[];
  /** Stable across retries of the same delivery, as `webhook-id` must be for receivers to deduplicate. */
  deliveryId: string;
  eventType: string;
  timestampSeconds: number;
  body: string | Buffer;
}

/**
 * Every header CONTRACT §4 puts on a delivery. X-Hookline-Signature carries one value (receivers
 * compare it whole, GitHub-style), so it is signed with the current secret only; during a
 * rotation the old key keeps verifying through the Standard Webhooks header.
 */
export function deliveryHeaders({ secrets, deliveryId, eventType, timestampSeconds, body }: DeliveryHeaderInput): Record<string, string> {
  const standard = standardWebhookHeaders(secrets, deliveryId, timestampSeconds, body);
  return {
    'content-type': 'application/json',
    'user-agent': `Hookline-Webhooks/${version}`,
    ...standard,
    'x-hookline-signature': hooklineSignature(secrets[0], body),
    'x-hookline-event': eventType,
    'x-hookline-delivery': deliveryId,
    'x-hookline-timestamp': standard['webhook-timestamp'],
  };
}

/** Headers as a receiver's framework hands them over. */
export type ReceivedHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyHooklineSignatureInput {
  /** The subscription secret (`whsec_…` or the plain secret you registered), or several while the receiver rotates. */
  secret: string | readonly string[];
  /** The raw body exactly as received (verify before parsing). */
  body: string | Buffer;
  headers: ReceivedHeaders;
  /** Allowed clock skew either way for `webhook-timestamp`; default 300 s. */
  toleranceSeconds?: number;
  now?: Date;
}

export type HooklineVerification = { ok: true; scheme: 'standard-webhooks' | 'x-hookline-signature' } | { ok: false; reason: string };

function header(headers: ReceivedHeaders, name: string, joiner: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (k.toLowerCase() === name) return Array.isArray(v) ? v.join(joiner) : v;
  }
  return undefined;
}

/**
 * Verifies a delivery from Hookline, for receivers: the Standard Webhooks signature when its
 * headers are present (timestamp within the tolerance both ways, then every `v1` entry against
 * every secret, timing-safe), else X-Hookline-Signature. Present-but-wrong Standard Webhooks
 * headers never fall back to the weaker scheme, which has no timestamp to stop replays.
 */
export function verifyHooklineSignature({ secret, body, headers, toleranceSeconds = STANDARD_TOLERANCE_SECONDS, now = new Date() }: VerifyHooklineSignatureInput): HooklineVerification {
  const secrets = list(secret).filter((s) => s.length > 0);
  if (secrets.length === 0) return { ok: false, reason: 'no secret to verify with' };
  const unusable = secrets.map(parseSubscriptionSecret).find((p) => !p.ok);
  if (unusable && !unusable.ok) return { ok: false, reason: `the secret to verify with is not one Hookline signs with: ${unusable.message}` };

  const signature = header(headers, 'webhook-signature', ' ');
  if (signature !== undefined) {
    const id = header(headers, 'webhook-id', ',');
    const ts = header(headers, 'webhook-timestamp', ',');
    if (!id) return { ok: false, reason: 'missing webhook-id header' };
    if (!ts || !/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'missing or malformed webhook-timestamp header' };
    if (Math.abs(now.getTime() / 1000 - Number(ts)) > toleranceSeconds) return { ok: false, reason: 'webhook-timestamp outside the tolerance window' };
    const given = signature
      .split(' ')
      .filter((e) => e.startsWith('v1,'))
      .map((e) => e.slice(3));
    let ok = false;
    // No early exit: the time taken does not reveal which secret or entry matched.
    for (const s of secrets) {
      const key = subscriptionSigningKey(s);
      const expected = hmac('sha256', key, [`${id}.${ts}.`, body], 'base64');
      for (const sig of given) ok = safeEqual(expected, sig) || ok;
    }
    return ok ? { ok: true, scheme: 'standard-webhooks' } : { ok: false, reason: 'webhook-signature does not match' };
  }

  const hookline = header(headers, 'x-hookline-signature', ',');
  if (hookline !== undefined) {
    let ok = false;
    for (const s of secrets) ok = safeEqual(hooklineSignature(s, body), hookline) || ok;
    return ok ? { ok: true, scheme: 'x-hookline-signature' } : { ok: false, reason: 'x-hookline-signature does not match' };
  }
  return { ok: false, reason: 'missing webhook-signature and x-hookline-signature headers' };
}
