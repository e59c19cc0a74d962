import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { carriesMarker, MARKER, postReply, respondViaResponseUrl, threadOf, withMarker, type Thread } from '../../../../shared/actions/reply';
import type { WebhookRecord } from '../../../../shared/model/webhook';
import { version } from '../../../../shared/version';
import { startFakeProviders, type FakeProviders } from '../../../support/fake-providers';

type Json = Record<string, any>;
const fixture = (provider: string, name: string): Json => JSON.parse(readFileSync(join(__dirname, '../../../fixtures', provider, name), 'utf8'));
const thread = (provider: string, payload: unknown): Thread => {
  const t = threadOf(provider, payload);
  if (!t) throw new Error(`no ${provider} thread in the fixture`);
  return t;
};

let fake: FakeProviders;
beforeAll(async () => {
  fake = await startFakeProviders();
});
afterAll(() => fake.stop());
beforeEach(() => fake.clear());

const hook = (provider: WebhookRecord['provider'], reply: WebhookRecord['reply']) => ({ provider, reply });
const TEXT = 'Thanks! Reproduced on main — café ☕, 日本語.';

/** The only request the fakes saw. */
function only() {
  expect(fake.requests).toHaveLength(1);
  return fake.requests[0];
}

describe('postReply: GitHub', () => {
  const t = thread('github', fixture('github', 'issues.opened.json'));

  it('posts an issue comment with the documented headers and the marker', async () => {
    const posted = await postReply({ webhook: hook('github', { token: 'ghp_test', api_base_url: fake.url }), thread: t, text: TEXT });
    const r = only();
    expect(r).toMatchObject({ provider: 'github', method: 'POST', path: '/repos/Codertocat/Hello-World/issues/1/comments' });
    expect(r.headers).toMatchObject({
      authorization: 'Bearer ghp_test',
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'content-type': 'application/json',
      'user-agent': `Hookline-Webhooks/${version}`,
    });
    expect(r.body).toEqual({ body: `${TEXT}\n\n${MARKER}` });
    expect(posted).toEqual({ id: '1000001', url: 'https://github.com/Codertocat/Hello-World/issues/1#issuecomment-1000001' });
  });

  it('tolerates a trailing slash on api_base_url', async () => {
    await postReply({ webhook: hook('github', { token: 'ghp_test', api_base_url: `${fake.url}/` }), thread: t, text: TEXT });
    expect(only().path).toBe('/repos/Codertocat/Hello-World/issues/1/comments');
  });
});

describe('postReply: GitLab', () => {
  it('posts an issue note with PRIVATE-TOKEN and the marker, linking it on the issue page', async () => {
    const t = thread('gitlab', fixture('gitlab', 'issue.open.json'));
    const posted = await postReply({ webhook: hook('gitlab', { token: 'glpat-test', api_base_url: fake.url }), thread: t, text: TEXT });
    const r = only();
    expect(r).toMatchObject({ provider: 'gitlab', method: 'POST', path: '/api/v4/projects/1/issues/23/notes' });
    expect(r.headers['private-token']).toBe('glpat-test');
    expect(r.headers.authorization).toBeUndefined();
    expect(r.body).toEqual({ body: `${TEXT}\n\n${MARKER}` });
    expect(posted).toEqual({ id: expect.stringMatching(/^\d+$/), url: `http://example.com/gitlabhq/gitlab-test/-/issues/23#note_${posted.id}` });
  });

  it('posts a merge request note under merge_requests', async () => {
    const t = thread('gitlab', fixture('gitlab', 'merge_request.merge.json'));
    await postReply({ webhook: hook('gitlab', { token: 'glpat-test', api_base_url: fake.url }), thread: t, text: TEXT });
    expect(only().path).toBe('/api/v4/projects/1/merge_requests/1/notes');
  });
});

