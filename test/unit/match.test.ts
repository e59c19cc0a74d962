import { matchCommands, triggerMatches } from '../../shared/commands/match';
import type { Command } from '../../shared/model/webhook';

const ev = (event_type: string) => ({ payload: {}, event_type, provider: 'github', webhook_id: 'w' });
const cmd = (id: string, trigger: string, priority = 0, stop?: boolean): Command => ({ command_id: id, trigger, action: 'comment', priority, ...(stop ? { stop } : {}) });

describe('triggers', () => {
  it('match exactly, by prefix wildcard, or all', () => {
    expect(triggerMatches('issues.opened', 'issues.opened')).toBe(true);
    expect(triggerMatches('issues.opened', 'issues.closed')).toBe(false);
    expect(triggerMatches('issues.*', 'issues.closed')).toBe(true);
    expect(triggerMatches('issues.*', 'issue_comment.created')).toBe(false);
    expect(triggerMatches('*', 'anything')).toBe(true);
  });
});

describe('matchCommands', () => {
  it('runs higher priority first, keeps configured order on ties, and honours stop', () => {
    const cmds = [cmd('cmd_a', 'issues.opened'), cmd('cmd_b', 'issues.*', 5), cmd('cmd_c', '*'), cmd('cmd_d', 'push')];
    expect(matchCommands(cmds, ev('issues.opened')).map((c) => c.command_id)).toEqual(['cmd_b', 'cmd_a', 'cmd_c']);
    const stopping = [cmd('cmd_a', 'issues.opened', 1, true), cmd('cmd_b', '*')];
    expect(matchCommands(stopping, ev('issues.opened')).map((c) => c.command_id)).toEqual(['cmd_a']);
  });
});
