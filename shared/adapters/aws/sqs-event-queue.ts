import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueuedEvent } from '../../model/queued-event';
import type { EventQueue } from '../../ports';
import { unavailable } from './errors';

/** The receiver's one AWS call: put the verified event on the events queue. */
export class SqsEventQueue implements EventQueue {
  constructor(private readonly sqs: SQSClient, private readonly queueUrl: string) {}

  async send(e: QueuedEvent): Promise<void> {
    try {
      await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(e) }));
    } catch (err) {
      throw unavailable('The event queue', err);
    }
  }
}
