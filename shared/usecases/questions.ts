import { NotFoundError } from '../errors';
import type { QuestionRecord, QuestionStatus } from '../model/question';
import type { Page, QuestionStore } from '../ports';

/** A question as the API and the topic show it. */
export function publicQuestion(q: QuestionRecord) {
  return {
    question_id: q.question_id,
    webhook_id: q.webhook_id,
    event_id: q.event_id,
    agent: q.agent,
    question: q.question,
    status: q.status,
    answer: q.answer,
    answer_event_id: q.answer_event_id,
    asked_at: q.asked_at,
    answered_at: q.answered_at,
  };
}

export async function listQuestions(deps: { questions: QuestionStore }, q: { webhook_id?: string; status?: QuestionStatus; limit: number; cursor?: string }): Promise<Page<ReturnType<typeof publicQuestion>>> {
  const page = await deps.questions.list(q);
  return { items: page.items.map(publicQuestion), next_cursor: page.next_cursor };
}

export async function getQuestion(deps: { questions: QuestionStore }, id: string): Promise<ReturnType<typeof publicQuestion>> {
  const q = await deps.questions.get(id);
  if (!q) throw new NotFoundError('Question', id);
  return publicQuestion(q);
}
