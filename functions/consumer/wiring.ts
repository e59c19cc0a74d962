import { makeEffects } from '../../shared/actions/effects';
import { documentClient, s3Client, snsClient, sqsClient } from '../../shared/adapters/aws/clients';
import { DynamoWebhookStore } from '../../shared/adapters/aws/dynamo-config-store';
import { DynamoEventStore } from '../../shared/adapters/aws/dynamo-event-store';
import { DynamoIntentStore } from '../../shared/adapters/aws/dynamo-intent-store';
import { DynamoQuestionStore } from '../../shared/adapters/aws/dynamo-question-store';
import { DynamoTaskStore } from '../../shared/adapters/aws/dynamo-task-store';
import { S3PayloadStore } from '../../shared/adapters/aws/s3-payload-store';
import { SnsTaskTopic } from '../../shared/adapters/aws/sns-task-topic';
import type { BatchDeps } from '../../shared/adapters/aws/sqs-batch';
import { SqsActionQueue } from '../../shared/adapters/aws/sqs-action-queue';
import { outboundDeps } from '../../shared/adapters/aws/wiring';
import { systemClock } from '../../shared/clock';
import { cachedLoader } from '../../shared/config-cache';
import { guardedFetchFn } from '../../shared/delivery/fetch-adapter';
import { slackChannelDirectory } from '../../shared/adapters/http/slack-channel-directory';
import { loadEnv } from '../../shared/env';
import { emfMetrics, lambdaLogger } from '../../shared/adapters/aws/powertools';
import type { ProcessDeps } from '../../shared/usecases/process-events';
import { internalEvents } from '../../shared/usecases/subscriptions';

export type ConsumerDeps = ProcessDeps & BatchDeps;

/** The consumer's composition root: its granted resources, adapters and logger, built once per container. */
export function wire(): ConsumerDeps {
  const { resources, settings } = loadEnv('consumer');
  const db = documentClient();
  const { log } = lambdaLogger();
  const store = new DynamoWebhookStore(db, resources.tables.config);
  const questions = new DynamoQuestionStore(db, resources.tables.questions);
  const allowPrivate = settings.ALLOW_PRIVATE_TARGETS === 'true';
  const internal = internalEvents(outboundDeps(resources, settings, log), (message, extra) => log.error(message, extra));
  return {
    internal,
    loadWebhook: cachedLoader((id) => store.get(id), settings.CONFIG_CACHE_SECONDS * 1000, systemClock),
    events: new DynamoEventStore(db, resources.tables.events),
    payloads: new S3PayloadStore(s3Client(), resources.buckets.payloads),
    clock: systemClock,
    retentionDays: settings.EVENT_RETENTION_DAYS,
    questions,
    runner: {
      tasks: new DynamoTaskStore(db, resources.tables.tasks),
      topic: new SnsTaskTopic(snsClient(), resources.topics.tasks),
      intents: new DynamoIntentStore(db, resources.tables.actions),
      clock: systemClock,
      retentionDays: settings.EVENT_RETENTION_DAYS,
      internal,
      metrics: emfMetrics(),
      log,
      effects: makeEffects({ questions, clock: systemClock, fetch: guardedFetchFn(allowPrivate), allowPrivateTargets: allowPrivate }),
    },
    channels: slackChannelDirectory({ fetch: guardedFetchFn(allowPrivate, 3_000), clock: systemClock }),
    sqs: sqsClient(),
    queueUrl: resources.queues.events,
    actionQueue: new SqsActionQueue(sqsClient(), resources.queues.actions),
    log,
    metrics: emfMetrics(),
  };
}
