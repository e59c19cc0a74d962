import { ChangeMessageVisibilityBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { documentClient, s3Client, snsClient, sqsClient } from '../../shared/adapters/aws/clients';
import { DynamoIntentStore } from '../../shared/adapters/aws/dynamo-intent-store';
import { DynamoQuestionStore } from '../../shared/adapters/aws/dynamo-question-store';
import { makeEffects } from '../../shared/actions/effects';
import { outboundDeps } from '../../shared/adapters/aws/wiring';
import { internalEvents } from '../../shared/usecases/subscriptions';
import { guardedFetchFn } from '../../shared/delivery/fetch-adapter';
import { slackChannelDirectory } from '../../shared/adapters/http/slack-channel-directory';
import { DynamoTaskStore } from '../../shared/adapters/aws/dynamo-task-store';
import { SnsTaskTopic } from '../../shared/adapters/aws/sns-task-topic';
import { DynamoWebhookStore } from '../../shared/adapters/aws/dynamo-config-store';
import { DynamoEventStore } from '../../shared/adapters/aws/dynamo-event-store';
import { S3PayloadStore } from '../../shared/adapters/aws/s3-payload-store';
import { systemClock } from '../../shared/clock';
import { cachedLoader } from '../../shared/config-cache';
import { loadEnv } from '../../shared/env';
import { queues } from '../../shared/resources';
import { processEvents, type ProcessDeps } from '../../shared/usecases/process-events';

let deps: (ProcessDeps & { queueUrl: string }) | undefined;

function init(): ProcessDeps & { queueUrl: string } {
  const { resources, settings } = loadEnv('consumer');
  const store = new DynamoWebhookStore(documentClient(), resources.tables.config);
  const questions = new DynamoQuestionStore(documentClient(), resources.tables.questions);
  const allowPrivate = settings.ALLOW_PRIVATE_TARGETS === 'true';
  const internal = internalEvents(outboundDeps(resources, settings), (message, extra) => console.error(JSON.stringify({ level: 'ERROR', message, ...extra })));
  return {
    internal,
    loadWebhook: cachedLoader((id) => store.get(id), settings.CONFIG_CACHE_SECONDS * 1000, systemClock),
    events: new DynamoEventStore(documentClient(), resources.tables.events),
    payloads: new S3PayloadStore(s3Client(), resources.buckets.payloads),
    clock: systemClock,
    retentionDays: settings.EVENT_RETENTION_DAYS,
    questions,
    runner: {
      tasks: new DynamoTaskStore(documentClient(), resources.tables.tasks),
      topic: new SnsTaskTopic(snsClient(), resources.topics.tasks),
      intents: new DynamoIntentStore(documentClient(), resources.tables.actions),
      clock: systemClock,
      retentionDays: settings.EVENT_RETENTION_DAYS,
      internal,
      effects: makeEffects({ questions, clock: systemClock, fetch: guardedFetchFn(allowPrivate), allowPrivateTargets: allowPrivate }),
    },
    channels: slackChannelDirectory({ fetch: guardedFetchFn(allowPrivate, 3_000), clock: systemClock }),
    queueUrl: resources.queues.events,
    log: (level, message, extra) => console.log(JSON.stringify({ level, message, ...extra })),
  };
}

/** Seconds before a failed message is tried again: 10 s, 20 s, 40 s ... capped at 15 minutes. */
export function retryDelaySeconds(receiveCount: number): number {
  return Math.min(10 * 2 ** Math.max(0, receiveCount - 1), 900);
}

/**
 * The events queue's consumer. It handles the batch as a whole (all payloads go into one S3
 * object), so it maps failures itself instead of Powertools' per-record processor. Failed
 * messages are pushed back with an exponential visibility timeout and reported as partial failures.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  deps ??= init();
  const records = event.Records.map((r) => ({ messageId: r.messageId, body: r.body, receiveCount: Number(r.attributes.ApproximateReceiveCount) || 1 }));
  const failed = await processEvents(deps, records, { maxReceiveCount: queues.events.maxReceiveCount });
  if (failed.length) {
    const byId = new Map(event.Records.map((r) => [r.messageId, r]));
    const entries = failed.map((id, i) => ({
      Id: String(i),
      ReceiptHandle: byId.get(id)!.receiptHandle,
      VisibilityTimeout: retryDelaySeconds(Number(byId.get(id)!.attributes.ApproximateReceiveCount) || 1),
    }));
    for (let i = 0; i < entries.length; i += 10) {
      // Best effort: without it the message simply comes back after the queue's visibility timeout.
      await sqsClient()
        .send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: deps.queueUrl, Entries: entries.slice(i, i + 10) }))
        .catch((err) => deps!.log?.('WARN', 'could not set the retry delay', { error: String(err) }));
    }
  }
  return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
}
