import type { SQSEvent } from 'aws-lambda';
import { eachRecord, settleBatch, type BatchDeps, type RecordOutcome } from '../../shared/adapters/aws/sqs-batch';
import { jsonLogger } from '../../shared/log';

function event(n: number): SQSEvent {
  return {
    Records: Array.from({ length: n }, (_, i) => ({
      messageId: `m${i}`,
      receiptHandle: `rh${i}`,
      body: JSON.stringify({ i }),
      attributes: { ApproximateReceiveCount: String(i + 1) },
    })),
  } as never;
}

function deps(fail = false) {
  const calls: { QueueUrl: string; Entries: { Id: string; ReceiptHandle: string; VisibilityTimeout: number }[] }[] = [];
  const lines: string[] = [];
  const d: BatchDeps = {
    sqs: { send: async (c: { input: (typeof calls)[number] }) => (fail ? Promise.reject(new Error('throttled')) : calls.push(c.input)) } as never,
    queueUrl: 'http://q/deliveries',
    log: jsonLogger({}, (l) => lines.push(l)),
  };
  return { d, calls, lines };
}

describe('the shared SQS batch adapter', () => {
  it('deletes done records, delays retries by their visibility and reports retries and failures', async () => {
    const { d, calls } = deps();
    const outcomes: RecordOutcome[] = [{ kind: 'done' }, { kind: 'retry', delaySeconds: 30 }, { kind: 'fail' }, { kind: 'retry', delaySeconds: 99_999 }];
    const res = await settleBatch(d, event(4), async (_d, records) => new Map(records.map((r, i) => [r.messageId, outcomes[i]])));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }, { itemIdentifier: 'm3' }]);
    // One call for both retries; 12 hours is the most SQS accepts.
    expect(calls).toEqual([
      {
        QueueUrl: 'http://q/deliveries',
        Entries: [
          { Id: '1', ReceiptHandle: 'rh1', VisibilityTimeout: 30 },
          { Id: '3', ReceiptHandle: 'rh3', VisibilityTimeout: 43_200 },
        ],
      },
    ]);
  });

  it('changes visibility ten records per call', async () => {
    const { d, calls } = deps();
    await settleBatch(d, event(25), async (_d, records) => new Map(records.map((r) => [r.messageId, { kind: 'retry', delaySeconds: 5 } as RecordOutcome])));
    expect(calls.map((c) => c.Entries.length)).toEqual([10, 10, 5]);
  });

  it('still reports a retry as failed when its visibility cannot be changed (it returns after the queue timeout)', async () => {
    const { d, lines } = deps(true);
    const res = await settleBatch(d, event(1), async () => new Map([['m0', { kind: 'retry', delaySeconds: 60 } as RecordOutcome]]));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'WARN', message: 'could not set the retry delay' });
  });

  it('runs records one by one with eachRecord; a throw fails only its record', async () => {
    const { d, lines } = deps();
    const run = eachRecord(async (_d, r) => {
      if (r.receiveCount === 2) throw new Error('boom');
      return { kind: 'done' };
    });
    const res = await settleBatch(d, event(3), run);
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(JSON.parse(lines[0])).toMatchObject({ level: 'ERROR', messageId: 'm1', attempt: 2 });
  });
});
