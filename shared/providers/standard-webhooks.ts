import { createPublicKey, randomBytes, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { hmac, safeEqual } from './crypto';
import type { Described, InboundRequest, SampleDelivery, Verdict } from './types';

/** Header name prefixes of the scheme: `webhook-*` (Standard Webhooks) and `svix-*` (Svix, Clerk). */
export type HeaderFamily = 'webhook' | 'svix';

/** The spec and both reference libraries (svix, standardwebhooks) allow 5 minutes either way. */
export const STANDARD_TOLERANCE_SECONDS = 300;

// DER header of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * The HMAC key of a `v1` secret: base64 of what follows `whsec_`. Without the prefix the whole
 * string is taken as base64, as the standardwebhooks library does, so a secret copied without
 * its prefix still verifies.
 */
export function symmetricKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

function ed25519Key(secret: string): KeyObject | null {
  const raw = Buffer.from(secret.slice(5), 'base64');
  if (raw.length !== 32) return null;
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** The family whose signature header is present, first match in `families` order. */
export function headerFamily(req: InboundRequest, families: readonly HeaderFamily[]): HeaderFamily | undefined {
  return families.find((f) => req.headers[`${f}-signature`] !== undefined);
}

/**
 * Standard Webhooks / Svix verification: id, timestamp and signature headers from one family
 * (never mixed), timestamp within ±300 s, then every `v1,<base64 HMAC-SHA256>` entry against every
 * `whsec_` secret and every `v1a,<base64 Ed25519>` entry against every `whpk_` public key.
 * Other versions are skipped, as the reference libraries do.
 */
export function verifyStandardWebhook(req: InboundRequest, secrets: string[], now: Date, families: readonly HeaderFamily[]): Verdict {
  const family = headerFamily(req, families);
  if (!family) return { ok: false, reason: `missing ${families.map((f) => `${f}-signature`).join(' or ')} header` };
  const id = req.headers[`${family}-id`];
  const ts = req.headers[`${family}-timestamp`];
  const header = req.headers[`${family}-signature`] as string;
  if (!id) return { ok: false, reason: `missing ${family}-id header` };
  if (!ts || !/^\d{1,12}$/.test(ts)) return { ok: false, reason: `missing or malformed ${family}-timestamp header` };
  // Both directions: a timestamp far in the future would otherwise stay replayable until it is reached.
  if (Math.abs(now.getTime() / 1000 - Number(ts)) > STANDARD_TOLERANCE_SECONDS) return { ok: false, reason: 'timestamp outside the tolerance window' };

  const v1: string[] = [];
  const v1a: string[] = [];
  for (const entry of header.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0) continue;
    const version = entry.slice(0, comma);
    if (version === 'v1') v1.push(entry.slice(comma + 1));
    else if (version === 'v1a') v1a.push(entry.slice(comma + 1));
  }
  if (v1.length === 0 && v1a.length === 0) return { ok: false, reason: `${family}-signature has no v1 or v1a entry` };

  const prefix = `${id}.${ts}.`;
  let ok = false;
  let signed: Buffer | undefined;
  // Every secret against every entry, no early exit: rotation sends one entry per active key.
  for (const s of secrets) {
    if (s.startsWith('whpk_')) {
      const key = v1a.length ? ed25519Key(s) : null;
      if (!key) continue;
      signed ??= Buffer.concat([Buffer.from(prefix), req.body]);
      for (const sig of v1a) ok = ed25519Verify(key, signed, sig) || ok;
    } else if (v1.length) {
      const key = symmetricKey(s);
      if (key.length === 0) continue;
      const expected = hmac('sha256', key, [prefix, req.body], 'base64');
      for (const sig of v1) ok = safeEqual(expected, sig) || ok;
    }
  }
  return ok ? { ok: true } : { ok: false, reason: 'signature does not match' };
}

function ed25519Verify(key: KeyObject, data: Buffer, sigB64: string): boolean {
  const sig = Buffer.from(sigB64, 'base64');
  if (sig.length !== 64) return false;
  try {
    return cryptoVerify(null, data, key, sig);
  } catch {
    return false;
  }
}

/** The payload's `type` as the event type, and the id header (stable across retries) as the delivery id. */
export function describeStandard(id: string | undefined, payload: unknown): Described {
  const type = (payload as { type?: unknown } | null)?.type;
  return { event_type: typeof type === 'string' && type ? type : 'unknown', delivery_id: id || null };
}

/** A `v1`-signed sample delivery under `family` header names (a `whpk_` public key cannot sign: use a `whsec_` secret). */
export function signStandardSample(family: HeaderFamily, secret: string, now: Date, body: string): SampleDelivery {
  const id = `msg_${randomBytes(16).toString('hex')}`;
  const ts = String(Math.floor(now.getTime() / 1000));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [`${family}-id`]: id,
      [`${family}-timestamp`]: ts,
      [`${family}-signature`]: `v1,${hmac('sha256', symmetricKey(secret), [`${id}.${ts}.`, body], 'base64')}`,
    },
  };
}
