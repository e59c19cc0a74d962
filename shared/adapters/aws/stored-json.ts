import { gunzipSync, gzipSync } from 'node:zlib';
import { HooklineError } from '../../errors';

/*
 * Free-form JSON (webhook and subscription configs, audit before/after, task and action results,
 * event action lists) is stored as JSON text, never as nested DynamoDB maps:
 * - stored exactly as given: the DocumentClient's marshaller refuses objects with a `constructor`
 *   key ("Unsupported type") and loses `__proto__` keys; JSON text keeps every key;
 * - never nested in the item, so DynamoDB's 32-level limit cannot refuse it;
 * - gzip-compressed (a Binary attribute) above 8 KB, so large configs and audit entries stay far
 *   from the 400 KB item limit.
 * Items written before this change (nested maps) are still read as they are.
 */

const GZIP_OVER_BYTES = 8 * 1024;
/** DynamoDB refuses items over 400 KB; stay clear of it with room for keys and small attributes. */
export const MAX_STORED_BYTES = 350 * 1024;

export type Item = Record<string, unknown>;

/** JSON text of `value`, gzipped when large. */
export function toStoredJson(value: unknown): string | Uint8Array {
  const text = JSON.stringify(value ?? null);
  return Buffer.byteLength(text) > GZIP_OVER_BYTES ? gzipSync(text) : text;
}

export function fromStoredJson(v: unknown): unknown {
  if (typeof v === 'string') return JSON.parse(v);
  if (v instanceof Uint8Array) return JSON.parse(gunzipSync(v).toString('utf8'));
  return v;
}

/** Bytes a stored attribute takes (strings in UTF-8, binaries as they are). */
export function storedBytes(v: string | Uint8Array): number {
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/** Too large to store even compressed: a 413 naming what, never a 500 from DynamoDB. */
export class StoredTooLargeError extends HooklineError {
  override readonly name = 'StoredTooLargeError';
  constructor(what: string, bytes: number, path = '(body)') {
    super('payload_too_large', `${what} takes ${bytes} bytes stored (compressed); at most ${MAX_STORED_BYTES} fit in one record.`, 413, {
      details: [{ path, message: `at most ${MAX_STORED_BYTES} bytes stored` }],
    });
  }
}

const DOC = 'doc';

/** A record larger as JSON than its documented limit: 413 before anything is written. */
export class RecordTooLargeError extends HooklineError {
  override readonly name = 'RecordTooLargeError';
  constructor(what: string, bytes: number, limit: number) {
    super('payload_too_large', `${what} is ${bytes} bytes as JSON; at most ${limit} are accepted.`, 413, { details: [{ path: '(body)', message: `at most ${limit} bytes as JSON` }] });
  }
}

/**
 * A whole record as one JSON attribute `doc`, next to the key attributes and the `keep`
 * attributes conditions and filters need (copied, not moved: the doc stays the whole record).
 * `maxJsonBytes` is the record's documented limit before compression.
 */
export function packDoc(key: Item, record: object, keep: string[], what: string, maxJsonBytes = Infinity): Item {
  const jsonBytes = Buffer.byteLength(JSON.stringify(record));
  if (jsonBytes > maxJsonBytes) throw new RecordTooLargeError(what, jsonBytes, maxJsonBytes);
  const doc = toStoredJson(record);
  const bytes = storedBytes(doc);
  if (bytes > MAX_STORED_BYTES) throw new StoredTooLargeError(what, bytes);
  const out: Item = { ...key, [DOC]: doc };
  for (const k of keep) if ((record as Item)[k] !== undefined) out[k] = (record as Item)[k];
  return out;
}

/** The record of a `packDoc` item (or of an item written before docs: its attributes minus `drop`). */
export function unpackDoc<T>(item: Item | undefined, drop: string[]): T | null {
  if (!item) return null;
  if (item[DOC] !== undefined) return fromStoredJson(item[DOC]) as T;
  const rest: Item = { ...item };
  for (const k of drop) delete rest[k];
  return rest as T;
}

/** `fields` of `record` moved into `<field>_json` text attributes. */
export function packFields(record: object, fields: string[], what: string): Item {
  const out: Item = { ...(record as Item) };
  let total = 0;
  for (const f of fields) {
    if (out[f] === undefined) continue;
    const v = toStoredJson(out[f]);
    total += storedBytes(v);
    if (total > MAX_STORED_BYTES) throw new StoredTooLargeError(what, total, f);
    delete out[f];
    out[`${f}_json`] = v;
  }
  return out;
}

/** The record of a `packFields` item (items written before keep their nested attributes). */
export function unpackFields<T>(item: Item | undefined, fields: string[]): T | null {
  if (!item) return null;
  const out: Item = { ...item };
  for (const f of fields) {
    const k = `${f}_json`;
    if (out[k] === undefined) continue;
    out[f] = fromStoredJson(out[k]);
    delete out[k];
  }
  return out as T;
}
