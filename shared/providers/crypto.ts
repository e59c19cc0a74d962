import { createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two strings (length is not secret; content is). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** HMAC over the concatenation of `parts` (strings as UTF-8, buffers as is). */
export function hmac(algorithm: 'sha1' | 'sha256' | 'sha512', key: string | Buffer, parts: (string | Buffer)[], encoding: 'hex' | 'base64'): string {
  const h = createHmac(algorithm, key);
  for (const p of parts) h.update(p);
  return h.digest(encoding);
}
