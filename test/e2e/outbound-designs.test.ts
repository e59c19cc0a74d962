import { createHmac } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { verifyHooklineSignature } from '../../shared/delivery/signing';
import { startFakeProviders, type FakeProviders } from '../support/fake-providers';
import { pollUntil } from '../support/poll';
import { startSink, type Sink } from '../support/sink';
import { startLocalForTest, type LocalUnderTest } from '../support/spawn-local';
import endpoints from '../fixtures/outbound/megabot-endpoints.json';
import filterConfiguration from '../fixtures/outbound/megabot-filter-configuration.json';
import registration from '../fixtures/outbound/megabot-registration.json';

// The outbound design (../shared/seeds/004) pasted as it is written, through `npm start`, to
// subscribers on loopback. Fixtures (test/fixtures/outbound/): the "Dynamic Webhook Registration"
// curl body, the "Filter Configuration" endpoint and the mega-config.yaml endpoints, YAML turned
// into JSON and nothing else changed. Only `url` is swapped for a loopback one before delivering
// (tests reach nothing else); each fixture is also accepted with its own URL.
let local: LocalUnderTest;
let fake: FakeProviders;
const sinks: Sink[] = [];
async function sink(path?: string): Promise<Sink> {
  const k = await startSink([], path);
  sinks.push(k);
  return k;
}

beforeAll(async () => {
  fake = await startFakeProviders();
  local = await startLocalForTest('outbound-designs', { env: { CONFIG_CACHE_SECONDS: '0' } });
});
afterAll(async () => {
  await local?.stop();
  await fake?.stop();
  for (const k of sinks) k.close();
});

