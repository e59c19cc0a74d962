/** The console's pure logic: the command builder's form model, the audit diff, routing, paths and scopes. */
import { commandOf, draftOf, newCommand, parseValue } from '../../console/src/pages/command-draft';
import { changes } from '../../console/src/ui/changes';
import { match } from '../../console/src/router';
import { fillPath } from '../../console/src/api';
import { can } from '../../console/src/session';
import { triggerSuggestions } from '../../shared/model/provider-events';
import { CommandInput } from '../../shared/model/webhook';

describe('command builder model', () => {
  it('turns the form into the command the API takes, omitting what was left empty', () => {
    const d = { ...newCommand('github'), trigger: ' issues.opened ', agent: 'planning', template: 'Analyze {{issue.title}}' };
    expect(commandOf(d)).toEqual({ trigger: 'issues.opened', action: 'create_task', agent: 'planning', template: 'Analyze {{issue.title}}', priority: 0 });
  });

  it('builds conditions: labels as a list, field conditions under all or any with typed values', () => {
    const d = {
      ...newCommand('github'),
      agent: 'triage',
      labels: 'bug, urgent,',
      body_contains: 'crash',
      mode: 'any' as const,
      fields: [
        { field: 'issue.number', op: 'gt' as const, value: '10' },
        { field: 'issue.state', op: 'in' as const, value: 'open, reopened' },
        { field: 'issue.title', op: 'regex' as const, value: '^\\[bug\\]' },
        { field: 'issue.locked', op: 'eq' as const, value: 'false' },
        { field: 'issue.milestone', op: 'exists' as const, value: '' },
        { field: '', op: 'eq' as const, value: 'ignored: no field' },
      ],
    };
    const c = commandOf(d);
    expect(c.conditions).toEqual({
      labels: ['bug', 'urgent'],
      body_contains: 'crash',
      any: [
        { field: 'issue.number', op: 'gt', value: 10 },
        { field: 'issue.state', op: 'in', value: ['open', 'reopened'] },
        { field: 'issue.title', op: 'regex', value: '^\\[bug\\]' },
        { field: 'issue.locked', op: 'eq', value: false },
        { field: 'issue.milestone', op: 'exists' },
      ],
    });
    // What the builder sends is what the API's own schema accepts.
    expect(CommandInput.safeParse(c).success).toBe(true);
  });

  it('keeps a command unchanged through the form and back, including conditions it has no input for', () => {
    const original = {
      command_id: 'cmd_abc',
      trigger: 'issue_comment.created',
      action: 'comment' as const,
      template: 'Thanks {{comment.user.login}}',
      priority: 5,
      stop: true,
      conditions: { label: 'needs-info', min_severity: 'error' as const, all: [{ field: 'comment.body', op: 'contains' as const, value: '/retry' }] },
    };
    expect(commandOf(draftOf(original))).toEqual(original);
  });

  it('adds forward_url only for forward', () => {
    const d = { ...newCommand('stripe'), action: 'forward' as const, forward_url: 'https://example.com/hook' };
    expect(commandOf(d).forward_url).toBe('https://example.com/hook');
    expect(commandOf({ ...d, action: 'create_task' }).forward_url).toBeUndefined();
  });

  it('parses typed values: JSON for eq, numbers or timestamps for gt/lt, text for contains', () => {
    expect(parseValue('eq', '3')).toBe(3);
    expect(parseValue('eq', 'open')).toBe('open');
    expect(parseValue('lt', '2026-01-31T12:00:00Z')).toBe('2026-01-31T12:00:00Z');
    expect(parseValue('contains', '42')).toBe('42');
    expect(parseValue('exists', 'false')).toBe(false);
  });

  it('suggests the provider’s event names, their wildcards and *', () => {
    const s = triggerSuggestions('github');
    expect(s).toEqual(expect.arrayContaining(['issues.opened', 'issues.*', 'pull_request.*', '*']));
    expect(newCommand('stripe').trigger).toBe('payment_intent.succeeded');
    expect(triggerSuggestions('custom')).toEqual(['*']);
  });
});

describe('audit diff', () => {
  it('lists only the fields that changed, by path', () => {
    expect(changes({ enabled: true, name: 'a', commands: [{ trigger: 'x' }] }, { enabled: false, name: 'a', commands: [{ trigger: 'x' }, { trigger: 'y' }] })).toEqual([
      { path: 'commands.1.trigger', before: undefined, after: '"y"' },
      { path: 'enabled', before: 'true', after: 'false' },
    ]);
  });

  it('shows a created resource as all additions and a deleted one as all removals', () => {
    expect(changes(null, { id: 'w' })).toEqual([{ path: 'id', before: undefined, after: '"w"' }]);
    expect(changes({ id: 'w' }, null)).toEqual([{ path: 'id', before: '"w"', after: undefined }]);
  });
});

describe('routing and paths', () => {
  it('matches console URLs and decodes their parameters', () => {
    expect(match('/webhooks/:id/events/:eventId', '/webhooks/gh%20one/events/evt_1')).toEqual({ id: 'gh one', eventId: 'evt_1' });
    expect(match('/webhooks/:id', '/webhooks/new/edit')).toBeNull();
    expect(match('/webhooks', '/webhooks/')).toEqual({});
  });

  it('fills API paths with encoded parameters and refuses a missing one', () => {
    expect(fillPath('/api/webhooks/{id}/events/{event_id}', { id: 'a/b', event_id: 'evt 1' })).toBe('/api/webhooks/a%2Fb/events/evt%201');
    expect(() => fillPath('/api/webhooks/{id}', {})).toThrow('missing path parameter id');
  });
});

describe('scopes', () => {
  const s = (...scopes: ('read' | 'write' | 'admin' | 'agent')[]) => ({ key: 'k', scopes: new Set(scopes) });
  it('lets admin do everything and write read, as the API does', () => {
    expect(can(s('admin'), 'agent')).toBe(true);
    expect(can(s('write'), 'read')).toBe(true);
    expect(can(s('read'), 'write')).toBe(false);
    expect(can(s('agent'), 'read')).toBe(false);
    expect(can(null, 'read')).toBe(false);
  });
});
