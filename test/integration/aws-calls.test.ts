/**
 * AWS calls per received event, counted on the SDK client singletons while signed GitHub
 * deliveries go through the in-process stack: the receiver's and the consumer's costs, and the
 * dedup of a redelivered event. bench/aws-calls.ts measures the same at a larger scale.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startPoller } from '../../bin/local/sqs-poller';
import { handler as consumer } from '../../functions/consumer/handler';
import { documentClient, s3Client, snsClient, sqsClient } from '../../shared/adapters/aws/clients';
import { functions, queues } from '../../shared/resources';
import { CallCounter, callerScope } from '../../bench/lib/count-calls';
import { CapacityMeter } from '../../bench/lib/consumed-capacity';
import { startTestStack } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';

const EVENTS = 50;
const IN_FLIGHT = 8;
const body = readFileSync(join(__dirname, '../fixtures/github/issues.opened.json'), 'utf8');

function githubHeaders(secret: string, deliveryId: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/7d2ba9f',
    'x-github-event': 'issues',
    'x-github-delivery': deliveryId,
    'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
  };
}

describe('AWS calls per received event', () => {
  let s: Awaited<ReturnType<typeof startTestStack>>;
  let poller: ReturnType<typeof startPoller> | undefined;
  const counter = new CallCounter();
  let meter: CapacityMeter;
  const batches: { size: number; counts: Map<string, number> }[] = [];
  const webhookId = `gh-${randomBytes(4).toString('hex')}`;
  const secret = `whsec-${randomBytes(12).toString('hex')}`;
  // Reads for the assertions go through their own client, which the counter does not see.
  const reader = DynamoDBDocumentClient.from(new DynamoDBClient({}));
  // The consumer logs a JSON line per event it skips; keep the output to the counts below.
  const log = console.log.bind(console);
  const quietLog = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('{"level"')) return;
    log(...args);
  });

  const deliver = (deliveryId: string) =>
    fetch(`${s.url}/webhooks/github/${webhookId}`, { method: 'POST', headers: githubHeaders(secret, deliveryId), body }).then(async (r) => ({
      status: r.status,
      json: (await r.json()) as { event_id?: string },
    }));

  async function storedEvents(): Promise<{ event_id: string }[]> {
    const items: { event_id: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await reader.send(
        new QueryCommand({
          TableName: s.env.EVENTS_TABLE,
          IndexName: 'by_webhook',
          KeyConditionExpression: 'webhook_id = :w',
          ExpressionAttributeValues: { ':w': webhookId },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((out.Items ?? []) as { event_id: string }[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }

  beforeAll(async () => {
    // The stack's own poller stays off: this file runs the same poller with a counting wrapper.
    s = await startTestStack({ pauseConsumers: true });
    const created = await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify({ webhook_id: webhookId, name: 'AWS call counts', provider: 'github', secret }) });
    expect(created.status).toBe(201);

    // From here on, calls outside a consumer scope come from the receiver (nothing else runs).
    for (const c of [documentClient(), sqsClient(), (await s3Client().load()).client, snsClient()]) counter.attach(c as never, 'receiver');
    meter = new CapacityMeter({ [s.env.EVENTS_TABLE]: 'events', [s.env.CONFIG_TABLE]: 'config' });
    meter.attach(documentClient() as never);
    const pollerSqs = new SQSClient({});
    counter.attach(pollerSqs as never, 'poller');
    const spec = queues.events;
    poller = startPoller({
      sqs: pollerSqs,
      queueUrl: s.env[spec.env],
      functionName: spec.consumer.fn,
      handler: (event) => {
        const counts = new Map<string, number>();
        batches.push({ size: event.Records.length, counts });
        return callerScope.run({ caller: 'consumer', counts }, () => consumer(event));
      },
      batchSize: spec.consumer.batchSize,
      // The manifest's window (as Lambda's event source mapping): deliveries arriving together share a batch.
      maxBatchingWindowSeconds: spec.consumer.maxBatchingWindowSeconds,
      timeoutSeconds: functions[spec.consumer.fn].timeoutSeconds,
      region: process.env.AWS_REGION!,
      log: () => undefined,
    });
  });

  afterAll(async () => {
    for (const c of [documentClient(), sqsClient(), (await s3Client().load()).client, snsClient()]) counter.detach(c as never);
    meter?.detach(documentClient() as never);
    await poller?.stop();
    await s?.stop();
    quietLog.mockRestore();
  });

  it('costs one SendMessage per event in the receiver, one PutItem per event and at most one PutObject per batch in the consumer', async () => {
    // Warm the receiver's config cache with one delivery, let the consumer take it, then count.
    const warm = await deliver(randomUUID());
    expect(warm.status).toBe(202);
    await pollUntil(async () => (await storedEvents()).length === 1, 'the warm-up event to be stored');
    await pollUntil(async () => poller!.idle(), 'the consumer to finish the warm-up batch');
    const warmCounts = counter.snapshot();
    counter.reset();
    meter.reset();
    batches.length = 0;

    const deliveryIds = Array.from({ length: EVENTS }, () => randomUUID());
    let next = 0;
    const answers: { status: number; json: { event_id?: string } }[] = [];
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < deliveryIds.length) answers.push(await deliver(deliveryIds[next++]));
      }),
    );
    expect(answers.map((a) => a.status)).toEqual(deliveryIds.map(() => 202));
    expect(new Set(answers.map((a) => a.json.event_id)).size).toBe(EVENTS);

    await pollUntil(async () => (await storedEvents()).length === EVENTS + 1, `${EVENTS} more events to be stored`, 30_000);
    await pollUntil(async () => batches.reduce((a, b) => a + b.size, 0) >= EVENTS && poller!.idle(), 'the consumer batches to finish', 30_000);

    // Warm receiver: exactly one SQS send per event, no DynamoDB read (config cached), nothing else.
    expect(counter.count('receiver', 'SQS:SendMessage')).toBe(EVENTS);
    expect(counter.snapshot().filter((r) => r.caller === 'receiver' && r.call !== 'SQS:SendMessage')).toEqual([]);

    // Consumer: one conditional PutItem per new event, one PutObject per batch at most.
    const putObjects = counter.count('consumer', 'S3:PutObject');
    expect(counter.count('consumer', 'DynamoDB:PutItem')).toBe(EVENTS);
    expect(Math.max(...batches.map((b) => b.counts.get('S3:PutObject') ?? 0))).toBeLessThanOrEqual(1);
    expect(putObjects).toBeLessThanOrEqual(batches.length);
    expect(putObjects).toBeLessThanOrEqual(EVENTS / 5);
    // Write units, as DynamoDB bills them: 1 for the event item (< 1 KB) and 1 for its by_webhook index entry, per event.
    const events = meter.snapshot().find((r) => r.table === 'events' && r.call === 'PutItem');
    expect(events).toMatchObject({ calls: EVENTS, table_wcu: EVENTS, index_wcu: EVENTS });
    // Warm consumer: its config cache spares the GetItem as well; nothing else is called.
    expect(counter.snapshot().filter((r) => r.caller === 'consumer' && !['DynamoDB:PutItem', 'S3:PutObject'].includes(r.call))).toEqual([]);

    const receiverDynamo = counter.snapshot().filter((r) => r.caller === 'receiver' && r.call.startsWith('DynamoDB:')).reduce((a, r) => a + r.calls, 0);
    const fmt = (rows: ReturnType<CallCounter['snapshot']>) => rows.map((r) => `${r.caller} ${r.call}=${r.calls}`).join(', ');
    console.log(
      [
        `aws calls, warm-up (1 event, cold caches): ${fmt(warmCounts)}`,
        `aws calls, ${EVENTS} events (warm): ${fmt(counter.snapshot())}`,
        `per event: receiver SQS:SendMessage ${counter.count('receiver', 'SQS:SendMessage') / EVENTS}, DynamoDB ${receiverDynamo / EVENTS}; consumer DynamoDB:PutItem ${counter.count('consumer', 'DynamoDB:PutItem') / EVENTS}, S3:PutObject ${putObjects / EVENTS} (${putObjects} for ${batches.length} batch${batches.length === 1 ? '' : 'es'} of ${batches.map((b) => b.size).join('+')})`,
      ].join('\n'),
    );
  });

  it('stores a redelivered event (same X-GitHub-Delivery) once', async () => {
    const deliveryId = randomUUID();
    const first = await deliver(deliveryId);
    expect(first.status).toBe(202);
    const eventId = first.json.event_id!;
    await pollUntil(async () => (await storedEvents()).some((e) => e.event_id === eventId), 'the first delivery to be stored');
    await pollUntil(async () => poller!.idle(), 'the consumer to finish');
    const storedBefore = (await storedEvents()).length;
    counter.reset();
    batches.length = 0;

    const again = await deliver(deliveryId);
    expect(again.status).toBe(202);
    expect(again.json.event_id).toBe(eventId);
    await pollUntil(async () => batches.length >= 1 && poller!.idle(), 'the consumer to take the redelivery');

    // The receiver queues it again (it does not read the event store); the consumer's one
    // conditional PutItem fails and no second event is stored. (The batch's payload object is
    // written before the conditional put, so a redelivery still costs one PutObject.)
    expect(counter.count('receiver', 'SQS:SendMessage')).toBe(1);
    const put = counter.snapshot().find((r) => r.caller === 'consumer' && r.call === 'DynamoDB:PutItem');
    expect(put).toMatchObject({ calls: 1, errors: 1 });
    expect(Object.keys(put!.errorNames)).toEqual(['ConditionalCheckFailedException']);
    const stored = await storedEvents();
    expect(stored.length).toBe(storedBefore);
    expect(stored.filter((e) => e.event_id === eventId)).toHaveLength(1);
    console.log(`aws calls, redelivered event: ${counter.snapshot().map((r) => `${r.caller} ${r.call}=${r.calls}${r.errors ? ` (${r.errors} ${Object.keys(r.errorNames).join(',')})` : ''}`).join(', ')}; stored events unchanged (${stored.length})`);
  });
});
