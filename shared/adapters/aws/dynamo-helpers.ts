import { PutCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
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
