import { documentClient, s3Client, sqsClient } from '../../shared/adapters/aws/clients';
import { DynamoWebhookStore } from '../../shared/adapters/aws/dynamo-config-store';
import { DynamoEventStore } from '../../shared/adapters/aws/dynamo-event-store';
import { DynamoQuestionStore } from '../../shared/adapters/aws/dynamo-question-store';
import { S3PayloadStore } from '../../shared/adapters/aws/s3-payload-store';
import { SqsEventQueue } from '../../shared/adapters/aws/sqs-event-queue';
import { makeEffects } from '../../shared/actions/effects';
import { randomIds, systemClock } from '../../shared/clock';
import { guardedFetchFn } from '../../shared/delivery/fetch-adapter';
import { loadEnv } from '../../shared/env';
import { json } from '../../shared/http/apigw';
import { apiHandler, type Operation } from '../../shared/http/api-handler';
import * as interactive from '../../shared/usecases/interactive';
import { getQuestion, listQuestions } from '../../shared/usecases/questions';

type Deps = interactive.InteractiveDeps;

const operations: Record<string, Operation<Deps>> = {
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

/** Interactive actions Lambda: agents comment, ask and respond on an event's source; replay; questions. */
export const handler = apiHandler('interactive', operations, () => {
  const { resources, settings } = loadEnv('interactive');
  const db = documentClient();
  const questions = new DynamoQuestionStore(db, resources.tables.questions);
  const allowPrivate = settings.ALLOW_PRIVATE_TARGETS === 'true';
  return {
    webhooks: new DynamoWebhookStore(db, resources.tables.config),
    events: new DynamoEventStore(db, resources.tables.events),
    payloads: new S3PayloadStore(s3Client(), resources.buckets.payloads),
    questions,
    queue: new SqsEventQueue(sqsClient(), resources.queues.events),
    effects: makeEffects({ questions, clock: systemClock, fetch: guardedFetchFn(allowPrivate), allowPrivateTargets: allowPrivate }),
    clock: systemClock,
    ids: randomIds,
  };
});
