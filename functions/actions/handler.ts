import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { settleBatch, type BatchOutcomes } from '../../shared/adapters/aws/sqs-batch';
import { functions, queues } from '../../shared/resources';
import { runEventActions } from '../../shared/usecases/run-event-actions';
import { wire, type ActionsDeps } from './wiring';
import { lambdaEntry } from '../../shared/log';

let deps: ActionsDeps | undefined;

/** The actions queue's consumer: provider-facing commands, then the event's final record. */
async function handle(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  deps ??= wire();
  // No action starts unless it can end 5 s before the function times out.
  const deadline = Date.now() + (context?.getRemainingTimeInMillis() ?? functions.actions.timeoutSeconds * 1000) - 5_000;
  return settleBatch(deps, event, async (d, records) => {
    const retries = await runEventActions(d, records, { maxReceiveCount: queues.actions.maxReceiveCount, deadline });
    return new Map(retries.map((r) => [r.messageId, { kind: 'retry', delaySeconds: r.delaySeconds }])) as BatchOutcomes;
  });
}

export const handler = lambdaEntry(handle);
