import type { Command } from '../model/webhook';
import { providerAdapter } from '../providers';
import type { EventContext } from './event-context';
import { renderForEvent, type Rendered } from './template';

/** Longest body excerpt in a default prompt (the whole prompt stays far under the task's 50,000-character cap). */
export const DEFAULT_EXCERPT_CHARS = 2_000;

const NAMES: Record<string, string> = {
  github: 'GitHub', gitlab: 'GitLab', jira: 'Jira', slack: 'Slack', sentry: 'Sentry', stripe: 'Stripe', clerk: 'Clerk', standard: 'Standard Webhooks', linear: 'Linear', shopify: 'Shopify', custom: 'Custom',
};

function excerpt(s: string, max = DEFAULT_EXCERPT_CHARS): string {
  const t = s.trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/**
 * What an agent is told about an event when a command has no template: the provider and event
 * type, what it is about (kind, number or key, title, where), who caused it, a link to it, and an
 * excerpt of its body. Providers describe their events with their module's `subject`; for the
 * others (Stripe, Clerk, Shopify, Standard Webhooks, custom) the excerpt is of the payload's JSON.
 *
 * ```
 * GitHub issues.opened in octo/repo: issue #7 "Checkout fails"
 * Author: octocat
 * Link: https://github.com/octo/repo/issues/7
 *
 * Steps to reproduce: …
 * ```
 */
export function defaultPrompt(ctx: EventContext): string {
  const name = NAMES[ctx.provider] ?? ctx.provider;
  const s = providerAdapter(ctx.provider)?.subject?.(ctx.payload, ctx.event_type);
  if (!s) {
    const json = JSON.stringify(ctx.payload) ?? '';
    return `${name} ${ctx.event_type} event\n\nPayload (excerpt):\n${excerpt(json)}`;
  }
  const about = [s.kind, s.ref, s.title !== undefined ? JSON.stringify(excerpt(s.title, 300)) : undefined].filter(Boolean).join(' ');
  const lines = [`${name} ${ctx.event_type}${s.where ? ` in ${s.where}` : ''}${about ? `: ${about}` : ''}`];
  if (s.author) lines.push(`Author: ${s.author}`);
  if (s.url) lines.push(`Link: ${s.url}`);
  if (s.body) lines.push('', excerpt(s.body));
  return lines.join('\n');
}

/** Actions whose text goes to an agent or a person, and so get a default when the command has no template. */
const TOLD = new Set<Command['action']>(['create_task', 'ask', 'comment', 'respond']);

/**
 * The text a command produces for an event: its template rendered (with the provider's field
 * aliases), else the default prompt for create_task, ask, comment and respond, else nothing (a
 * forward without a template sends the original payload). The consumer and the command preview
 * both call this, so the preview shows what the consumer will do.
 */
export function commandText(command: Pick<Command, 'action' | 'template'>, ctx: EventContext): Rendered & { default?: true } {
  if (command.template !== undefined) return renderForEvent(command.template, ctx);
  if (TOLD.has(command.action)) return { text: defaultPrompt(ctx), missing: [], default: true };
  return { text: '', missing: [] };
}
