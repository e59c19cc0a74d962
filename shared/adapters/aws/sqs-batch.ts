import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Logger } from '../../ports';

/** One SQS record as a use case sees it. */
export interface BatchRecord {
  messageId: string;
  body: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
}

/**
 * What became of one record: `done` (deleted), `retry` (back on the queue, visible again after
 * `delaySeconds`), `fail` (reported failed, visible again after the queue's visibility timeout;
 * SQS moves it to the DLQ after maxReceiveCount).
 */
export type RecordOutcome = { kind: 'done' } | { kind: 'retry'; delaySeconds: number } | { kind: 'fail' };

/** Outcomes by message id; a record without one is done. */
export type BatchOutcomes = Map<string, RecordOutcome>;

export interface BatchDeps {
  sqs: SQSClient;
  /** The queue the records came from. */
  queueUrl: string;
  log: Logger;
}

/** Largest visibility timeout SQS accepts (12 hours). */
export const MAX_VISIBILITY_SECONDS = 43_200;

/**
 * The one SQS batch adapter, for the consumer and the deliverer: runs `process` on the batch and
 * maps each record's outcome to SQS. Retries get their visibility changed (ten per call) and every
 * record not done is a `batchItemFailures` entry, so SQS deletes only the done ones. Powertools'
 * BatchProcessor handles one record at a time and knows only success or failure; the consumer
 * stores a whole batch in one S3 object and both need "retry in N s", so this is ours.
 */
export async function settleBatch<D extends BatchDeps>(deps: D, event: SQSEvent, process: (deps: D, records: BatchRecord[]) => Promise<BatchOutcomes>): Promise<SQSBatchResponse> {
  const records = event.Records.map((r) => ({ messageId: r.messageId, body: r.body, receiveCount: Number(r.attributes?.ApproximateReceiveCount) || 1 }));
  const outcomes = await process(deps, records);
  const handles = new Map(event.Records.map((r) => [r.messageId, r.receiptHandle]));
  const retries = [...outcomes].flatMap(([id, o], i) =>
    o.kind === 'retry' && handles.has(id) ? [{ Id: String(i), ReceiptHandle: handles.get(id)!, VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.round(o.delaySeconds))) }] : [],
  );
  for (let i = 0; i < retries.length; i += 10) {
    // Best effort: without it the message simply comes back after the queue's visibility timeout.
    await deps.sqs
      .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: deps.queueUrl, Entries: retries.slice(i, i + 10) }))
      .catch((err) => deps.log.warn('could not set the retry delay', { error: String(err) }));
  }
  return { batchItemFailures: [...outcomes].filter(([id, o]) => o.kind !== 'done' && handles.has(id)).map(([itemIdentifier]) => ({ itemIdentifier })) };
}

/** Runs `one` on every record concurrently; a record whose run throws is logged and `fail`s. */
export function eachRecord<D extends BatchDeps>(one: (deps: D, record: BatchRecord) => Promise<RecordOutcome>) {
  return async (deps: D, records: BatchRecord[]): Promise<BatchOutcomes> => {
    const out: BatchOutcomes = new Map();
    await Promise.all(
      records.map(async (r) => {
        try {
          out.set(r.messageId, await one(deps, r));
        } catch (err) {
          deps.log.error('record failed', { messageId: r.messageId, attempt: r.receiveCount, error: String((err as Error)?.stack ?? err) });
          out.set(r.messageId, { kind: 'fail' });
        }
      }),
    );
    return out;
  };
}
