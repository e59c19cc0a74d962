import { randomIds, systemClock } from '../../clock';
import type { FunctionResources, Settings } from '../../env';
import type { ManagementDeps, OutboundDeps } from '../../ports';
import { documentClient, s3Client, sqsClient } from './clients';
import { DynamoApiKeyStore, DynamoAuditLog, DynamoImportLog, DynamoPublishLog, DynamoSecretVault, DynamoSubscriptionStore, DynamoWebhookStore } from './dynamo-config-store';
import { S3BackupStore } from './s3-backup-store';
import { DynamoDeliveryStore } from './dynamo-delivery-store';
import { SqsDeliveryQueue } from './sqs-delivery-queue';
import { SqsQueueAdmin } from './sqs-queue-admin';
import type { SubscriptionRecord } from '../../model/subscription';
import { DynamoEventStore } from './dynamo-event-store';
import { DynamoTaskStore } from './dynamo-task-store';
import { S3PayloadStore } from './s3-payload-store';
import { SqsEventQueue } from './sqs-event-queue';
import { guardedFetchFn } from '../../delivery/fetch-adapter';
import { slackChannelDirectory } from '../http/slack-channel-directory';

/** What publishing needs from a function's grants (config and deliveries tables, deliveries queue). */
export interface OutboundResources {
  tables: Record<'config' | 'deliveries', string>;
  queues: Record<'deliveries', string>;
}

/** Subscriptions, deliveries and publishing, for every function that publishes or manages them. */
export function outboundDeps(r: OutboundResources, s: Settings): OutboundDeps {
  const db = documentClient();
  const subscriptions = new DynamoSubscriptionStore(db, r.tables.config);
  const ttlMs = s.CONFIG_CACHE_SECONDS * 1000;
  const readAll = async () => {
    // The counter first: a change between the two reads leaves an older counter, read again next time.
    const generation = await subscriptions.generation();
    const list: SubscriptionRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await subscriptions.list(100, cursor);
      list.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return { generation, list };
  };
  // The publish path reads the subscription list from the container's cache, never a Scan.
  let cached: { at: number; value: Promise<{ generation: number; list: SubscriptionRecord[] }> } | undefined;
  const allSubscriptions = async (fresh = false): Promise<SubscriptionRecord[]> => {
    const now = systemClock.now().getTime();
    if (cached && now - cached.at < ttlMs) {
      const c = await cached.value;
      // A publish checks the change counter (one GetItem), so every change is seen at once.
      if (!fresh || c.generation === (await subscriptions.generation())) return c.list;
    }
    const entry = { at: now, value: readAll() };
    cached = entry;
    entry.value.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return (await entry.value).list;
  };
  return {
    subscriptions,
    deliveries: new DynamoDeliveryStore(db, r.tables.deliveries),
    deliveryQueue: new SqsDeliveryQueue(sqsClient(), r.queues.deliveries),
    publishes: new DynamoPublishLog(db, r.tables.config),
    allSubscriptions,
    subscriptionsChanged: async () => {
      cached = undefined;
      // The change stands even if the counter write fails: other containers then see it within
      // CONFIG_CACHE_SECONDS, the bound of every cache.
      await subscriptions.bumpGeneration().catch(() => undefined);
    },
    allowPrivateTargets: s.ALLOW_PRIVATE_TARGETS === 'true',
    retentionDays: s.EVENT_RETENTION_DAYS,
    audit: new DynamoAuditLog(db, r.tables.config),
    clock: systemClock,
    ids: randomIds,
  };
}

/** The management API's adapters, wired to the resources its env names. */
export function managementDeps(r: FunctionResources<'api'>, s: Settings): ManagementDeps {
  const db = documentClient();
  const outbound = outboundDeps(r, s);
  const dlqs: Record<string, string> = r.dlqs;
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
    allowPrivateTargets: s.ALLOW_PRIVATE_TARGETS === 'true',
    queues: new SqsQueueAdmin(
      sqsClient(),
      Object.fromEntries(Object.entries(r.queues).map(([name, url]) => [name, { url, ...(dlqs[name] ? { dlqUrl: dlqs[name] } : {}) }])),
    ),
    outbound,
    channels: slackChannelDirectory({ fetch: guardedFetchFn(s.ALLOW_PRIVATE_TARGETS === 'true', 3_000), clock: systemClock }),
  };
}
