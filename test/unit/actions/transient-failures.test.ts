import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeEffects } from '../../../shared/actions/effects';
import { RetryLater, runActions, type ActionContext, type RunnerDeps } from '../../../shared/actions/runner';
import { guardedFetchFn } from '../../../shared/delivery/fetch-adapter';
import { classifyAnswer, classifyError, parseRetryAfter } from '../../../shared/delivery/outcome';
import { TargetTimeoutError, TargetUnreachableError, UnsafeTargetError } from '../../../shared/delivery/ssrf';
import type { WebhookRecord } from '../../../shared/model/webhook';
import { MemoryIntentStore, MemoryQuestionStore, MemoryTaskStore, MemoryTopic } from '../../support/fakes';

const clock = { now: () => new Date('2026-12-01T12:00:00Z') };
let server: Server;
let base: string;
let handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => void;
let hits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    req.resume();
    req.on('end', () => handler(req, res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => (hits = 0));

async function closedPort(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  await new Promise((r) => s.close(r));
  return url;
}

function setup(apiBase: string, action: 'comment' | 'ask' | 'respond') {
  const intents = new MemoryIntentStore();
  const questions = new MemoryQuestionStore();
  const deps: RunnerDeps = {
    tasks: new MemoryTaskStore(),
    topic: new MemoryTopic(),
    intents,
    clock,
    retentionDays: 30,
    effects: makeEffects({ questions, clock, fetch: guardedFetchFn(true, 2_000), allowPrivateTargets: true }),
  };
  const at = clock.now().toISOString();
  const webhook = {
    webhook_id: 'gh', name: 'gh', provider: 'github', secret: 'It is a secret', previous_secrets: [], enabled: true, version: 1,
    created_at: at, created_by: 't', updated_at: at, updated_by: 't',
    reply: { token: 'ghp_x', api_base_url: apiBase },
    commands: [{ command_id: 'cmd_1', trigger: 'issues.opened', action, template: 'hi', priority: 0, stop: false, conditions: {} }],
  } as unknown as WebhookRecord;
  const ctx: ActionContext = {
    event: { event_id: 'evt_1', webhook_id: 'gh', provider: 'github', event_type: 'issues.opened', delivery_id: 'd1', received_at: clock.now().toISOString() },
    payload: { action: 'opened', issue: { number: 7 }, repository: { full_name: 'o/r' } },
    webhook,
    command: webhook.commands[0],
    text: 'hi',
    missing: [],
  };
  return { deps, ctx, intents };
}

describe('transient failures of comment, ask and respond', () => {
  it.each(['comment', 'ask', 'respond'] as const)('sends %s back to the queue when the connection is refused (nothing was posted)', async (action) => {
    const { deps, ctx, intents } = setup(await closedPort(), action);
    const err = await runActions(deps, [ctx], false).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryLater);
    expect([...intents.items.values()][0]).toMatchObject({ status: 'retry', error: expect.stringContaining('ECONNREFUSED') });
  });

  it('fails a refused connection on the last attempt, with the reason kept', async () => {
    const { deps, ctx } = setup(await closedPort(), 'comment');
    const [r] = await runActions(deps, [ctx], true);
    expect(r).toMatchObject({ status: 'failed', error: expect.stringContaining('ECONNREFUSED') });
  });

  it.each([401, 403, 404, 422])('fails at once on a permanent %i, without retrying', async (status) => {
    handler = (_req, res) => res.writeHead(status, { 'content-type': 'application/json' }).end('{"message":"no"}');
    const { deps, ctx } = setup(base, 'comment');
    const [r] = await runActions(deps, [ctx], false);
    expect(r).toMatchObject({ status: 'failed', error: expect.stringContaining(`HTTP ${status}`) });
    expect(hits).toBe(1);
  });

  it('retries a 503 after the Retry-After the provider sent as an HTTP date', async () => {
    handler = (_req, res) => res.writeHead(503, { 'retry-after': 'Tue, 01 Dec 2026 12:02:00 GMT' }).end();
    const { deps, ctx } = setup(base, 'comment');
    const err = (await runActions(deps, [ctx], false).catch((e: unknown) => e)) as RetryLater;
    expect(err).toBeInstanceOf(RetryLater);
    expect(err.retryAfterSeconds).toBe(120);
  });

  it('does not repeat a request whose connection was reset after it was sent (the provider may have posted)', async () => {
    handler = (req) => req.socket.destroy();
    const { deps, ctx } = setup(base, 'comment');
    const [r] = await runActions(deps, [ctx], false);
    expect(r).toMatchObject({ status: 'failed', error: expect.stringContaining('may have been posted') });
    expect(hits).toBe(1);
  });
});

describe('classifyError and classifyAnswer (the one classification)', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

  it('reads a connection that never opened as retry and one that opened as unknown', () => {
    expect(classifyError(new TargetUnreachableError('h', refused, false))).toMatchObject({ verdict: 'retry', reason: 'ECONNREFUSED' });
    expect(classifyError(new TargetUnreachableError('h', reset, false)).verdict).toBe('retry');
    expect(classifyError(new TargetUnreachableError('h', reset, true)).verdict).toBe('unknown');
    expect(classifyError(new TargetTimeoutError('h', 10, false)).verdict).toBe('retry');
    expect(classifyError(new TargetTimeoutError('h', 10, true)).verdict).toBe('unknown');
  });

  it('reads a refused target and a bad certificate as permanent', () => {
    expect(classifyError(new UnsafeTargetError('private', 'no')).verdict).toBe('fail');
    expect(classifyError(new TargetUnreachableError('h', Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }), false)).verdict).toBe('fail');
  });

  it('reads a plain fetch by its error code', () => {
    expect(classifyError(new TypeError('fetch failed', { cause: refused })).verdict).toBe('retry');
    expect(classifyError(new TypeError('fetch failed', { cause: reset })).verdict).toBe('unknown');
    expect(classifyError(Object.assign(new Error('t'), { name: 'TimeoutError' })).verdict).toBe('unknown');
  });

  it('reads answers the same way for every caller', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect([200, 204, 410, 408, 429, 500, 503, 301, 400, 401, 403, 404, 422].map((s) => classifyAnswer(s, {}, now).verdict)).toEqual(
      ['success', 'success', 'gone', 'retry', 'retry', 'retry', 'retry', 'fail', 'fail', 'fail', 'fail', 'fail', 'fail'],
    );
    expect(classifyAnswer(429, { 'retry-after': '30' }, now).retryAfterSeconds).toBe(30);
    expect(classifyAnswer(503, new Headers({ 'retry-after': 'Tue, 01 Dec 2026 12:01:00 GMT' }), now).retryAfterSeconds).toBe(60);
  });

  it('parses Retry-After as delta seconds or an HTTP date, and nothing else', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 7 ', now)).toBe(7);
    expect(parseRetryAfter('Tue, 01 Dec 2026 12:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Tue, 01 Dec 2026 11:00:00 GMT', now)).toBe(0);
    for (const bad of ['-5', '1.5', 'soon', '', undefined]) expect(parseRetryAfter(bad, now)).toBeUndefined();
  });
});
