import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { postReply, ReplyError, respondViaResponseUrl, threadOf, type Fetch, type Thread } from '../../../../shared/actions/reply';
import { HooklineError } from '../../../../shared/errors';
import type { WebhookRecord } from '../../../../shared/model/webhook';
import { startFakeProviders, type FakeProvider, type FakeProviders } from '../../../support/fake-providers';

type Json = Record<string, any>;
type ReplyProvider = Thread['provider'];
const fixture = (provider: string, name: string): Json => JSON.parse(readFileSync(join(__dirname, '../../../fixtures', provider, name), 'utf8'));

const THREADS: Record<ReplyProvider, Thread> = {
  github: threadOf('github', fixture('github', 'issues.opened.json'))!,
  gitlab: threadOf('gitlab', fixture('gitlab', 'issue.open.json'))!,
  jira: threadOf('jira', fixture('jira', 'jira-issue_created.json'))!,
  slack: threadOf('slack', fixture('slack', 'message.channels.json'))!,
  sentry: threadOf('sentry', fixture('sentry', 'issue.created.json'))!,
  linear: threadOf('linear', fixture('linear', 'Issue.create.json'))!,
  custom: threadOf('custom', { thread_id: 't-1' })!,
};
const TOKENS: Record<ReplyProvider, string> = { github: 'ghp_x', gitlab: 'glpat-x', jira: 'atl', slack: 'xoxb-x', sentry: 'sntrys_x', linear: 'lin_api_x', custom: 'custom-secret-token' };
const PROVIDERS = Object.keys(THREADS) as ReplyProvider[];
const NOW = new Date('2026-11-23T12:00:00Z');
const clock = { now: () => NOW };

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(() => fake.stop());
beforeEach(() => fake.clear());

function post(provider: ReplyProvider, opts: { reply?: WebhookRecord['reply']; fetch?: Fetch; timeoutMs?: number; text?: string } = {}) {
  const reply = opts.reply ?? { token: TOKENS[provider], email: provider === 'jira' ? 'bot@example.com' : undefined, api_base_url: fake.url };
  return postReply({ webhook: { provider, reply }, thread: THREADS[provider], text: opts.text ?? 'hello', fetch: opts.fetch, clock, timeoutMs: opts.timeoutMs });
}

/** The ReplyError a promise rejects with. */
async function failure(p: Promise<unknown>): Promise<ReplyError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ReplyError);
  return err as ReplyError;
}

