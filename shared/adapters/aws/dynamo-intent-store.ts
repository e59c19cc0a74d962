import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ActionIntent, IntentStore } from '../../ports';
import { isConditionFailed, unavailable } from './errors';

/** Side-effect intents, one item per (event, command), claimed with a conditional write. */
export class DynamoIntentStore implements IntentStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(id: string): Promise<ActionIntent | null> {
    try {
      return ((await this.db.send(new GetCommand({ TableName: this.table, Key: { action_id: id }, ConsistentRead: true }))).Item as ActionIntent) ?? null;
    } catch (err) {
      throw unavailable('The action store', err);
    }
  }

  async claim(intent: ActionIntent, previousAttempts: number | null): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: intent,
          ...(previousAttempts === null
            ? { ConditionExpression: 'attribute_not_exists(action_id)' }
            : { ConditionExpression: '#s = :retry AND attempts = :n', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':retry': 'retry', ':n': previousAttempts } }),
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw unavailable('The action store', err);
    }
  }

  async finish(intent: ActionIntent): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: intent }));
    } catch (err) {
      throw unavailable('The action store', err);
    }
  }
}
