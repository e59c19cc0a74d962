import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { startPoller } from '../../bin/local/sqs-poller';
import { sqsClient } from '../../shared/adapters/aws/clients';
import { pollUntil } from '../support/poll';

const sqs = sqsClient();

async function queueWithDlq(name: string, maxReceiveCount: number) {
  const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const url = (
    await sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount }) } }),
    )
  ).QueueUrl!;
  return { url, dlq };
}

describe('local SQS event source mapping', () => {
  it('batches, deletes successes, retries reported failures, and redrives them to the DLQ after maxReceiveCount', async () => {
    const name = `poller-${Date.now()}`;
    const { url, dlq } = await queueWithDlq(name, 2);
    const seen: { body: string; count: string }[] = [];
    let batches = 0;
    const poller = startPoller({
      sqs,
      queueUrl: url,
      functionName: 'test',
      batchSize: 10,
      maxBatchingWindowSeconds: 0.3,
      timeoutSeconds: 5,
      region: 'us-east-1',
      log: () => undefined,
      handler: async (event: SQSEvent) => {
        batches++;
        for (const r of event.Records) {
          expect(r).toMatchObject({ eventSource: 'aws:sqs', eventSourceARN: expect.stringContaining(name), receiptHandle: expect.any(String) });
          seen.push({ body: r.body, count: r.attributes.ApproximateReceiveCount });
        }
        return { batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({ itemIdentifier: r.messageId })) };
      },
    });
    try {
      for (const body of ['a', 'b', 'poison']) await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
      const dead = await pollUntil(async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, WaitTimeSeconds: 1 }))).Messages?.[0], 'the poison message in the DLQ', 20_000);
      expect(dead.Body).toBe('poison');
      expect(seen.filter((x) => x.body === 'a')).toHaveLength(1);
      expect(seen.filter((x) => x.body === 'poison').map((x) => x.count)).toEqual(['1', '2']);
      expect(batches).toBeLessThan(seen.length);
    } finally {
      await poller.stop();
    }
  });

  it('retries the whole batch when the handler throws', async () => {
    const { url } = await queueWithDlq(`poller-throw-${Date.now()}`, 5);
    let calls = 0;
    const poller = startPoller({
      sqs,
      queueUrl: url,
      functionName: 'test',
      batchSize: 10,
      maxBatchingWindowSeconds: 0,
      timeoutSeconds: 5,
      region: 'us-east-1',
      log: () => undefined,
      handler: async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
        return { batchItemFailures: [] };
      },
    });
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'x' }));
      await pollUntil(async () => calls >= 2, 'the redelivery', 10_000);
      await pollUntil(async () => (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes?.ApproximateNumberOfMessagesNotVisible === '0', 'the delete', 10_000);
    } finally {
      await poller.stop();
    }
  });
});
