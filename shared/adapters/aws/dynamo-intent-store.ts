import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ActionIntent, IntentStore } from '../../ports';
import { isConditionFailed, unavailable } from './errors';
import { packFields, unpackFields } from './stored-json';

const JSON_FIELDS = ['result'];
const toItem = (i: ActionIntent) => packFields(i, JSON_FIELDS, 'The action record');

/** Side-effect intents, one item per (event, command), claimed with a conditional write. */
export class DynamoIntentStore implements IntentStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(id: string): Promise<ActionIntent | null> {
    try {
      return unpackFields<ActionIntent>((await this.db.send(new GetCommand({ TableName: this.table, Key: { action_id: id }, ConsistentRead: true }))).Item, JSON_FIELDS);
    } catch (err) {
      throw unavailable('The action store', err);
    }
  }

  async claim(intent: ActionIntent, previousAttempts: number | null): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: toItem(intent),
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
      await this.db.send(new PutCommand({ TableName: this.table, Item: toItem(intent) }));
    } catch (err) {
      throw unavailable('The action store', err);
    }
  }
}
