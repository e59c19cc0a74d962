import type { WebhookRecord } from '../../model/webhook';
import { notConfigured, type HttpAnswer, type ReplyError } from './errors';
import type { ReplyProvider, ThreadOf } from './thread';

/** The webhook's `reply` settings (`token` in full). */
export type ReplyConfig = NonNullable<WebhookRecord['reply']>;

/** Reads a request header by name, whatever its case. */
export type HeaderReader = (name: string) => string | undefined;

/** One POST to the provider. */
export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** What a successful reply returns: the provider's id for the new comment and, when known, its page. */
export interface Posted {
  id: string;
  url?: string;
}

/** One provider's side of replying: find the thread in an event, build the POST, read the answer. */
export interface ReplyTarget<P extends ReplyProvider> {
  provider: P;
  /** The event's thread, or null when the event is not in a conversation this provider can answer in. */
  thread(payload: unknown, header: HeaderReader): ThreadOf<P> | null;
  /** Throws a permanent ReplyError naming the missing `reply.*` field. */
  request(reply: ReplyConfig, thread: ThreadOf<P>, text: string): HttpRequest;
  /** Reads a 2xx answer; throws when it still means failure (Slack `ok:false`, GraphQL errors). */
  posted(answer: HttpAnswer, thread: ThreadOf<P>, reply: ReplyConfig, now: Date): Posted;
  /** Provider-specific reading of a non-2xx answer; undefined falls back to the generic mapping. */
  refused?(answer: HttpAnswer, now: Date): ReplyError | undefined;
}

/** `reply.token`, or a permanent error naming it. */
export function needToken(provider: string, reply: ReplyConfig): string {
  if (!reply.token) throw notConfigured(provider, 'token', `${provider} needs a token to post`);
  return reply.token;
}

/** `base` + `path` with exactly one slash between them. */
export function join(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}${path}`;
}
