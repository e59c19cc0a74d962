import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { eachRecord, settleBatch } from '../../shared/adapters/aws/sqs-batch';
import { runDeliveryMessage, type DeliveryMessage } from '../../shared/usecases/backlog';
import { wire, type DelivererDeps } from './wiring';
import { lambdaEntry } from '../../shared/log';

let deps: DelivererDeps | undefined;

/** One attempt per message `{delivery_id}` (a delivery to retry comes back after the policy's delay); one backlog page per `{backlog}`. */
const attempt = eachRecord<DelivererDeps>((d, r) => runDeliveryMessage(d, JSON.parse(r.body) as DeliveryMessage));

/** The deliveries queue's consumer. */
async function handle(event: SQSEvent): Promise<SQSBatchResponse> {
  deps ??= wire();
  return settleBatch(deps, event, attempt);
}

export const handler = lambdaEntry(handle);
