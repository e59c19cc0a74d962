import { DeleteCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { NotFoundError, VersionMismatchError } from '../../errors';
import type { Page } from '../../ports';
import { decodeCursor, encodeCursor } from './cursor';
import { isConditionFailed, unavailable } from './errors';

/** Writes `item` unless an item with the same `keyAttr` exists; false for a duplicate. */
export async function putIfAbsent(db: DynamoDBDocumentClient, table: string, item: Record<string, unknown>, keyAttr: string, what: string): Promise<boolean> {
  try {
    await db.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': keyAttr } }));
    return true;
  } catch (err) {
    if (isConditionFailed(err)) return false;
    throw unavailable(what, err);
  }
}

/** The resource a versioned write is about: what to call it in a 404, and how to read its current version. */
export interface Versioned {
  kind: string;
  id: string;
  current: () => Promise<{ version: number } | null>;
}

/** A failed version condition: 404 when the item is gone, else 412 with the version it has now. */
async function versionConflict(of: Versioned, expected: number | undefined): Promise<Error> {
  const now = await of.current();
  return now ? new VersionMismatchError(expected ?? 0, now.version) : new NotFoundError(of.kind, of.id);
}

/** Replaces `item` only while the stored one still has `expectedVersion` (optimistic locking). */
export async function putIfVersion(db: DynamoDBDocumentClient, table: string, item: Record<string, unknown>, expectedVersion: number, of: Versioned, what: string): Promise<void> {
  try {
    await db.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }));
  } catch (err) {
    if (isConditionFailed(err)) throw await versionConflict(of, expectedVersion);
    throw unavailable(what, err);
  }
}

/** Deletes the item at `key` if it exists and, when `expectedVersion` is given, still has that version. */
export async function deleteIfVersion(db: DynamoDBDocumentClient, table: string, key: Record<string, unknown>, expectedVersion: number | undefined, of: Versioned, what: string): Promise<void> {
  try {
    await db.send(
      new DeleteCommand({
        TableName: table,
        Key: key,
        ConditionExpression: expectedVersion === undefined ? 'attribute_exists(pk)' : '#v = :v',
        ...(expectedVersion === undefined ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
      }),
    );
  } catch (err) {
    if (isConditionFailed(err)) throw await versionConflict(of, expectedVersion);
    throw unavailable(what, err);
  }
}

/**
 * One page of a Query with an opaque cursor. With a FilterExpression DynamoDB may return short
 * pages; this keeps reading until the page is full or the index ends, so only the last page is short.
 * `cursorKeys` are the attributes of LastEvaluatedKey (table key + index key). The cursor is bound
 * to this exact query (see cursor.ts) and its partition attribute must equal the key condition's:
 * a cursor from any other list answers 400 invalid_cursor.
 */
export async function queryPage<T>(
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  page: { limit: number; cursor?: string; cursorKeys: string[] },
  what: string,
  map: (item: Record<string, unknown>) => T = (i) => i as T,
): Promise<Page<T>> {
  const items: T[] = [];
  const binding = [input.TableName, input.IndexName ?? null, input.KeyConditionExpression, input.FilterExpression ?? null, input.ExpressionAttributeValues ?? null, input.ScanIndexForward ?? true];
  let start = decodeCursor(page.cursor, page.cursorKeys, binding, pinnedPartition(input));
  do {
    let out;
    try {
      out = await db.send(new QueryCommand({ ...input, Limit: page.limit - items.length, ExclusiveStartKey: start }));
    } catch (err) {
      throw unavailable(what, err);
    }
    for (const it of out.Items ?? []) items.push(map(it));
    start = out.LastEvaluatedKey as Record<string, string> | undefined;
  } while (start && items.length < page.limit);
  return { items, next_cursor: encodeCursor(start, binding) };
}

/** Key condition on one partition (names escaped: `agent`, `status` and others are reserved words), optional status filter. */
export function partitionQuery(table: string, index: string | undefined, partitionAttr: string, value: unknown, status?: string): Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'> {
  return {
    TableName: table,
    ...(index ? { IndexName: index } : {}),
    KeyConditionExpression: '#p = :p',
    ExpressionAttributeNames: { '#p': partitionAttr, ...(status ? { '#s': 'status' } : {}) },
    ExpressionAttributeValues: { ':p': value, ...(status ? { ':s': status } : {}) },
    ...(status ? { FilterExpression: '#s = :s' } : {}),
    ScanIndexForward: false,
  };
}

/** The partition attribute and value a key condition `p = :p ...` fixes. */
function pinnedPartition(input: Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>): Record<string, unknown> {
  const m = /^\s*(#?\w+)\s*=\s*(:\w+)/.exec(input.KeyConditionExpression ?? '');
  if (!m) return {};
  const attr = m[1].startsWith('#') ? input.ExpressionAttributeNames?.[m[1]] : m[1];
  return attr ? { [attr]: input.ExpressionAttributeValues?.[m[2]] } : {};
}
