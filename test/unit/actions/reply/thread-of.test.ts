import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Thread, threadOf } from '../../../../shared/actions/reply';

type Json = Record<string, any>;
const fixture = (provider: string, name: string): Json => JSON.parse(readFileSync(join(__dirname, '../../../fixtures', provider, name), 'utf8'));

// Real GitHub payloads beyond our one fixture: @octokit/webhooks-examples (issue #1 and PR #2 of Codertocat/Hello-World).
const octokit: { name: string; examples: Json[] }[] = JSON.parse(readFileSync(require.resolve('@octokit/webhooks-examples'), 'utf8'));
const example = (name: string, action: string): Json => structuredClone(octokit.find((e) => e.name === name)!.examples.find((x) => x.action === action)!);

describe('threadOf: GitHub', () => {
  const opened = fixture('github', 'issues.opened.json');

  it('identifies an issue by repository and number', () => {
    expect(threadOf('github', opened, { 'x-github-event': 'issues' })).toEqual({
      provider: 'github',
      key: 'github:Codertocat/Hello-World#1',
      owner: 'Codertocat',
      repo: 'Hello-World',
      number: 1,
    });
  });

  it('gives a later comment on the issue the issue event key', () => {
    const comment = example('issue_comment', 'created');
    expect(threadOf('github', comment, { 'x-github-event': 'issue_comment' })?.key).toBe(threadOf('github', opened, { 'x-github-event': 'issues' })?.key);
  });

  it('gives a conversation comment on a pull request the pull request event key', () => {
    const pr = example('pull_request', 'opened');
    const comment = example('issue_comment', 'created');
    // GitHub sends PR conversation comments as issue_comment with issue.pull_request set.
    comment.issue.number = pr.pull_request.number;
    comment.issue.pull_request = { url: pr.pull_request.url };
    expect(threadOf('github', pr, { 'x-github-event': 'pull_request' })?.key).toBe('github:Codertocat/Hello-World#2');
    expect(threadOf('github', comment, { 'x-github-event': 'issue_comment' })?.key).toBe('github:Codertocat/Hello-World#2');
    expect(threadOf('github', example('pull_request_review_comment', 'created'))?.key).toBe('github:Codertocat/Hello-World#2');
  });

  it('reads the event header whatever its case', () => {
    expect(threadOf('github', opened, { 'X-GitHub-Event': 'issues' })?.key).toBe('github:Codertocat/Hello-World#1');
    expect(threadOf('github', opened, { 'X-GitHub-Event': 'milestone' })).toBeNull();
  });

  it('has no thread for events outside issues and pull requests', () => {
    expect(threadOf('github', example('discussion_comment', 'created'), { 'x-github-event': 'discussion_comment' })).toBeNull();
    expect(threadOf('github', { ref: 'refs/heads/main', repository: opened.repository }, { 'x-github-event': 'push' })).toBeNull();
  });
});

describe('threadOf: GitLab', () => {
  const issue = fixture('gitlab', 'issue.open.json');
  const note = fixture('gitlab', 'note.create.json');
  const mr = fixture('gitlab', 'merge_request.merge.json');

  it('identifies an issue by project id and iid, with its page', () => {
    expect(threadOf('gitlab', issue)).toEqual({
      provider: 'gitlab',
      key: 'gitlab:1#23',
      project_id: 1,
      noteable: 'issues',
      iid: 23,
      web_url: 'http://example.com/gitlabhq/gitlab-test/-/issues/23',
    });
  });

  it('gives a note on an issue the issue key', () => {
    expect(threadOf('gitlab', note)).toMatchObject({ key: 'gitlab:5#17', noteable: 'issues', iid: 17, web_url: 'http://example.com/gitlab-org/gitlab-test/issues/17' });
    const later = { ...note, project: { ...note.project, id: 1 }, project_id: 1, issue: { ...note.issue, iid: 23 } };
    expect(threadOf('gitlab', later)?.key).toBe(threadOf('gitlab', issue)?.key);
  });

  it('identifies a merge request, and a note on it, by the MR iid', () => {
    expect(threadOf('gitlab', mr)).toMatchObject({ key: 'gitlab:1!1', noteable: 'merge_requests', iid: 1 });
    const onMr = {
      ...note,
      project: { ...note.project, id: 1 },
      object_attributes: { ...note.object_attributes, noteable_type: 'MergeRequest' },
      issue: undefined,
      merge_request: { id: 99, iid: 1 },
    };
    expect(threadOf('gitlab', onMr)?.key).toBe('gitlab:1!1');
  });

  it('has no thread for pushes and commit notes', () => {
    expect(threadOf('gitlab', fixture('gitlab', 'push.json'))).toBeNull();
    expect(threadOf('gitlab', { ...note, object_attributes: { ...note.object_attributes, noteable_type: 'Commit' } })).toBeNull();
  });
});

