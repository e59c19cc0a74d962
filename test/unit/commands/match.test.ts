import { compileConditions } from '../../../shared/commands/evaluate-conditions';
import { anyTriggerMatches, explainCommand, matchCommands, triggerMatches } from '../../../shared/commands/match';
import type { Command } from '../../../shared/model/webhook';
import { agentComment, ctx, issueOpened, questionOpened, sentryIssue, slashCommand } from './payloads';
import { cpuMs } from '../../support/cpu-time';

const cmd = (id: string, trigger: string, extra: Partial<Command> = {}): Command => ({ command_id: id, trigger, action: 'comment', priority: 0, ...extra });
const ids = (cs: Command[]) => cs.map((c) => c.command_id);

describe('triggers', () => {
  it('match exactly, by prefix wildcard, or all', () => {
    expect(triggerMatches('issues.opened', 'issues.opened')).toBe(true);
    expect(triggerMatches('issues.opened', 'issues.closed')).toBe(false);
    expect(triggerMatches('issues.*', 'issues.closed')).toBe(true);
    expect(triggerMatches('issues.*', 'issue_comment.created')).toBe(false);
    expect(triggerMatches('issues', 'issues.opened')).toBe(false);
    expect(triggerMatches('*', 'anything')).toBe(true);
  });

  it('tell the consumer whether any trigger could match before it fetches the payload', () => {
    expect(anyTriggerMatches([cmd('cmd_a', 'push'), cmd('cmd_b', 'issues.*')], 'issues.opened')).toBe(true);
    expect(anyTriggerMatches([cmd('cmd_a', 'push')], 'issues.opened')).toBe(false);
  });
});

describe('matchCommands', () => {
  it('runs higher priority first, keeps configured order on ties, and honours stop', () => {
    const cmds = [cmd('cmd_a', 'issues.opened'), cmd('cmd_b', 'issues.*', { priority: 5 }), cmd('cmd_c', '*'), cmd('cmd_d', 'push')];
    expect(ids(matchCommands(cmds, issueOpened()))).toEqual(['cmd_b', 'cmd_a', 'cmd_c']);
    const stopping = [cmd('cmd_a', 'issues.opened', { priority: 1, stop: true }), cmd('cmd_b', '*')];
    expect(ids(matchCommands(stopping, issueOpened()))).toEqual(['cmd_a']);
  });

  it('runs the seed example: a planning task for bug issues, a question for @agent comments', () => {
    const commands: Command[] = [
      cmd('cmd_plan', 'issues.opened', { action: 'create_task', agent: 'planning', template: 'Analyze issue: {{issue.title}}', conditions: { labels: ['bug', 'enhancement'] } }),
      cmd('cmd_ask', 'issue_comment.created', { action: 'ask', agent: 'brain', template: 'User asked: {{comment.body}}', conditions: { body_contains: '@agent' } }),
    ];
    expect(ids(matchCommands(commands, issueOpened()))).toEqual(['cmd_plan']);
    expect(ids(matchCommands(commands, questionOpened()))).toEqual([]);
    expect(ids(matchCommands(commands, agentComment()))).toEqual(['cmd_ask']);
    expect(ids(matchCommands(commands, agentComment('LGTM')))).toEqual([]);
  });

  it('lets a stop command end the list only when its conditions hold', () => {
    const commands = [
      cmd('cmd_urgent', 'issues.*', { priority: 10, stop: true, conditions: { labels: ['urgent'] } }),
      cmd('cmd_triage', 'issues.opened', { conditions: { labels: ['bug'] } }),
      cmd('cmd_log', '*'),
    ];
    expect(ids(matchCommands(commands, issueOpened()))).toEqual(['cmd_triage', 'cmd_log']);
  });

  it('matches Slack slash commands and Sentry alerts by their conditions', () => {
    const commands = [
      cmd('cmd_deploy', 'slash_command', { conditions: { channel: '#test', all: [{ field: 'command', op: 'eq', value: '/deploy' }] } }),
      cmd('cmd_page', 'issue.*', { conditions: { min_severity: 'error', platforms: ['javascript'] } }),
    ];
    expect(ids(matchCommands(commands, slashCommand()))).toEqual(['cmd_deploy']);
    expect(ids(matchCommands(commands, sentryIssue('error')))).toEqual(['cmd_page']);
    expect(ids(matchCommands(commands, sentryIssue('warning')))).toEqual([]);
  });

  it('never lets a refused regex match, even when it was stored before the check existed', () => {
    const commands = [cmd('cmd_a', '*', { conditions: { all: [{ field: 'title', op: 'regex', value: '(a+)+$' }] } })];
    const event = ctx('custom', 'x', { title: `${'a'.repeat(30)}!` });
    let matched: unknown;
    expect(cpuMs(() => (matched = matchCommands(commands, event)))).toBeLessThan(50);
    expect(matched).toEqual([]);
  });

  it('compiles each command once and notices a replaced trigger, conditions object, priority or list', () => {
    const a = cmd('cmd_a', 'issues.opened', { conditions: { labels: ['bug'] } });
    const b = cmd('cmd_b', 'issues.opened', { priority: 1 });
    const list = [a, b];
    expect(ids(matchCommands(list, issueOpened()))).toEqual(['cmd_b', 'cmd_a']);
    expect(compileConditions(a.conditions!)).toBe(compileConditions(a.conditions!));

    a.conditions = { labels: ['question'] };
    expect(ids(matchCommands(list, issueOpened()))).toEqual(['cmd_b']);
    b.priority = -1;
    a.conditions = undefined;
    expect(ids(matchCommands(list, issueOpened()))).toEqual(['cmd_a', 'cmd_b']);
    a.trigger = 'push';
    expect(ids(matchCommands(list, issueOpened()))).toEqual(['cmd_b']);
    list.push(cmd('cmd_c', '*', { priority: 3 }));
    expect(ids(matchCommands(list, issueOpened()))).toEqual(['cmd_c', 'cmd_b']);
  });

  it('returns nothing for no commands', () => {
    expect(matchCommands([], issueOpened())).toEqual([]);
  });
});

