import { evaluateConditions } from '../../../shared/commands/evaluate-conditions';
import type { EventContext } from '../../../shared/commands/event-context';
import type { Conditions } from '../../../shared/model/conditions';
import { agentComment, ctx, edit, fixture, githubExample, issueOpened, questionOpened, sentryIssue, slashCommand } from './payloads';

const holds = (conditions: Conditions | Record<string, unknown>, event: EventContext) => evaluateConditions(conditions as Conditions, event).matched;
const reason = (conditions: Conditions | Record<string, unknown>, event: EventContext) => evaluateConditions(conditions as Conditions, event).reason;

describe('conditions: combining keys', () => {
  it('match when there are none', () => {
    expect(evaluateConditions(undefined, issueOpened())).toEqual({ matched: true });
    expect(evaluateConditions({}, issueOpened())).toEqual({ matched: true });
  });

  it('AND their keys and name the first that fails', () => {
    expect(holds({ labels: ['bug'], users: ['Codertocat'] }, issueOpened())).toBe(true);
    expect(evaluateConditions({ labels: ['bug'], body_contains: '@agent' }, issueOpened())).toEqual({
      matched: false,
      reason: 'body_contains: the body does not contain "@agent"',
    });
  });

  it('need every condition of `all` and one of `any`', () => {
    const title = { field: 'issue.title', op: 'contains', value: 'sync fails' } as const;
    const number = { field: 'issue.number', op: 'eq', value: 2 } as const;
    expect(holds({ all: [title] }, issueOpened())).toBe(true);
    expect(holds({ all: [title, number] }, issueOpened())).toBe(false);
    expect(holds({ any: [number, title] }, issueOpened())).toBe(true);
    expect(holds({ any: [number] }, issueOpened())).toBe(false);
    expect(reason({ all: [title, number] }, issueOpened())).toBe('all.1: issue.number eq 2: false for 1');
    expect(reason({ any: [number, { field: 'action', op: 'eq', value: 'closed' }] }, issueOpened())).toBe(
      'any: none of the 2 conditions holds (any.0: issue.number eq 2: false for 1; any.1: action eq "closed": false for "opened")',
    );
  });

  it('fail (never throw) on keys this version does not know and on malformed stored conditions', () => {
    expect(evaluateConditions({ colour: 'red' } as unknown as Conditions, issueOpened())).toEqual({ matched: false, reason: 'colour: unknown condition' });
    expect(holds({ labels: 'bug' }, issueOpened())).toBe(false);
    expect(holds({ all: [{ field: 'x', op: 'near', value: 1 }] }, issueOpened())).toBe(false);
    expect(holds({ any: [] }, issueOpened())).toBe(false);
  });

  it('evaluate payloads that are not objects without throwing', () => {
    for (const payload of ['plain text body', null, [1, 2], 42]) {
      const event = ctx('custom', 'custom', payload);
      expect(holds({ labels: ['bug'] }, event)).toBe(false);
      expect(holds({ body_contains: 'x', users: ['a'], channel: 'c', min_severity: 'info' }, event)).toBe(false);
      expect(holds({ all: [{ field: 'a.b.0', op: 'exists', value: false }] }, event)).toBe(true);
    }
  });
});

describe('labels: any listed label is on the event', () => {
  it('reads GitHub issue labels, case-insensitively', () => {
    expect(holds({ labels: ['bug', 'enhancement'] }, issueOpened())).toBe(true);
    expect(holds({ labels: ['BUG'] }, issueOpened())).toBe(true);
    expect(holds({ labels: ['área: i18n 🌐'] }, issueOpened())).toBe(true);
  });

  it('says which labels the event had when none match', () => {
    expect(evaluateConditions({ labels: ['bug', 'enhancement'] }, questionOpened())).toEqual({
      matched: false,
      reason: 'labels: none of "bug", "enhancement" is on the event (it has "question")',
    });
  });

  it('reads pull request labels', () => {
    const pr = ctx('github', 'pull_request.labeled', githubExample('pull_request', 'labeled'));
    expect(holds({ labels: ['bug'] }, pr)).toBe(true);
  });

  it('reads GitLab label titles, Jira label strings and Linear label names or ids', () => {
    expect(holds({ labels: ['bug'] }, ctx('gitlab', 'issue.open', fixture('gitlab', 'issue.open')))).toBe(true);
    expect(holds({ labels: ['i18n'] }, ctx('jira', 'jira:issue_created', fixture('jira', 'jira-issue_created')))).toBe(true);
    const linear = fixture('linear', 'Issue.create');
    expect(holds({ labels: ['ab8c9e4f-0000-4000-8000-000000000002'] }, ctx('linear', 'Issue.create', linear))).toBe(true);
    const named = edit(linear, (p) => (p.data.labels = [{ id: 'ab8c9e4f-0000-4000-8000-000000000002', name: 'Bug' }]));
    expect(holds({ labels: ['bug'] }, ctx('linear', 'Issue.create', named))).toBe(true);
  });
});

