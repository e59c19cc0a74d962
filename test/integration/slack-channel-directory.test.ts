import { slackChannelDirectory } from '../../shared/adapters/http/slack-channel-directory';
import { startFakeProviders, type FakeProviders } from '../support/fake-providers';

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(() => fake.stop());
beforeEach(() => fake.clear());

describe('Slack channel directory (conversations.info, against a fake Slack API on loopback)', () => {
  let now = Date.parse('2026-12-01T10:00:00Z');
  const clock = { now: () => new Date(now) };
  const auth = () => ({ token: 'xoxb-test', api_base_url: fake.url });

  it('looks a name up with the bot token, form-encoded, and caches it per container until the TTL', async () => {
    const dir = slackChannelDirectory({ fetch, clock });
    expect(await dir.channelName('C024BE91L', auth())).toBe('engineering');
    expect(await dir.channelName('C024BE91L', auth())).toBe('engineering');
    const calls = fake.requestsFor('slack_conversations');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ headers: { authorization: 'Bearer xoxb-test' }, body: { channel: 'C024BE91L' } });
    now += 11 * 60_000;
    await dir.channelName('C024BE91L', auth());
    expect(fake.requestsFor('slack_conversations')).toHaveLength(2);
  });

  it("throws Slack's reason, and does not ask again for a minute", async () => {
    const dir = slackChannelDirectory({ fetch, clock });
    fake.failNext('slack_conversations', 403);
    await expect(dir.channelName('C024BE91L', auth())).rejects.toThrow('conversations.info answered missing_scope');
    await expect(dir.channelName('C024BE91L', auth())).rejects.toThrow('missing_scope');
    expect(fake.requestsFor('slack_conversations')).toHaveLength(1);
    await expect(dir.channelName('CUNKNOWN1', auth())).rejects.toThrow('channel_not_found');
    fake.failNext('slack_conversations', 500);
    await expect(dir.channelName('C0RANDOM01', auth())).rejects.toThrow('HTTP 500');
  });
});
