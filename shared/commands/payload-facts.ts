import { aliasesFor, resolveWithAliases } from './aliases';
import { child, CONTEXT_VARS, MISSING, resolvePath, splitPath, type ContextVar, type EventContext } from './event-context';
import { senderOf } from './sender';

/**
 * The payload paths each condition shorthand reads, across providers' payload shapes. `[]` means
 * every element of an array. Labels, users, channels and platforms collect every path; body and
 * severity take the first path that is present (not null), so a comment event is judged by its
 * comment, not by the issue it belongs to.
 */
export const SHORTHAND_PATHS = {
  labels: [
    'issue.labels[].name', // GitHub issues
    'pull_request.labels[].name', // GitHub pull requests
    'label.name', // GitHub *.labeled: the label just added is on the issue too
    'labels[].title', // GitLab
    'object_attributes.labels[].title', // GitLab
    'issue.fields.labels[]', // Jira
    'data.labels[].name', // Linear
    'data.labelIds[]', // Linear (ids)
  ],
  body: [
    'comment.body', // GitHub and Jira comments
    'review.body', // GitHub pull request reviews
    'object_attributes.note', // GitLab notes
    'issue.body', // GitHub issues
    'pull_request.body', // GitHub pull requests
    'discussion.body', // GitHub discussions
    'object_attributes.description', // GitLab issues and merge requests
    'issue.fields.description', // Jira
    'event.text', // Slack Events API
    'text', // Slack slash commands
    'data.body', // Linear comments
    'data.description', // Linear issues
    'data.comment', // Sentry comments
    'data.event.message', // Sentry event alerts
    'data.issue.title', // Sentry issues
  ],
  users: [
    'sender.login', // GitHub
    'event.user', // Slack Events API (user id)
    'user_id', // Slack slash commands
    'user_name', // Slack slash commands
    'user.id', // Slack interactivity
    'user.username', // Slack interactivity, GitLab
    'user.name', // Slack interactivity, GitLab (display name)
    'user_username', // GitLab push
    'user.accountId', // Jira
    'user.displayName', // Jira
    'comment.author.accountId', // Jira comments
    'comment.author.displayName', // Jira comments
    'actor.name', // Linear, Sentry
    'actor.email', // Linear
    'username', // the outbound design's (seeds/004) chat events
    'context.user_id', // the outbound design's error_occurred
  ],
  channel: [
    'event.channel', // Slack Events API (channel id, e.g. C024BE91L)
    'event.channel.id', // Slack events whose channel is an object
    'event.channel.name',
    'channel_id', // Slack slash commands
    'channel_name', // Slack slash commands
    'channel.id', // Slack interactivity
    'channel.name', // Slack interactivity
    'container.channel_id', // Slack interactivity
  ],
  severity: ['data.issue.level', 'data.event.level', 'level', 'data.level', 'severity', 'data.severity'],
  platforms: ['platform', 'data.platform', 'data.issue.platform', 'data.event.platform', 'data.issue.project.platform'],
} as const;

/** Severity order debug < info < warning < error < critical; `warn` and `fatal` (Sentry) read as warning and critical. */
const SEVERITY_RANK: Record<string, number> = { debug: 0, info: 1, warning: 2, warn: 2, error: 3, critical: 4, fatal: 4 };

type Compiled = readonly string[];
const compile = (paths: readonly string[]): Compiled[] => paths.map((p) => p.replace(/\[\]/g, '.[]').split('.'));
const LABELS = compile(SHORTHAND_PATHS.labels);
const BODY = compile(SHORTHAND_PATHS.body);
const USERS = compile(SHORTHAND_PATHS.users);
const CHANNEL = compile(SHORTHAND_PATHS.channel);
const SEVERITY = compile(SHORTHAND_PATHS.severity);
const PLATFORMS = compile(SHORTHAND_PATHS.platforms);
const CONTEXT_NAMES = new Set<string>(CONTEXT_VARS);