describe('label: the event just added this label', () => {
  const labeled = () => ctx('github', 'issues.labeled', githubExample('issues', 'labeled'));

  it('is GitHub label.name on *.labeled', () => {
    expect(holds({ label: 'bug' }, labeled())).toBe(true);
    expect(holds({ label: 'urgent' }, labeled())).toBe(false);
    expect(reason({ label: 'urgent' }, labeled())).toBe('label: the event did not add "urgent" (it added "bug")');
  });

  it('is not a label removed by *.unlabeled, nor one already on an opened issue', () => {
    const unlabeled = ctx('github', 'issues.unlabeled', githubExample('issues', 'unlabeled'));
    expect(unlabeled.payload).toHaveProperty('label.name');
    expect(holds({ label: (unlabeled.payload as any).label.name }, unlabeled)).toBe(false);
    expect(evaluateConditions({ label: 'bug' }, issueOpened())).toEqual({ matched: false, reason: 'label: the event did not add "bug" (it added no label)' });
  });

  it('is the GitLab label in changes.labels.current but not in previous', () => {
    const update = edit(fixture('gitlab', 'issue.open'), (p) => {
      p.object_attributes.action = 'update';
      p.changes = { labels: { previous: [{ title: 'bug' }], current: [{ title: 'bug' }, { title: 'urgent' }] } };
    });
    expect(holds({ label: 'urgent' }, ctx('gitlab', 'issue.update', update))).toBe(true);
    expect(holds({ label: 'bug' }, ctx('gitlab', 'issue.update', update))).toBe(false);
  });

  it('is the Jira labels changelog item toString minus fromString', () => {
    const updated = edit(fixture('jira', 'jira-issue_created'), (p) => {
      p.webhookEvent = 'jira:issue_updated';
      p.changelog = { items: [{ field: 'labels', fromString: 'checkout', toString: 'checkout urgent' }] };
    });
    expect(holds({ label: 'urgent' }, ctx('jira', 'jira:issue_updated', updated))).toBe(true);
    expect(holds({ label: 'checkout' }, ctx('jira', 'jira:issue_updated', updated))).toBe(false);
  });

  it('is a Linear label id (or its name) in data.labelIds but not in updatedFrom.labelIds', () => {
    const updated = edit(fixture('linear', 'Issue.create'), (p) => {
      p.action = 'update';
      p.data.labelIds = ['old', 'new-id'];
      p.data.labels = [{ id: 'new-id', name: 'Urgent' }];
      p.updatedFrom = { labelIds: ['old'] };
    });
    expect(holds({ label: 'urgent' }, ctx('linear', 'Issue.update', updated))).toBe(true);
    expect(holds({ label: 'new-id' }, ctx('linear', 'Issue.update', updated))).toBe(true);
    expect(holds({ label: 'old' }, ctx('linear', 'Issue.update', updated))).toBe(false);
  });
});

