import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ActionMessage } from '../../model/action-message';
import type { ActionQueue } from '../../ports';
import { SqsJsonQueue } from './sqs-json-queue';

/** The consumer hands provider-facing commands to the actions worker through this queue. */
export class SqsActionQueue extends SqsJsonQueue<ActionMessage> implements ActionQueue {
  constructor(sqs: SQSClient, queueUrl: string) {
    super(sqs, queueUrl, 'The actions queue');
  }
}
