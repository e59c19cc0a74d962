import Mustache from 'mustache';
import { contextVars, MAX_RENDERED_CHARS, parseTemplate, renderForEvent, renderTemplate, TemplateError } from '../../../shared/commands/template';
import { WebhookCreate } from '../../../shared/model/webhook';
import { agentComment, ctx, edit, fixture, issueOpened, slashCommand } from './payloads';

describe('templates: rendering', () => {
  const unassigned = () =>
    ctx(
      'github',
      'issues.opened',
      edit(fixture('github', 'issues.opened'), (p) => {
        p.issue.assignee = null;
        delete p.issue.milestone;
      }),
    );

  it('renders the seed example: payload paths, issue body verbatim', () => {
    const event = issueOpened();
    const { text, missing } = renderForEvent('Analyze issue: {{issue.title}}\n\n{{issue.body}}', event);
    const issue = (event.payload as any).issue;
    expect(text).toBe(`Analyze issue: ${issue.title}\n\n${issue.body}`);
    expect(missing).toEqual([]);
  });

  it('does not HTML-escape: a title <b>&"x"</b> renders verbatim, with {{ }} and {{{ }}} alike', () => {
    const event = ctx('github', 'issues.opened', edit(fixture('github', 'issues.opened'), (p) => (p.issue.title = `<b>&"x"</b> 'y'`)));
    expect(renderForEvent('{{issue.title}}|{{{issue.title}}}|{{& issue.title}}', event).text).toBe(`<b>&"x"</b> 'y'|<b>&"x"</b> 'y'|<b>&"x"</b> 'y'`);
  });

  it('leaves mustache\'s global escaping alone for other users', () => {
    renderForEvent('{{issue.title}}', issueOpened());
    expect(Mustache.render('{{x}}', { x: '<b>' })).toBe('&lt;b&gt;');
  });

  it('reads event_type, provider, webhook_id and sender from the context', () => {
    expect(renderForEvent('{{provider}}/{{webhook_id}}: {{event_type}} by {{sender}}', agentComment()).text).toBe(
      'github/github-hooks-001: issue_comment.created by Codertocat',
    );
  });

  it('prefers the context to a payload field of the same name, and still reaches sender.login', () => {
    const gitlab = ctx('gitlab', 'issue.open', fixture('gitlab', 'issue.open'));
    expect((gitlab.payload as any).event_type).toBe('issue');
    expect(renderForEvent('{{event_type}}', gitlab).text).toBe('issue.open');
    expect(renderForEvent('{{sender}} = {{sender.login}} (#{{sender.id}})', issueOpened()).text).toBe('Codertocat = Codertocat (#21031067)');
  });

  it('renders Slack slash command form fields', () => {
    expect(renderForEvent('{{user_name}} ran {{command}} {{text}} in #{{channel_name}}', slashCommand()).text).toBe(
      'Steve ran /deploy api to prod — café ☕ & 100% sure in #test',
    );
  });

  it('iterates sections, renders inverted sections, and indexes arrays', () => {
    const event = issueOpened();
    expect(renderForEvent('{{#issue.labels}}[{{name}}]{{/issue.labels}}', event).text).toBe('[bug][needs-triage][área: i18n 🌐]');
    expect(renderForEvent('{{issue.labels.0.name}} of {{issue.labels.length}}', event).text).toBe('bug of 3');
    const either = '{{^issue.assignee}}unassigned{{/issue.assignee}}{{#issue.assignee}}assigned to {{login}}{{/issue.assignee}}';
    expect(renderForEvent(either, event).text).toBe('assigned to Codertocat');
    expect(renderForEvent(either, unassigned()).text).toBe('unassigned');
    expect(renderForEvent('{{#issue.labels}}{{provider}}:{{name}} {{/issue.labels}}', event).text).toBe('github:bug github:needs-triage github:área: i18n 🌐 ');
  });

  it('renders numbers and booleans as text, objects and arrays as JSON', () => {
    const event = ctx('custom', 'build', { n: 3, ok: false, tags: ['a', 'b'], meta: { os: 'linux' } });
    expect(renderForEvent('{{n}} {{ok}} {{tags}} {{meta}}', event).text).toBe('3 false ["a","b"] {"os":"linux"}');
  });

  it('lists the variables that rendered empty because they are absent or null', () => {
    const event = unassigned();
    const r = renderForEvent('{{issue.title}} assigned to {{issue.assignee.login}}; {{issue.milestone}} {{issue.assignee.login}}{{nope}}', event);
    expect(r.missing).toEqual(['issue.assignee.login', 'issue.milestone', 'nope']);
    expect(r.text).toBe(`${(event.payload as any).issue.title} assigned to ;  `);
  });

  it("renders the seed examples' shorthand fields through the provider's aliases", () => {
    // Jira puts the summary under issue.fields; Slack message events put the text under event.
    const jira = ctx('jira', 'jira:issue_created', fixture('jira', 'jira-issue_created'));
    expect(renderForEvent('New Jira ticket: {{issue.key}} - {{issue.summary}}', jira).missing).toEqual([]);
    const slack = ctx('slack', 'message.channels', fixture('slack', 'message.channels'));
    expect(renderForEvent('Processing your request: {{text}}', slack).missing).toEqual([]);
    expect(renderForEvent('{{nothing.here}}', slack).missing).toEqual(['nothing.here']);
  });

  it('never reaches inherited properties or calls anything', () => {
    const r = renderForEvent('{{constructor}}{{issue.constructor.name}}{{#constructor}}x{{/constructor}}{{__proto__}}', issueOpened());
    expect(r).toEqual({ text: '', missing: ['constructor', 'issue.constructor.name', '__proto__'] });
  });

  it('renders a flat view too (payload fields and context variables in one object)', () => {
    expect(renderTemplate('{{issue.number}} {{event_type}}', { issue: { number: 7 }, event_type: 'issues.opened' })).toEqual({ text: '7 issues.opened', missing: [] });
    expect(contextVars(slashCommand())).toEqual({ event_type: 'slash_command', provider: 'slack', webhook_id: 'slack-hooks-001', sender: 'Steve' });
  });

  it('cuts runaway output and says so', () => {
    const event = ctx('custom', 'x', { rows: Array.from({ length: 500 }, () => 'y'.repeat(1000)) });
    const r = renderForEvent('{{#rows}}{{.}}{{/rows}}', event);
    expect(r.truncated).toBe(true);
    expect(r.text.length).toBe(MAX_RENDERED_CHARS);
  });
});