/** Every string the path reaches (through `[]` into each array element). */
function collect(v: unknown, segs: Compiled, i: number, out: string[]): void {
  for (; i < segs.length; i++) {
    if (segs[i] === '[]') {
      if (Array.isArray(v)) for (const el of v) collect(el, segs, i + 1, out);
      return;
    }
    v = child(v, segs[i]);
    if (v === MISSING) return;
  }
  if (typeof v === 'string' && v !== '') out.push(v);
}

function collectAll(payload: unknown, paths: Compiled[], normalize: (s: string) => string): string[] {
  const out: string[] = [];
  for (const p of paths) collect(payload, p, 0, out);
  for (let i = 0; i < out.length; i++) out[i] = normalize(out[i]);
  return out;
}

function firstPresent(payload: unknown, paths: Compiled[]): unknown {
  for (const p of paths) {
    const v = resolvePath(payload, p);
    if (v !== MISSING && v !== null) return v;
  }
  return MISSING;
}

const lower = (s: string) => s.toLowerCase();
/** `@octocat` and `octocat` name the same user; `#eng` and `eng` the same channel. */
const strip = (prefix: string) => (s: string) => (s.startsWith(prefix) ? s.slice(prefix.length) : s).toLowerCase();
export const normalizeUser = strip('@');
export const normalizeChannel = strip('#');

/**
 * What the shorthands compare, read from one event once (lazily: most commands look at one or
 * two facts) and shared by every command's conditions.
 */
export class PayloadFacts {
  private _labels?: string[];
  private _added?: string[];
  private _body?: string | null;
  private _users?: string[];
  private _channels?: string[];
  private _severity?: string | null;
  private _platforms?: string[];
  private _sender?: string | null;

  constructor(readonly ctx: EventContext) {}

  get payload(): unknown {
    return this.ctx.payload;
  }

  /** Every label on the event, lower-cased. */
  get labels(): string[] {
    return (this._labels ??= collectAll(this.ctx.payload, LABELS, lower));
  }

  /** The labels this event added, lower-cased (see {@link addedLabels}). */
  get added(): string[] {
    return (this._added ??= addedLabels(this.ctx).map(lower));
  }

  /** The comment or issue body (first present of `SHORTHAND_PATHS.body`), or null. */
  get body(): string | null {
    if (this._body === undefined) {
      const v = firstPresent(this.ctx.payload, BODY);
      this._body = typeof v === 'string' ? v : null;
    }
    return this._body;
  }

  /** Every identifier of the actor, lower-cased, without a leading `@`. */
  get users(): string[] {
    return (this._users ??= collectAll(this.ctx.payload, USERS, normalizeUser));
  }

  /** Every channel id or name, lower-cased, without a leading `#` (with names looked up for ids, see `channel_lookup`). */
  get channels(): string[] {
    if (!this._channels) {
      this._channels = collectAll(this.ctx.payload, CHANNEL, normalizeChannel);
      for (const n of this.ctx.channel_lookup?.names ?? []) this._channels.push(normalizeChannel(n));
    }
    return this._channels;
  }

  /** Why the channel's name could not be looked up, if it could not. */
  get channelLookupError(): string | undefined {
    return this.ctx.channel_lookup?.error;
  }

  /** The severity as written in the payload (first present of `SHORTHAND_PATHS.severity`), else the context's default, or null. */
  get severity(): string | null {
    if (this._severity === undefined) {
      const v = firstPresent(this.ctx.payload, SEVERITY);
      this._severity = typeof v === 'string' ? v : (this.ctx.default_severity ?? null);
    }
    return this._severity;
  }

  /** True when the payload names no severity and {@link severity} is the context's default. */
  get severityDefaulted(): boolean {
    return this.severity !== null && firstPresent(this.ctx.payload, SEVERITY) === MISSING;
  }

  /** The payload's platforms and the provider id, lower-cased. */
  get platforms(): string[] {
    if (!this._platforms) {
      this._platforms = collectAll(this.ctx.payload, PLATFORMS, lower);
      if (this.ctx.provider) this._platforms.push(this.ctx.provider.toLowerCase());
    }
    return this._platforms;
  }

