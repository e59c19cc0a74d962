/**
 * Real payloads for the command tests: the providers' fixtures in test/fixtures and GitHub's
 * community examples (@octokit/webhooks-examples), with one thing changed per test through `edit`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventContext } from '../../../shared/commands/event-context';

type Json = Record<string, any>;

export function fixture(provider: string, name: string): Json {
  return JSON.parse(readFileSync(join(__dirname, '../../fixtures', provider, `${name}.json`), 'utf8'));
}

let examples: Record<string, Json[]> | undefined;
/** The first @octokit/webhooks-examples payload of an event and action. */
export function githubExample(event: string, action: string): Json {
  examples ??= Object.fromEntries(
    (JSON.parse(readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as { name: string; examples: Json[] }[]).map(
      (e) => [e.name, e.examples],
    ),
  );
  const found = examples[event]?.find((e) => e.action === action);
  if (!found) throw new Error(`no ${event}.${action} example`);
  return structuredClone(found);
}

/** A deep copy of `payload` changed by `change`. */
export function edit<T>(payload: T, change: (p: any) => void): T {
  const copy = structuredClone(payload);
  change(copy);
  return copy;
}

export function ctx(provider: string, event_type: string, payload: unknown, extra: Partial<EventContext> = {}): EventContext {
  return { payload, event_type, provider, webhook_id: `${provider}-hooks-001`, ...extra };
}

/** GitHub issues.opened, 25 KB, labels bug, needs-triage and "área: i18n 🌐", sender Codertocat. */
export const issueOpened = () => ctx('github', 'issues.opened', fixture('github', 'issues.opened'));
/** The same issue labelled only "question". */
export const questionOpened = () =>
  ctx(
    'github',
    'issues.opened',
    edit(fixture('github', 'issues.opened'), (p) => {
      p.issue.labels = [{ id: 1, name: 'question', color: 'd876e3', default: true, description: 'Further information is requested' }];
    }),
  );
/** GitHub issue_comment.created whose comment mentions @agent. */
export const agentComment = (body = '@agent can you reproduce this on main?') =>
  ctx('github', 'issue_comment.created', edit(githubExample('issue_comment', 'created'), (p) => (p.comment.body = body)));
/** A Slack slash command as the receiver decodes its form: every field a string. */
export const slashCommand = () => ctx('slack', 'slash_command', fixture('slack', 'slash_command'));
/** A Sentry issue alert at `level`. */
export const sentryIssue = (level: unknown = 'error') =>
  ctx('sentry', 'issue.created', edit(fixture('sentry', 'issue.created'), (p) => (p.data.issue.level = level)));