describe('threadOf: Jira', () => {
  it('identifies an issue by key and derives the site from issue.self', () => {
    expect(threadOf('jira', fixture('jira', 'jira-issue_created.json'))).toEqual({
      provider: 'jira',
      key: 'jira:OPS-42',
      issue_key: 'OPS-42',
      site: 'https://your-domain.atlassian.net',
    });
  });

  it('gives a comment on the issue the issue key, even without any self link', () => {
    const t = threadOf('jira', fixture('jira', 'comment_created.json'));
    expect(t).toEqual({ provider: 'jira', key: 'jira:OPS-42', issue_key: 'OPS-42' });
  });

  it('keeps a Jira Server context path in the site', () => {
    const p = fixture('jira', 'jira-issue_created.json');
    p.issue.self = 'https://jira.example.com/jira/rest/api/2/issue/10041';
    expect(threadOf('jira', p)).toMatchObject({ site: 'https://jira.example.com/jira' });
  });
});

describe('threadOf: Slack', () => {
  const message = fixture('slack', 'message.channels.json');

  it('identifies a top-level message by channel and its own ts', () => {
    expect(threadOf('slack', message)).toEqual({ provider: 'slack', key: 'slack:C024BE91L:1795435200.000100', channel: 'C024BE91L', thread_ts: '1795435200.000100' });
  });

  it('gives a reply in the thread the root message key (thread_ts, not its own ts)', () => {
    const reply = structuredClone(message);
    reply.event.ts = reply.event.event_ts = '1795435260.000200';
    reply.event.thread_ts = '1795435200.000100';
    expect(threadOf('slack', reply)?.key).toBe(threadOf('slack', message)?.key);
    expect(threadOf('slack', reply)).toMatchObject({ thread_ts: '1795435200.000100' });
  });

  it('reads an edited message (message_changed) one level down', () => {
    const edited = { ...message, event: { type: 'message', subtype: 'message_changed', channel: 'C024BE91L', ts: '1795435300.000300', message: { ts: '1795435260.000200', thread_ts: '1795435200.000100' } } };
    expect(threadOf('slack', edited)?.key).toBe('slack:C024BE91L:1795435200.000100');
  });

  it('identifies an app mention', () => {
    expect(threadOf('slack', fixture('slack', 'app_mention.json'))?.key).toBe('slack:C0LAN2Q65:1515449522.000016');
  });

  it('gives a slash command its channel only, with the response_url', () => {
    expect(threadOf('slack', fixture('slack', 'slash_command.json'))).toEqual({
      provider: 'slack',
      key: 'slack:C2147483705',
      channel: 'C2147483705',
      response_url: 'https://hooks.slack.com/commands/1234/5678',
    });
  });

  it('gives a button click the thread of the message it sits on', () => {
    expect(threadOf('slack', fixture('slack', 'block_actions.json'))).toEqual({
      provider: 'slack',
      key: 'slack:CBR2V3XEX:1548261231.000200',
      channel: 'CBR2V3XEX',
      thread_ts: '1548261231.000200',
      response_url: 'https://hooks.slack.com/actions/T9TK3CUKW/4321/abcd',
    });
  });

  it('has no thread for the url_verification handshake', () => {
    expect(threadOf('slack', fixture('slack', 'url_verification.json'))).toBeNull();
  });
});

