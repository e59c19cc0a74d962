import * as z from 'zod';
import { IsoTime } from './common';

export const QUESTION_STATUSES = ['open', 'answered', 'expired'] as const;
export const QuestionStatus = z.enum(QUESTION_STATUSES);
export type QuestionStatus = z.infer<typeof QuestionStatus>;

/** A question an agent asked in the source's thread, waiting for a human's reply. */
export interface QuestionRecord {
  question_id: string;
  webhook_id: string;
  event_id: string;
  agent: string;
  question: string;
  status: QuestionStatus;
  answer: string | null;
  answer_event_id: string | null;
  asked_at: string;
  answered_at: string | null;
  /** `${webhook_id}#${thread key}`: the by_thread index finds the open question of a thread. */
  thread_key: string;
  /** `${asked_at}#${question_id}`. */
  asked_key: string;
  /** Always "question": the partition key of the by_time index. */
  kind: 'question';
  /** Where the question was posted (comment id/url). */
  posted?: Record<string, unknown>;
}

export const QuestionView = z
  .object({
    question_id: z.string(),
    webhook_id: z.string(),
    event_id: z.string(),
    agent: z.string(),
    question: z.string(),
    status: QuestionStatus,
    answer: z.string().nullable(),
    answer_event_id: z.string().nullable(),
    asked_at: IsoTime,
    answered_at: IsoTime.nullable(),
  })
  .meta({ id: 'Question' });

export const QuestionListQuery = z.object({
  webhook_id: z.string().max(64).optional(),
  status: QuestionStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
});
