/**
 * Section 8 of `npm run bench` (own process): AWS calls per published event with many tenants.
 * 1,000 tenants x 3 subscriptions are written straight through the stores of the local stack's
 * tables (dynalite), then `POST /api/events` publishes (the publish use case with the API's own
 * adapters) go to random tenants, each matching all 3 of its subscriptions: first with cold
 * container caches, then warm. Calls are counted on the SDK client singletons. Prints one JSON line.
 * `BENCH_TENANTS` and `BENCH_PUBLISHES` change the sizes.
 */
import { startBenchStack } from './lib/bench-stack';
import { CallCounter, callerScope } from './lib/count-calls';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const PER_TENANT = 3;
const PUBLISHES = Number(process.env.BENCH_PUBLISHES ?? 200);

const { stack, print: quiet, stop } = await startBenchStack('tenants', { prefix: 'benchten' });
try {
  const { outboundDeps } = await import('../shared/adapters/aws/wiring');
  const { loadEnv } = await import('../shared/env');
  const { publishEvent, createSubscription } = await import('../shared/usecases/subscriptions');
  const { createTenant } = await import('../shared/usecases/tenants');
  const { SubscriptionCreate } = await import('../shared/model/subscription');
  Object.assign(process.env, stack.env);
  const { resources, settings } = loadEnv('api');
  const setup = outboundDeps(resources, { ...settings, ALLOW_PRIVATE_TARGETS: 'true' });
  const actor = { key_id: 'key_bench', name: 'bench' };
  const t0 = performance.now();
  for (let i = 0; i < TENANTS; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, TENANTS - i) }, async (_, j) => {
        const tenant_id = `t${String(i + j).padStart(4, '0')}`;
        await createTenant(setup, actor, { tenant_id, name: tenant_id });
        for (let k = 0; k < PER_TENANT; k++)
          await createSubscription(setup, actor, SubscriptionCreate.parse({ url: `http://127.0.0.1:9/${tenant_id}/${k}`, events: ['order.*'], tenant_id }));
      }),
    );
  }
  const setupMs = performance.now() - t0;

  // A fresh container: its own caches, the counted SDK singletons.
  const deps = outboundDeps(resources, { ...settings, ALLOW_PRIVATE_TARGETS: 'true' });
  const { documentClient, sqsClient } = await import('../shared/adapters/aws/clients');
  const counter = new CallCounter();
  for (const c of [documentClient(), sqsClient()]) counter.attach(c as never, 'other');
  let seed = 7;
  const pick = () => `t${String((seed = (seed * 48271) % 2147483647) % TENANTS).padStart(4, '0')}`;
  // Each tenant: a first publish (cold: this container never read its subscriptions), then a
  // second one right after (warm: the cached list, checked against the tenant's change counter).
  const phases = { cold: { publishes: 0, deliveries: 0, ms: 0 }, warm: { publishes: 0, deliveries: 0, ms: 0 } };
  for (const tenant_id of new Set(Array.from({ length: PUBLISHES }, pick)))
    for (const phase of ['cold', 'warm'] as const) {
      const t = performance.now();
      const r = await callerScope.run({ caller: phase }, () => publishEvent(deps, { type: 'order.paid', data: { n: 1 }, tenant_id }));
      phases[phase].ms += performance.now() - t;
      phases[phase].publishes++;
      phases[phase].deliveries += r.result.deliveries;
    }
  const [cold, warm] = (['cold', 'warm'] as const).map((phase) => ({ phase, publishes: phases[phase].publishes, deliveries: phases[phase].deliveries, ms_per_publish: phases[phase].ms / phases[phase].publishes }));
  const rows = counter.snapshot();
  quiet(JSON.stringify({ tenants: TENANTS, subscriptions_per_tenant: PER_TENANT, setup_ms: setupMs, phases: [cold, warm], rows }));
} finally {
  await stop();
}
