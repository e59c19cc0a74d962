import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Fake GitHub (issue comments, repository_dispatch), GitLab, Jira, Slack (Web API, response_url,
 * incoming webhooks), Sentry, Linear and custom reply APIs on one loopback server, routed by path as the real ones are. Every request is recorded;
 * answers copy the real APIs' statuses and bodies, including how each one fails.
 */
export type FakeProvider = 'github' | 'github_dispatch' | 'gitlab' | 'jira' | 'slack' | 'slack_conversations' | 'slack_response' | 'slack_incoming' | 'sentry' | 'linear' | 'custom';

/** A status the next request(s) get in the provider's own style, `hang` (never answer) or `reset` (drop the connection). */
export type Failure = 400 | 401 | 403 | 404 | 429 | 500 | 502 | 503 | 'hang' | 'reset';

export interface Recorded {
  provider: FakeProvider | null;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON (or form fields); undefined when the body is neither. */
  body: unknown;
  raw: string;
}

export interface FakeProviders {
  /** Put this in `reply.api_base_url` (any provider) or use it as a Slack response_url base. */
  url: string;
  requests: Recorded[];
  /** The next `n` requests to `provider` fail with `failure` (429s say `Retry-After: retryAfter`, default 30). */
  failNext(provider: FakeProvider, failure: Failure, n?: number, opts?: { retryAfter?: number }): void;
  requestsFor(provider: FakeProvider): Recorded[];
  clear(): void;
  stop(): Promise<void>;
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

interface Ctx {
  m: RegExpMatchArray;
  req: IncomingMessage;
  body: Record<string, unknown> | undefined;
  base: string;
  nextId: () => number;
  /** Per-server memory (Sentry's duplicate-comment check). */
  seen: Map<string, number>;
}

interface Route {
  provider: FakeProvider;
  path: RegExp;
  handle(ctx: Ctx): Answer;
  fail(failure: Exclude<Failure, 'hang' | 'reset'>, retryAfter: number): Answer;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({ status, body, headers });
const retry = (s: number): Record<string, string> => ({ 'retry-after': String(s) });
const now = () => new Date().toISOString();

const GITHUB_DOCS = 'https://docs.github.com/rest/issues/comments#create-an-issue-comment';

const github: Route = {
  provider: 'github',
  path: /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/,
  handle({ m, req, body, base, nextId }) {
    if (!/^(Bearer|token) \S+/.test(req.headers.authorization ?? '')) return json(401, { message: 'Requires authentication', documentation_url: GITHUB_DOCS, status: '401' });
    if (typeof body?.body !== 'string' || !body.body) return json(422, { message: 'Validation Failed', errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }], status: '422' });
    const id = 1_000_000 + nextId();
    const [, owner, repo, n] = m;
    return json(
      201,
      {
        id,
        node_id: `IC_kwDO${id}`,
        url: `${base}/repos/${owner}/${repo}/issues/comments/${id}`,
        html_url: `https://github.com/${owner}/${repo}/issues/${n}#issuecomment-${id}`,
        issue_url: `${base}/repos/${owner}/${repo}/issues/${n}`,
        body: body.body,
        user: { login: 'hookline[bot]', id: 1, type: 'Bot' },
        created_at: now(),
        updated_at: now(),
        author_association: 'NONE',
      },
      { location: `${base}/repos/${owner}/${repo}/issues/comments/${id}` },
    );
  },
  fail(f, retryAfter) {
    switch (f) {
      case 401:
        return json(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
      case 403:
        return json(403, { message: 'Resource not accessible by integration', documentation_url: GITHUB_DOCS, status: '403' });
      case 404:
        return json(404, { message: 'Not Found', documentation_url: GITHUB_DOCS, status: '404' });
      case 429:
        return json(429, { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', status: '429' }, retry(retryAfter));
      default:
        return json(f, { message: f >= 500 ? 'Server Error' : 'Bad Request', status: String(f) });
    }
  },
};

const DISPATCH_DOCS = 'https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event';

// POST /repos/{owner}/{repo}/dispatches: `event_type` (1-100 characters) is required,
// `client_payload` must be an object of at most 10 top-level properties; 204 on success.
const githubDispatch: Route = {
  provider: 'github_dispatch',
  path: /^\/repos\/([^/]+)\/([^/]+)\/dispatches$/,
  handle({ req, body }) {
    if (!/^(Bearer|token) \S+/.test(req.headers.authorization ?? '')) return json(401, { message: 'Requires authentication', documentation_url: DISPATCH_DOCS, status: '401' });
    if (!body) return json(400, { message: 'Problems parsing JSON', documentation_url: DISPATCH_DOCS, status: '400' });
    const invalid = (detail: string) => json(422, { message: `Invalid request.\n\n${detail}`, documentation_url: DISPATCH_DOCS, status: '422' });
    if (body.event_type === undefined) return invalid('"event_type" wasn\'t supplied.');
    if (typeof body.event_type !== 'string' || body.event_type.length < 1 || body.event_type.length > 100) return invalid('For \'properties/event_type\', the value is not a string of 1 to 100 characters.');
    const extra = Object.keys(body).filter((k) => k !== 'event_type' && k !== 'client_payload');
    if (extra.length) return invalid(`"${extra[0]}" is not a permitted key.`);
    const p = body.client_payload;
    if (p !== undefined && (typeof p !== 'object' || p === null || Array.isArray(p))) return invalid(`For 'properties/client_payload', ${JSON.stringify(p)} is not an object.`);
    if (p && Object.keys(p).length > 10) return invalid(`No more than 10 properties are allowed; ${Object.keys(p).length} were supplied.`);
    return { status: 204 };
  },
  fail: (f, retryAfter) => github.fail(f, retryAfter),
};

// Incoming webhooks (https://hooks.slack.com/services/T…/B…/…): `text` (or blocks/attachments)
// is required; answers a plain `ok`, and plain-text error codes with 400.
const slackIncoming: Route = {
  provider: 'slack_incoming',
  path: /^\/services\/[^/]+\/[^/]+\/[^/]+$/,
  handle({ req, body }) {
    const text = (code: string, status = 400): Answer => ({ status, headers: { 'content-type': 'text/plain' }, body: code });
    if (!(req.headers['content-type'] ?? '').startsWith('application/json') || !body) return text('invalid_payload');
    if ((typeof body.text !== 'string' || !body.text) && !body.blocks && !body.attachments) return text('no_text');
    return { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' };
  },
  fail(f, retryAfter) {
    if (f === 404) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'no_service' };
    if (f === 403) return { status: 403, headers: { 'content-type': 'text/plain' }, body: 'action_prohibited' };
    if (f === 429) return { status: 429, headers: { ...retry(retryAfter), 'content-type': 'text/plain' }, body: 'rate_limited' };
    return { status: f, headers: { 'content-type': 'text/plain' }, body: f >= 500 ? 'internal_error' : 'invalid_payload' };
  },
};

const gitlab: Route = {
  provider: 'gitlab',
  path: /^\/api\/v4\/projects\/([^/]+)\/(issues|merge_requests)\/(\d+)\/notes$/,
  handle({ m, req, body, nextId }) {
    if (!req.headers['private-token'] && !/^Bearer \S+/.test(req.headers.authorization ?? '')) return json(401, { message: '401 Unauthorized' });
    if (typeof body?.body !== 'string' || !body.body) return json(400, { message: 'body is missing' });
    const id = 2000 + nextId();
    return json(201, {
      id,
      type: null,
      body: body.body,
      attachment: null,
      author: { id: 42, username: 'hookline-bot', name: 'Hookline', state: 'active' },
      created_at: now(),
      updated_at: now(),
      system: false,
      noteable_id: 301,
      noteable_type: m[2] === 'issues' ? 'Issue' : 'MergeRequest',
      noteable_iid: Number(m[3]),
      project_id: Number(decodeURIComponent(m[1])) || decodeURIComponent(m[1]),
      resolvable: false,
      confidential: false,
      internal: false,
    });
  },
  fail(f, retryAfter) {
    switch (f) {
      case 401:
        return json(401, { message: '401 Unauthorized' });
      case 403:
        return json(403, { message: '403 Forbidden' });
      case 404:
        return json(404, { message: '404 Project Not Found' });
      case 429:
        return { status: 429, headers: { ...retry(retryAfter), 'content-type': 'text/plain' }, body: 'Retry later' };
      default:
        return json(f, { message: `${f} ${f >= 500 ? 'Internal Server Error' : 'Bad Request'}` });
    }
  },
};

const jira: Route = {
  provider: 'jira',
  path: /^\/rest\/api\/3\/issue\/([^/]+)\/comment$/,
  handle({ m, req, body, base, nextId }) {
    if (!/^(Basic|Bearer) \S+/.test(req.headers.authorization ?? '')) return { status: 401, headers: { 'content-type': 'text/plain' }, body: 'Client must be authenticated to access this resource.' };
    const doc = body?.body as { type?: unknown; version?: unknown; content?: unknown } | undefined;
    // v3 takes only an Atlassian Document; a string body is rejected.
    if (!doc || typeof doc !== 'object' || doc.type !== 'doc' || doc.version !== 1 || !Array.isArray(doc.content))
      return json(400, { errorMessages: [], errors: { comment: 'Comment body is not valid!' } });
    const id = String(10_000 + nextId());
    return json(201, {
      self: `${base}/rest/api/3/issue/10041/comment/${id}`,
      id,
      author: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Hookline', active: true },
      body: doc,
      updateAuthor: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Hookline', active: true },
      created: now(),
      updated: now(),
      jsdPublic: true,
      issueKey: decodeURIComponent(m[1]),
    });
  },
  fail(f, retryAfter) {
    switch (f) {
      case 401:
        return { status: 401, headers: { 'content-type': 'text/plain' }, body: 'Client must be authenticated to access this resource.' };
      case 403:
        return json(403, { errorMessages: ['You do not have permission to add comments to this issue.'], errors: {} });
      case 404:
        return json(404, { errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} });
      case 429:
        return json(429, { errorMessages: ['Rate limit exceeded.'], errors: {} }, retry(retryAfter));
      default:
        return json(f, { errorMessages: [f >= 500 ? 'Internal server error' : 'Bad request'], errors: {} });
    }
  },
};

// Slack's Web API answers HTTP 200 with ok:false for method errors; only rate limits (429) and
// outages (5xx) use the status.
const slack: Route = {
  provider: 'slack',
  path: /^\/api\/chat\.postMessage$/,
  handle({ req, body, nextId }) {
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) return json(200, { ok: false, error: 'not_authed' });
    if (typeof body?.channel !== 'string' || !body.channel) return json(200, { ok: false, error: 'channel_not_found' });
    if (typeof body.text !== 'string' && !body.blocks) return json(200, { ok: false, error: 'no_text' });
    const n = nextId();
    const ts = `${1795435300 + n}.${String(n).padStart(6, '0')}`;
    const message = { type: 'message', subtype: 'bot_message', text: body.text, user: 'U0HOOKLINE', bot_id: 'B0HOOKLINE', ts, ...(body.thread_ts ? { thread_ts: body.thread_ts } : {}) };
    return json(200, { ok: true, channel: body.channel, ts, message });
  },
  fail(f, retryAfter) {
    switch (f) {
      case 401:
        return json(200, { ok: false, error: 'invalid_auth' });
      case 403:
        return json(200, { ok: false, error: 'not_in_channel' });
      case 404:
        return json(200, { ok: false, error: 'channel_not_found' });
      case 400:
        return json(200, { ok: false, error: 'invalid_arguments' });
      case 429:
        return json(429, { ok: false, error: 'ratelimited' }, retry(retryAfter));
      default:
        return { status: f, headers: { 'content-type': 'text/html' }, body: '<html><body>Slack is having trouble</body></html>' };
    }
  },
};

/** The channels the fake workspace has (ids as the fixtures carry them). */
export const FAKE_SLACK_CHANNELS: Record<string, string> = { C024BE91L: 'engineering', C2147483705: 'test', C0RANDOM01: 'random' };

// conversations.info (form-encoded POST with the token in the header): ok:false errors as Slack names them.
const slackConversations: Route = {
  provider: 'slack_conversations',
  path: /^\/api\/conversations\.info$/,
  handle({ req, body }) {
    if (!/^Bearer \S+/.test(req.headers.authorization ?? '')) return json(200, { ok: false, error: 'not_authed' });
    const id = typeof body?.channel === 'string' ? body.channel : '';
    const name = FAKE_SLACK_CHANNELS[id];
    if (!name) return json(200, { ok: false, error: 'channel_not_found' });
    return json(200, { ok: true, channel: { id, name, is_channel: true, is_private: false, created: 1449252889, is_archived: false } });
  },
  fail(f, retryAfter) {
    if (f === 429) return json(429, { ok: false, error: 'ratelimited' }, retry(retryAfter));
    if (f === 403) return json(200, { ok: false, error: 'missing_scope', needed: 'channels:read', provided: 'chat:write' });
    if (f === 401) return json(200, { ok: false, error: 'invalid_auth' });
    if (f === 404) return json(200, { ok: false, error: 'channel_not_found' });
    return { status: f, headers: { 'content-type': 'text/html' }, body: '<html><body>Slack is having trouble</body></html>' };
  },
};

// response_url: `https://hooks.slack.com/commands/...` or `.../actions/...`; answers a plain `ok`.
const slackResponse: Route = {
  provider: 'slack_response',
  path: /^\/(commands|actions)\/.+/,
  handle({ body }) {
    if (typeof body?.text !== 'string' && !body?.blocks) return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'no_text' };
    return { status: 200, headers: { 'content-type': 'text/html' }, body: 'ok' };
  },
  fail(f, retryAfter) {
    if (f === 404) return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'expired_url' };
    if (f === 429) return { status: 429, headers: { ...retry(retryAfter), 'content-type': 'text/plain' }, body: 'rate_limited' };
    return { status: f, headers: { 'content-type': 'text/plain' }, body: f >= 500 ? 'internal_error' : 'invalid_payload' };
  },
};

