import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryQueue } from '../../ports';
import { unavailable } from './errors';

/** One message per delivery, sent ten to a request. */
export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(private readonly sqs: SQSClient, private readonly queueUrl: string) {}

  async sendAll(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 10) {
      const chunk = ids.slice(i, i + 10);
      let out;
      try {
        out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: chunk.map((id, j) => ({ Id: String(j), MessageBody: JSON.stringify({ delivery_id: id }) })) }));
      } catch (err) {
        throw unavailable('The delivery queue', err);
      }
      if (out.Failed?.length) throw unavailable('The delivery queue', new Error(`${out.Failed.length} messages not accepted: ${out.Failed[0].Message}`));
    }
  }
}
