import { lintCommand, suggest } from '../../../shared/commands/lint';
import { lintCommands, samplesOf } from '../../../shared/usecases/lint-config';

describe('save-time lint against real sample payloads', () => {
  it("accepts the design's Jira template through the alias, and warns about a path no payload has", () => {
    expect(lintCommands('jira', [{ trigger: 'jira:issue_created', action: 'create_task', agent: 'planning', template: 'New Jira ticket: {{issue.key}} - {{issue.summary}}' }])).toEqual([]);
    expect(lintCommands('jira', [{ trigger: 'jira:issue_created', action: 'create_task', agent: 'planning', template: '{{issue.summry}}' }])).toEqual([
      { path: 'commands.0.template', message: 'issue.summry is not in jira:issue_created payloads; did you mean issue.summary?' },
    ]);
  });

  it('suggests the real path when the provider has no alias for it', () => {
    const samples = { 'jira:issue_created': samplesOf('jira')['jira:issue_created'] };
    expect(lintCommand('custom', { trigger: 'jira:issue_created', template: '{{issue.summary}}' }, samples, 'commands.0.')).toEqual([
      { path: 'commands.0.template', message: 'issue.summary is not in jira:issue_created payloads; did you mean issue.fields.summary?' },
    ]);
  });

  it('checks condition fields, names every event type a wildcard trigger matches, and warns only when no payload has the path', () => {
    const w = lintCommands('github', [{ trigger: 'issues.*', action: 'create_task', agent: 'a', conditions: { all: [{ field: 'issue.titel', op: 'contains', value: 'x' }, { field: 'sender', op: 'eq', value: 'x' }] } }]);
    expect(w).toEqual([{ path: 'commands.0.conditions.all.0.field', message: 'issue.titel is not in issues.opened, issues.labeled, issues.edited, issues.assigned payloads; did you mean issue.title?' }]);
    // label.name occurs only in issues.labeled payloads, which issues.* matches: no warning.
    expect(lintCommands('github', [{ trigger: 'issues.*', action: 'comment', template: '{{label.name}} {{event_type}}' }])).toEqual([]);
  });

  it('skips names inside sections, and commands whose trigger has no sample payload', () => {
    expect(lintCommands('github', [{ trigger: 'issues.opened', action: 'comment', template: '{{#issue.labels}}{{name}}{{/issue.labels}}' }])).toEqual([]);
    expect(lintCommands('github', [{ trigger: 'deployment.created', action: 'comment', template: '{{nope}}' }])).toEqual([]);
    expect(lintCommands('custom', [{ trigger: '*', action: 'comment', template: '{{nope}}' }])).toEqual([]);
  });

  it('reads Slack shorthands through the aliases', () => {
    expect(lintCommands('slack', [{ trigger: 'message.channels', action: 'respond', template: 'Processing your request: {{text}} from {{user}}' }])).toEqual([]);
  });

  it('suggests by name first, then by edit distance', () => {
    expect(suggest('summary', [{ issue: { fields: { summary: 's' } } }])).toBe('issue.fields.summary');
    expect(suggest('isue.title', [{ issue: { title: 't' } }])).toBe('issue.title');
    expect(suggest('zzzzzz', [{ issue: { title: 't' } }])).toBeUndefined();
  });
});