const sentry: Route = {
  provider: 'sentry',
  path: /^\/api\/0\/(?:organizations\/([^/]+)\/)?issues\/([^/]+)\/(?:comments|notes)\/$/,
  handle({ m, req, body, nextId, seen }) {
    const auth = req.headers.authorization ?? '';
    if (!/^Bearer \S+/.test(auth)) return json(401, { detail: 'Authentication credentials were not provided.' });
    if (typeof body?.text !== 'string' || !body.text) return json(400, { text: ['This field is required.'] });
    // Sentry's GroupNotesEndpoint: the same text by the same user on the same issue within an hour is refused.
    const k = `${auth}\n${m[2]}\n${body.text}`;
    if ((seen.get(k) ?? 0) > Date.now() - 3_600_000) return json(400, { detail: 'You have already posted that comment.' });
    seen.set(k, Date.now());
    const id = String(3000 + nextId());
    return json(201, {
      id,
      user: { id: '1', name: 'Hookline', username: 'hookline', email: 'hookline@example.com' },
      type: 'note',
      data: { text: body.text, mentions: [] },
      dateCreated: now(),
    });
  },
  fail(f, retryAfter) {
    switch (f) {
      case 400:
        return json(400, { detail: 'You have already posted that comment.' });
      case 401:
        return json(401, { detail: 'Invalid token' });
      case 403:
        return json(403, { detail: 'You do not have permission to perform this action.' });
      case 404:
        return json(404, { detail: 'The requested resource does not exist' });
      case 429:
        return json(429, { detail: 'You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds' }, retry(retryAfter));
      default:
        return json(f, { detail: 'Internal Error', errorId: randomUUID().replace(/-/g, '') });
    }
  },
};

