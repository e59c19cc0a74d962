import { renderBodyTemplate, bodyTemplateIssues } from '../../shared/delivery/body-template';
import { hourIn, hourInWindow } from '../../shared/commands/time-window';
import { SubscriptionCreate } from '../../shared/model/subscription';
import type { DeliveryRecord, SubscriptionRecord } from '../../shared/model/subscription';
import type { OutboundDeps } from '../../shared/ports';
import { deliveryBody, explainMatch, previewSubscription, publishEvent, type PublishedEvent } from '../../shared/usecases/subscriptions';

// The outbound design's (seeds/004) filter configuration, as written there (YAML turned into JSON).
const DESIGN_FILTERS = {
  platforms: ['telegram', 'discord'],
  users: ['admin_user', 'moderator_user'],
  min_severity: 'warning',
  content_filters: [
    { type: 'contains', field: 'error.message', value: 'database' },
    { type: 'regex', field: 'data.tool_name', pattern: '^deploy_' },
  ],
  time_window: { start_hour: 9, end_hour: 17, timezone: 'UTC' },
};

const sub = (filters: unknown, extra: Record<string, unknown> = {}) =>
  SubscriptionCreate.parse({ url: 'https://slack-webhook.com/notify', events: ['error_occurred', 'tool_execution_failed'], filters, ...extra });
const record = (filters: unknown, extra: Record<string, unknown> = {}) => ({ ...sub(filters, extra), subscription_id: 'sub_design', enabled: true });

