// zod/mini: this module is in the consumer's bundle, where the full zod build would add ~440 KB.
import * as z from 'zod/mini';

const Key = z.string().check(z.minLength(1), z.maxLength(1024));

// snake_case: a thread is stored with the question it belongs to and read back with this schema.
export const GithubThread = z.object({
  provider: z.literal('github'),
  key: Key,
  owner: z.string().check(z.minLength(1)),
  repo: z.string().check(z.minLength(1)),
  /** Issue or pull request number (PRs are issues for conversation comments). */
  number: z.number().check(z.int(), z.positive()),
});

export const GitlabThread = z.object({
  provider: z.literal('gitlab'),
  key: Key,
  /** Numeric id, or the URL-encodable `group/project` path. */
  project_id: z.union([z.number().check(z.int(), z.positive()), z.string().check(z.minLength(1))]),
  noteable: z.enum(['issues', 'merge_requests']),
  iid: z.number().check(z.int(), z.positive()),
  /** The issue or MR page, to link the note (`#note_<id>`). */
  web_url: z.optional(z.string()),
});

export const JiraThread = z.object({
  provider: z.literal('jira'),
  key: Key,
  issue_key: z.string().check(z.minLength(1)),
  /** Site base URL derived from `issue.self` (`https://x.atlassian.net`), used when `reply.api_base_url` is unset. */
  site: z.optional(z.string()),
});

export const SlackThread = z.object({
  provider: z.literal('slack'),
  key: Key,
  channel: z.string().check(z.minLength(1)),
  /** The thread's root ts; absent for slash commands (channel only). */
  thread_ts: z.optional(z.string()),
  /** Slash commands and interactivity: the single-use-ish URL for `respondViaResponseUrl`. */
  response_url: z.optional(z.string()),
});

export const SentryThread = z.object({
  provider: z.literal('sentry'),
  key: Key,
  issue_id: z.string().check(z.minLength(1)),
  /** Organization slug; without it the legacy `/api/0/issues/{id}/comments/` route is used. */
  org: z.optional(z.string()),
});

export const LinearThread = z.object({ provider: z.literal('linear'), key: Key, issue_id: z.string().check(z.minLength(1)) });

export const CustomThread = z.object({ provider: z.literal('custom'), key: Key, thread_id: z.string().check(z.minLength(1)) });

/** The conversation an event belongs to: a stable `key` plus what a reply in it needs. */
export const Thread = z.discriminatedUnion('provider', [GithubThread, GitlabThread, JiraThread, SlackThread, SentryThread, LinearThread, CustomThread]);
export type Thread = z.infer<typeof Thread>;

/** Providers Hookline can answer in. */
export type ReplyProvider = Thread['provider'];
export const REPLY_PROVIDERS = ['github', 'gitlab', 'jira', 'slack', 'sentry', 'linear', 'custom'] as const satisfies readonly ReplyProvider[];

export type ThreadOf<P extends ReplyProvider> = Extract<Thread, { provider: P }>;
