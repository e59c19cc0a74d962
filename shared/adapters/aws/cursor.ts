import { createHmac, timingSafeEqual } from 'node:crypto';
import { HooklineError } from '../../errors';

/**
 * Opaque, tamper-evident pagination cursors: `<base64url(JSON of DynamoDB's LastEvaluatedKey)>.<tag>`,
 * where the tag is an HMAC-SHA256 over the key and the identity of the list that issued it
 * (table, index, key condition and its values, filter and its values, direction). A cursor is
 * therefore only accepted by the very list it came from: another partition (API keys, the audit
 * log, another webhook's events), another filter or an edited key is refused with 400
 * `invalid_cursor` before DynamoDB sees it. The decoder also checks the key's shape (exactly the
 * expected attributes, short strings) and that the partition attributes equal the list's own, so
 * even a forged tag cannot reach another partition.
 */

/** The identity of one list: everything that decides which items it returns, in which order. */
export type CursorBinding = unknown;

const MAX_VALUE_CHARS = 2048;

function tag(payload: string, binding: CursorBinding): string {
  return createHmac('sha256', 'hookline-cursor-v1').update(JSON.stringify(binding)).update('\n').update(payload).digest('base64url').slice(0, 22);
}

export class InvalidCursorError extends HooklineError {
  override readonly name = 'InvalidCursorError';
  constructor() {
    super('invalid_cursor', 'The cursor is not valid for this list: pass the next_cursor of the previous page of the same list, unchanged.', 400, {
      details: [{ path: 'cursor', message: 'not a cursor returned by this list' }],
    });
  }
}

export function encodeCursor(key: Record<string, unknown> | undefined, binding: CursorBinding = null): string | null {
  if (!key) return null;
  const payload = Buffer.from(JSON.stringify(key)).toString('base64url');
  return `${payload}.${tag(payload, binding)}`;
}

/**
 * Decodes a cursor of the list `binding`, checking its tag, that it carries exactly the `keys`
 * attributes as strings, and that each attribute in `pinned` has the list's own value.
 */
export function decodeCursor(
  cursor: string | undefined,
  keys: string[],
  binding: CursorBinding = null,
  pinned: Record<string, unknown> = {},
): Record<string, string> | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const dot = cursor.indexOf('.');
  if (dot <= 0) throw new InvalidCursorError();
  const payload = cursor.slice(0, dot);
  const given = Buffer.from(cursor.slice(dot + 1));
  const expected = Buffer.from(tag(payload, binding));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursorError();
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InvalidCursorError();
  const o = v as Record<string, unknown>;
  const ok =
    Object.keys(o).length === keys.length &&
    keys.every((k) => typeof o[k] === 'string' && (o[k] as string).length > 0 && (o[k] as string).length <= MAX_VALUE_CHARS) &&
    Object.entries(pinned).every(([k, want]) => o[k] === want);
  if (!ok) throw new InvalidCursorError();
  return o as Record<string, string>;
}