describe('postReply: Jira', () => {
  const t = thread('jira', fixture('jira', 'jira-issue_created.json'));

  it('posts an ADF comment with basic auth (email:token) and no marker', async () => {
    const posted = await postReply({ webhook: hook('jira', { token: 'atl-token', email: 'bot@example.com', api_base_url: fake.url }), thread: t, text: TEXT });
    const r = only();
    expect(r).toMatchObject({ provider: 'jira', method: 'POST', path: '/rest/api/3/issue/OPS-42/comment' });
    expect(r.headers.authorization).toBe(`Basic ${Buffer.from('bot@example.com:atl-token').toString('base64')}`);
    expect(r.body).toEqual({ body: { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: TEXT }] }] } });
    expect(r.raw).not.toContain('hookline -->');
    expect(posted).toEqual({ id: expect.stringMatching(/^\d+$/), url: `${fake.url}/browse/OPS-42?focusedCommentId=${posted.id}` });
  });

  it('sends the token as a bearer token when reply.email is unset', async () => {
    await postReply({ webhook: hook('jira', { token: 'oauth-token', api_base_url: fake.url }), thread: t, text: TEXT });
    expect(only().headers.authorization).toBe('Bearer oauth-token');
  });

  it('turns blank lines into paragraphs and single newlines into hard breaks', async () => {
    await postReply({ webhook: hook('jira', { token: 't', email: 'e@x', api_base_url: fake.url }), thread: t, text: 'Line one\nline two\n\nSecond paragraph' });
    expect((only().body as Json).body.content).toEqual([
      { type: 'paragraph', content: [{ type: 'text', text: 'Line one' }, { type: 'hardBreak' }, { type: 'text', text: 'line two' }] },
      { type: 'paragraph', content: [{ type: 'text', text: 'Second paragraph' }] },
    ]);
  });

  it('posts to the site named by issue.self when api_base_url is unset', async () => {
    const p = fixture('jira', 'jira-issue_created.json');
    p.issue.self = `${fake.url}/rest/api/2/10041`;
    await postReply({ webhook: hook('jira', { token: 't', email: 'e@x' }), thread: thread('jira', p), text: TEXT });
    expect(only().path).toBe('/rest/api/3/issue/OPS-42/comment');
  });
});

describe('postReply: Slack', () => {
  const message = fixture('slack', 'message.channels.json');

  it('posts chat.postMessage in the thread with a bearer token, without a marker', async () => {
    const posted = await postReply({ webhook: hook('slack', { token: 'xoxb-test', api_base_url: fake.url }), thread: thread('slack', message), text: TEXT });
    const r = only();
    expect(r).toMatchObject({ provider: 'slack', method: 'POST', path: '/api/chat.postMessage' });
    expect(r.headers.authorization).toBe('Bearer xoxb-test');
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.body).toEqual({ channel: 'C024BE91L', text: TEXT, thread_ts: '1795435200.000100' });
    expect(posted).toEqual({ id: expect.stringMatching(/^\d+\.\d{6}$/) });
  });

  it('answers a reply in the root thread (thread_ts of the root, not the reply)', async () => {
    const reply = structuredClone(message);
    reply.event.ts = '1795435260.000200';
    reply.event.thread_ts = '1795435200.000100';
    await postReply({ webhook: hook('slack', { token: 'xoxb-test', api_base_url: fake.url }), thread: thread('slack', reply), text: TEXT });
    expect((only().body as Json).thread_ts).toBe('1795435200.000100');
  });

  it('posts to the channel, unthreaded, for a slash command', async () => {
    await postReply({ webhook: hook('slack', { token: 'xoxb-test', api_base_url: fake.url }), thread: thread('slack', fixture('slack', 'slash_command.json')), text: TEXT });
    expect(only().body).toEqual({ channel: 'C2147483705', text: TEXT });
  });
});

describe('respondViaResponseUrl', () => {
  it('posts {text, response_type: in_channel} with no credentials', async () => {
    await respondViaResponseUrl({ responseUrl: `${fake.url}/commands/1234/5678`, text: TEXT });
    const r = only();
    expect(r).toMatchObject({ provider: 'slack_response', method: 'POST', path: '/commands/1234/5678' });
    expect(r.headers.authorization).toBeUndefined();
    expect(r.body).toEqual({ text: TEXT, response_type: 'in_channel' });
  });

  it('can answer ephemerally', async () => {
    await respondViaResponseUrl({ responseUrl: `${fake.url}/actions/T9/4321/abcd`, text: TEXT, responseType: 'ephemeral' });
    expect(only().body).toEqual({ text: TEXT, response_type: 'ephemeral' });
  });
});

