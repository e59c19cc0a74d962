import { makeEffects } from '../../shared/actions/effects';
import { documentClient, s3Client, sqsClient } from '../../shared/adapters/aws/clients';
import { DynamoWebhookStore } from '../../shared/adapters/aws/dynamo-config-store';
import { DynamoEventStore } from '../../shared/adapters/aws/dynamo-event-store';
import { DynamoIntentStore } from '../../shared/adapters/aws/dynamo-intent-store';
import { DynamoQuestionStore } from '../../shared/adapters/aws/dynamo-question-store';
import { S3PayloadStore } from '../../shared/adapters/aws/s3-payload-store';
import type { BatchDeps } from '../../shared/adapters/aws/sqs-batch';
import { outboundDeps } from '../../shared/adapters/aws/wiring';
import { systemClock } from '../../shared/clock';
import { cachedLoader } from '../../shared/config-cache';
import { guardedFetchFn } from '../../shared/delivery/fetch-adapter';
import { loadEnv } from '../../shared/env';
import { emfMetrics, lambdaLogger } from '../../shared/adapters/aws/powertools';
import type { RunEventActionsDeps } from '../../shared/usecases/run-event-actions';
import { internalEvents } from '../../shared/usecases/subscriptions';

export type ActionsDeps = RunEventActionsDeps & BatchDeps;

const notHere = () => Promise.reject(new Error('create_task runs in the consumer, not in the actions worker'));

/** The actions worker's composition root: its granted resources, adapters and logger, built once per container. */
export function wire(): ActionsDeps {
  const { resources, settings } = loadEnv('actions');
  const db = documentClient();
  const { log } = lambdaLogger();
  const metrics = emfMetrics();
  const store = new DynamoWebhookStore(db, resources.tables.config);
  const questions = new DynamoQuestionStore(db, resources.tables.questions);
  const allowPrivate = settings.ALLOW_PRIVATE_TARGETS === 'true';
  const internal = internalEvents(outboundDeps(resources, settings, log), (message, extra) => log.error(message, extra));
  return {
    loadWebhook: cachedLoader((id) => store.get(id), settings.CONFIG_CACHE_SECONDS * 1000, systemClock),
    events: new DynamoEventStore(db, resources.tables.events),
    payloads: new S3PayloadStore(s3Client(), resources.buckets.payloads),
    clock: systemClock,
    internal,
    runner: {
      // create_task never reaches this worker: it has no tasks table and no topic.
      tasks: { createIfAbsent: notHere, get: notHere, markPublished: notHere, replace: notHere, list: notHere },
      topic: { publish: notHere },
      intents: new DynamoIntentStore(db, resources.tables.actions),
      clock: systemClock,
      retentionDays: settings.EVENT_RETENTION_DAYS,
      internal,
      metrics,
      log,
      effects: makeEffects({ questions, clock: systemClock, fetch: guardedFetchFn(allowPrivate), allowPrivateTargets: allowPrivate }),
    },
    sqs: sqsClient(),
    queueUrl: resources.queues.actions,
    log,
  };
}