describe('threadOf: Sentry', () => {
  const issue = fixture('sentry', 'issue.created.json');

  it('identifies an issue by id and reads the organization from its URL', () => {
    expect(threadOf('sentry', issue)).toEqual({ provider: 'sentry', key: 'sentry:1170820242', issue_id: '1170820242', org: 'example' });
  });

  it('gives a comment on the issue the issue key', () => {
    // Sentry's comment webhook: data.{comment_id, issue_id (a number), project_slug, timestamp, comment}.
    const comment = {
      action: 'created',
      installation: issue.installation,
      data: { comment_id: 1234, issue_id: 1170820242, project_slug: 'sentry-test', timestamp: '2026-11-23T12:05:00Z', comment: 'Seen again after the deploy 👀' },
      actor: { type: 'user', id: 1, name: 'Renée' },
    };
    expect(threadOf('sentry', comment)).toEqual({ provider: 'sentry', key: 'sentry:1170820242', issue_id: '1170820242' });
  });

  it('has no thread for the installation event', () => {
    expect(threadOf('sentry', fixture('sentry', 'installation.created.json'))).toBeNull();
  });
});

describe('threadOf: Linear', () => {
  it('identifies an issue by its id', () => {
    expect(threadOf('linear', fixture('linear', 'Issue.create.json'))).toEqual({
      provider: 'linear',
      key: 'linear:2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9',
      issue_id: '2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9',
    });
  });

  it('gives a comment on the issue the issue key (data.issueId or data.issue.id)', () => {
    const key = threadOf('linear', fixture('linear', 'Issue.create.json'))?.key;
    const comment = fixture('linear', 'Comment.update.json');
    expect(threadOf('linear', comment)?.key).toBe(key);
    const nested = { ...comment, data: { id: comment.data.id, body: comment.data.body, issue: { id: comment.data.issueId } } };
    expect(threadOf('linear', nested)?.key).toBe(key);
  });

  it('has no thread for other entities', () => {
    expect(threadOf('linear', { ...fixture('linear', 'Issue.create.json'), type: 'Project' })).toBeNull();
  });
});

describe('threadOf: custom and the rest', () => {
  it('uses thread_id, else id', () => {
    expect(threadOf('custom', { thread_id: 't-1', id: 'evt-9' })).toEqual({ provider: 'custom', key: 'custom:t-1', thread_id: 't-1' });
    expect(threadOf('custom', { id: 42 })).toEqual({ provider: 'custom', key: 'custom:42', thread_id: '42' });
    expect(threadOf('custom', { text: 'no id' })).toBeNull();
  });

  it('has no thread for providers Hookline cannot answer in, or a payload that is not an object', () => {
    expect(threadOf('stripe', fixture('stripe', 'invoice.paid.json'))).toBeNull();
    expect(threadOf('github', null)).toBeNull();
    expect(threadOf('slack', 'command=/deploy')).toBeNull();
  });

  it('returns threads that survive storage (the Thread schema reads them back)', () => {
    const threads = [
      threadOf('github', fixture('github', 'issues.opened.json')),
      threadOf('gitlab', fixture('gitlab', 'issue.open.json')),
      threadOf('jira', fixture('jira', 'jira-issue_created.json')),
      threadOf('slack', fixture('slack', 'slash_command.json')),
      threadOf('sentry', fixture('sentry', 'issue.created.json')),
      threadOf('linear', fixture('linear', 'Comment.update.json')),
      threadOf('custom', { thread_id: 't-1' }),
    ];
    for (const t of threads) expect(Thread.parse(JSON.parse(JSON.stringify(t)))).toEqual(t);
  });
});
