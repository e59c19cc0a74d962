import { randomBytes } from 'node:crypto';

/** Time, injected so domain code never calls Date.now() directly. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Random lowercase base36 string of `n` characters (about 5.2 bits each). */
export function randomId(n: number): string {
  const bytes = randomBytes(n);
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[bytes[i] % 36];
  return out;
}

/** Prefixed ids: `evt_`, `cmd_`, `key_`, `aud_` ... Time-ordered so they sort by creation. */
export interface Ids {
  next(prefix: string): string;
}

export const randomIds: Ids = {
  next(prefix: string): string {
    // 9 base36 chars of milliseconds (good until year 5188), then 16 random chars.
    return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${randomId(16)}`;
  },
};