const failedDeploy = {
  execution_id: 'exec_124',
  tool_name: 'deploy_app',
  status: 'failed',
  platform: 'telegram',
  username: 'admin_user',
  severity: 'error',
  error: { type: 'DeploymentError', message: 'Failed to connect to database', details: 'Connection timeout after 30 seconds' },
};
const ev = (data: unknown, over: Partial<PublishedEvent> = {}): PublishedEvent => ({ id: 'evt_1', type: 'tool_execution_failed', timestamp: '2026-11-23T10:15:00Z', data, ...over });
const reasons = (filters: unknown, e: PublishedEvent) => explainMatch(record(filters), e).reasons;
const paths = (input: unknown) => {
  const r = SubscriptionCreate.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('the design filter configuration', () => {
  it('is accepted verbatim', () => {
    expect(sub(DESIGN_FILTERS).filters).toEqual(DESIGN_FILTERS);
  });

  it('selects an event that satisfies every key', () => {
    expect(explainMatch(record(DESIGN_FILTERS), ev(failedDeploy))).toEqual({ matched: true, reasons: [] });
  });

  it('names the filter that excluded an event', () => {
    expect(reasons(DESIGN_FILTERS, ev({ ...failedDeploy, platform: 'slack' }))).toEqual([expect.stringMatching(/^filters\.platforms: none of "telegram", "discord" matches/)]);
    expect(reasons(DESIGN_FILTERS, ev({ ...failedDeploy, username: 'john_doe' }))).toEqual([expect.stringMatching(/^filters\.users: the actor is not one of "admin_user", "moderator_user" \(actor "john_doe"\)/)]);
    expect(reasons(DESIGN_FILTERS, ev({ ...failedDeploy, severity: 'info' }))).toEqual(['filters.min_severity: severity "info" is below "warning"']);
    expect(reasons(DESIGN_FILTERS, ev({ ...failedDeploy, error: { message: 'disk full' } }))).toEqual([
      'filters.content_filters.0: error.message contains "database": false for "disk full"',
    ]);
    expect(reasons(DESIGN_FILTERS, ev({ ...failedDeploy, tool_name: 'run_tests' }))).toEqual(['filters.content_filters.1: data.tool_name regex "^deploy_": false for "run_tests"']);
    expect(reasons(DESIGN_FILTERS, ev(failedDeploy, { timestamp: '2026-11-23T17:00:00Z' }))).toEqual([
      'filters.time_window: the event\'s time (2026-11-23T17:00:00Z, hour 17 in UTC) is outside 9:00 to 17:00 UTC',
    ]);
    expect(explainMatch(record(DESIGN_FILTERS), ev(failedDeploy, { type: 'chat_message' })).reasons).toEqual(['events: none of "error_occurred", "tool_execution_failed" matches the type "chat_message"']);
  });

  it('reads an event without a severity as info, as the design does', () => {
    const { severity: _s, ...none } = failedDeploy;
    expect(reasons({ min_severity: 'info' }, ev(none))).toEqual([]);
    expect(reasons({ min_severity: 'warning' }, ev(none))).toEqual(['filters.min_severity: severity "info" (the default: the event names none) is below "warning"']);
  });
});

describe('content_filters', () => {
  it('reads paths into the event: data. optional, id, type and timestamp from the event', () => {
    const e = ev({ message: 'hello', nested: { n: 'x' }, type: 'inner' }, { id: 'evt_abc' });
    const holds = (field: string, value: string) => reasons({ content_filters: [{ type: 'contains', field, value }] }, e).length === 0;
    expect(holds('message', 'hell')).toBe(true);
    expect(holds('data.message', 'hell')).toBe(true);
    expect(holds('data.nested.n', 'x')).toBe(true);
    expect(holds('id', 'abc')).toBe(true);
    expect(holds('type', 'tool_execution')).toBe(true);
    expect(holds('data.type', 'inner')).toBe(true);
    expect(holds('timestamp', '2026-11-23')).toBe(true);
    expect(reasons({ content_filters: [{ type: 'contains', field: 'nope.deeper', value: 'x' }] }, e)).toEqual(['filters.content_filters.0: nope.deeper contains "x": the field is absent']);
  });

  it('regex: a leading (?i) ignores case; every item must hold', () => {
    const f = { content_filters: [{ type: 'regex', field: 'tool_name', pattern: '(?i)^DEPLOY_' }, { type: 'contains', field: 'status', value: 'fail' }] };
    expect(reasons(f, ev(failedDeploy))).toEqual([]);
    expect(reasons(f, ev({ ...failedDeploy, status: 'ok' }))).toHaveLength(1);
  });

  it('refuses unsafe or invalid patterns and unknown item types on save, at their path', () => {
    const base = { url: 'https://x.example/h', events: ['*'] };
    expect(paths({ ...base, filters: { content_filters: [{ type: 'regex', field: 'a', pattern: '(a+)+$' }] } })).toEqual([expect.stringMatching(/^filters\.content_filters\.0\.pattern: unsafe regular expression/)]);
    expect(paths({ ...base, filters: { content_filters: [{ type: 'regex', field: 'a', pattern: '(' }] } })).toEqual([expect.stringMatching(/^filters\.content_filters\.0\.pattern: invalid regular expression/)]);
    expect(paths({ ...base, filters: { content_filters: [{ type: 'glob', field: 'a', value: 'x' }] } })).toEqual([expect.stringMatching(/^filters\.content_filters\.0\.type: /)]);
    expect(paths({ ...base, filters: { content_filters: [{ type: 'contains', field: 'a' }] } })).toEqual([expect.stringMatching(/^filters\.content_filters\.0\.value: /)]);
  });
});

describe('time_window', () => {
  it('reads the hour on the zone clock, end exclusive, wrapping midnight', () => {
    expect(hourIn('UTC', new Date('2026-01-15T09:00:00Z'))).toBe(9);
    expect(hourIn('Europe/Berlin', new Date('2026-01-15T09:00:00Z'))).toBe(10); // CET
    expect(hourIn('Europe/Berlin', new Date('2026-07-15T09:00:00Z'))).toBe(11); // CEST
    expect(hourIn('America/New_York', new Date('2026-01-15T03:30:00Z'))).toBe(22);
    expect(hourIn('Mars/Olympus', new Date())).toBeNaN();
    const day = { start_hour: 9, end_hour: 17 };
    expect([8, 9, 16, 17].map((h) => hourInWindow(h, day))).toEqual([false, true, true, false]);
    const night = { start_hour: 22, end_hour: 6 };
    expect([21, 22, 23, 0, 5, 6].map((h) => hourInWindow(h, night))).toEqual([false, true, true, true, true, false]);
    expect([0, 12, 23].every((h) => hourInWindow(h, { start_hour: 0, end_hour: 24 }))).toBe(true);
  });

  it('judges the event timestamp in the zone', () => {
    const f = { time_window: { start_hour: 22, end_hour: 6, timezone: 'America/New_York' } };
    expect(reasons(f, ev({}, { timestamp: '2026-01-15T03:30:00Z' }))).toEqual([]); // 22:30 in New York
    expect(reasons(f, ev({}, { timestamp: '2026-01-15T12:00:00Z' }))).toEqual([expect.stringMatching(/hour 7 in America\/New_York\) is outside 22:00 to 6:00/)]);
  });

  it('refuses an unknown zone, fractional or out-of-range hours and an empty window, at their path', () => {
    const base = { url: 'https://x.example/h', events: ['*'] };
    const tw = (w: unknown) => paths({ ...base, filters: { time_window: w } });
    expect(tw({ start_hour: 9, end_hour: 17, timezone: 'Mars/Olympus' })).toEqual(['filters.time_window.timezone: an IANA time zone such as UTC, Europe/Berlin or America/New_York']);
    expect(tw({ start_hour: 9.5, end_hour: 17 })).toEqual([expect.stringMatching(/^filters\.time_window\.start_hour: /)]);
    expect(tw({ start_hour: 9, end_hour: 25 })).toEqual([expect.stringMatching(/^filters\.time_window\.end_hour: /)]);
    expect(tw({ start_hour: 9, end_hour: 9 })).toEqual([expect.stringMatching(/^filters\.time_window\.end_hour: a window from an hour to the same hour is empty/)]);
    expect(tw({ start_hour: 9, end_hour: 17, tz: 'UTC' })).toEqual([expect.stringMatching(/^filters\.time_window: /)]);
    expect(sub({ time_window: { start_hour: 0, end_hour: 24 } }).filters?.time_window).toEqual({ start_hour: 0, end_hour: 24, timezone: 'UTC' });
  });
});

