import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { settleBatch, type BatchOutcomes } from '../../shared/adapters/aws/sqs-batch';
import { queues } from '../../shared/resources';
import { consumerRetrySeconds, processEvents } from '../../shared/usecases/process-events';
import { wire, type ConsumerDeps } from './wiring';
import { lambdaEntry } from '../../shared/log';

let deps: ConsumerDeps | undefined;

/**
 * The events queue's consumer. The batch is processed as a whole (all payloads go into one S3
 * object); a failed event is retried with an exponential delay, then dead-lettered by SQS.
 */
async function handle(event: SQSEvent): Promise<SQSBatchResponse> {
  deps ??= wire();
  return settleBatch(deps, event, async (d, records) => {
    const failed = await processEvents(d, records, { maxReceiveCount: queues.events.maxReceiveCount });
    const receives = new Map(records.map((r) => [r.messageId, r.receiveCount]));
    return new Map(failed.map((id) => [id, { kind: 'retry', delaySeconds: consumerRetrySeconds(receives.get(id) ?? 1) }])) as BatchOutcomes;
  });
}

export const handler = lambdaEntry(handle);