describe('explainCommand (the command preview)', () => {
  const cases: [string, Command, () => ReturnType<typeof issueOpened>][] = [
    ['an exact trigger with a label that is present', cmd('cmd_a', 'issues.opened', { conditions: { labels: ['bug'] } }), issueOpened],
    ['a wildcard trigger with a label that is absent', cmd('cmd_b', 'issues.*', { conditions: { labels: ['bug'] } }), questionOpened],
    ['a trigger of another event', cmd('cmd_c', 'push'), issueOpened],
    ['a field condition that holds', cmd('cmd_d', '*', { conditions: { all: [{ field: 'issue.number', op: 'gt', value: 0 }] } }), issueOpened],
    ['a severity below the minimum', cmd('cmd_e', 'issue.created', { conditions: { min_severity: 'error' } }), () => sentryIssue('warning')],
  ];
  it.each(cases)('decides as matchCommands does: %s', (_name, c, event) => {
    const e = event();
    expect(explainCommand(c, e).matched).toBe(matchCommands([c], e).length === 1);
  });

  it('has no reasons when the command matches', () => {
    expect(explainCommand(cmd('cmd_a', 'issues.opened', { conditions: { labels: ['bug'] } }), issueOpened())).toEqual({ matched: true, reasons: [] });
  });

  it('names the trigger and the event type when the trigger does not fit', () => {
    expect(explainCommand(cmd('cmd_a', 'issues.closed'), issueOpened()).reasons).toEqual(['trigger: "issues.closed" does not match the event type "issues.opened"']);
  });

  it('lists every failing condition, not only the first, with what the event has instead', () => {
    const c = cmd('cmd_a', 'push', { conditions: { labels: ['bug'], users: ['alice'], body_contains: 'zzz-not-there' } });
    expect(explainCommand(c, questionOpened()).reasons).toEqual([
      'trigger: "push" does not match the event type "issues.opened"',
      'users: the actor is not one of "alice" (actor "codertocat")',
      'labels: none of "bug" is on the event (it has "question")',
      'body_contains: the body does not contain "zzz-not-there"',
    ]);
  });
});