describe('body_template', () => {
  const event = { id: 'evt_1', type: 'deployment_completed', timestamp: '2026-11-23T10:00:00.000Z', data: { app: 'api', env: 'prod', n: 3, ok: true, tags: ['a'], note: 'say "hi"\n' }, subscription_id: 'sub_1' };

  it('keeps the JSON type of a string that is exactly one tag', () => {
    const t = { event_type: 'megabot.{{type}}', client_payload: '{{data}}', count: '{{ data.n }}', ok: '{{{ok}}}', tags: '{{& tags}}', fixed: 7, nothing: null };
    expect(renderBodyTemplate(t, event)).toEqual({
      value: { event_type: 'megabot.deployment_completed', client_payload: event.data, count: 3, ok: true, tags: ['a'], fixed: 7, nothing: null },
      missing: [],
    });
  });

  it('renders other strings as text and JSON-escapes the values', () => {
    const { value } = renderBodyTemplate({ text: 'Deployed {{data.app}} to {{env}}: {{note}}' }, event);
    expect(value).toEqual({ text: 'Deployed api to prod: say "hi"\n' });
    expect(deliveryBody({ subscription_id: 'sub_1', body_template: { text: '{{note}}' } }, event)).toEqual({ body: '{"text":"say \\"hi\\"\\n"}', missing: [] });
  });

  it('reports absent variables with their place, and renders them empty or null', () => {
    expect(renderBodyTemplate({ a: '{{data.nope}}', b: ['x {{gone}} y'] }, event)).toEqual({ value: { a: null, b: ['x  y'] }, missing: ['a: data.nope', 'b.0: gone'] });
  });

  it('keeps object keys as written, __proto__ included', () => {
    const t = JSON.parse('{"__proto__":"{{type}}","{{type}}":1}');
    expect(JSON.stringify(renderBodyTemplate(t, event).value)).toBe('{"__proto__":"deployment_completed","{{type}}":1}');
  });

  it('is checked on save: a broken template is refused at its path', () => {
    expect(bodyTemplateIssues({ ok: '{{a}}', list: ['fine', '{{#open}}never closed'] })).toEqual([{ path: ['list', 1], message: expect.stringMatching(/section \{\{#open\}\} is not closed/) }]);
    const base = { url: 'https://x.example/h', events: ['*'] };
    expect(paths({ ...base, body_template: { client_payload: { text: 'Hi {{name' } } })).toEqual([expect.stringMatching(/^body_template\.client_payload\.text: invalid template: a tag is not closed/)]);
    expect(paths({ ...base, body_template: { p: '{{> partial}}' } })).toEqual([expect.stringMatching(/^body_template\.p: partials/)]);
    expect(paths({ ...base, body_template: { big: 'x'.repeat(20_000) } })).toEqual([expect.stringMatching(/^body_template: at most 16384 characters/)]);
  });

  it('without one, the standard body', () => {
    expect(JSON.parse(deliveryBody({ subscription_id: 'sub_1' }, event).body)).toEqual(event);
  });
});

describe('previewSubscription', () => {
  const clock = { now: () => new Date('2026-11-23T10:00:00Z') };

  it('judges a sample of the first event type when no event is given', () => {
    const p = previewSubscription({ clock }, { ...sub({ platforms: ['telegram'] }, { events: ['chat_message_received'], body_template: { text: '{{username}}: {{content}}' } }), enabled: true });
    expect(p).toEqual({ matched: true, reasons: [], rendered: '{"text":"john_doe: Hello MegaBot!"}', missing: [], event: expect.objectContaining({ type: 'chat_message_received', timestamp: '2026-11-23T10:00:00.000Z' }) });
  });

  it("samples the design's own documented events, and says which filter the sample fails", () => {
    const p = previewSubscription({ clock }, { ...sub(DESIGN_FILTERS), enabled: true });
    expect(p.event).toMatchObject({ source: 'sample', type: 'error_occurred', data: { error_id: 'err_789', message: 'Anthropic API rate limit exceeded', severity: 'error' } });
    expect(p.reasons).toEqual([expect.stringMatching(/^filters\.platforms: none of "telegram", "discord" matches/)]);
  });

  it('shows the reasons and still the rendered body when the event is excluded', () => {
    const p = previewSubscription({ clock }, { ...sub(DESIGN_FILTERS), enabled: false }, { type: 'tool_execution_failed', data: { ...failedDeploy, platform: 'web' }, timestamp: '2026-11-23T12:00:00+02:00' });
    expect(p.matched).toBe(false);
    expect(p.reasons).toEqual(['the subscription is disabled', expect.stringMatching(/^filters\.platforms: /)]);
    expect(JSON.parse(p.rendered)).toMatchObject({ type: 'tool_execution_failed', timestamp: '2026-11-23T10:00:00.000Z', subscription_id: 'sub_preview' });
  });
});

describe('publishEvent with body templates', () => {
  function deps(subs: SubscriptionRecord[]) {
    const created: DeliveryRecord[] = [];
    const queued: string[] = [];
    const d = {
      clock: { now: () => new Date('2026-11-23T10:00:00Z') },
      ids: { next: (p: string) => `${p}_1` },
      deliveries: { create: async (x: DeliveryRecord) => void created.push(x) },
      deliveryQueue: { sendAll: async (ids: string[]) => void queued.push(...ids) },
      publishes: { get: async () => null, putIfAbsent: async () => true },
      allSubscriptions: async () => subs,
      eventType: async () => null,
      strictEventTypes: false,
      retentionDays: 30,
    } as unknown as OutboundDeps;
    return { d, created, queued };
  }
  const stored = (extra: Record<string, unknown>): SubscriptionRecord =>
    ({ ...sub(undefined, { events: ['big.*'], ...extra }), subscription_id: `sub_${Object.keys(extra).join('_') || 'plain'}`, secret: 'your_webhook_secret', previous_secrets: [], created_at: '', created_by: 't', updated_at: '', version: 1 }) as SubscriptionRecord;

  it('stores the rendered body with the delivery, fixed at publish time', async () => {
    const { d, created, queued } = deps([stored({ body_template: { text: '{{data.n}} items' } })]);
    expect((await publishEvent(d, { type: 'big.one', data: { n: 3 } })).result.deliveries).toBe(1);
    expect(created[0]).toMatchObject({ status: 'pending', body: '{"text":"3 items"}' });
    expect(queued).toEqual([created[0].delivery_id]);
  });

  it('records a rendered body over 256 KB as a failed delivery with the reason, and sends nothing', async () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`copy${i}`, '{{data}}']));
    const { d, created, queued } = deps([stored({ body_template: many }), stored({})]);
    const r = await publishEvent(d, { type: 'big.one', data: { blob: 'x'.repeat(10_000) } });
    expect(r.result.deliveries).toBe(2);
    const [big, plain] = created;
    expect(big).toMatchObject({ status: 'failed', attempt_count: 1, next_attempt_at: null, attempts: [{ status_code: null, error: expect.stringMatching(/^the rendered body_template is \d+ bytes, over the 262144-byte limit/) }] });
    expect(big.body.length).toBe(4096);
    expect(plain.status).toBe('pending');
    expect(queued).toEqual([plain.delivery_id]);
  });
});
