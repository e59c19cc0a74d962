import { json } from '../../shared/http/apigw';
import type { Operation } from '../../shared/http/api-handler';
import * as interactive from '../../shared/usecases/interactive';
import { getQuestion, listQuestions } from '../../shared/usecases/questions';

type Deps = interactive.InteractiveDeps;

/** The route table's `interactive` operations. */
export const operations: Record<string, Operation<Deps>> = {
  async commentOnEvent(deps, req) {
    return json(200, await interactive.commentOnEvent(deps, req.params.id, req.body));
  },
  async askOnEvent(deps, req) {
    return json(201, await interactive.askOnEvent(deps, req.params.id, req.body));
  },
  async respondToEvent(deps, req) {
    return json(200, await interactive.respondToEvent(deps, req.params.id, req.body));
  },
  async replayEvent(deps, req) {
    return json(202, await interactive.replayEvent(deps, req.params.id, req.params.event_id));
  },
  async listQuestions(deps, req) {
    return json(200, await listQuestions(deps, req.query as never));
  },
  async getQuestion(deps, req) {
    return json(200, await getQuestion(deps, req.params.question_id));
  },
};

