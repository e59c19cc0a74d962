import { WebhookCreate } from '../../shared/model/webhook';
import { maskSecret } from '../../shared/model/common';

function paths(input: unknown): string[] {
  const r = WebhookCreate.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
}

describe('webhook config schema', () => {
  const ok = { name: 'GH', provider: 'github', commands: [{ trigger: 'issues.opened', action: 'create_task', agent: 'planning' }] };

  it('accepts the contract example and fills defaults', () => {
    const w = WebhookCreate.parse(ok);
    expect(w.enabled).toBe(true);
    expect(w.commands[0].priority).toBe(0);
  });

  it('names the path of each invalid field', () => {
    expect(paths({ ...ok, commands: [{ trigger: 'x', action: 'explode' }] })).toEqual(['commands.0.action']);
    expect(paths({ ...ok, webhook_id: 'Bad Id' })).toEqual(['webhook_id']);
    expect(paths({ ...ok, provider: 'myspace' })).toEqual(['provider']);
    expect(paths({ ...ok, commands: [{ trigger: 'x', action: 'forward' }] })).toEqual(['commands.0.forward_url']);
    expect(paths({ ...ok, commands: [{ trigger: 'x', action: 'create_task' }] })).toEqual(['commands.0.agent']);
    expect(paths({ ...ok, ip_allowlist: ['10.0.0.0/33'] })).toEqual(['ip_allowlist.0']);
  });

  it('rejects unknown fields instead of silently dropping them', () => {
    expect(paths({ ...ok, secrte: 'typo' })).toEqual(['']);
    const r = WebhookCreate.safeParse({ ...ok, secrte: 'typo' });
    expect(r.error!.issues[0].message).toMatch(/secrte/);
  });

  it('validates regex conditions on save', () => {
    expect(paths({ ...ok, commands: [{ trigger: 'x', action: 'comment', conditions: { all: [{ field: 'a', op: 'regex', value: '(' }] } }] })).toEqual([
      'commands.0.conditions.all.0.value',
    ]);
  });

  it('requires verification for custom and refuses it elsewhere', () => {
    expect(paths({ name: 'c', provider: 'custom' })).toEqual(['verification']);
    expect(paths({ ...ok, verification: { header: 'X' } })).toEqual(['verification']);
  });

  it('rejects duplicate command ids', () => {
    const c = { command_id: 'cmd_a', trigger: 'x', action: 'comment' };
    expect(paths({ ...ok, commands: [c, c] })).toEqual(['commands.1.command_id']);
  });
});

describe('maskSecret', () => {
  it('keeps the prefix and the last four characters', () => {
    expect(maskSecret('whsec_abcdefghX7aQ')).toBe('whsec_…X7aQ');
    expect(maskSecret('plainsecretvalue')).toBe('…alue');
  });

  it('never shows the first word of a plain secret', () => {
    expect(maskSecret('your_webhook_secret')).toBe('…cret');
  });
});
