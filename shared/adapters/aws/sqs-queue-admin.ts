import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueueAdmin, QueueStats } from '../../ports';
import { unavailable } from './errors';

/** Queue depths and DLQ redrive with plain SQS calls (StartMessageMoveTask is not emulated locally). */
export class SqsQueueAdmin implements QueueAdmin {
  constructor(private readonly sqs: SQSClient, private readonly queues: Record<string, { url: string; dlqUrl?: string }>) {}

  private async counts(url: string) {
    try {
      const a = (await this.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }))).Attributes ?? {};
      return { visible: Number(a.ApproximateNumberOfMessages ?? 0), in_flight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0), delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0) };
    } catch (err) {
      throw unavailable('The queue', err);
    }
  }

  async stats(): Promise<QueueStats[]> {
    return Promise.all(
      Object.entries(this.queues).map(async ([name, q]) => ({ queue: name, ...(await this.counts(q.url)), dlq: q.dlqUrl ? (await this.counts(q.dlqUrl)).visible : null })),
    );
  }

  /** Moves up to `max` messages from the queue's DLQ back to the queue: receive, send, then delete. */
  async redrive(queue: string, max: number): Promise<number> {
    const q = this.queues[queue];
    if (!q?.dlqUrl) return 0;
    let moved = 0;
    try {
      while (moved < max) {
        const got = (await this.sqs.send(new ReceiveMessageCommand({ QueueUrl: q.dlqUrl, MaxNumberOfMessages: Math.min(10, max - moved), WaitTimeSeconds: 0, MessageAttributeNames: ['All'] }))).Messages ?? [];
        if (!got.length) break;
        const sent = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: q.url, Entries: got.map((m, i) => ({ Id: String(i), MessageBody: m.Body ?? '', MessageAttributes: m.MessageAttributes })) }));
        const ok = new Set((sent.Successful ?? []).map((s) => s.Id));
        // Only what reached the source queue leaves the DLQ.
        const done = got.filter((_, i) => ok.has(String(i)));
        if (done.length) await this.sqs.send(new DeleteMessageBatchCommand({ QueueUrl: q.dlqUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
        moved += done.length;
        if (done.length < got.length) break;
      }
    } catch (err) {
      throw unavailable('The queue', err);
    }
    return moved;
  }
}
