import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { documentClient, sqsClient } from '../../shared/adapters/aws/clients';
import { DynamoSubscriptionStore } from '../../shared/adapters/aws/dynamo-config-store';
import { DynamoDeliveryStore } from '../../shared/adapters/aws/dynamo-delivery-store';
import { systemClock } from '../../shared/clock';
import { cachedLoader } from '../../shared/config-cache';
import { guardedFetch } from '../../shared/delivery/ssrf';
import { loadEnv } from '../../shared/env';
import { outboundDeps } from '../../shared/adapters/aws/wiring';
import { deliverOne, type DeliverDeps } from '../../shared/usecases/deliver';
import { internalEvents } from '../../shared/usecases/subscriptions';

let deps: (DeliverDeps & { queueUrl: string }) | undefined;

function init(): DeliverDeps & { queueUrl: string } {
  const { resources, settings } = loadEnv('deliverer');
  const subscriptions = new DynamoSubscriptionStore(documentClient(), resources.tables.config);
  const allowPrivate = settings.ALLOW_PRIVATE_TARGETS === 'true';
  const loadSubscription = cachedLoader((id) => subscriptions.get(id), settings.CONFIG_CACHE_SECONDS * 1000, systemClock);
  return {
    deliveries: new DynamoDeliveryStore(documentClient(), resources.tables.deliveries),
    loadSubscription,
    reloadSubscription: loadSubscription.reload,
    send: (url, headers, body, timeoutMs) => guardedFetch(url, { method: 'POST', headers, body }, { allowPrivate, timeoutMs }),
    async disableSubscription(id, reason) {
      const s = await subscriptions.get(id);
      if (s?.enabled) await subscriptions.replace({ ...s, enabled: false, disabled_reason: reason, updated_at: systemClock.now().toISOString(), version: s.version + 1 }, s.version);
    },
    async setFailingSince(id, value) {
      const s = await subscriptions.get(id);
      if (!s || s.failing_since === value || (value && s.failing_since)) return;
      const { failing_since: _f, ...rest } = s;
      await subscriptions.replace({ ...rest, ...(value ? { failing_since: value } : {}), version: s.version + 1 }, s.version).catch(() => undefined);
    },
    autoDisableAfterDays: settings.AUTO_DISABLE_AFTER_DAYS,
    internal: internalEvents(outboundDeps(resources, settings), (message, extra) => console.error(JSON.stringify({ level: 'ERROR', message, ...extra }))),
    // CloudWatch embedded metric format: the log line becomes the metric, no PutMetricData call.
    metric: (name, dimensions) =>
      console.log(JSON.stringify({ _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'Hookline', Dimensions: [Object.keys(dimensions)], Metrics: [{ Name: name, Unit: 'Count' }] }] }, ...dimensions, [name]: 1 })),
    clock: systemClock,
    queueUrl: resources.queues.deliveries,
  };
}

/**
 * The deliveries queue's consumer: one attempt per message. A delivery to retry goes back to the
 * queue with the policy's delay as its visibility timeout and is reported as a partial failure;
 * everything else is done and deleted.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  deps ??= init();
  const failures: { itemIdentifier: string }[] = [];
  await Promise.all(
    event.Records.map(async (r) => {
      try {
        const { delivery_id } = JSON.parse(r.body) as { delivery_id: string };
        const out = await deliverOne(deps!, delivery_id);
        if (out.kind === 'retry') {
          await sqsClient().send(new ChangeMessageVisibilityCommand({ QueueUrl: deps!.queueUrl, ReceiptHandle: r.receiptHandle, VisibilityTimeout: out.delaySeconds }));
          failures.push({ itemIdentifier: r.messageId });
        }
      } catch (err) {
        console.error(JSON.stringify({ level: 'ERROR', message: 'delivery failed', messageId: r.messageId, error: String((err as Error)?.stack ?? err) }));
        failures.push({ itemIdentifier: r.messageId });
      }
    }),
  );
  return { batchItemFailures: failures };
}
