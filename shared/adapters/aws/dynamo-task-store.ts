import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { VersionMismatchError } from '../../errors';
import type { TaskRecord, TaskStatus } from '../../model/task';
import type { Page, TaskStore } from '../../ports';
import { partitionQuery, putIfAbsent, queryPage } from './dynamo-helpers';
import { isConditionFailed, unavailable } from './errors';
import { packFields, unpackFields, type Item } from './stored-json';

/** An agent's result is free-form JSON: stored as text (see stored-json.ts). */
const JSON_FIELDS = ['result', 'source'];
const toItem = (t: TaskRecord) => packFields(t, JSON_FIELDS, 'The task');
const fromItem = (i: Item | undefined) => unpackFields<TaskRecord>(i, JSON_FIELDS);

/** Tasks keyed by task_id; by_agent lists an agent's tasks newest first. */
export class DynamoTaskStore implements TaskStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  createIfAbsent(t: TaskRecord): Promise<boolean> {
    return putIfAbsent(this.db, this.table, toItem(t), 'task_id', 'The task store');
  }

  async get(id: string): Promise<TaskRecord | null> {
    try {
      return fromItem((await this.db.send(new GetCommand({ TableName: this.table, Key: { task_id: id }, ConsistentRead: true }))).Item);
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
        new PutCommand({ TableName: this.table, Item: toItem(t), ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new VersionMismatchError(expectedVersion, undefined);
      throw unavailable('The task store', err);
    }
  }

  list(q: { agent?: string; status?: TaskStatus; limit: number; cursor?: string }): Promise<Page<TaskRecord>> {
    const byAgent = q.agent !== undefined;
    return queryPage<TaskRecord>(
      this.db,
      partitionQuery(this.table, byAgent ? 'by_agent' : 'by_time', byAgent ? 'agent' : 'kind', byAgent ? q.agent : 'task', q.status),
      { limit: q.limit, cursor: q.cursor, cursorKeys: ['task_id', byAgent ? 'agent' : 'kind', 'created_key'] },
      'The task store',
      (i) => fromItem(i)!,
    );
  }
}
