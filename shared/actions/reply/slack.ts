import { rateLimited, rejected, ReplyError, unavailable, unreadable, type HttpAnswer } from './errors';
import { at, obj, str } from './read';
import { join, needToken, type ReplyTarget } from './target';
import type { ThreadOf } from './thread';

/**
 * Slack: `slack:<channel>:<root ts>` (`event.thread_ts ?? event.ts`, so a reply in the thread
 * has its root's key), or `slack:<channel>` for a slash command. Answers with
 * chat.postMessage in the thread. No marker: Slack shows HTML comments as text, so the loop
 * guard relies on `reply.bot_user` (the bot's user id, which Slack puts in `event.user` of its posts).
 */
export const slack: ReplyTarget<'slack'> = {
  provider: 'slack',

  thread(payload) {
    const event = obj(at(payload, 'event'));
    if (event) {
      const channel = str(event.channel);
      // message_changed and friends carry the message one level down.
      const msg = obj(event.message) ?? event;
      const root = str(msg.thread_ts) ?? str(msg.ts) ?? str(event.thread_ts) ?? str(event.ts);
      return channel && root ? { provider: 'slack', key: `slack:${channel}:${root}`, channel, thread_ts: root } : null;
    }
    // Slash command (form fields): the channel only; the answer usually goes to response_url.
    const command = str(at(payload, 'command'));
    const slashChannel = str(at(payload, 'channel_id'));
    if (command && slashChannel) return withUrl({ provider: 'slack', key: `slack:${slashChannel}`, channel: slashChannel }, str(at(payload, 'response_url')));
    // Interactivity on a message (block_actions, message_action): the message's thread.
    const channel = str(at(payload, 'channel', 'id')) ?? str(at(payload, 'container', 'channel_id'));
    const root =
      str(at(payload, 'container', 'thread_ts')) ?? str(at(payload, 'message', 'thread_ts')) ?? str(at(payload, 'container', 'message_ts')) ?? str(at(payload, 'message', 'ts'));
    if (!channel) return null;
    const url = str(at(payload, 'response_url'));
    return root ? withUrl({ provider: 'slack', key: `slack:${channel}:${root}`, channel, thread_ts: root }, url) : null;
  },

  request(reply, t, text) {
    const token = needToken('slack', reply);
    return {
      url: join(reply.api_base_url ?? 'https://slack.com', '/api/chat.postMessage'),
      // A JSON body needs the token in the header, not in the body.
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json; charset=utf-8' },
      body: t.thread_ts ? { channel: t.channel, text, thread_ts: t.thread_ts } : { channel: t.channel, text },
    };
  },

  posted(answer, t, _reply, now) {
    const b = obj(answer.body);
    if (b?.ok === false) throw slackError(answer, str(b.error) ?? 'unknown_error', now);
    const ts = str(b?.ts);
    if (b?.ok !== true || !ts) throw unreadable('slack', answer, 'its answer is not {"ok":true,"ts":...}');
    return { id: ts };
  },

  refused(answer, now) {
    const error = str(obj(answer.body)?.error);
    return answer.status === 429 ? rateLimited('slack', answer, now, error ?? 'ratelimited') : undefined;
  },
};

function withUrl(t: ThreadOf<'slack'>, responseUrl: string | undefined): ThreadOf<'slack'> {
  return responseUrl ? { ...t, response_url: responseUrl } : t;
}

// Slack's method errors (HTTP 200, ok:false). internal_error and fatal_error may have done part
// of the work ("it's possible some aspect of the operation succeeded"), so they are ambiguous.
const RETRYABLE = new Set(['ratelimited', 'rate_limited', 'service_unavailable', 'request_timeout', 'team_added_to_org']);
const AMBIGUOUS = new Set(['internal_error', 'fatal_error']);

/** Maps a Slack `ok:false` error code to an outcome; unknown codes are permanent. */
export function slackError(answer: HttpAnswer, error: string, now: Date): ReplyError {
  if (error === 'ratelimited' || error === 'rate_limited') return rateLimited('slack', answer, now, error);
  if (RETRYABLE.has(error)) return unavailable('slack', answer, now, error);
  if (AMBIGUOUS.has(error))
    return new ReplyError('reply_outcome_unknown', `Slack answered ${error}; the message may have been posted, so it is not retried.`, {
      status: 502,
      provider: 'slack',
      ambiguous: true,
      providerStatus: answer.status,
      providerError: error,
    });
  return rejected('slack', answer, error, HINTS[error]);
}

const HINTS: Record<string, string> = {
  channel_not_found: 'the bot cannot see this channel',
  not_in_channel: 'invite the bot to the channel',
  invalid_auth: 'reply.token is not a valid bot token',
  not_authed: 'reply.token was not sent',
  token_revoked: 'reply.token was revoked',
  account_inactive: 'the token belongs to a deactivated account',
  is_archived: 'the channel is archived',
  missing_scope: 'the token lacks the chat:write scope',
};
