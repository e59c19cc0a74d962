import { HooklineError } from '../../shared/errors';
import { runActions, RetryLater, type ActionContext, type RunnerDeps } from '../../shared/actions/runner';
import type { Command, WebhookRecord } from '../../shared/model/webhook';
import { MemoryIntentStore, MemoryTaskStore, MemoryTopic } from '../support/fakes';

const clock = { now: () => new Date('2026-11-23T12:00:00Z') };
function deps(effect: (ctx: ActionContext) => Promise<Record<string, unknown>>): RunnerDeps & { intents: MemoryIntentStore } {
  return { tasks: new MemoryTaskStore(), topic: new MemoryTopic(), intents: new MemoryIntentStore(), clock, retentionDays: 30, effects: { comment: effect } };
}
const command: Command = { command_id: 'cmd_c', trigger: '*', action: 'comment', priority: 0 };
const ctx: ActionContext = {
  event: { event_id: 'evt_1', webhook_id: 'w', provider: 'github', event_type: 'issues.opened', delivery_id: 'd', received_at: '' },
  payload: {},
  webhook: {} as WebhookRecord,
  command,
  text: 'hi',
  missing: [],
};

describe('at most once per (event, command)', () => {
  it('calls the provider once and reports the stored outcome on redelivery', async () => {
    let calls = 0;
    const d = deps(async () => ({ comment_id: String(++calls) }));
    expect(await runActions(d, [ctx], false)).toEqual([{ command_id: 'cmd_c', action: 'comment', status: 'succeeded', result: { comment_id: '1' } }]);
    expect(await runActions(d, [ctx], false)).toEqual([{ command_id: 'cmd_c', action: 'comment', status: 'succeeded', result: { comment_id: '1' } }]);
    expect(calls).toBe(1);
  });

  it('does not repeat a call whose outcome is unknown (the attempt died between call and record)', async () => {
    let calls = 0;
    const crashed = deps(async () => ({ n: ++calls }));
    const [first] = await runActions(crashed, [ctx], false);
    // Simulate the crash: the intent for this (event, command) is left `started`.
    const intent = [...crashed.intents.items.values()][0];
    crashed.intents.items.set(intent.action_id, { ...intent, status: 'started' });
    const [again] = await runActions(crashed, [ctx], false);
    expect(first.status).toBe('succeeded');
    expect(again).toMatchObject({ status: 'failed', error: expect.stringContaining('outcome unknown') });
    expect(calls).toBe(1);
  });

  it('asks for a redelivery on a retryable refusal, then succeeds; fails on the last attempt', async () => {
    let calls = 0;
    const d = deps(async () => {
      calls++;
      if (calls === 1) throw new HooklineError('reply_unavailable', 'GitHub answered 503', 503, { retryable: true });
      return { ok: true };
    });
    await expect(runActions(d, [ctx], false)).rejects.toBeInstanceOf(RetryLater);
    expect(await runActions(d, [ctx], false)).toMatchObject([{ status: 'succeeded' }]);
    const last = deps(async () => {
      throw new HooklineError('reply_unavailable', 'GitHub answered 503', 503, { retryable: true });
    });
    expect(await runActions(last, [ctx], true)).toMatchObject([{ status: 'failed', error: 'GitHub answered 503' }]);
  });

  it('never retries an ambiguous failure (the provider may have posted)', async () => {
    let calls = 0;
    const d = deps(async () => {
      calls++;
      throw Object.assign(new HooklineError('reply_outcome_unknown', 'timed out', 504, { retryable: true }), { ambiguous: true });
    });
    expect(await runActions(d, [ctx], false)).toMatchObject([{ status: 'failed' }]);
    expect(await runActions(d, [ctx], false)).toMatchObject([{ status: 'failed' }]);
    expect(calls).toBe(1);
  });
});
