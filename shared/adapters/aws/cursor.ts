import { ValidationError } from '../../errors';

/** Opaque pagination cursor: base64url of DynamoDB's LastEvaluatedKey. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : null;
}

/** Decodes a cursor, checking it carries exactly the expected key attributes. */
export function decodeCursor(cursor: string | undefined, keys: string[]): Record<string, string> | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (Object.keys(o).length === keys.length && keys.every((k) => typeof o[k] === 'string')) return o as Record<string, string>;
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('The cursor is not valid.', [{ path: 'cursor', message: 'not a cursor returned by this list' }]);
}