describe('postReply: Sentry', () => {
  it('posts to the organization issue comments route with the marker', async () => {
    const t = thread('sentry', fixture('sentry', 'issue.created.json'));
    const posted = await postReply({ webhook: hook('sentry', { token: 'sntrys_test', api_base_url: fake.url }), thread: t, text: TEXT });
    const r = only();
    expect(r).toMatchObject({ provider: 'sentry', method: 'POST', path: '/api/0/organizations/example/issues/1170820242/comments/' });
    expect(r.headers.authorization).toBe('Bearer sntrys_test');
    expect(r.body).toEqual({ text: `${TEXT}\n\n${MARKER}` });
    expect(posted).toEqual({ id: expect.stringMatching(/^\d+$/) });
  });

  it('falls back to the legacy issue route when the event names no organization', async () => {
    const t = thread('sentry', { action: 'created', data: { comment_id: 1, issue_id: 1170820242, project_slug: 'sentry-test', comment: 'hi' } });
    await postReply({ webhook: hook('sentry', { token: 'sntrys_test', api_base_url: fake.url }), thread: t, text: TEXT });
    expect(only().path).toBe('/api/0/issues/1170820242/comments/');
  });
});

describe('postReply: Linear', () => {
  const t = thread('linear', fixture('linear', 'Comment.update.json'));

  it('runs commentCreate with a bare API key and the marker in the body variable', async () => {
    const posted = await postReply({ webhook: hook('linear', { token: 'lin_api_test', api_base_url: fake.url }), thread: t, text: TEXT });
    const r = only();
    expect(r).toMatchObject({ provider: 'linear', method: 'POST', path: '/graphql' });
    expect(r.headers.authorization).toBe('lin_api_test');
    const body = r.body as Json;
    expect(body.query).toMatch(/mutation\b[\s\S]*commentCreate\(input: \$input\)[\s\S]*success[\s\S]*comment \{ id url \}/);
    expect(body.variables).toEqual({ input: { issueId: '2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9', body: `${TEXT}\n\n${MARKER}` } });
    expect(posted).toEqual({ id: expect.any(String), url: expect.stringContaining('https://linear.app/example/issue/ENG-123#comment-') });
  });

  it('sends an OAuth access token as Bearer', async () => {
    await postReply({ webhook: hook('linear', { token: 'oauth-access-token', api_base_url: fake.url }), thread: t, text: TEXT });
    expect(only().headers.authorization).toBe('Bearer oauth-access-token');
  });
});

describe('postReply: custom', () => {
  const t = thread('custom', { thread_id: 't-1' });

  it('posts {thread, text} to {api_base_url}/comments with a bearer token and the marker', async () => {
    const posted = await postReply({ webhook: hook('custom', { token: 'custom-token', api_base_url: fake.url }), thread: t, text: TEXT });
    const r = only();
    expect(r).toMatchObject({ provider: 'custom', method: 'POST', path: '/comments' });
    expect(r.headers.authorization).toBe('Bearer custom-token');
    expect(r.body).toEqual({ thread: 't-1', text: `${TEXT}\n\n${MARKER}` });
    expect(posted).toEqual({ id: expect.stringMatching(/^c_\d+$/) });
  });

  it('sends no Authorization header without a token', async () => {
    await postReply({ webhook: hook('custom', { api_base_url: fake.url }), thread: t, text: TEXT });
    expect(only().headers.authorization).toBeUndefined();
  });
});

describe('the marker', () => {
  it('is appended once, on its own paragraph', () => {
    expect(withMarker('hi')).toBe('hi\n\n<!-- hookline -->');
    expect(withMarker(withMarker('hi'))).toBe('hi\n\n<!-- hookline -->');
  });

  it('is recognised in a raw body, literally or JSON-escaped as Rails writes it', () => {
    expect(carriesMarker(JSON.stringify({ body: withMarker('hi') }))).toBe(true);
    expect(carriesMarker('{"note":"hi\\n\\n\\u003c!-- hookline --\\u003e"}')).toBe(true);
    expect(carriesMarker('{"note":"<!-- other -->"}')).toBe(false);
  });
});
