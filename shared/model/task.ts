import * as z from 'zod';
import { BoundedJson, IsoTime, LIMITS } from './common';

export const TASK_STATUSES = ['pending', 'claimed', 'done', 'failed'] as const;
export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

/** A task for an AI agent, made by a `create_task` command. */
export interface TaskRecord {
  task_id: string;
  agent: string;
  status: TaskStatus;
  prompt: string;
  webhook_id: string;
  event_id: string;
  command_id: string;
  source: { provider: string; event_type: string; delivery_id: string | null; thread?: string; sender?: string };
  created_at: string;
  updated_at: string;
  result: unknown;
  /** `${created_at}#${task_id}`: sort key of the by_agent and by_time indexes. */
  created_key: string;
  /** Always "task": the partition key of the by_time index. */
  kind: 'task';
  /** Set once the task was published to the tasks topic. */
  published_at?: string;
  version: number;
}

export const TaskView = z
  .object({
    task_id: z.string().meta({ example: 'task_3f2a…' }),
    agent: z.string(),
    status: TaskStatus,
    prompt: z.string(),
    webhook_id: z.string(),
    event_id: z.string(),
    command_id: z.string(),
    source: z
      .object({
        provider: z.string(),
        event_type: z.string(),
        delivery_id: z.string().nullable(),
        thread: z.string().optional().meta({ description: 'The source thread (issue, ticket, Slack thread) the event belongs to' }),
        sender: z.string().optional(),
      })
      .meta({ id: 'TaskSource' }),
    created_at: IsoTime,
    updated_at: IsoTime,
    result: z.unknown(),
    version: z.number().int(),
  })
  .meta({ id: 'Task' });

export const TaskListQuery = z.object({
  agent: z.string().min(1).max(100).optional(),
  status: TaskStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});

export const TaskPatch = z
  .object({ status: TaskStatus.optional(), result: BoundedJson(LIMITS.taskResultBytes).optional() })
  .strict()
  .refine((p) => p.status !== undefined || p.result !== undefined, { message: 'send status, result or both' })
  .meta({ id: 'TaskPatch' });
