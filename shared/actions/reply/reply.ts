import { systemClock, type Clock } from '../../clock';
import type { WebhookRecord } from '../../model/webhook';
import { custom } from './custom';
import { fromHttp, rejected, ReplyError } from './errors';
import { github } from './github';
import { gitlab } from './gitlab';
import { REPLY_TIMEOUT_MS, send, type Fetch } from './http';
import { jira } from './jira';
import { linear } from './linear';
import { sentry } from './sentry';
import { slack, slackError } from './slack';
import type { Posted, ReplyTarget } from './target';
import { REPLY_PROVIDERS, type ReplyProvider, type Thread } from './thread';

const TARGETS: { [P in ReplyProvider]: ReplyTarget<P> } = { github, gitlab, jira, slack, sentry, linear, custom };

/** Whether Hookline can answer in this provider's threads. */
export function canReply(provider: string): provider is ReplyProvider {
  return (REPLY_PROVIDERS as readonly string[]).includes(provider);
}

/**
 * The conversation `payload` belongs to (issue, MR, ticket, Slack thread), or null when the
 * event has none Hookline can answer in. The same issue or thread gives the same `key` for the
 * event that opened it and for every later comment on it.
 */
export function threadOf(provider: string, payload: unknown, headers: Record<string, string | undefined> = {}): Thread | null {
  if (!canReply(provider)) return null;
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return TARGETS[provider].thread(payload, (name) => lower.get(name.toLowerCase())) as Thread | null;
}

export interface PostReplyInput {
  webhook: Pick<WebhookRecord, 'provider' | 'reply'>;
  thread: Thread;
  text: string;
  fetch?: Fetch;
  clock?: Clock;
  /** Default 10 s; past it the reply is ambiguous (the provider may have posted). */
  timeoutMs?: number;
}

/**
 * Posts `text` in `thread` with the webhook's `reply` credentials (the marker appended where the
 * provider renders Markdown). Throws a ReplyError: `retryable` (429, 5xx, could not connect),
 * `ambiguous` (timeout or dropped connection: may have posted, do not retry) or permanent.
 */
export async function postReply(input: PostReplyInput): Promise<Posted> {
  const { webhook, thread } = input;
  if (webhook.provider !== thread.provider)
    throw new ReplyError('reply_unsupported', `A ${thread.provider} thread cannot be answered through a ${webhook.provider} webhook.`, {
      status: 400,
      provider: webhook.provider,
    });
  if (!input.text.trim()) throw new ReplyError('reply_invalid', 'The reply text is empty.', { status: 400, provider: thread.provider, field: 'text' });
  // TypeScript cannot tie TARGETS[p] to the narrowed thread type; thread.provider picked the target.
  const target = TARGETS[thread.provider] as ReplyTarget<ReplyProvider>;
  const reply = webhook.reply ?? {};
  const req = target.request(reply, thread as never, input.text);
  const timeoutMs = input.timeoutMs ?? REPLY_TIMEOUT_MS;
  const answer = await send(thread.provider, req, input.fetch ?? globalThis.fetch, timeoutMs);
  const now = (input.clock ?? systemClock).now();
  if (answer.status < 200 || answer.status >= 300) throw target.refused?.(answer, now) ?? fromHttp(thread.provider, answer, now);
  return target.posted(answer, thread as never, reply, now);
}

export interface RespondViaResponseUrlInput {
  /** From the slash command or interaction payload; the URL is the credential. */
  responseUrl: string;
  text: string;
  /** Default `in_channel` (slash-command answers are otherwise ephemeral). */
  responseType?: 'in_channel' | 'ephemeral';
  fetch?: Fetch;
  clock?: Clock;
  timeoutMs?: number;
}

/**
 * Answers a Slack slash command or interaction through its `response_url` (up to 5 uses within
 * 30 minutes of the event). Same error outcomes as postReply.
 */
export async function respondViaResponseUrl(input: RespondViaResponseUrlInput): Promise<void> {
  if (!/^https?:\/\//i.test(input.responseUrl))
    throw new ReplyError('reply_invalid', 'The Slack response_url is not an http(s) URL.', { status: 400, provider: 'slack', field: 'response_url' });
  if (!input.text.trim()) throw new ReplyError('reply_invalid', 'The reply text is empty.', { status: 400, provider: 'slack', field: 'text' });
  const req = { url: input.responseUrl, headers: {}, body: { text: input.text, response_type: input.responseType ?? 'in_channel' } };
  const answer = await send('slack', req, input.fetch ?? globalThis.fetch, input.timeoutMs ?? REPLY_TIMEOUT_MS);
  const now = (input.clock ?? systemClock).now();
  const b = answer.body as { ok?: unknown; error?: unknown } | undefined;
  // Answers are plain `ok`, or JSON {"ok":false,"error":...} / a bare error word (`expired_url`) on failure.
  if (answer.status >= 200 && answer.status < 300) {
    if (b?.ok === false) throw slackError(answer, typeof b.error === 'string' ? b.error : 'unknown_error', now);
    return;
  }
  if (answer.status === 429 || answer.status >= 500) throw fromHttp('slack', answer, now);
  if (answer.status === 404 || answer.status === 410)
    throw rejected('slack', answer, answer.text.trim() || 'expired_url', 'the response_url expired or was used up (5 uses within 30 minutes)');
  throw fromHttp('slack', answer, now);
}
