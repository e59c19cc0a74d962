import { documentClient, s3Client, sqsClient } from '../../shared/adapters/aws/clients';
import { DynamoWebhookStore } from '../../shared/adapters/aws/dynamo-config-store';
import { S3PayloadStore } from '../../shared/adapters/aws/s3-payload-store';
import { SqsEventQueue } from '../../shared/adapters/aws/sqs-event-queue';
import { randomIds, systemClock } from '../../shared/clock';
import { cachedLoader } from '../../shared/config-cache';
import { loadEnv } from '../../shared/env';
import { emfMetrics, lambdaLogger } from '../../shared/adapters/aws/powertools';
import { sampled } from '../../shared/log';
import type { Logger } from '../../shared/ports';
import { TokenBuckets } from '../../shared/receiver-guards';
import type { ReceiveDeps } from '../../shared/usecases/receive-event';

export type ReceiverDeps = ReceiveDeps & { log: Logger };

/** The receiver's composition root: config cache, events queue, claim-check bucket. */
export function wire(): ReceiverDeps {
  const { resources, settings } = loadEnv('receiver');
  const store = new DynamoWebhookStore(documentClient(), resources.tables.config);
  const { log } = lambdaLogger();
  const loadWebhook = cachedLoader((id) => store.get(id), settings.CONFIG_CACHE_SECONDS * 1000, systemClock);
  return {
    loadWebhook,
    reloadWebhook: loadWebhook.reload,
    queue: new SqsEventQueue(sqsClient(), resources.queues.events),
    payloads: new S3PayloadStore(s3Client(), resources.buckets.payloads),
    clock: systemClock,
    ids: randomIds,
    maxBodyBytes: settings.MAX_BODY_BYTES,
    buckets: new TokenBuckets(systemClock),
    log,
    rejections: sampled(log, settings.REJECTION_LOGS_PER_SECOND),
    metrics: emfMetrics(),
  };
}
