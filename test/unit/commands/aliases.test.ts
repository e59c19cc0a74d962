import githubIssue from '../../fixtures/github/issues.opened.json';
import jiraCreated from '../../fixtures/jira/jira-issue_created.json';
import slackMessage from '../../fixtures/slack/message.channels.json';
import slackSlash from '../../fixtures/slack/slash_command.json';
import { evaluateConditions } from '../../../shared/commands/evaluate-conditions';
import type { EventContext } from '../../../shared/commands/event-context';
import { renderForEvent } from '../../../shared/commands/template';

const ctx = (provider: string, payload: unknown, event_type: string): EventContext => ({ provider, payload, event_type, webhook_id: 'w' });
const jira = ctx('jira', jiraCreated, 'jira:issue_created');
const gh = ctx('github', githubIssue, 'issues.opened');
const slack = ctx('slack', slackMessage, 'message.channels');

describe('provider field aliases in templates', () => {
  it("renders the design's Jira template from issue.fields", () => {
    const r = renderForEvent('New Jira ticket: {{issue.key}} - {{issue.summary}}', jira);
    expect(r).toEqual({ text: `New Jira ticket: OPS-42 - ${jiraCreated.issue.fields.summary}`, missing: [] });
  });

  it('shows the name of Jira objects and reaches into them with longer paths', () => {
    expect(renderForEvent('{{issue.status}} / {{issue.priority}} / {{issue.status.id}} / {{issue.issuetype}} / {{issue.project}}', jira).text).toBe('To Do / High / 10000 / Bug / OPS');
  });

  it('reports an alias whose target is absent as missing (Jira assignee of an unassigned issue)', () => {
    expect(renderForEvent('{{issue.assignee}}', jira).missing).toEqual(['issue.assignee']);
  });

  it('renders GitHub labels as names, while a section still sees the label objects', () => {
    expect(renderForEvent('{{issue.labels}}', gh).text).toBe(JSON.stringify(['bug', 'needs-triage', 'área: i18n 🌐']));
    expect(renderForEvent('{{#issue.labels}}[{{name}}]{{/issue.labels}}', gh).text).toBe('[bug][needs-triage][área: i18n 🌐]');
    expect(renderForEvent('{{issue.author}}', gh).text).toBe('Codertocat');
  });

  it("reads Slack's text, user, channel and ts from the inner event, and a slash command's own text", () => {
    expect(renderForEvent('{{text}} | {{user}} | {{channel}} | {{ts}}', slack).text).toBe(`${slackMessage.event.text} | U2147483697 | C024BE91L | 1795435200.000100`);
    expect(renderForEvent('{{text}} in {{channel}}', ctx('slack', slackSlash, 'slash_command')).text).toBe(`${slackSlash.text} in C2147483705`);
  });

  it('applies only to its provider', () => {
    expect(renderForEvent('{{issue.summary}}', ctx('custom', jiraCreated, 'custom')).missing).toEqual(['issue.summary']);
  });
});

describe('provider field aliases in condition fields', () => {
  it('compares Jira shorthands and GitHub label names', () => {
    expect(evaluateConditions({ all: [{ field: 'issue.summary', op: 'contains', value: 'Checkout' }, { field: 'issue.status', op: 'eq', value: 'To Do' }] }, jira)).toEqual({ matched: true });
    expect(evaluateConditions({ all: [{ field: 'issue.labels', op: 'contains', value: 'bug' }] }, gh)).toEqual({ matched: true });
    expect(evaluateConditions({ all: [{ field: 'issue.labels.0.name', op: 'eq', value: 'bug' }] }, gh)).toEqual({ matched: true });
  });

  it('reads Slack text and channel from the event', () => {
    expect(evaluateConditions({ any: [{ field: 'channel', op: 'eq', value: 'C024BE91L' }] }, slack)).toEqual({ matched: true });
    expect(evaluateConditions({ all: [{ field: 'text', op: 'regex', value: '(?i)déploiement' }] }, slack)).toEqual({ matched: true });
  });
});
