/**
 * Behaves like Lambda's SQS event source mapping: long-polls a queue, gathers up to `batchSize`
 * messages within the batching window, invokes the handler with a real SQS event, deletes the
 * messages it did not report as failures (reportBatchItemFailures), and leaves the rest to the
 * visibility timeout; the queue's redrive policy moves them to the DLQ after maxReceiveCount.
 */
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context';

export interface PollerOptions {
  sqs: SQSClient;
  queueUrl: string;
  functionName: string;
  handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  timeoutSeconds: number;
  region: string;
  log: (line: string) => void;
}

/** An SQS message as the Lambda event source mapping hands it over (one record of an SQSEvent). */
export function toRecord(m: Message, arn: string, region: string): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body ?? '',
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, { dataType: v.DataType!, stringValue: v.StringValue, binaryValue: v.BinaryValue as never, stringListValues: [], binaryListValues: [] }]),
    ),
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: arn,
    awsRegion: region,
  };
}

/** Starts polling; `stop()` ends the loop after the in-flight batch finishes. */
export function startPoller(o: PollerOptions): { stop(): Promise<void>; idle(): boolean } {
  let stopped = false;
  let busy = false;
  const abort = new AbortController();
  const loop = (async () => {
    const arn = (await o.sqs.send(new GetQueueAttributesCommand({ QueueUrl: o.queueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? o.queueUrl;
    while (!stopped) {
      let batch: Message[] = [];
      try {
        const windowEnds = Date.now() + o.maxBatchingWindowSeconds * 1000;
        while (!stopped && batch.length < o.batchSize) {
          // Long-poll while idle; once a batch has started, wait only what is left of the window.
          const wait = batch.length === 0 ? 2 : Math.max(0, Math.floor((windowEnds - Date.now()) / 1000));
          const out = await o.sqs.send(
            new ReceiveMessageCommand({
              QueueUrl: o.queueUrl,
              MaxNumberOfMessages: Math.min(10, o.batchSize - batch.length),
              WaitTimeSeconds: Math.min(wait, 2),
              MessageSystemAttributeNames: ['All'],
              MessageAttributeNames: ['All'],
            }),
            { abortSignal: abort.signal },
          );
          batch.push(...(out.Messages ?? []));
          if (batch.length === 0 || Date.now() >= windowEnds || !out.Messages?.length) break;
        }
      } catch (err) {
        if (stopped) break;
        o.log(`poller ${o.functionName}: receive failed: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      if (!batch.length) continue;
      busy = true;
      const event: SQSEvent = { Records: batch.map((m) => toRecord(m, arn, o.region)) };
      let failedIds = new Set<string>();
      try {
        const res = await Promise.race([
          o.handler(event, lambdaContext(o.functionName, o.timeoutSeconds)),
          new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`Task timed out after ${o.timeoutSeconds} seconds`)), o.timeoutSeconds * 1000).unref()),
        ]);
        failedIds = new Set((res?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (err) {
        // A thrown error fails the whole batch, as in Lambda: nothing is deleted.
        o.log(`${o.functionName} failed: ${(err as Error).stack ?? err}`);
        failedIds = new Set(batch.map((m) => m.MessageId!));
      }
      const done = batch.filter((m) => !failedIds.has(m.MessageId!));
      for (let i = 0; i < done.length; i += 10) {
        await o.sqs
          .send(new DeleteMessageBatchCommand({ QueueUrl: o.queueUrl, Entries: done.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })) }))
          .catch((err) => o.log(`poller ${o.functionName}: delete failed: ${(err as Error).message}`));
      }
      busy = false;
    }
  })();
  return {
    idle: () => !busy,
    async stop() {
      stopped = true;
      abort.abort();
      await loop.catch(() => undefined);
    },
  };
}