describe('body_contains: the comment, or else the issue or message body, contains the text', () => {
  it('finds @agent in a GitHub comment, case-insensitively', () => {
    expect(holds({ body_contains: '@agent' }, agentComment())).toBe(true);
    expect(holds({ body_contains: '@AGENT' }, agentComment())).toBe(true);
  });

  it('judges a comment by the comment, not by the issue it belongs to', () => {
    const thanks = agentComment('Thanks, that fixed it.');
    (thanks.payload as any).issue.body = 'Ping @agent when this is triaged';
    expect(evaluateConditions({ body_contains: '@agent' }, thanks)).toEqual({ matched: false, reason: 'body_contains: the body does not contain "@agent"' });
  });

  it('takes the text literally, regex characters included', () => {
    expect(holds({ body_contains: '/deploy api (prod)' }, agentComment('Please /DEPLOY api (prod) now'))).toBe(true);
    expect(holds({ body_contains: 'a.c' }, agentComment('abc'))).toBe(false);
  });

  it('reads an issue body when there is no comment', () => {
    expect(holds({ body_contains: 'err_invalid_char' }, issueOpened())).toBe(true);
  });

  it('reads Slack text, GitLab notes, Jira comments, Linear comments and Sentry issue titles', () => {
    expect(holds({ body_contains: 'api to prod' }, slashCommand())).toBe(true);
    expect(holds({ body_contains: 'déploiement' }, ctx('slack', 'message.channels', fixture('slack', 'message.channels')))).toBe(true);
    expect(holds({ body_contains: '@hookline-bot' }, ctx('gitlab', 'note.create', fixture('gitlab', 'note.create')))).toBe(true);
    expect(holds({ body_contains: 'fixed on staging' }, ctx('jira', 'comment_created', fixture('jira', 'comment_created')))).toBe(true);
    expect(holds({ body_contains: 'corrigé' }, ctx('linear', 'Comment.update', fixture('linear', 'Comment.update')))).toBe(true);
    expect(holds({ body_contains: 'typeerror' }, sentryIssue())).toBe(true);
  });

  it('fails with a reason when the event has no body', () => {
    const stripe = ctx('stripe', 'invoice.paid', fixture('stripe', 'invoice.paid'));
    expect(evaluateConditions({ body_contains: 'x' }, stripe)).toEqual({ matched: false, reason: 'body_contains: the event has no comment or issue body' });
  });
});

describe('channel: the Slack channel id or name, with or without #', () => {
  it('matches a slash command by name or id', () => {
    expect(holds({ channel: '#test' }, slashCommand())).toBe(true);
    expect(holds({ channel: 'test' }, slashCommand())).toBe(true);
    expect(holds({ channel: 'C2147483705' }, slashCommand())).toBe(true);
    expect(reason({ channel: '#engineering' }, slashCommand())).toBe('channel: the event is not in "#engineering" (channel "c2147483705", "test")');
  });

  it('matches an Events API message by channel id and interactivity by name', () => {
    expect(holds({ channel: 'C024BE91L' }, ctx('slack', 'message.channels', fixture('slack', 'message.channels')))).toBe(true);
    expect(holds({ channel: '#review-updates' }, ctx('slack', 'interactive.block_actions', fixture('slack', 'block_actions')))).toBe(true);
  });
});

describe('users: the actor is one of them', () => {
  it('reads the GitHub sender, with or without @ and in any case', () => {
    expect(holds({ users: ['@codertocat'] }, issueOpened())).toBe(true);
    expect(holds({ users: ['octocat'] }, issueOpened())).toBe(false);
  });

  it('does not take the issue author for the actor', () => {
    const byOther = edit(fixture('github', 'issues.opened'), (p) => (p.sender.login = 'triage-bot'));
    expect(holds({ users: ['Codertocat'] }, ctx('github', 'issues.opened', byOther))).toBe(false);
  });

  it('reads Slack, GitLab, Jira and Linear actors by name or id', () => {
    expect(holds({ users: ['Steve'] }, slashCommand())).toBe(true);
    expect(holds({ users: ['U2147483697'] }, slashCommand())).toBe(true);
    expect(holds({ users: ['zoe'] }, ctx('gitlab', 'issue.open', fixture('gitlab', 'issue.open')))).toBe(true);
    expect(holds({ users: ['Søren Kierkegaard'] }, ctx('jira', 'jira:issue_created', fixture('jira', 'jira-issue_created')))).toBe(true);
    expect(holds({ users: ['5b10a2844c20165700ede21g'] }, ctx('jira', 'comment_created', fixture('jira', 'comment_created')))).toBe(true);
    expect(holds({ users: ['Zoë Ångström'] }, ctx('linear', 'Issue.create', fixture('linear', 'Issue.create')))).toBe(true);
  });

  it('fails when the payload names no actor', () => {
    expect(reason({ users: ['alice'] }, ctx('stripe', 'invoice.paid', fixture('stripe', 'invoice.paid')))).toBe(
      'users: the actor is not one of "alice" (no actor in the payload)',
    );
  });
});

