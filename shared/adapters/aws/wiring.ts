import { randomIds, systemClock } from '../../clock';
import type { ResourceEnv, Settings } from '../../env';
import type { ManagementDeps } from '../../usecases/deps';
import type { OutboundDeps } from '../../usecases/subscriptions';
import { documentClient, s3Client, sqsClient } from './clients';
import { DynamoApiKeyStore, DynamoAuditLog, DynamoImportLog, DynamoPublishLog, DynamoSecretVault, DynamoSubscriptionStore, DynamoWebhookStore } from './dynamo-config-store';
import { S3BackupStore } from './s3-backup-store';
import { DynamoDeliveryStore } from './dynamo-delivery-store';
import { SqsDeliveryQueue } from './sqs-delivery-queue';
import { SqsQueueAdmin } from './sqs-queue-admin';
import { cachedLoader } from '../../config-cache';
import { DynamoEventStore } from './dynamo-event-store';
import { DynamoTaskStore } from './dynamo-task-store';
import { S3PayloadStore } from './s3-payload-store';
import { SqsEventQueue } from './sqs-event-queue';

/** The management API's adapters, wired to the resources its env names. */
/** Subscriptions, deliveries and publishing, for every function that publishes or manages them. */
export function outboundDeps(r: ResourceEnv, s: Settings): OutboundDeps {
  const db = documentClient();
  const subscriptions = new DynamoSubscriptionStore(db, r.tables.config);
  let generation = 0;
  // The publish path reads the subscription list from the container's cache, never a Scan.
  const listAll = cachedLoader(async () => {
    const all = [];
    let cursor: string | undefined;
    do {
      const page = await subscriptions.list(100, cursor);
      all.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return all;
  }, s.CONFIG_CACHE_SECONDS * 1000, systemClock);
  return {
    subscriptions,
    deliveries: new DynamoDeliveryStore(db, r.tables.deliveries),
    deliveryQueue: new SqsDeliveryQueue(sqsClient(), r.queues.deliveries),
    publishes: new DynamoPublishLog(db, r.tables.config),
    allSubscriptions: async () => (await listAll(String(generation))) ?? [],
    // A change made through this container is seen by its next publish at once; other
    // containers see it within CONFIG_CACHE_SECONDS.
    subscriptionsChanged: () => void generation++,
    allowPrivateTargets: s.ALLOW_PRIVATE_TARGETS === 'true',
    retentionDays: s.EVENT_RETENTION_DAYS,
    audit: new DynamoAuditLog(db, r.tables.config),
    clock: systemClock,
    ids: randomIds,
  };
}

export function managementDeps(r: ResourceEnv, s: Settings): ManagementDeps {
  const db = documentClient();
  const outbound = outboundDeps(r, s);
  return {
    webhooks: new DynamoWebhookStore(db, r.tables.config),
    keys: new DynamoApiKeyStore(db, r.tables.config),
    audit: outbound.audit,
    events: new DynamoEventStore(db, r.tables.events),
    payloads: new S3PayloadStore(s3Client(), r.buckets.payloads),
    queue: new SqsEventQueue(sqsClient(), r.queues.events),
    tasks: new DynamoTaskStore(db, r.tables.tasks),
    clock: systemClock,
    ids: randomIds,
    receiverUrl: s.RECEIVER_URL ?? 'http://localhost:3000',
    fetch: globalThis.fetch,
    backups: new S3BackupStore(s3Client(), r.buckets.config),
    vault: new DynamoSecretVault(db, r.tables.config),
    imports: new DynamoImportLog(db, r.tables.config),
    queues: new SqsQueueAdmin(
      sqsClient(),
      Object.fromEntries(Object.entries(r.queues).map(([name, url]) => [name, { url, ...(r.dlqs[name] ? { dlqUrl: r.dlqs[name] } : {}) }])),
    ),
    outbound,
  };
}
