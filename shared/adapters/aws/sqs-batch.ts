import { ChangeMessageVisibilityBatchCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
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
 * `delaySeconds`, or at `dueAt` (epoch ms, whole seconds rounded down) counted when the batch is
 * settled, so the time other records of the batch took does not make it late), `fail` (reported failed, visible again after the queue's visibility timeout;
 * SQS moves it to the DLQ after maxReceiveCount).
 */
export type RecordOutcome = { kind: 'done' } | { kind: 'retry'; delaySeconds: number; dueAt?: number } | { kind: 'fail' };

/** Outcomes by message id; a record without one is done. */
export type BatchOutcomes = Map<string, RecordOutcome>;

export interface BatchDeps {
  sqs: SQSClient;
  /** The queue the records came from. */
  queueUrl: string;
  log: Logger;
}

/**
 * Longest visibility timeout set here: SQS's 12 hours count from the receive, and this batch may
 * have been received up to a function timeout plus a batching window ago (15 minutes covers both).
 */
export const MAX_VISIBILITY_SECONDS = 43_200 - 900;

/**
 * Retries due later than this are not held in flight (a standard queue refuses receives at ~120,000
 * in-flight messages): the record is sent again with DelaySeconds (at most 15 minutes) and deleted.
 * A use case that waits longer checks its own due time when the copy arrives and asks again (hops).
 */
export const MAX_HOLD_SECONDS = 900;

/**
 * The one SQS batch adapter, for the consumer and the deliverer: runs `process` on the batch and
 * maps each record's outcome to SQS. A retry due within MAX_HOLD_SECONDS gets its visibility changed
 * (ten per call); a later one is re-sent delayed and deleted; every other record not done is a
 * `batchItemFailures` entry, so SQS deletes only the done ones. Powertools'
 * BatchProcessor handles one record at a time and knows only success or failure; the consumer
 * stores a whole batch in one S3 object and both need "retry in N s", so this is ours.
 */
export async function settleBatch<D extends BatchDeps>(deps: D, event: SQSEvent, process: (deps: D, records: BatchRecord[]) => Promise<BatchOutcomes>): Promise<SQSBatchResponse> {
  const records = event.Records.map((r) => ({ messageId: r.messageId, body: r.body, receiveCount: Number(r.attributes?.ApproximateReceiveCount) || 1 }));
  const outcomes = await process(deps, records);
  const byId = new Map(event.Records.map((r) => [r.messageId, r]));
  // At least 1 s: fauxqs (the local emulator) loses the receive count of a message made visible
  // with VisibilityTimeout 0, and the caller waits out the rest of a second itself anyway.
  const settledAt = Date.now();
  const retries = ([...outcomes].filter(([id, o]) => o.kind === 'retry' && byId.has(id)) as [string, { kind: 'retry'; delaySeconds: number; dueAt?: number }][]).map(
    ([id, o]) => [id, { delaySeconds: o.dueAt === undefined ? o.delaySeconds : Math.max(1, Math.floor((o.dueAt - settledAt) / 1000)) }] as const,
  );
  const resent = new Set<string>();
  const long = retries.filter(([, o]) => o.delaySeconds > MAX_HOLD_SECONDS);
  for (let i = 0; i < long.length; i += 10) {
    const chunk = long.slice(i, i + 10);
    const res = await deps.sqs
      .send(new SendMessageBatchCommand({ QueueUrl: deps.queueUrl, Entries: chunk.map(([id], j) => ({ Id: String(j), MessageBody: byId.get(id)!.body, DelaySeconds: MAX_HOLD_SECONDS })) }))
      .catch((err) => (deps.log.warn('could not re-send a delayed retry', { error: String(err) }), undefined));
    for (const ok of res?.Successful ?? []) resent.add(chunk[Number(ok.Id)][0]);
  }
  const held = retries
    .filter(([id]) => !resent.has(id))
    .map(([id, o], i) => ({ Id: String(i), ReceiptHandle: byId.get(id)!.receiptHandle, VisibilityTimeout: Math.max(0, Math.min(MAX_VISIBILITY_SECONDS, Math.round(o.delaySeconds))) }));
  for (let i = 0; i < held.length; i += 10) {
    // Best effort: without it the message simply comes back after the queue's visibility timeout.
    await deps.sqs
      .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: deps.queueUrl, Entries: held.slice(i, i + 10) }))
      .catch((err) => deps.log.warn('could not set the retry delay', { error: String(err) }));
  }
  return { batchItemFailures: [...outcomes].filter(([id, o]) => o.kind !== 'done' && byId.has(id) && !resent.has(id)).map(([itemIdentifier]) => ({ itemIdentifier })) };
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
