import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QuestionRecord, QuestionStatus } from '../../model/question';
import type { Page, QuestionStore } from '../../ports';
import { decodeCursor, encodeCursor } from './cursor';
import { isConditionFailed, unavailable } from './errors';

/** Questions from `ask`; by_thread finds a thread's open question, by_webhook lists a webhook's. */
export class DynamoQuestionStore implements QuestionStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async putIfAbsent(q: QuestionRecord): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: q, ConditionExpression: 'attribute_not_exists(question_id)' }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw unavailable('The question store', err);
    }
  }

  async get(id: string): Promise<QuestionRecord | null> {
    try {
      return ((await this.db.send(new GetCommand({ TableName: this.table, Key: { question_id: id }, ConsistentRead: true }))).Item as QuestionRecord) ?? null;
    } catch (err) {
      throw unavailable('The question store', err);
    }
  }

  async openForThread(threadKey: string): Promise<QuestionRecord | null> {
    try {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'by_thread',
          KeyConditionExpression: 'thread_key = :t',
          FilterExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':t': threadKey, ':open': 'open' },
          ScanIndexForward: false,
          Limit: 20,
        }),
      );
      return (out.Items?.[0] as QuestionRecord) ?? null;
    } catch (err) {
      throw unavailable('The question store', err);
    }
  }

  async answer(id: string, answer: { answer: string; answer_event_id: string; answered_at: string }): Promise<QuestionRecord | null> {
    try {
      const out = await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { question_id: id },
          UpdateExpression: 'SET #s = :answered, answer = :a, answer_event_id = :e, answered_at = :at',
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':answered': 'answered', ':open': 'open', ':a': answer.answer, ':e': answer.answer_event_id, ':at': answer.answered_at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as QuestionRecord;
    } catch (err) {
      if (isConditionFailed(err)) return null;
      throw unavailable('The question store', err);
    }
  }

  async list(q: { webhook_id?: string; status?: QuestionStatus; limit: number; cursor?: string }): Promise<Page<QuestionRecord>> {
    const items: QuestionRecord[] = [];
    const byWebhook = q.webhook_id !== undefined;
    let start = decodeCursor(q.cursor, byWebhook ? ['question_id', 'webhook_id', 'asked_key'] : ['question_id', 'kind', 'asked_key']);
    do {
      let out;
      try {
        out = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: byWebhook ? 'by_webhook' : 'by_time',
            KeyConditionExpression: '#p = :p',
            ExpressionAttributeNames: { '#p': byWebhook ? 'webhook_id' : 'kind', ...(q.status ? { '#s': 'status' } : {}) },
            ExpressionAttributeValues: { ':p': byWebhook ? q.webhook_id : 'question', ...(q.status ? { ':s': q.status } : {}) },
            ...(q.status ? { FilterExpression: '#s = :s' } : {}),
            ScanIndexForward: false,
            Limit: q.limit - items.length,
            ExclusiveStartKey: start,
          }),
        );
      } catch (err) {
        throw unavailable('The question store', err);
      }
      items.push(...((out.Items ?? []) as QuestionRecord[]));
      start = out.LastEvaluatedKey as Record<string, string> | undefined;
    } while (start && items.length < q.limit);
    return { items, next_cursor: encodeCursor(start) };
  }
}
