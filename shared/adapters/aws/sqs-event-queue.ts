import type { SQSClient } from '@aws-sdk/client-sqs';
import type { QueuedEvent } from '../../model/queued-event';
import type { EventQueue } from '../../ports';
import { SqsJsonQueue } from './sqs-json-queue';

/** The receiver's one AWS call: put the verified event on the events queue. */
export class SqsEventQueue extends SqsJsonQueue<QueuedEvent> implements EventQueue {
  constructor(sqs: SQSClient, queueUrl: string) {
    super(sqs, queueUrl, 'The event queue');
  }
}
