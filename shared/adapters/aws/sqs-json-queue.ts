import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { unavailable } from './errors';

/** One SendMessage of a JSON message to one queue; an SDK failure becomes `unavailable` naming the queue. */
export class SqsJsonQueue<T> {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly what: string,
  ) {}

  async send(message: T): Promise<void> {
    try {
      await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }));
    } catch (err) {
      throw unavailable(this.what, err);
    }
  }
}
