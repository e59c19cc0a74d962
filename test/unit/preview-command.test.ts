import { gzipSync } from 'node:zlib';
import { HANDSHAKE_REASON, MARKER } from '../../shared/actions/reply';
import type { QueuedEvent } from '../../shared/model/queued-event';
import type { WebhookRecord } from '../../shared/model/webhook';
import { previewCommand } from '../../shared/usecases/preview-command';
import { processEvents, type ProcessDeps } from '../../shared/usecases/process-events';
import { MemoryEventStore, MemoryIntentStore, MemoryPayloadStore, MemoryQuestionStore, MemoryTaskStore, MemoryTopic } from '../support/fakes';

const clock = { now: () => new Date('2026-12-01T09:00:00Z') };
const hook = (provider: string, extra: Partial<WebhookRecord> = {}) =>
  ({ webhook_id: `${provider}-1`, name: provider, provider, secret: 'whsec_c2VjcmV0LWZvci10aGUtcHJldmlldy10ZXN0cw==', enabled: true, commands: [], version: 1, ...extra }) as unknown as WebhookRecord;

function deps(...hooks: WebhookRecord[]) {
  const byId = new Map(hooks.map((w) => [w.webhook_id, w]));
  return {
    webhooks: { get: async (id: string) => byId.get(id) ?? null } as never,
    events: new MemoryEventStore(),
    payloads: new MemoryPayloadStore(),
    clock,
  };
}

/** Runs the real consumer on one queued event, storing it in `d`'s stores. */
async function consume(d: ReturnType<typeof deps>, w: WebhookRecord, q: QueuedEvent) {
  const consumer: ProcessDeps = { loadWebhook: async () => w, events: d.events, payloads: d.payloads, clock, retentionDays: 30, questions: new MemoryQuestionStore(), runner: { tasks: new MemoryTaskStore(), topic: new MemoryTopic(), intents: new MemoryIntentStore(), clock, retentionDays: 30, effects: {} } };
  expect(await processEvents(consumer, [{ messageId: 'm1', body: JSON.stringify(q), receiveCount: 1 }], { maxReceiveCount: 5 })).toEqual([]);
}

const bugCommand = { trigger: 'issues.opened', action: 'create_task' as const, agent: 'planning', template: 'Analyze issue: {{issue.title}} ({{issue.assignee.login}})', conditions: { labels: ['bug'] } };
const issue = (labels: string[], extra: Record<string, unknown> = {}) => ({ action: 'opened', issue: { number: 7, title: 'Crash on start', labels: labels.map((name) => ({ name })), body: 'It crashes.', ...extra }, sender: { login: 'octocat' } });