describe('templates: parsing', () => {
  it('caches the parsed template', () => {
    expect(parseTemplate('Analyze issue: {{issue.title}}')).toBe(parseTemplate('Analyze issue: {{issue.title}}'));
  });

  it.each([
    ['Analyze {{issue.title', /^invalid template: a tag is not closed with }} \(line 1, column 9\)$/],
    ['Labels:\n{{#issue.labels}}{{name}}', /^invalid template: section {{#issue.labels}} is not closed with {{\/issue.labels}} \(line 2/],
    ['{{#a}}x{{/b}}', /^invalid template: section {{#a}} is not closed with {{\/a}} \(line 1, column 8\)$/],
    ['done{{/issue}}', /^invalid template: {{\/issue}} closes a section that is not open \(line 1, column 5\)$/],
    ['Hi\n  {{> footer}}', /^partials such as {{> footer}} are not supported \(line 2, column 3\)$/],
  ])('refuses %j with a message naming the place', (template, message) => {
    expect(() => parseTemplate(template)).toThrow(TemplateError);
    expect(() => parseTemplate(template)).toThrow(message);
  });

  it('refuses an invalid template on save at commands.N.template', () => {
    const r = WebhookCreate.safeParse({
      name: 'GH',
      provider: 'github',
      commands: [
        { trigger: 'issues.opened', action: 'create_task', agent: 'planning', template: 'Analyze issue: {{issue.title}}' },
        { trigger: 'issue_comment.created', action: 'ask', agent: 'brain', template: 'User asked: {{comment.body' },
      ],
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))).toEqual([
      { path: 'commands.1.template', message: 'invalid template: a tag is not closed with }} (line 1, column 13)' },
    ]);
  });

  it('accepts the seed examples on save', () => {
    const r = WebhookCreate.safeParse({
      name: 'GitHub Issue Tracker',
      provider: 'github',
      commands: [
        { trigger: 'issues.opened', action: 'create_task', agent: 'planning', template: 'Analyze issue: {{issue.title}}\n\n{{issue.body}}', conditions: { labels: ['bug', 'enhancement'] } },
        { trigger: 'issue_comment.created', action: 'ask', agent: 'brain', template: 'User asked: {{comment.body}}', conditions: { body_contains: '@agent' } },
      ],
    });
    expect(r.success).toBe(true);
  });
});