const api = async (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => {
  const res = await local.admin(path, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as any };
};

describe('plain secrets', () => {
  it('a supplied plain secret is accepted on create and rotate and keys both signatures', async () => {
    const k = await sink();
    const created = await api('/api/subscriptions', { url: k.url, events: ['secret.check'], secret: 'your_webhook_secret' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toBe('your_webhook_secret');
    expect((await api(`/api/subscriptions/${created.body.subscription_id}`)).body.secret).toBe('…cret');

    await api('/api/events', { type: 'secret.check', data: { n: 1 } });
    const hit = await pollUntil(async () => k.hits[0], 'the delivery');
    expect(verifyHooklineSignature({ secret: 'your_webhook_secret', body: hit.body, headers: hit.headers })).toEqual({ ok: true, scheme: 'standard-webhooks' });
    expect(() => new StandardWebhook('your_webhook_secret', { format: 'raw' }).verify(hit.body, hit.headers)).not.toThrow();
    expect(hit.headers['x-hookline-signature']).toBe(`sha256=${createHmac('sha256', 'your_webhook_secret').update(hit.body).digest('hex')}`);

    const rotated = await api(`/api/subscriptions/${created.body.subscription_id}/rotate-secret`, { secret: 'the next secret, 2 words', grace_seconds: 600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toBe('the next secret, 2 words');
    await api('/api/events', { type: 'secret.check', data: { n: 2 } });
    const second = await pollUntil(async () => k.hits[1], 'the delivery after the rotation');
    expect(verifyHooklineSignature({ secret: 'the next secret, 2 words', body: second.body, headers: second.headers }).ok).toBe(true);
    expect(verifyHooklineSignature({ secret: 'your_webhook_secret', body: second.body, headers: second.headers }).ok).toBe(true);
  });

  it('refuses a secret that is neither kind, at the secret path', async () => {
    for (const secret of ['too-short', 'whsec_not*base64', `whsec_${Buffer.alloc(16).toString('base64')}`, 'non-ascii ünïcødé secret']) {
      const r = await api('/api/subscriptions', { url: 'http://127.0.0.1:9/x', events: ['*'], secret });
      expect(r.status).toBe(400);
      expect(r.body.error.details).toEqual([{ path: 'secret', message: expect.any(String) }]);
    }
  });
});

type Sub = { subscription_id: string; secret: string };
const subscribe = async (body: unknown): Promise<Sub> => {
  const r = await api('/api/subscriptions', body);
  expect(r).toMatchObject({ status: 201 });
  return r.body;
};
const publishAll = async (events: { type: string; data: unknown }[]) => {
  for (const e of events) expect((await api('/api/events', e)).status).toBe(202);
};
/** Deliveries are created when the event is published: after publishAll this list is final. */
/** A subscription's deliveries of events (its hookline.verification, sent on create, left out). */
const deliveries = async (id: string) =>
  ((await api(`/api/subscriptions/${id}/deliveries?limit=100`)).body.items as { delivery_id: string; event_type: string; status: string }[]).filter((d) => d.event_type !== 'hookline.verification');
const hitsOf = async (k: Sink, n: number, secret: string) => {
  const hits = await pollUntil(async () => k.hits.length >= n && k.hits, `${n} deliveries`);
  for (const h of hits) expect(verifyHooklineSignature({ secret, body: h.body, headers: h.headers })).toMatchObject({ ok: true });
  return hits.map((h) => JSON.parse(h.body) as { type: string; data: { mark: string } });
};
const marks = (bodies: { data: { mark: string } }[]) => bodies.map((b) => b.data.mark).sort();

/** Waits (at most 15 s) until the UTC clock is not within 15 s of an hour boundary, so an hour read now holds while a few events are published. */
async function awayFromTheHour(): Promise<number> {
  await pollUntil(async () => {
    const d = new Date();
    const s = d.getUTCMinutes() * 60 + d.getUTCSeconds();
    return s >= 15 && s <= 3585;
  }, 'a time away from the hour', 20_000, 500);
  return new Date().getUTCHours();
}

describe('the design registration body', () => {
  it('is accepted as written, and delivers exactly the events it selects, signed with the plain secret', async () => {
    const asWritten = await subscribe(registration);
    expect(asWritten.secret).toBe('your_webhook_secret');
    expect((await local.admin(`/api/subscriptions/${asWritten.subscription_id}`, { method: 'DELETE' })).status).toBe(204);

    const k = await sink();
    const sub = await subscribe({ ...registration, url: k.url });
    await publishAll([
      { type: 'chat_message', data: { mark: 'telegram chat, no severity (info)', platform: 'telegram', username: 'john_doe', content: 'Hello MegaBot!' } },
      { type: 'tool_result', data: { mark: 'discord tool result, warning', platform: 'discord', severity: 'warning', tool_name: 'run_tests' } },
      { type: 'chat_message', data: { mark: 'slack chat', platform: 'slack', content: 'not selected: platform' } },
      { type: 'tool_result', data: { mark: 'telegram debug', platform: 'telegram', severity: 'debug' } },
      { type: 'tool_execution_started', data: { mark: 'other type', platform: 'telegram' } },
    ]);
    expect(await deliveries(sub.subscription_id)).toHaveLength(2);
    const bodies = await hitsOf(k, 2, 'your_webhook_secret');
    expect(marks(bodies)).toEqual(['discord tool result, warning', 'telegram chat, no severity (info)']);
    const hit = k.hits[0];
    expect(hit.headers['x-hookline-signature']).toBe(`sha256=${createHmac('sha256', 'your_webhook_secret').update(hit.body).digest('hex')}`);
    expect(() => new StandardWebhook('your_webhook_secret', { format: 'raw' }).verify(hit.body, hit.headers)).not.toThrow();
  });
});

describe('the design filter configuration', () => {
  const selected = (mark: string, over: Record<string, unknown> = {}) => ({
    type: 'tool_execution_failed',
    data: { mark, execution_id: 'exec_124', tool_name: 'deploy_app', status: 'failed', platform: 'telegram', username: 'admin_user', severity: 'error', error: { type: 'DeploymentError', message: 'Failed to connect to database' }, ...over },
  });
  const events = [
    selected('deploy failed on telegram by admin_user'),
    { type: 'error_occurred', data: { mark: 'error on discord for moderator_user', type: 'LLMProviderError', message: 'x', severity: 'critical', context: { user_id: 'moderator_user' }, platform: 'discord', tool_name: 'deploy_db', error: { message: 'database locked' } } },
    selected('platform web', { platform: 'web' }),
    selected('user john_doe', { username: 'john_doe' }),
    selected('severity info', { severity: 'info' }),
    selected('no database', { error: { message: 'disk full' } }),
    selected('tool run_tests', { tool_name: 'run_tests' }),
    { ...selected('type chat_message'), type: 'chat_message' },
  ];
  const SELECTED = ['deploy failed on telegram by admin_user', 'error on discord for moderator_user'];

  it('is accepted as written', async () => {
    const asWritten = await subscribe(filterConfiguration);
    const shown = await api(`/api/subscriptions/${asWritten.subscription_id}`);
    expect(shown.body.filters).toEqual(filterConfiguration.filters);
    await local.admin(`/api/subscriptions/${asWritten.subscription_id}`, { method: 'DELETE' });
  });

  it('delivers exactly the events it selects; its 9-17 UTC window decides by the clock', async () => {
    const k = await sink();
    const sub = await subscribe({ ...filterConfiguration, url: k.url, secret: 'your_webhook_secret' });
    const hour = await awayFromTheHour();
    await publishAll(events);
    const inWindow = hour >= 9 && hour < 17;
    expect(await deliveries(sub.subscription_id)).toHaveLength(inWindow ? 2 : 0);
    if (inWindow) expect(marks(await hitsOf(k, 2, 'your_webhook_secret'))).toEqual(SELECTED);
    const why = await api(`/api/subscriptions/${sub.subscription_id}/preview`, { event: events[0] });
    expect(why.body).toMatchObject(inWindow ? { matched: true, reasons: [] } : { matched: false, reasons: [expect.stringMatching(/^filters\.time_window: /)] });
  });

  it('with its window moved to the current hour, delivers exactly the two events the other filters select', async () => {
    const k = await sink();
    const hour = await awayFromTheHour();
    const filters = { ...filterConfiguration.filters, time_window: { start_hour: hour, end_hour: (hour + 1) % 24 || 24, timezone: 'UTC' } };
    const sub = await subscribe({ ...filterConfiguration, url: k.url, secret: 'your_webhook_secret', filters });
    await publishAll(events);
    expect(await deliveries(sub.subscription_id)).toHaveLength(2);
    expect(marks(await hitsOf(k, 2, 'your_webhook_secret'))).toEqual(SELECTED);
  });

  it('the preview names the filter that excluded each other event', async () => {
    const filters = { ...filterConfiguration.filters, time_window: { start_hour: 0, end_hour: 24, timezone: 'UTC' } };
    const reasons = [];
    for (const event of events) {
      const r = await api('/api/subscriptions/preview', { subscription: { ...filterConfiguration, filters }, event });
      expect(r.status).toBe(200);
      reasons.push(r.body.reasons[0]?.split(':')[0] ?? 'selected');
    }
    expect(reasons).toEqual(['selected', 'selected', 'filters.platforms', 'filters.users', 'filters.min_severity', 'filters.content_filters.0', 'filters.content_filters.1', 'events']);
  });
});

describe('the design endpoints (mega-config.yaml) with body templates their targets accept', () => {
  const [githubEndpoint, slackEndpoint, monitoring] = endpoints;

  it('are each accepted as written', async () => {
    for (const e of endpoints) {
      const s = await subscribe(e);
      await local.admin(`/api/subscriptions/${s.subscription_id}`, { method: 'DELETE' });
    }
  });

  it('GitHub repository_dispatch: the standard body is refused (422); a body_template makes the event a dispatch GitHub accepts (204)', async () => {
    fake.clear();
    const url = `${fake.url}/repos/owner/repo/dispatches`;
    const headers = { ...githubEndpoint.headers, Authorization: 'token ghp_test_token' };
    const plain = await subscribe({ ...githubEndpoint, url, headers, events: ['deployment_refused'], retry_policy: { max_attempts: 1 } });
    const templated = await subscribe({
      ...githubEndpoint,
      url,
      headers,
      secret: 'your_webhook_secret',
      body_template: { event_type: '{{type}}', client_payload: '{{data}}' },
    });
    await publishAll([
      { type: 'deployment_refused', data: { app: 'api' } },
      { type: 'deployment_completed', data: { app: 'api', env: 'prod', version: 42, notes: 'say "hi"' } },
    ]);
    const done = async (id: string, status: string) => pollUntil(async () => (await deliveries(id)).find((d) => d.status === status), `a ${status} delivery`);
    const refused = await done(plain.subscription_id, 'failed');
    expect((await api(`/api/deliveries/${refused.delivery_id}`)).body.attempts[0]).toMatchObject({ status_code: 422, response_excerpt: expect.stringContaining('event_type') });

    const ok = await done(templated.subscription_id, 'success');
    const detail = await api(`/api/deliveries/${ok.delivery_id}`);
    expect(detail.body.attempts[0].status_code).toBe(204);
    expect(JSON.parse(detail.body.body)).toEqual({ event_type: 'deployment_completed', client_payload: { app: 'api', env: 'prod', version: 42, notes: 'say "hi"' } });
    const req = fake.requestsFor('github_dispatch').find((r) => r.raw === detail.body.body)!;
    expect(req.headers).toMatchObject({ authorization: 'token ghp_test_token', accept: 'application/vnd.github.v3+json', 'content-type': 'application/json' });
    expect(verifyHooklineSignature({ secret: 'your_webhook_secret', body: req.raw, headers: req.headers as Record<string, string> })).toMatchObject({ ok: true });
  });

  it('Slack incoming webhook: its filters select, and a {"text"} template is what Slack accepts ("ok")', async () => {
    fake.clear();
    const url = `${fake.url}/services/T000/B000/XXXX`;
    const sub = await subscribe({ ...slackEndpoint, url, body_template: { text: '*{{type}}* from {{username}}: {{content}}' } });
    const bare = await subscribe({ ...slackEndpoint, url, events: ['tool_executed'], retry_policy: { max_attempts: 1 } });
    await publishAll([
      { type: 'chat_message', data: { platform: 'slack', username: 'admin_user', content: 'Deploy "api" now?' } },
      { type: 'chat_message', data: { platform: 'telegram', username: 'admin_user', content: 'not selected: platform' } },
      { type: 'chat_message', data: { platform: 'slack', username: 'john_doe', content: 'not selected: user' } },
    ]);
    const list = await pollUntil(async () => {
      const l = await deliveries(sub.subscription_id);
      return l.length === 1 && l[0].status === 'success' && l;
    }, 'the Slack delivery');
    const detail = await api(`/api/deliveries/${list[0].delivery_id}`);
    expect(detail.body.body).toBe('{"text":"*chat_message* from admin_user: Deploy \\"api\\" now?"}');
    expect(detail.body.attempts[0]).toMatchObject({ status_code: 200, response_excerpt: 'ok' });
    // Each subscription's hookline.verification reached the fake Slack too (rendered through the template, or refused bare).
    const events = fake.requestsFor('slack_incoming').filter((r) => (r.headers as Record<string, string>)['x-hookline-event'] !== 'hookline.verification');
    expect(events.map((r) => r.body)).toEqual([{ text: '*chat_message* from admin_user: Deploy "api" now?' }]);

    await publishAll([{ type: 'tool_executed', data: { platform: 'slack', username: 'admin_user', tool: 'x' } }]);
    const refused = await pollUntil(async () => (await deliveries(bare.subscription_id)).find((d) => d.status === 'failed'), 'the refused delivery');
    expect((await api(`/api/deliveries/${refused.delivery_id}`)).body.attempts[0]).toMatchObject({ status_code: 400, response_excerpt: 'no_text' });
  });

  it('the monitoring endpoint gets every event with its retry policy', async () => {
    const k = await sink();
    const sub = await subscribe({ ...monitoring, url: k.url });
    expect((await api(`/api/subscriptions/${sub.subscription_id}`)).body.retry_policy).toMatchObject({ max_attempts: 5, backoff_multiplier: 2, initial_delay: 1 });
    await publishAll([{ type: 'memory_lesson_learned', data: { mark: 'any' } }]);
    expect(await deliveries(sub.subscription_id)).toHaveLength(1);
    await local.admin(`/api/subscriptions/${sub.subscription_id}`, { method: 'DELETE' });
  });
});

describe('the subscription preview', () => {
  it('shows the rendered body of a stored subscription for a sample event, and changes nothing', async () => {
    const k = await sink();
    const sub = await subscribe({ url: k.url, events: ['chat_message_received'], body_template: { text: '{{username}} on {{platform}}: {{content}}', raw: '{{data.metadata}}' } });
    const r = await api(`/api/subscriptions/${sub.subscription_id}/preview`, {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ matched: true, reasons: [], missing: [], event: { source: 'sample', type: 'chat_message_received', id: 'evt_preview' } });
    expect(JSON.parse(r.body.rendered)).toEqual({ text: 'john_doe on telegram: Hello MegaBot!', raw: { chat_id: 'chat_456', platform_specific: { message_thread_id: 'thread_789' } } });
    expect(await deliveries(sub.subscription_id)).toEqual([]);
  });

  it('stores any JSON template as written: empty keys and strings, empty lists and objects, nesting', async () => {
    const template = JSON.parse('{"":"{{type}}","list":[[],{},null,1.5,true,""],"deep":{"a":{"b":{"c":"{{data}}"}}}}');
    const k = await sink();
    const sub = await subscribe({ url: k.url, events: ['template.shapes'], body_template: template });
    expect((await api(`/api/subscriptions/${sub.subscription_id}`)).body.body_template).toEqual(template);
    const r = await api(`/api/subscriptions/${sub.subscription_id}/preview`, { event: { type: 'template.shapes', data: { n: 1 } } });
    expect(r.body.rendered).toBe('{"":"template.shapes","list":[[],{},null,1.5,true,""],"deep":{"a":{"b":{"c":{"n":1}}}}}');
  });

  it('answers 400 with the path of an invalid subscription or event, and 404 for an unknown id', async () => {
    const bad = await api('/api/subscriptions/preview', { subscription: { url: 'https://x.example/h', events: ['*'], filters: { time_window: { start_hour: 9, end_hour: 17, timezone: 'Mars/Olympus' } }, body_template: { text: '{{#open}}' } }, event: { type: 'bad type!' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['event.type', 'subscription.body_template.text', 'subscription.filters.time_window.timezone']);
    expect((await api('/api/subscriptions/sub_nope/preview', {})).status).toBe(404);
  });
});