describe('platforms: the payload platform or the provider id', () => {
  it('reads Sentry platforms and the provider id', () => {
    expect(holds({ platforms: ['JavaScript'] }, sentryIssue())).toBe(true);
    expect(holds({ platforms: ['sentry'] }, sentryIssue())).toBe(true);
    expect(holds({ platforms: ['python'] }, sentryIssue())).toBe(false);
    expect(holds({ platforms: ['github', 'gitlab'] }, issueOpened())).toBe(true);
  });
});

describe('min_severity: debug < info < warning < error < critical', () => {
  it('compares the Sentry level', () => {
    expect(holds({ min_severity: 'warning' }, sentryIssue('error'))).toBe(true);
    expect(holds({ min_severity: 'error' }, sentryIssue('error'))).toBe(true);
    expect(reason({ min_severity: 'critical' }, sentryIssue('error'))).toBe('min_severity: severity "error" is below "critical"');
  });

  it('reads fatal as critical and warn as warning', () => {
    expect(holds({ min_severity: 'critical' }, sentryIssue('fatal'))).toBe(true);
    expect(holds({ min_severity: 'warning' }, sentryIssue('warn'))).toBe(true);
  });

  it('fails on an unknown or missing level', () => {
    expect(reason({ min_severity: 'debug' }, sentryIssue('verbose'))).toBe('min_severity: unknown severity "verbose" in the payload');
    expect(reason({ min_severity: 'debug' }, sentryIssue(null))).toBe('min_severity: the payload has no severity level');
    expect(holds({ min_severity: 'debug' }, sentryIssue(3))).toBe(false);
    expect(holds({ min_severity: 'debug' }, issueOpened())).toBe(false);
  });
});