/** A fetch that answers once, without a server. */
const answering =
  (status: number, body: unknown, headers: Record<string, string> = {}): Fetch =>
  async () =>
    new Response(body === null ? null : typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe.each(PROVIDERS)('%s: HTTP failures', (provider) => {
  it('maps 401 to a permanent failure', async () => {
    fake.failNext(provider as FakeProvider, 401);
    const err = await failure(post(provider));
    expect(err).toMatchObject({ outcome: 'permanent', retryable: false, ambiguous: false, code: 'reply_rejected', provider });
    expect(err.message).not.toContain(TOKENS[provider]);
  });

  it('maps 404 to a permanent failure', async () => {
    fake.failNext(provider as FakeProvider, 404);
    expect(await failure(post(provider))).toMatchObject({ outcome: 'permanent', retryable: false, ambiguous: false });
  });

  it('maps 429 to a retryable failure carrying Retry-After', async () => {
    fake.failNext(provider as FakeProvider, 429, 1, { retryAfter: 7 });
    // Linear's reset header is absolute, so measure it against the real clock.
    const err = await failure(provider === 'linear' ? postReply({ webhook: { provider, reply: { token: TOKENS.linear, api_base_url: fake.url } }, thread: THREADS.linear, text: 'x' }) : post(provider));
    expect(err).toMatchObject({ outcome: 'retryable', retryable: true, ambiguous: false, code: 'reply_rate_limited', status: 429 });
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(6);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(7);
    expect(err.options.headers).toEqual({ 'retry-after': String(err.retryAfterSeconds) });
  });

  it('maps 500 to a retryable failure', async () => {
    fake.failNext(provider as FakeProvider, 500);
    expect(await failure(post(provider))).toMatchObject({ outcome: 'retryable', retryable: true, ambiguous: false, code: 'reply_unavailable', providerStatus: 500 });
  });

  it('treats no answer within the timeout as ambiguous (the provider may have posted)', async () => {
    fake.failNext(provider as FakeProvider, 'hang');
    const err = await failure(post(provider, { timeoutMs: 200 }));
    expect(err).toMatchObject({ outcome: 'ambiguous', ambiguous: true, retryable: false, code: 'reply_outcome_unknown' });
    expect(fake.requestsFor(provider as FakeProvider)).toHaveLength(1); // it did arrive
  });

  it('treats a connection dropped mid-request as ambiguous', async () => {
    fake.failNext(provider as FakeProvider, 'reset');
    expect(await failure(post(provider))).toMatchObject({ outcome: 'ambiguous', ambiguous: true, retryable: false });
  });

  it('names the missing reply.token and sends nothing', async () => {
    if (provider === 'custom') return; // the custom API may need no token
    const err = await failure(post(provider, { reply: { api_base_url: fake.url } }));
    expect(err).toMatchObject({ outcome: 'permanent', code: 'reply_not_configured', status: 400, details: [{ path: 'reply.token' }] });
    expect(err.message).toContain('reply.token');
    expect(fake.requests).toHaveLength(0);
  });
});

describe('connection failures', () => {
  it('treats a refused connection as retryable and not ambiguous (nothing left)', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const err = await failure(post('github', { reply: { token: 'ghp_x', api_base_url: `http://127.0.0.1:${port}` } }));
    expect(err).toMatchObject({ outcome: 'retryable', ambiguous: false, code: 'reply_unavailable' });
  });

  it('reports a refusal by the injected fetch (an SSRF guard) as permanent', async () => {
    const guarded: Fetch = async () => {
      throw new HooklineError('target_forbidden', 'Replies to private addresses are refused.', 400);
    };
    expect(await failure(post('custom', { fetch: guarded }))).toMatchObject({ outcome: 'permanent', message: 'Replies to private addresses are refused.' });
  });

  it('does not follow redirects (the POST would become a GET and the token would follow)', async () => {
    const err = await failure(post('github', { fetch: answering(301, { message: 'Moved Permanently' }, { location: 'https://api.github.com/repositories/1/issues/1/comments' }) }));
    expect(err).toMatchObject({ outcome: 'permanent', providerStatus: 301 });
    expect(err.message).toContain('https://api.github.com/repositories/1/issues/1/comments');
  });

  it('treats a 2xx it cannot read as ambiguous, since the provider has posted', async () => {
    expect(await failure(post('github', { fetch: answering(201, 'not json') }))).toMatchObject({ outcome: 'ambiguous', providerStatus: 201 });
  });
});

describe('GitHub rate limits', () => {
  it('reads a 403 with x-ratelimit-remaining 0 as the primary rate limit, until x-ratelimit-reset', async () => {
    const reset = String(NOW.getTime() / 1000 + 60);
    const err = await failure(post('github', { fetch: answering(403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }) }));
    expect(err).toMatchObject({ outcome: 'retryable', code: 'reply_rate_limited', retryAfterSeconds: 60, providerStatus: 403 });
  });

  it('reads a 403 with Retry-After as a secondary rate limit', async () => {
    const err = await failure(post('github', { fetch: answering(403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '120' }) }));
    expect(err).toMatchObject({ outcome: 'retryable', retryAfterSeconds: 120 });
  });

  it('reads any other 403 as a permission problem', async () => {
    fake.failNext('github', 403);
    const err = await failure(post('github'));
    expect(err).toMatchObject({ outcome: 'permanent' });
    expect(err.message).toContain('Resource not accessible by integration');
  });

  it('ignores the reset header on a 500 (GitHub sends it on every answer)', async () => {
    const err = await failure(post('github', { fetch: answering(500, { message: 'Server Error' }, { 'x-ratelimit-reset': String(NOW.getTime() / 1000 + 3600) }) }));
    expect(err).toMatchObject({ outcome: 'retryable' });
    expect(err.retryAfterSeconds).toBeUndefined();
  });
});

describe('Slack ok:false answers (HTTP 200)', () => {
  it.each([
    [401, 'invalid_auth'],
    [404, 'channel_not_found'],
    [403, 'not_in_channel'],
  ] as const)('maps a %s-style answer (%s) to a permanent failure', async (status, error) => {
    fake.failNext('slack', status);
    const err = await failure(post('slack'));
    expect(err).toMatchObject({ outcome: 'permanent', providerStatus: 200, providerError: error });
    expect(err.message).toContain(error);
  });

  it('maps ratelimited to retryable with Retry-After', async () => {
    const err = await failure(post('slack', { fetch: answering(200, { ok: false, error: 'ratelimited' }, { 'retry-after': '5' }) }));
    expect(err).toMatchObject({ outcome: 'retryable', retryAfterSeconds: 5, providerError: 'ratelimited' });
  });

  it('maps internal_error to ambiguous (Slack says part of the work may have happened)', async () => {
    expect(await failure(post('slack', { fetch: answering(200, { ok: false, error: 'internal_error' }) }))).toMatchObject({ outcome: 'ambiguous', providerError: 'internal_error' });
  });

  it('maps an unknown error code to permanent', async () => {
    expect(await failure(post('slack', { fetch: answering(200, { ok: false, error: 'msg_too_long' }) }))).toMatchObject({ outcome: 'permanent', providerError: 'msg_too_long' });
  });
});

