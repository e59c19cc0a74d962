import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ActionMessage } from '../../model/action-message';
import type { ActionQueue } from '../../ports';
import { unavailable } from './errors';

/** The consumer hands provider-facing commands to the actions worker through this queue. */
export class SqsActionQueue implements ActionQueue {
  constructor(private readonly sqs: SQSClient, private readonly queueUrl: string) {}

  async send(m: ActionMessage): Promise<void> {
    try {
      await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(m) }));
    } catch (err) {
      throw unavailable('The actions queue', err);
    }
  }
}