describe('general conditions {field, op, value}', () => {
  const event = () =>
    ctx(
      'custom',
      'build.finished',
      {
        build: { id: 'b-17', number: 17, passed: false, flaky: null, duration_s: 312.5, tags: ['nightly', 'arm64'], meta: { os: 'linux', arch: ['arm64'] } },
        started_at: '2026-11-23T11:58:02Z',
        gitlab_time: '2026-11-23 11:58:02 UTC',
        jira_time: '2026-11-23T12:59:00.000+0100',
        message: 'Deploy <b>api</b> to prod',
      },
      { webhook_id: 'ci-001', sender: 'ci-bot' },
    );
  const h = (field: string, op: string, value?: unknown) => holds({ all: [value === undefined ? { field, op } : { field, op, value }] }, event());

  it('eq: same JSON type and value, arrays and objects deeply', () => {
    expect(h('build.id', 'eq', 'b-17')).toBe(true);
    expect(h('build.number', 'eq', 17)).toBe(true);
    expect(h('build.passed', 'eq', false)).toBe(true);
    expect(h('build.flaky', 'eq', null)).toBe(true);
    expect(h('build.tags', 'eq', ['nightly', 'arm64'])).toBe(true);
    expect(h('build.meta', 'eq', { arch: ['arm64'], os: 'linux' })).toBe(true);
    expect(h('build.meta', 'eq', { os: 'linux' })).toBe(false);
    expect(h('build.number', 'eq', '17')).toBe(false);
    expect(h('build.missing', 'eq', null)).toBe(false);
  });

  it('ne: present and different; absent or another type is false', () => {
    expect(h('build.id', 'ne', 'b-18')).toBe(true);
    expect(h('build.id', 'ne', 'b-17')).toBe(false);
    expect(h('build.missing', 'ne', 'x')).toBe(false);
    expect(h('build.number', 'ne', '18')).toBe(false);
    expect(h('build.meta', 'ne', null)).toBe(true);
    expect(h('build.flaky', 'ne', null)).toBe(false);
  });

  it('in: equal to one of the listed values', () => {
    expect(h('build.meta.os', 'in', ['darwin', 'linux'])).toBe(true);
    expect(h('build.number', 'in', [16, 17])).toBe(true);
    expect(h('build.number', 'in', ['17'])).toBe(false);
    expect(h('build.missing', 'in', [null])).toBe(false);
  });

  it('contains: a case-sensitive substring, or an array element', () => {
    expect(h('message', 'contains', '<b>api</b>')).toBe(true);
    expect(h('message', 'contains', 'deploy')).toBe(false);
    expect(h('build.tags', 'contains', 'arm64')).toBe(true);
    expect(h('build.tags', 'contains', 'x86')).toBe(false);
    expect(h('build.number', 'contains', '1')).toBe(false);
    expect(h('message', 'contains', 1)).toBe(false);
  });

  it('regex: the string matches; (?i) ignores case; non-strings never match', () => {
    expect(h('build.id', 'regex', '^b-\\d+$')).toBe(true);
    expect(h('message', 'regex', '^deploy')).toBe(false);
    expect(h('message', 'regex', '(?i)^deploy')).toBe(true);
    expect(h('build.number', 'regex', '17')).toBe(false);
    expect(h('build.tags', 'regex', 'nightly')).toBe(false);
  });

  it('exists: present and not null, or with false absent or null', () => {
    expect(h('build.id', 'exists')).toBe(true);
    expect(h('build.id', 'exists', true)).toBe(true);
    expect(h('build.flaky', 'exists')).toBe(false);
    expect(h('build.flaky', 'exists', false)).toBe(true);
    expect(h('build.nope', 'exists', false)).toBe(true);
    expect(h('build.id', 'exists', false)).toBe(false);
  });

  it('gt / lt: numbers, or ISO 8601 timestamps compared as times whatever their zone', () => {
    expect(h('build.duration_s', 'gt', 300)).toBe(true);
    expect(h('build.duration_s', 'lt', 300)).toBe(false);
    expect(h('build.number', 'gt', 17)).toBe(false);
    expect(h('started_at', 'gt', '2026-11-23T11:00:00Z')).toBe(true);
    expect(h('started_at', 'lt', '2026-11-23T12:58:02+01:00')).toBe(false);
    expect(h('started_at', 'lt', '2026-11-23T12:58:03+01:00')).toBe(true);
    expect(h('gitlab_time', 'gt', '2026-11-23T11:58:01Z')).toBe(true);
    expect(h('jira_time', 'lt', '2026-11-23T12:00:00Z')).toBe(true);
    expect(h('started_at', 'gt', '2026-11-23')).toBe(true);
  });

  it('gt / lt: a number against a timestamp, text or an absent field is false', () => {
    expect(h('build.number', 'gt', '2026-01-01T00:00:00Z')).toBe(false);
    expect(h('started_at', 'gt', 5)).toBe(false);
    expect(h('build.id', 'gt', 'b-10')).toBe(false);
    expect(h('message', 'lt', '2026-01-01')).toBe(false);
    expect(h('build.missing', 'lt', 5)).toBe(false);
  });

  it('reads array indices and lengths', () => {
    expect(h('build.tags.1', 'eq', 'arm64')).toBe(true);
    expect(h('build.tags.2', 'exists', false)).toBe(true);
    expect(h('build.tags.length', 'eq', 2)).toBe(true);
    expect(holds({ all: [{ field: 'issue.labels.0.name', op: 'eq', value: 'bug' }] }, issueOpened())).toBe(true);
    expect(holds({ all: [{ field: 'issue.labels.length', op: 'gt', value: 2 }] }, issueOpened())).toBe(true);
  });

  it('reads event_type, provider, webhook_id and sender from the context', () => {
    expect(h('event_type', 'eq', 'build.finished')).toBe(true);
    expect(h('provider', 'eq', 'custom')).toBe(true);
    expect(h('webhook_id', 'eq', 'ci-001')).toBe(true);
    expect(h('sender', 'eq', 'ci-bot')).toBe(true);
    expect(holds({ all: [{ field: 'sender', op: 'eq', value: 'Codertocat' }, { field: 'sender.login', op: 'eq', value: 'Codertocat' }] }, issueOpened())).toBe(true);
  });

  it('never reaches inherited properties', () => {
    expect(h('constructor', 'exists')).toBe(false);
    expect(h('build.__proto__', 'exists')).toBe(false);
    expect(h('build.tags.constructor.name', 'eq', 'Array')).toBe(false);
  });

  it('explains a failure with the value it saw', () => {
    expect(reason({ all: [{ field: 'build.meta.os', op: 'eq', value: 'darwin' }] }, event())).toBe('all.0: build.meta.os eq "darwin": false for "linux"');
    expect(reason({ all: [{ field: 'build.os', op: 'eq', value: 'darwin' }] }, event())).toBe('all.0: build.os eq "darwin": the field is absent');
  });
});
