import { gzipSync } from 'node:zlib';
import slackMessage from '../../fixtures/slack/message.channels.json';
import slackSlash from '../../fixtures/slack/slash_command.json';
import type { EventContext } from '../../../shared/commands/event-context';
import { matchCommands } from '../../../shared/commands/match';
import type { Command, WebhookRecord } from '../../../shared/model/webhook';
import type { ChannelDirectory } from '../../../shared/ports';
import { channelNameProblems, resolveChannelNames } from '../../../shared/usecases/channel-names';
import { previewCommand } from '../../../shared/usecases/preview-command';
import { processEvents } from '../../../shared/usecases/process-events';
import { MemoryEventStore, MemoryIntentStore, MemoryPayloadStore, MemoryQuestionStore, MemoryTaskStore, MemoryTopic } from '../../support/fakes';

const respond: Command = { command_id: 'cmd_eng', trigger: 'message.channels', action: 'respond', agent: 'brain', template: 'Processing your request: {{text}}', conditions: { channel: '#engineering' }, priority: 0 };
const hook = (extra: Partial<WebhookRecord> = {}): WebhookRecord =>
  ({ webhook_id: 'slack-alerts-001', provider: 'slack', commands: [respond], reply: { token: 'xoxb-test', api_base_url: 'http://127.0.0.1:9' }, ...extra }) as WebhookRecord;
const directory = (names: Record<string, string>, calls: string[] = []): ChannelDirectory => ({
  async channelName(id) {
    calls.push(id);
    if (names[id]) return names[id];
    throw new Error('conversations.info answered channel_not_found');
  },
});
const ctx = (payload: unknown, event_type = 'message.channels'): EventContext => ({ payload, event_type, provider: 'slack', webhook_id: 'slack-alerts-001' });

describe('Slack channel names in conditions', () => {
  it('matches "#engineering" on an Events API message once the id is looked up', async () => {
    const calls: string[] = [];
    const c = ctx(slackMessage);
    await resolveChannelNames(directory({ C024BE91L: 'engineering' }, calls), hook(), c);
    expect(calls).toEqual(['C024BE91L']);
    expect(matchCommands([respond], c)).toEqual([respond]);
  });

  it('uses the channel_name a slash command carries, without a lookup', async () => {
    const calls: string[] = [];
    const cmd = { ...respond, trigger: 'slash_command', conditions: { channel: '#test' } };
    const c = ctx(slackSlash, 'slash_command');
    await resolveChannelNames(directory({}, calls), hook({ commands: [cmd] }), c);
    expect(calls).toEqual([]);
    expect(matchCommands([cmd], c)).toEqual([cmd]);
  });

  it('looks nothing up when no command that could run names a channel', async () => {
    const calls: string[] = [];
    await resolveChannelNames(directory({}, calls), hook({ commands: [{ ...respond, conditions: { channel: 'C024BE91L' } }] }), ctx(slackMessage));
    await resolveChannelNames(directory({}, calls), hook({ commands: [{ ...respond, trigger: 'app_mention' }] }), ctx(slackMessage));
    expect(calls).toEqual([]);
  });

  it('fails the condition closed when the lookup fails, and the ignored event says why', async () => {
    const body = JSON.stringify(slackMessage);
    const clock = { now: () => new Date('2026-11-23T12:00:01Z') };
    const events = new MemoryEventStore();
    const tasks = new MemoryTaskStore();
    await processEvents(
      {
        loadWebhook: async () => hook(),
        events,
        payloads: new MemoryPayloadStore(),
        clock,
        retentionDays: 30,
        questions: new MemoryQuestionStore(),
        channels: directory({}),
        runner: { tasks, topic: new MemoryTopic(), intents: new MemoryIntentStore(), clock, retentionDays: 30, effects: {} },
      },
      [
        {
          messageId: 'm1',
          receiveCount: 1,
          body: JSON.stringify({ v: 1, event_id: 'evt_1', webhook_id: 'slack-alerts-001', provider: 'slack', event_type: 'message.channels', delivery_id: 'Ev1', received_at: '2026-11-23T12:00:00.000Z', content_type: 'application/json', body_bytes: body.length, body_gz: gzipSync(body).toString('base64') }),
        },
      ],
      { maxReceiveCount: 5 },
    );
    const e = events.items.get('evt_1')!;
    expect(e.status).toBe('ignored');
    expect(e.match_reasons).toEqual(['cmd_eng: channel: the event is not in "#engineering" (channel "c024be91l"; its name could not be looked up: conversations.info answered channel_not_found)']);
    expect(Buffer.byteLength(JSON.stringify(e))).toBeLessThan(1024);
  });

  it("lets the command preview judge a channel name as the consumer does, on the provider's sample message", async () => {
    const w = hook();
    const d = { webhooks: { get: async () => w } as never, events: new MemoryEventStore(), payloads: new MemoryPayloadStore(), clock: { now: () => new Date() } };
    const { command_id: _c, priority: _p, ...command } = respond;
    const ok = await previewCommand({ ...d, channels: directory({ C024BE91L: 'engineering' }) }, w.webhook_id, { command });
    expect(ok).toMatchObject({ matched: true, event: { source: 'sample', event_type: 'message.channels' }, rendered: `Processing your request: ${slackMessage.event.text}` });
    const failed = await previewCommand({ ...d, channels: directory({}) }, w.webhook_id, { command });
    expect(failed.reasons).toEqual([expect.stringContaining('its name could not be looked up: conversations.info answered channel_not_found')]);
  });

  it('refuses on save a channel name on Events API triggers without reply.token, explaining ids and the fix', () => {
    const problems = channelNameProblems(hook({ reply: undefined, commands: [respond, { ...respond, trigger: 'slash_command' }, { ...respond, conditions: { channel: 'C024BE91L' } }] }));
    expect(problems).toEqual([{ path: 'commands.0.conditions.channel', message: expect.stringMatching(/sends channel ids.*reply\.token.*channel id/) }]);
    expect(channelNameProblems(hook())).toEqual([]);
  });
});
