import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QuestionRecord, QuestionStatus } from '../../model/question';
import type { Page, QuestionStore } from '../../ports';
import { partitionQuery, putIfAbsent, queryPage } from './dynamo-helpers';
import { isConditionFailed, unavailable } from './errors';

/** Questions from `ask`; by_thread finds a thread's open question, by_webhook lists a webhook's. */
export class DynamoQuestionStore implements QuestionStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  putIfAbsent(q: QuestionRecord): Promise<boolean> {
    return putIfAbsent(this.db, this.table, q as unknown as Record<string, unknown>, 'question_id', 'The question store');
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

  list(q: { webhook_id?: string; status?: QuestionStatus; limit: number; cursor?: string }): Promise<Page<QuestionRecord>> {
    const byWebhook = q.webhook_id !== undefined;
    return queryPage<QuestionRecord>(
      this.db,
      partitionQuery(this.table, byWebhook ? 'by_webhook' : 'by_time', byWebhook ? 'webhook_id' : 'kind', byWebhook ? q.webhook_id : 'question', q.status),
      { limit: q.limit, cursor: q.cursor, cursorKeys: ['question_id', byWebhook ? 'webhook_id' : 'kind', 'asked_key'] },
      'The question store',
    );
  }
}