describe('previewCommand', () => {
  it('matches a payload, renders the template and lists the variables that rendered empty', async () => {
    const d = deps(hook('github'));
    const out = await previewCommand(d, 'github-1', { command: bugCommand, payload: issue(['bug']), event_type: 'issues.opened' });
    expect(out).toEqual({ matched: true, reasons: [], rendered: 'Analyze issue: Crash on start ()', missing: ['issue.assignee.login'], warnings: [], event: { source: 'payload', event_type: 'issues.opened' } });
  });

  it('says why a payload does not match, and still renders the template for the editor', async () => {
    const out = await previewCommand(deps(hook('github')), 'github-1', { command: bugCommand, payload: issue(['question']), event_type: 'issues.opened' });
    expect(out.matched).toBe(false);
    expect(out.reasons).toEqual(['labels: none of "bug" is on the event (it has "question")']);
    expect(out.rendered).toBe('Analyze issue: Crash on start ()');
  });

  it('answers rendered null for a command without a template', async () => {
    const out = await previewCommand(deps(hook('github')), 'github-1', { command: { trigger: '*', action: 'forward', forward_url: 'https://example.com/x' }, payload: issue([]), event_type: 'issues.opened' });
    expect(out).toMatchObject({ matched: true, rendered: null, missing: [] });
  });

  it('shows the default prompt the consumer gives a create_task without a template', async () => {
    const out = await previewCommand(deps(hook('github')), 'github-1', { command: { trigger: '*', action: 'create_task', agent: 'planning' }, payload: issue([]), event_type: 'issues.opened' });
    expect(out.rendered).toMatch(/^GitHub issues\.opened.*: issue #\d+ "Crash on start"/);
  });

  it("applies the consumer's loop guard: Hookline's marker and the bot account never trigger commands", async () => {
    const w = hook('github', { reply: { bot_user: 'hookline-bot' } } as never);
    const marked = await previewCommand(deps(w), 'github-1', { command: { ...bugCommand, conditions: undefined }, payload: issue([], { body: `done ${MARKER}` }), event_type: 'issues.opened' });
    expect(marked.reasons).toEqual(["loop guard: the event carries Hookline's own marker"]);
    const byBot = await previewCommand(deps(w), 'github-1', { command: { ...bugCommand, conditions: undefined }, payload: { ...issue([]), sender: { login: 'hookline-bot' } }, event_type: 'issues.opened' });
    expect(byBot).toMatchObject({ matched: false, reasons: ['loop guard: sent by the bot account hookline-bot'] });
  });

  it("uses the provider's sample event (the one /test sends) when no event is given", async () => {
    const slack = await previewCommand(deps(hook('slack')), 'slack-1', { command: { trigger: 'app_mention', action: 'respond', template: 'Hi {{event.user}}' } });
    expect(slack).toMatchObject({ matched: true, reasons: [], event: { source: 'sample', event_type: 'app_mention' } });
    expect(slack.rendered).toMatch(/^Hi U/);
    // GitHub's /test sample is a ping, a handshake: it never runs commands.
    const gh = await previewCommand(deps(hook('github')), 'github-1', { command: { trigger: 'ping', action: 'comment', template: 'x' } });
    expect(gh).toMatchObject({ matched: false, reasons: [HANDSHAKE_REASON], event: { source: 'sample', event_type: 'ping' } });
  });

  it("takes the default sample from the provider's real payload fixtures for the command's trigger, and lints the command", async () => {
    const jira = await previewCommand(deps(hook('jira')), 'jira-1', { command: { trigger: 'jira:issue_created', action: 'create_task', agent: 'planning', template: 'New Jira ticket: {{issue.key}} - {{issue.summary}} {{issue.summry}}' } });
    expect(jira).toMatchObject({ event: { source: 'sample', event_type: 'jira:issue_created' }, matched: true, missing: ['issue.summry'] });
    expect(jira.rendered).toMatch(/^New Jira ticket: OPS-42 - Checkout crashes/);
    expect(jira.warnings).toEqual([{ path: 'template', message: 'issue.summry is not in jira:issue_created payloads; did you mean issue.summary?' }]);
    const gh = await previewCommand(deps(hook('github')), 'github-1', { command: { trigger: 'pull_request.*', action: 'comment', template: '{{pull_request.title}}' } });
    expect(gh).toMatchObject({ event: { source: 'sample', event_type: 'pull_request.opened' }, matched: true, missing: [], warnings: [] });
  });

  it('refuses an event_type for which the provider has no sample, at event_type', async () => {
    await expect(previewCommand(deps(hook('github')), 'github-1', { command: bugCommand, event_type: 'issues.closed' })).rejects.toMatchObject({
      status: 400,
      details: [{ path: 'event_type', message: expect.stringMatching(/no sample/) }],
    });
  });

  it('agrees with the consumer on a stored event, and changes nothing', async () => {
    const w = hook('github', { commands: [{ command_id: 'cmd_bug', priority: 0, ...bugCommand }, { command_id: 'cmd_push', priority: 0, trigger: 'push', action: 'comment' }] } as never);
    const d = deps(w);
    const body = JSON.stringify(issue(['bug']));
    const q: QueuedEvent = { v: 1, event_id: 'evt_stored', webhook_id: 'github-1', provider: 'github', event_type: 'issues.opened', delivery_id: 'd1', received_at: '2026-12-01T08:59:00.000Z', content_type: 'application/json', body_bytes: body.length, body_gz: gzipSync(body).toString('base64') };
    await consume(d, w, q);
    const stored = structuredClone(d.events.items.get('evt_stored')!);
    expect(stored.matched_commands).toEqual(['cmd_bug']);

    for (const c of w.commands) {
      const out = await previewCommand(d, 'github-1', { command: c, event_id: 'evt_stored' });
      expect(out.matched).toBe(stored.matched_commands.includes(c.command_id));
      expect(out.event).toEqual({ source: 'event', event_type: 'issues.opened', event_id: 'evt_stored' });
    }
    expect(d.events.items.get('evt_stored')).toEqual(stored);
    expect(d.payloads.puts).toBe(1);
  });

  it('reads the handshake flag of a stored ping, as the consumer did', async () => {
    const w = hook('github', { commands: [{ command_id: 'cmd_all', priority: 0, trigger: '*', action: 'comment' }] } as never);
    const d = deps(w);
    const body = '{"zen":"Keep it simple."}';
    const q: QueuedEvent = { v: 1, event_id: 'evt_ping', webhook_id: 'github-1', provider: 'github', event_type: 'ping', delivery_id: 'p1', handshake: true, received_at: '2026-12-01T08:59:00.000Z', content_type: 'application/json', body_bytes: body.length, body_gz: gzipSync(body).toString('base64') };
    await consume(d, w, q);
    expect(d.events.items.get('evt_ping')!.status).toBe('ignored');
    expect(await previewCommand(d, 'github-1', { command: w.commands[0], event_id: 'evt_ping' })).toMatchObject({ matched: false, reasons: [HANDSHAKE_REASON] });
  });

  it("answers 404 for an unknown event or another webhook's event, and for an unknown webhook", async () => {
    const d = deps(hook('github'), hook('gitlab'));
    const body = '{}';
    await d.payloads.putObject('k', gzipSync(body));
    await d.events.put({ event_id: 'evt_other', webhook_id: 'gitlab-1', provider: 'gitlab', event_type: 'push', delivery_id: null, status: 'ignored', received_at: '', processed_at: null, received_key: '', matched_commands: [], actions: [], response_sent: false, payload_ref: { key: 'k', offset: 0, length: -1 }, payload_bytes: 2, expires_at: 0 });
    await expect(previewCommand(d, 'github-1', { command: bugCommand, event_id: 'evt_nope' })).rejects.toMatchObject({ status: 404 });
    await expect(previewCommand(d, 'github-1', { command: bugCommand, event_id: 'evt_other' })).rejects.toMatchObject({ status: 404 });
    await expect(previewCommand(d, 'nope', { command: bugCommand })).rejects.toMatchObject({ status: 404 });
  });
});