describe('Slack response_url failures', () => {
  const url = () => `${fake.url}/commands/1234/5678`;

  it('maps an expired or used-up URL (404) to permanent', async () => {
    fake.failNext('slack_response', 404);
    const err = await failure(respondViaResponseUrl({ responseUrl: url(), text: 'hi' }));
    expect(err).toMatchObject({ outcome: 'permanent', providerStatus: 404 });
    expect(err.message).toContain('expired');
  });

  it('maps 429 to retryable and a hang to ambiguous', async () => {
    fake.failNext('slack_response', 429, 1, { retryAfter: 3 });
    expect(await failure(respondViaResponseUrl({ responseUrl: url(), text: 'hi', clock }))).toMatchObject({ outcome: 'retryable', retryAfterSeconds: 3 });
    fake.failNext('slack_response', 'hang');
    expect(await failure(respondViaResponseUrl({ responseUrl: url(), text: 'hi', timeoutMs: 200 }))).toMatchObject({ outcome: 'ambiguous' });
  });
});

describe('Sentry duplicates', () => {
  it('refuses the same text twice within the hour as a permanent, named failure', async () => {
    await post('sentry', { text: 'Same words' });
    const err = await failure(post('sentry', { text: 'Same words' }));
    expect(err).toMatchObject({ outcome: 'permanent', code: 'reply_duplicate', providerStatus: 400, providerError: 'already_posted' });
    expect(err.message).toMatch(/already posted/);
  });
});

describe('Linear GraphQL errors', () => {
  it('maps an error in a 200 answer (unknown issue) to a permanent failure', async () => {
    fake.failNext('linear', 404);
    const err = await failure(post('linear'));
    expect(err).toMatchObject({ outcome: 'permanent', providerStatus: 200, providerError: 'INVALID_INPUT' });
    expect(err.message).toContain('Entity not found');
  });

  it('maps an authentication error (HTTP 400) to permanent', async () => {
    fake.failNext('linear', 401);
    expect(await failure(post('linear'))).toMatchObject({ outcome: 'permanent', providerError: 'AUTHENTICATION_ERROR' });
  });

  it('maps success: false to permanent', async () => {
    expect(await failure(post('linear', { fetch: answering(200, { data: { commentCreate: { success: false, comment: null } } }) }))).toMatchObject({ outcome: 'permanent' });
  });

  it('keeps a created comment even when errors accompany it (a failure would invite a duplicate)', async () => {
    const posted = await post('linear', { fetch: answering(200, { data: { commentCreate: { success: true, comment: { id: 'c1', url: 'https://linear.app/x' } } }, errors: [{ message: 'partial' }] }) });
    expect(posted).toEqual({ id: 'c1', url: 'https://linear.app/x' });
  });
});

describe('configuration and input', () => {
  it('names reply.api_base_url for a custom source without one', async () => {
    const err = await failure(post('custom', { reply: { token: 'c' } }));
    expect(err).toMatchObject({ code: 'reply_not_configured', details: [{ path: 'reply.api_base_url' }] });
  });

  it('names reply.api_base_url for Jira when the event names no site', async () => {
    const t = threadOf('jira', fixture('jira', 'comment_created.json'))!;
    const err = await failure(postReply({ webhook: { provider: 'jira', reply: { token: 't', email: 'e@x' } }, thread: t, text: 'hi' }));
    expect(err).toMatchObject({ code: 'reply_not_configured', details: [{ path: 'reply.api_base_url' }] });
  });

  it('refuses a thread of another provider and an empty text, sending nothing', async () => {
    expect(await failure(postReply({ webhook: { provider: 'gitlab', reply: { token: 't', api_base_url: fake.url } }, thread: THREADS.github, text: 'hi' }))).toMatchObject({ code: 'reply_unsupported', outcome: 'permanent' });
    expect(await failure(post('github', { text: '  \n' }))).toMatchObject({ code: 'reply_invalid', outcome: 'permanent' });
    expect(fake.requests).toHaveLength(0);
  });
});
