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
 * `cursorKeys` are the attributes of LastEvaluatedKey (table key + index key).
 */
export async function queryPage<T>(
  db: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'Limit' | 'ExclusiveStartKey'>,
  page: { limit: number; cursor?: string; cursorKeys: string[] },
  what: string,
  map: (item: Record<string, unknown>) => T = (i) => i as T,
): Promise<Page<T>> {
  const items: T[] = [];
  let start = decodeCursor(page.cursor, page.cursorKeys);
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
  return { items, next_cursor: encodeCursor(start) };
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
