import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from '../../shared/adapters/aws/clients';
import { startTestStack } from '../support/in-process-stack';

// Subscribers' scenarios run through `npm start` in test/e2e/subscribers.test.ts; this file needs
// the SDK to put a message straight into a dead-letter queue.
type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;

beforeAll(async () => {
  s = await startTestStack({ pauseConsumers: true });
});
afterAll(() => s.stop());

describe('queues', () => {
  it('reports queue depths and moves dead letters back to their queue', async () => {
    await sqsClient().send(new SendMessageCommand({ QueueUrl: s.env.DELIVERIES_DLQ_URL, MessageBody: JSON.stringify({ delivery_id: 'dlv_gone' }) }));
    const depth = async (queue: string) => ((await (await s.admin('/api/queues/stats')).json()) as any).items.find((q: { queue: string }) => q.queue === queue);
    const before = (await (await s.admin('/api/queues/stats')).json()) as any;
    expect(before.items.map((q: { queue: string }) => q.queue).sort()).toEqual(['actions', 'deliveries', 'events']);
    expect((await depth('deliveries')).dlq).toBe(1);
    const r = await s.admin('/api/queues/dlq/redrive', { method: 'POST', body: JSON.stringify({ queue: 'deliveries' }) });
    expect(await r.json()).toEqual({ queue: 'deliveries', moved: 1 });
    expect(await depth('deliveries')).toMatchObject({ dlq: 0, visible: 1 });
    const bad = await s.admin('/api/queues/dlq/redrive', { method: 'POST', body: JSON.stringify({ queue: 'nope' }) });
    expect(((await bad.json()) as any).error.details[0].path).toBe('queue');
  });
});