  get sender(): string | undefined {
    if (this._sender === undefined) this._sender = this.ctx.sender ?? senderOf(this.ctx.provider, this.ctx.payload) ?? null;
    return this._sender ?? undefined;
  }

  /**
   * A condition field: a context variable when the field is exactly its name, else a payload path
   * read with the provider's field aliases (Jira `issue.summary`, GitHub `issue.labels` as names).
   */
  field(segments: readonly string[], path?: string): unknown {
    if (segments.length === 1 && CONTEXT_NAMES.has(segments[0])) {
      const v = this.contextVar(segments[0] as ContextVar);
      if (v !== undefined) return v;
    }
    return resolveWithAliases(this.ctx.payload, segments, aliasesFor(this.ctx.provider), path);
  }

  /**
   * A path into the published event `{id, type, timestamp, data}` (subscription `content_filters`):
   * `data.…` and any path not starting with `id`, `type` or `timestamp` read the payload (the
   * `data.` prefix is optional); exactly `id`, `type` or `timestamp` read the event.
   */
  eventField(segments: readonly string[]): unknown {
    const head = segments[0];
    if (head === 'data') return resolvePath(this.ctx.payload, segments.slice(1));
    if (segments.length === 1) {
      if (head === 'type') return this.ctx.event_type;
      if (head === 'id' || head === 'timestamp') return this.ctx.event ? this.ctx.event[head] : MISSING;
    }
    return resolvePath(this.ctx.payload, segments);
  }

  contextVar(name: ContextVar): string | undefined {
    return name === 'sender' ? this.sender : this.ctx[name];
  }
}

/** The rank of a severity name (debug 0 … critical 4), or -1 when unknown. */
export function severityRank(name: string): number {
  return SEVERITY_RANK[name.toLowerCase()] ?? -1;
}

/**
 * The labels an event just added: GitHub `label.name` on `*.labeled`; GitLab
 * `changes.labels.current` minus `previous` (titles); Jira the `labels` item of `changelog.items`
 * (`toString` minus `fromString`, space-separated); Linear `data.labelIds` minus
 * `updatedFrom.labelIds` (ids, and names from `data.labels`).
 */
export function addedLabels(ctx: EventContext): string[] {
  const p = ctx.payload;
  if (typeof p !== 'object' || p === null) return [];
  const out: string[] = [];
  const at = (path: string) => resolvePath(p, splitPath(path));
  const strings = (v: unknown, key?: string): string[] =>
    Array.isArray(v) ? v.map((x) => (key ? resolvePath(x, [key]) : x)).filter((x): x is string => typeof x === 'string') : [];

  const ghLabel = at('label.name');
  if (ctx.event_type.endsWith('.labeled') && typeof ghLabel === 'string') out.push(ghLabel);

  const glChanges = at('changes.labels');
  if (glChanges !== MISSING) {
    const before = new Set(strings(resolvePath(glChanges, ['previous']), 'title'));
    for (const t of strings(resolvePath(glChanges, ['current']), 'title')) if (!before.has(t)) out.push(t);
  }

  const items = at('changelog.items');
  if (Array.isArray(items)) {
    for (const it of items) {
      if (resolvePath(it, ['field']) !== 'labels') continue;
      const words = (k: string) => {
        const v = resolvePath(it, [k]);
        return typeof v === 'string' ? v.split(/\s+/).filter(Boolean) : [];
      };
      const before = new Set(words('fromString'));
      for (const w of words('toString')) if (!before.has(w)) out.push(w);
    }
  }

  const previousIds = at('updatedFrom.labelIds');
  if (Array.isArray(previousIds)) {
    const before = new Set(strings(previousIds));
    const addedIds = strings(at('data.labelIds')).filter((id) => !before.has(id));
    const labels = at('data.labels');
    for (const id of addedIds) {
      out.push(id);
      if (Array.isArray(labels)) {
        const named = labels.find((l) => resolvePath(l, ['id']) === id);
        const name = named === undefined ? MISSING : resolvePath(named, ['name']);
        if (typeof name === 'string') out.push(name);
      }
    }
  }
  return out;
}
