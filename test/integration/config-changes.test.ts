import { sign } from '@octokit/webhooks-methods';
import { outboundDeps } from '../../shared/adapters/aws/wiring';
import { loadEnv } from '../../shared/env';
import { SubscriptionCreate } from '../../shared/model/subscription';
import { createSubscription, publishEvent, replaceSubscription } from '../../shared/usecases/subscriptions';
import { startTestStack } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';

// The API and the receiver run in one process here but each has its own cache, exactly like two
// warm Lambda containers: a change made through the API is not seen by the receiver's cache.
type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
const config = { webhook_id: 'changes', name: 'changes', provider: 'github', secret: 'first-secret-123', commands: [] };

beforeAll(async () => {
  // The bound for changes that keep deliveries out, shortened so the test waits less.
  process.env.CONFIG_CACHE_SECONDS = '2';
  s = await startTestStack({ pauseConsumers: true });
  expect((await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify(config) })).status).toBe(201);
});
afterAll(async () => {
  delete process.env.CONFIG_CACHE_SECONDS;
  await s.stop();
});

async function deliver(secret: string) {
  const body = JSON.stringify({ action: 'opened', issue: { title: 't' } });
  return fetch(`${s.url}/webhooks/github/changes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': crypto.randomUUID(), 'x-hub-signature-256': await sign(secret, body) },
    body,
  });
}
const post = (path: string, body: unknown = {}) => s.admin(path, { method: 'POST', body: JSON.stringify(body) });
const put = (body: unknown) => s.admin('/api/webhooks/changes', { method: 'PUT', body: JSON.stringify(body) });

describe('a change that lets deliveries in is seen by the very next delivery', () => {
  it('accepts a delivery signed with the rotated secret at once', async () => {
    expect((await deliver('first-secret-123')).status).toBe(202); // the receiver's cache is warm
    const rotated = (await (await post('/api/webhooks/changes/rotate-secret', { grace_seconds: 0 })).json()) as { secret: string };
    expect((await deliver(rotated.secret)).status).toBe(202);
    config.secret = rotated.secret;
  });

  it('answers webhook_disabled, saying so, once disabled; and 202 at once after enabling', async () => {
    expect((await post('/api/webhooks/changes/disable')).status).toBe(200);
    // A change that keeps deliveries out takes effect within CONFIG_CACHE_SECONDS (5 s at most).
    const refused = await pollUntil(async () => {
      const r = await deliver(config.secret);
      return r.status === 404 ? r : undefined;
    }, 'the disabled webhook to refuse', 8_000);
    expect(await refused.json()).toEqual({ error: { code: 'webhook_disabled', message: expect.stringMatching(/is disabled/), details: [] } });
    expect((await post('/api/webhooks/changes/enable')).status).toBe(200);
    expect((await deliver(config.secret)).status).toBe(202);
  });

  it('accepts at once from an address a wider ip_allowlist lets in', async () => {
    expect((await put({ ...config, ip_allowlist: ['192.0.2.0/24'] })).status).toBe(200);
    await pollUntil(async () => (await deliver(config.secret)).status === 403, 'the narrower allowlist to refuse', 8_000);
    expect((await put({ ...config, ip_allowlist: ['192.0.2.0/24', '127.0.0.0/8'] })).status).toBe(200);
    expect((await deliver(config.secret)).status).toBe(202);
  });

  it('accepts at once a new secret set by PUT', async () => {
    expect((await put({ ...config, secret: 'second-secret-456' })).status).toBe(200);
    expect((await deliver('second-secret-456')).status).toBe(202);
  });
});

describe('subscriptions at publish time', () => {
  it('delivers to a subscription created in another container on the next publish', async () => {
    const { resources, settings } = loadEnv('api');
    const container = () => outboundDeps(resources, { ...settings, CONFIG_CACHE_SECONDS: 5, ALLOW_PRIVATE_TARGETS: 'true' });
    const [a, b] = [container(), container()];
    const actor = { type: 'api_key', id: 'key_admin', name: 'admin' } as never;
    expect((await publishEvent(b, { type: 'changes.seen', data: {} })).result.deliveries).toBe(0); // b's list is cached
    const sub = await createSubscription(a, actor, SubscriptionCreate.parse({ url: 'http://127.0.0.1:9/hook', events: ['changes.*'] }));
    expect((await publishEvent(b, { type: 'changes.seen', data: {} })).result.deliveries).toBe(1);
    await replaceSubscription(a, actor, sub.subscription_id, SubscriptionCreate.parse({ url: 'http://127.0.0.1:9/hook', events: ['other.*'] }));
    expect((await publishEvent(b, { type: 'changes.seen', data: {} })).result.deliveries).toBe(0);
  });
});