// Linear answers GraphQL errors in the body (HTTP 400 for authentication and rate limits, 200
// with data:null for input errors), with the kind in extensions.type / extensions.code.
const gqlError = (status: number, message: string, type: string, code: string, headers: Record<string, string> = {}): Answer =>
  json(status, { data: null, errors: [{ message, extensions: { type, code, userPresentableMessage: message } }] }, headers);

const linear: Route = {
  provider: 'linear',
  path: /^\/graphql$/,
  handle({ req, body }) {
    if (!req.headers.authorization) return gqlError(400, 'Authentication required, not authenticated', 'authentication error', 'AUTHENTICATION_ERROR');
    const query = typeof body?.query === 'string' ? body.query : '';
    const input = (body?.variables as { input?: { issueId?: unknown; body?: unknown } } | undefined)?.input;
    if (!query.includes('commentCreate')) return gqlError(400, 'Unsupported operation in the fake', 'graphql error', 'GRAPHQL_VALIDATION_FAILED');
    if (typeof input?.issueId !== 'string' || typeof input.body !== 'string') return gqlError(400, 'Argument Validation Error', 'invalid input', 'INVALID_INPUT');
    const id = randomUUID();
    return json(200, { data: { commentCreate: { success: true, comment: { id, url: `https://linear.app/example/issue/ENG-123#comment-${id.slice(0, 8)}` } } } });
  },
  fail(f, retryAfter) {
    switch (f) {
      case 401:
        return gqlError(400, 'Authentication required, not authenticated', 'authentication error', 'AUTHENTICATION_ERROR');
      case 403:
        return gqlError(400, 'You do not have access to this team', 'forbidden', 'FORBIDDEN');
      case 404:
        return gqlError(200, 'Entity not found: Issue', 'invalid input', 'INVALID_INPUT');
      case 429:
        // Reset as unix milliseconds, as Linear's x-ratelimit-requests-reset header carries it.
        return gqlError(400, 'Rate limit exceeded', 'ratelimited', 'RATELIMITED', {
          'x-ratelimit-requests-remaining': '0',
          'x-ratelimit-requests-reset': String(Date.now() + retryAfter * 1000),
        });
      case 400:
        return gqlError(400, 'Argument Validation Error', 'invalid input', 'INVALID_INPUT');
      default:
        return { status: f, headers: { 'content-type': 'text/plain' }, body: 'upstream connect error' };
    }
  },
};

