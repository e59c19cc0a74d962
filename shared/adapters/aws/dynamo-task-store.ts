import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { VersionMismatchError } from '../../errors';
import type { TaskRecord, TaskStatus } from '../../model/task';
import type { Page, TaskStore } from '../../ports';
import { decodeCursor, encodeCursor } from './cursor';
import { isConditionFailed, unavailable } from './errors';

/** Tasks keyed by task_id; by_agent lists an agent's tasks newest first. */
export class DynamoTaskStore implements TaskStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async createIfAbsent(t: TaskRecord): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: t, ConditionExpression: 'attribute_not_exists(task_id)' }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw unavailable('The task store', err);
    }
  }

  async get(id: string): Promise<TaskRecord | null> {
    try {
      return ((await this.db.send(new GetCommand({ TableName: this.table, Key: { task_id: id }, ConsistentRead: true }))).Item as TaskRecord) ?? null;
    } catch (err) {
      throw unavailable('The task store', err);
    }
  }

  async markPublished(id: string, at: string): Promise<void> {
    try {
      await this.db.send(new UpdateCommand({ TableName: this.table, Key: { task_id: id }, UpdateExpression: 'SET published_at = :at', ExpressionAttributeValues: { ':at': at } }));
    } catch (err) {
      throw unavailable('The task store', err);
    }
  }

  async replace(t: TaskRecord, expectedVersion: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.table, Item: t, ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new VersionMismatchError(expectedVersion, undefined);
      throw unavailable('The task store', err);
    }
  }

  async list(q: { agent?: string; status?: TaskStatus; limit: number; cursor?: string }): Promise<Page<TaskRecord>> {
    const items: TaskRecord[] = [];
    const byAgent = q.agent !== undefined;
    let start = decodeCursor(q.cursor, byAgent ? ['task_id', 'agent', 'created_key'] : ['task_id', 'kind', 'created_key']);
    do {
      let out;
      try {
        out = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: byAgent ? 'by_agent' : 'by_time',
            // agent and status are DynamoDB reserved words.
            KeyConditionExpression: '#p = :p',
            ExpressionAttributeValues: { ':p': byAgent ? q.agent : 'task', ...(q.status ? { ':s': q.status } : {}) },
            ExpressionAttributeNames: { '#p': byAgent ? 'agent' : 'kind', ...(q.status ? { '#s': 'status' } : {}) },
            ...(q.status ? { FilterExpression: '#s = :s' } : {}),
            ScanIndexForward: false,
            Limit: q.limit - items.length,
            ExclusiveStartKey: start,
          }),
        );
      } catch (err) {
        throw unavailable('The task store', err);
      }
      items.push(...((out.Items ?? []) as TaskRecord[]));
      start = out.LastEvaluatedKey as Record<string, string> | undefined;
    } while (start && items.length < q.limit);
    return { items, next_cursor: encodeCursor(start) };
  }
}
