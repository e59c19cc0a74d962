import { makeEffects } from '../../shared/actions/effects';
import { documentClient, s3Client, sqsClient } from '../../shared/adapters/aws/clients';
import { DynamoWebhookStore } from '../../shared/adapters/aws/dynamo-config-store';
import { DynamoEventStore } from '../../shared/adapters/aws/dynamo-event-store';
import { DynamoQuestionStore } from '../../shared/adapters/aws/dynamo-question-store';
import { S3PayloadStore } from '../../shared/adapters/aws/s3-payload-store';
import { SqsEventQueue } from '../../shared/adapters/aws/sqs-event-queue';
import { randomIds, systemClock } from '../../shared/clock';
import { guardedFetchFn } from '../../shared/delivery/fetch-adapter';
import { loadEnv } from '../../shared/env';
import { lambdaLogger } from '../../shared/adapters/aws/powertools';
import type { InteractiveDeps } from '../../shared/usecases/interactive';

/** The interactive function's composition root. */
export function wire(): InteractiveDeps {
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
    log: lambdaLogger().log,
  };
}
