import { ConflictError, NotFoundError, VersionMismatchError } from '../errors';
import type { TaskRecord, TaskStatus } from '../model/task';
import type { Page, TaskStore } from '../ports';
import { publicTask } from '../actions/runner';
import type { Clock } from '../clock';

type Deps = { tasks: TaskStore; clock: Clock };

/** Tasks, newest first, by agent and/or status. */
export async function listTasks(deps: Deps, q: { agent?: string; status?: TaskStatus; limit: number; cursor?: string }): Promise<Page<ReturnType<typeof publicTask>>> {
  const page = await deps.tasks.list(q);
  return { items: page.items.map(publicTask), next_cursor: page.next_cursor };
}

export async function getTask(deps: Deps, id: string): Promise<TaskRecord> {
  const t = await deps.tasks.get(id);
  if (!t) throw new NotFoundError('Task', id);
  return t;
}

const alreadyClaimed = (id: string, status: TaskStatus) =>
  new ConflictError(`Task ${id} is already ${status}: only a pending task can be claimed (someone else was faster).`, 'already_claimed');

/**
 * `PATCH /api/tasks/{id}`: status and/or result, with optimistic concurrency (If-Match optional).
 * Claiming is exclusive with or without If-Match: only a pending task can become claimed, and the
 * write is conditional on the version read, so of two concurrent claims one gets 409 already_claimed.
 */
export async function patchTask(deps: Deps, id: string, patch: { status?: TaskStatus; result?: unknown }, ifMatch?: number): Promise<TaskRecord> {
  const t = await getTask(deps, id);
  if (ifMatch !== undefined && ifMatch !== t.version) throw new VersionMismatchError(ifMatch, t.version);
  if (patch.status === 'claimed' && t.status !== 'pending') throw alreadyClaimed(id, t.status);
  const next: TaskRecord = {
    ...t,
    ...(patch.status ? { status: patch.status } : {}),
    ...(patch.result !== undefined ? { result: patch.result } : {}),
    updated_at: deps.clock.now().toISOString(),
    version: t.version + 1,
  };
  try {
    await deps.tasks.replace(next, t.version);
  } catch (err) {
    // A concurrent change won the conditional write: for a claim without If-Match that means someone else claimed it.
    if (patch.status === 'claimed' && ifMatch === undefined && err instanceof VersionMismatchError) throw alreadyClaimed(id, (await deps.tasks.get(id))?.status ?? 'claimed');
    throw err;
  }
  return next;
}
