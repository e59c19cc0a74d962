import { z } from 'zod';

const Key = z.string().min(1).max(1024);

// snake_case: a thread is stored with the question it belongs to and read back with this schema.
export const GithubThread = z.object({
  provider: z.literal('github'),
  key: Key,
  owner: z.string().min(1),
  repo: z.string().min(1),
  /** Issue or pull request number (PRs are issues for conversation comments). */
  number: z.number().int().positive(),
});

export const GitlabThread = z.object({
  provider: z.literal('gitlab'),
  key: Key,
  /** Numeric id, or the URL-encodable `group/project` path. */
  project_id: z.union([z.number().int().positive(), z.string().min(1)]),
  noteable: z.enum(['issues', 'merge_requests']),
  iid: z.number().int().positive(),
  /** The issue or MR page, to link the note (`#note_<id>`). */
  web_url: z.string().optional(),
});

export const JiraThread = z.object({
  provider: z.literal('jira'),
  key: Key,
  issue_key: z.string().min(1),
  /** Site base URL derived from `issue.self` (`https://x.atlassian.net`), used when `reply.api_base_url` is unset. */
  site: z.string().optional(),
});

export const SlackThread = z.object({
  provider: z.literal('slack'),
  key: Key,
  channel: z.string().min(1),
  /** The thread's root ts; absent for slash commands (channel only). */
  thread_ts: z.string().optional(),
  /** Slash commands and interactivity: the single-use-ish URL for `respondViaResponseUrl`. */
  response_url: z.string().optional(),
});

export const SentryThread = z.object({
  provider: z.literal('sentry'),
  key: Key,
  issue_id: z.string().min(1),
  /** Organization slug; without it the legacy `/api/0/issues/{id}/comments/` route is used. */
  org: z.string().optional(),
});

export const LinearThread = z.object({ provider: z.literal('linear'), key: Key, issue_id: z.string().min(1) });

export const CustomThread = z.object({ provider: z.literal('custom'), key: Key, thread_id: z.string().min(1) });

/** The conversation an event belongs to: a stable `key` plus what a reply in it needs. */
export const Thread = z.discriminatedUnion('provider', [GithubThread, GitlabThread, JiraThread, SlackThread, SentryThread, LinearThread, CustomThread]);
export type Thread = z.infer<typeof Thread>;

/** Providers Hookline can answer in. */
export type ReplyProvider = Thread['provider'];
export const REPLY_PROVIDERS = ['github', 'gitlab', 'jira', 'slack', 'sentry', 'linear', 'custom'] as const satisfies readonly ReplyProvider[];

export type ThreadOf<P extends ReplyProvider> = Extract<Thread, { provider: P }>;
