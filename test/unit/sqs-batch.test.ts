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
  const calls: { QueueUrl: string; Entries: { Id: string; ReceiptHandle?: string; VisibilityTimeout?: number; MessageBody?: string; DelaySeconds?: number }[] }[] = [];
  const lines: string[] = [];
  const d: BatchDeps = {
    sqs: {
      send: async (c: { input: (typeof calls)[number] }) => {
        if (fail) throw new Error('throttled');
        calls.push(c.input);
        return { Successful: c.input.Entries.filter((e) => e.MessageBody).map((e) => ({ Id: e.Id })) };
      },
    } as never,
    queueUrl: 'http://q/deliveries',
    log: jsonLogger({}, (l) => lines.push(l)),
  };
  return { d, calls, lines };
}

describe('the shared SQS batch adapter', () => {
  it('deletes done records, holds short retries by visibility, re-sends long ones delayed, and reports the rest', async () => {
    const { d, calls } = deps();
    const outcomes: RecordOutcome[] = [{ kind: 'done' }, { kind: 'retry', delaySeconds: 30 }, { kind: 'fail' }, { kind: 'retry', delaySeconds: 99_999 }, { kind: 'retry', delaySeconds: 900 }];
    const res = await settleBatch(d, event(5), async (_d, records) => new Map(records.map((r, i) => [r.messageId, outcomes[i]])));
    // m3 waits longer than 15 minutes: a delayed copy is queued and the original deleted (never held in flight for hours).
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }, { itemIdentifier: 'm4' }]);
    expect(calls).toEqual([
      { QueueUrl: 'http://q/deliveries', Entries: [{ Id: '0', MessageBody: JSON.stringify({ i: 3 }), DelaySeconds: 900 }] },
      {
        QueueUrl: 'http://q/deliveries',
        Entries: [
          { Id: '0', ReceiptHandle: 'rh1', VisibilityTimeout: 30 },
          { Id: '1', ReceiptHandle: 'rh4', VisibilityTimeout: 900 },
        ],
      },
    ]);
  });

  it('holds a long retry by visibility when the re-send fails, capped below 12 hours minus the time already spent', async () => {
    const { d, calls } = deps();
    d.sqs = { send: async (c: { input: { Entries: { MessageBody?: string }[] } }) => (c.input.Entries[0].MessageBody ? Promise.reject(new Error('throttled')) : void calls.push(c.input as never)) } as never;
    const res = await settleBatch(d, event(1), async () => new Map([['m0', { kind: 'retry', delaySeconds: 99_999 } as RecordOutcome]]));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(calls[0].Entries).toEqual([{ Id: '0', ReceiptHandle: 'rh0', VisibilityTimeout: 43_200 - 900 }]);
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
