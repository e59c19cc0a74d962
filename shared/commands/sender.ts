import { child, resolvePath } from './event-context';

/**
 * Where each provider names who caused an event, first match wins. Stripe, Shopify, Clerk,
 * Standard Webhooks and custom payloads name no actor (a Stripe event is caused by an API call or
 * a customer, neither of which answers back), so they have none.
 */
export const SENDER_PATHS: Readonly<Record<string, readonly string[]>> = {
  github: ['sender.login'],
  // Events API: `event.user` (an id such as U061F7AUR; bot posts carry `event.bot_id`);
  // slash commands: `user_name`, `user_id`; interactivity: `user.username`, `user.id`.
  slack: ['event.user', 'event.bot_id', 'user_name', 'user.username', 'user_id', 'user.id'],
  gitlab: ['user.username', 'user_username'],
  jira: ['user.displayName', 'comment.author.displayName'],
  sentry: ['actor.name'],
  linear: ['actor.name'],
};

const split = new Map(Object.entries(SENDER_PATHS).map(([p, paths]) => [p, paths.map((x) => x.split('.'))]));

/**
 * The human or bot who caused the event (GitHub `sender.login`, Slack `event.user` or `user_name`,
 * GitLab `user.username`, Jira `user.displayName`, Sentry and Linear `actor.name`), or undefined
 * when the provider names none. The loop guard compares it with `reply.bot_user`.
 */
export function senderOf(provider: string, payload: unknown): string | undefined {
  const paths = split.get(provider);
  if (!paths || typeof payload !== 'object' || payload === null) return undefined;
  for (const segments of paths) {
    const v = segments.length === 1 ? child(payload, segments[0]) : resolvePath(payload, segments);
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}
