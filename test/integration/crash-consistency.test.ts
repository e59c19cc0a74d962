import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { runActions, type ActionContext, type RunnerDeps } from '../../shared/actions/runner';
import { documentClient } from '../../shared/adapters/aws/clients';
import { DynamoIntentStore } from '../../shared/adapters/aws/dynamo-intent-store';
import { DynamoTaskStore } from '../../shared/adapters/aws/dynamo-task-store';
import { outboundDeps } from '../../shared/adapters/aws/wiring';
import { loadEnv } from '../../shared/env';
import { SubscriptionCreate } from '../../shared/model/subscription';
import type { WebhookRecord } from '../../shared/model/webhook';
import { createSubscription, internalEvents, listDeliveries, publishEvent, subscriptionStats } from '../../shared/usecases/subscriptions';
import { MemoryTopic } from '../support/fakes';
import { startTestStack } from '../support/in-process-stack';

// Records written again after a crash (or by a second copy of an SQS message) must be the same
// items: same keys, same created_at, derived from the event rather than from the retry's clock.
type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
beforeAll(async () => {
  s = await startTestStack({ pauseConsumers: true });
});
afterAll(() => s.stop());

const received_at = '2026-12-01T10:00:00.000Z';
const webhook = { webhook_id: 'gh', name: 'gh', provider: 'github', secret: 'x'.repeat(12), previous_secrets: [], enabled: true, commands: [], version: 1 } as unknown as WebhookRecord;
const ctx: ActionContext = {
  event: { event_id: 'evt_crash1', webhook_id: 'gh', provider: 'github', event_type: 'issues.opened', delivery_id: 'd-1', received_at },
  payload: {},
  webhook,
  command: { command_id: 'cmd_task', trigger: 'issues.opened', action: 'create_task', agent: 'crash-agent', template: 'x', priority: 0 } as never,
  text: 'look',
  missing: [],
};

it('a task re-created after a crash is one task with the first created_at, and one task.created delivery', async () => {
  const { resources, settings } = loadEnv('consumer');
  const outbound = outboundDeps(resources, { ...settings, ALLOW_PRIVATE_TARGETS: 'true' });
  const actor = { type: 'api_key', id: 'key_admin', name: 'admin' } as never;
  const sub = await createSubscription(outbound, actor, SubscriptionCreate.parse({ url: 'http://127.0.0.1:9/hook', events: ['task.created'] }));
  const tasks = new DynamoTaskStore(documentClient(), resources.tables.tasks);
  let crash = true;
  // The first attempt dies after notifying and before marking the task published.
  const crashing = Object.assign(Object.create(tasks), {
    markPublished: async (id: string, at: string) => {
      if (crash) throw new Error('killed');
      return tasks.markPublished(id, at);
    },
  });
  const deps = (minutes: number): RunnerDeps => ({
    tasks: crashing,
    topic: new MemoryTopic(),
    intents: new DynamoIntentStore(documentClient(), resources.tables.actions),
    clock: { now: () => new Date(Date.parse(received_at) + minutes * 60_000) },
    retentionDays: 30,
    effects: {},
    internal: internalEvents(outbound),
  });
  await expect(runActions(deps(1), [ctx], false)).rejects.toThrow('killed');
  crash = false;
  const [result] = await runActions(deps(7), [ctx], false);

  const listed = await tasks.list({ agent: 'crash-agent', limit: 100 });
  expect(listed.items).toHaveLength(1);
  expect(listed.items[0]).toMatchObject({ task_id: (result as { task_id: string }).task_id, created_at: received_at, created_key: expect.stringMatching(new RegExp(`^${received_at}#`)) });

  // The subscription's hookline.verification (sent on create) aside, one task.created delivery.
  const deliveries = { items: (await listDeliveries(outbound, sub.subscription_id, 100)).items.filter((d) => d.event_type !== 'hookline.verification') };
  expect(deliveries.items).toHaveLength(1);
  expect(deliveries.items[0]).toMatchObject({ created_at: received_at });
  const stats = await subscriptionStats({ ...outbound, clock: { now: () => new Date(Date.parse(received_at) + 3_600_000) } }, sub.subscription_id, 24);
  // The stats count the pending verification too.
  expect(stats.by_status).toMatchObject({ pending: 2 });
  expect(stats.deliveries).toBe(2);
});

it('writes the TTL on publish-idempotency records (30 days)', async () => {
  const { resources, settings } = loadEnv('api');
  const before = Math.floor(Date.now() / 1000);
  await publishEvent(outboundDeps(resources, settings), { type: 'crash.test', data: {}, id: 'publish-ttl-1' });
  const item = (await documentClient().send(new GetCommand({ TableName: resources.tables.config, Key: { pk: 'publish', sk: 'publish-ttl-1' } }))).Item;
  expect(item?.expires_at).toBeGreaterThanOrEqual(before + 30 * 86_400);
  expect(item?.expires_at).toBeLessThanOrEqual(before + 30 * 86_400 + 60);
});
