import { patchTask } from '../../shared/usecases/tasks';
import type { TaskRecord } from '../../shared/model/task';
import { MemoryTaskStore } from '../support/fakes';

const clock = { now: () => new Date('2026-12-01T10:00:00.000Z') };
function storeWith(status: TaskRecord['status'] = 'pending') {
  const tasks = new MemoryTaskStore();
  const t = { task_id: 'task_1', agent: 'a', status, prompt: 'p', webhook_id: 'w', event_id: 'e', command_id: 'c', source: { provider: 'github', event_type: 'issues.opened', delivery_id: null }, created_at: 'x', updated_at: 'x', result: null, created_key: 'x#task_1', kind: 'task', version: 1 } as TaskRecord;
  tasks.items.set(t.task_id, t);
  return { tasks, clock };
}

describe('claiming a task', () => {
  it('is exclusive without If-Match: of two concurrent claims one wins, the other gets 409 already_claimed', async () => {
    const deps = storeWith();
    const results = await Promise.allSettled([patchTask(deps, 'task_1', { status: 'claimed' }), patchTask(deps, 'task_1', { status: 'claimed' })]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(lost.reason).toMatchObject({ status: 409, code: 'already_claimed', message: expect.stringContaining('someone else was faster') });
    expect((await deps.tasks.get('task_1'))!.version).toBe(2);
  });

  it('refuses to claim a task that is not pending, and keeps If-Match a 412', async () => {
    await expect(patchTask(storeWith('claimed'), 'task_1', { status: 'claimed' })).rejects.toMatchObject({ status: 409, code: 'already_claimed' });
    await expect(patchTask(storeWith('done'), 'task_1', { status: 'claimed' })).rejects.toMatchObject({ status: 409 });
    await expect(patchTask(storeWith(), 'task_1', { status: 'claimed' }, 7)).rejects.toMatchObject({ status: 412 });
    expect(await patchTask(storeWith('claimed'), 'task_1', { status: 'done', result: { ok: true } })).toMatchObject({ status: 'done', version: 2 });
  });
});