const custom: Route = {
  provider: 'custom',
  path: /^\/comments$/,
  handle({ body, nextId }) {
    if (typeof body?.thread !== 'string' || typeof body.text !== 'string') return json(400, { error: 'thread and text are required' });
    return json(201, { id: `c_${nextId()}` });
  },
  fail(f, retryAfter) {
    return json(f, { error: `failed with ${f}` }, f === 429 ? retry(retryAfter) : {});
  },
};

const ROUTES: Route[] = [github, githubDispatch, gitlab, jira, slack, slackConversations, slackResponse, slackIncoming, sentry, linear, custom];

function parseBody(raw: string, contentType: string | undefined): Record<string, unknown> | undefined {
  if (contentType?.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw));
  try {
    const v: unknown = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function write(res: ServerResponse, a: Answer): void {
  const isText = typeof a.body === 'string';
  const payload = a.body === undefined ? '' : isText ? (a.body as string) : JSON.stringify(a.body);
  res.writeHead(a.status, { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8', ...a.headers });
  res.end(payload);
}

/** Starts the fakes on 127.0.0.1 (a free port). */
export async function startFakeProviders(): Promise<FakeProviders> {
  const requests: Recorded[] = [];
  const failures = new Map<FakeProvider, { failure: Failure; retryAfter: number }[]>();
  const seen = new Map<string, number>();
  let counter = 0;
  const nextId = () => ++counter;
  let base = '';

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const path = (req.url ?? '/').split('?')[0];
      const route = req.method === 'POST' ? ROUTES.find((r) => r.path.test(path)) : undefined;
      const body = parseBody(raw, req.headers['content-type']);
      requests.push({ provider: route?.provider ?? null, method: req.method ?? '', path, headers: req.headers, body, raw });
      if (!route) return write(res, json(404, { message: `no fake route for ${req.method} ${path}` }));
      const queued = failures.get(route.provider)?.shift();
      if (queued?.failure === 'hang') return; // the socket stays open until the client gives up or stop()
      if (queued?.failure === 'reset') return void req.socket.destroy();
      if (queued) return write(res, route.fail(queued.failure, queued.retryAfter));
      write(res, route.handle({ m: path.match(route.path)!, req, body, base, nextId, seen }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    requests,
    failNext(provider, failure, n = 1, opts = {}) {
      const q = failures.get(provider) ?? [];
      for (let i = 0; i < n; i++) q.push({ failure, retryAfter: opts.retryAfter ?? 30 });
      failures.set(provider, q);
    },
    requestsFor: (provider) => requests.filter((r) => r.provider === provider),
    clear() {
      requests.length = 0;
      failures.clear();
      seen.clear();
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Hanging requests and keep-alive sockets would hold close() open.
        server.closeAllConnections();
      }),
  };
}
