import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { BacklogJob, DeliveryQueue } from '../../ports';
import { unavailable } from './errors';

/** One message per delivery, sent ten to a request; backlog pages as `{backlog}` messages on the same queue. */
export class SqsDeliveryQueue implements DeliveryQueue {
  constructor(private readonly sqs: SQSClient, private readonly queueUrl: string) {}

  async sendAll(ids: string[], opts: { recover?: string; delaySeconds?: number } = {}): Promise<void> {
    const extra = opts.recover ? { recover: opts.recover } : {};
    const delay = opts.delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(opts.delaySeconds))) } : {};
    for (let i = 0; i < ids.length; i += 10) {
      const chunk = ids.slice(i, i + 10);
      let out;
      try {
        out = await this.sqs.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: chunk.map((id, j) => ({ Id: String(j), MessageBody: JSON.stringify({ delivery_id: id, ...extra }), ...delay })) }));
      } catch (err) {
        throw unavailable('The delivery queue', err);
      }
      if (out.Failed?.length) throw unavailable('The delivery queue', new Error(`${out.Failed.length} messages not accepted: ${out.Failed[0].Message}`));
    }
  }

  async sendJob(job: BacklogJob, delaySeconds = 0): Promise<void> {
    try {
      await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify({ backlog: job }), ...(delaySeconds ? { DelaySeconds: Math.min(900, Math.round(delaySeconds)) } : {}) }));
    } catch (err) {
      throw unavailable('The delivery queue', err);
    }
  }
}
