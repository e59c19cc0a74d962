/**
 * Event types each provider sends, in Hookline's names (as the event log shows them and as a
 * command's `trigger` matches them; see each provider's `describe`). Suggestions for people writing
 * triggers (the console's command builder), not a whitelist: any event type may be used. No zod
 * here, so any bundle can import it.
 */
import type { ProviderId } from './webhook-providers';

export const PROVIDER_EVENTS: Record<ProviderId, readonly string[]> = {
  github: [
    'issues.opened', 'issues.edited', 'issues.closed', 'issues.reopened', 'issues.labeled', 'issues.assigned',
    'issue_comment.created', 'issue_comment.edited',
    'pull_request.opened', 'pull_request.synchronize', 'pull_request.closed', 'pull_request.labeled', 'pull_request.review_requested',
    'pull_request_review.submitted', 'pull_request_review_comment.created',
    'push', 'release.published', 'workflow_run.completed', 'check_run.completed', 'discussion.created', 'ping',
  ],
  gitlab: ['issue.open', 'issue.update', 'issue.close', 'note.create', 'merge_request.open', 'merge_request.update', 'merge_request.merge', 'push', 'tag_push', 'pipeline', 'release.create'],
  jira: ['jira:issue_created', 'jira:issue_updated', 'jira:issue_deleted', 'comment_created', 'comment_updated'],
  slack: ['app_mention', 'message.channels', 'message.im', 'message.groups', 'reaction_added', 'slash_command', 'interactive.block_actions', 'interactive.view_submission', 'interactive.shortcut'],
  sentry: ['issue.created', 'issue.resolved', 'issue.assigned', 'issue.ignored', 'error.created', 'event_alert.triggered', 'metric_alert.critical', 'comment.created'],
  stripe: [
    'payment_intent.succeeded', 'payment_intent.payment_failed', 'charge.succeeded', 'charge.failed', 'charge.refunded', 'charge.dispute.created',
    'checkout.session.completed', 'customer.created', 'customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted',
    'invoice.paid', 'invoice.payment_failed',
  ],
  clerk: ['user.created', 'user.updated', 'user.deleted', 'session.created', 'session.ended', 'organization.created', 'organizationMembership.created'],
  standard: ['hookline.test'],
  linear: ['Issue.create', 'Issue.update', 'Issue.remove', 'Comment.create', 'Comment.update', 'Project.create', 'Project.update', 'IssueLabel.create'],
  shopify: ['orders/create', 'orders/paid', 'orders/fulfilled', 'orders/cancelled', 'products/create', 'products/update', 'customers/create', 'app/uninstalled'],
  custom: [],
};

/** Suggestions for a trigger: the provider's event types, their `prefix.*` wildcards, and `*`. */
export function triggerSuggestions(provider: ProviderId): string[] {
  const names = PROVIDER_EVENTS[provider] ?? [];
  const wild = [...new Set(names.filter((n) => n.includes('.')).map((n) => `${n.split('.')[0]}.*`))];
  return [...names, ...wild, '*'];
}
