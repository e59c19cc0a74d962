import { randomIds, systemClock } from '../../clock';
import { cachedLoader } from '../../config-cache';
import type { FunctionResources, Settings } from '../../env';
import type { Logger, ManagementDeps, OutboundDeps } from '../../ports';
import { documentClient, s3Client, sqsClient } from './clients';
import { DynamoApiKeyStore, DynamoAuditLog, DynamoEventTypeStore, DynamoImportLog, DynamoPublishLog, DynamoSecretVault, DynamoSubscriptionStore, DynamoTenantStore, DynamoWebhookStore } from './dynamo-config-store';
import { S3BackupStore } from './s3-backup-store';
import { DynamoDeliveryStore } from './dynamo-delivery-store';
import { SqsDeliveryQueue } from './sqs-delivery-queue';
import { SqsQueueAdmin } from './sqs-queue-admin';
import type { SubscriptionRecord } from '../../model/subscription';
import { DynamoEventStore } from './dynamo-event-store';
import { DynamoTaskStore } from './dynamo-task-store';
import { S3PayloadStore } from './s3-payload-store';
import { SqsEventQueue } from './sqs-event-queue';
import { fixedConsoleLocation, ssmConsoleLocation } from './ssm-console-location';
import { guardedFetchFn } from '../../delivery/fetch-adapter';
import { slackChannelDirectory } from '../http/slack-channel-directory';

/** What publishing needs from a function's grants (config and deliveries tables, deliveries queue). */
export interface OutboundResources {
  tables: Record<'config' | 'deliveries', string>;
  queues: Record<'deliveries', string>;
}

/** Subscriptions, deliveries and publishing, for every function that publishes or manages them. */
export function outboundDeps(r: OutboundResources, s: Settings, log?: Logger): OutboundDeps {
  const db = documentClient();
  const subscriptions = new DynamoSubscriptionStore(db, r.tables.config);
  const ttlMs = s.CONFIG_CACHE_SECONDS * 1000;
  // One tenant's list: its index (one GetItem), then its records only (BatchGetItem per 100).
  const readTenant = async (tenant: string | null) => {
    // The counter first: a change between the two reads leaves an older counter, read again next time.
    const { generation, ids } = await subscriptions.index(tenant);
    const records = ids?.length ? await subscriptions.getMany(ids) : [];
    const list = records.filter((x) => (x.tenant_id ?? null) === tenant).sort((a, b) => (a.subscription_id < b.subscription_id ? -1 : a.subscription_id > b.subscription_id ? 1 : 0));
    return { generation, list };
  };
  // The publish path reads a tenant's list from the container's cache, never a Scan.
  const cache = new Map<string, { at: number; value: Promise<{ generation: number; list: SubscriptionRecord[] }> }>();
  const allSubscriptions = async (fresh = false, tenant: string | null = null): Promise<SubscriptionRecord[]> => {
    const now = systemClock.now().getTime();
    const key = tenant ?? '';
    const cached = cache.get(key);
    if (cached && now - cached.at < ttlMs) {
      const c = await cached.value;
      // A publish checks the tenant's change counter (one GetItem), so every change is seen at once.
      if (!fresh || c.generation === (await subscriptions.index(tenant)).generation) return c.list;
    }
    const entry = { at: now, value: readTenant(tenant) };
    cache.set(key, entry);
    entry.value.catch(() => {
      if (cache.get(key) === entry) cache.delete(key);
    });
    return (await entry.value).list;
  };
  const eventTypes = new DynamoEventTypeStore(db, r.tables.config);
  const eventType = cachedLoader((type) => eventTypes.get(type), ttlMs, systemClock);
  return {
    eventTypes,
    eventType: (type) => eventType(type),
    strictEventTypes: s.HOOKLINE_STRICT_EVENT_TYPES === 'true',
    requireVerified: s.HOOKLINE_REQUIRE_VERIFIED === 'true',
    subscriptions,
    tenants: new DynamoTenantStore(db, r.tables.config),
    deliveries: new DynamoDeliveryStore(db, r.tables.deliveries),
    deliveryQueue: new SqsDeliveryQueue(sqsClient(), r.queues.deliveries),
    publishes: new DynamoPublishLog(db, r.tables.config),
    allSubscriptions,
    // The store bumps the tenant's counter on every write; other containers see a change at their
    // next publish, or within CONFIG_CACHE_SECONDS if that counter write failed.
    subscriptionsChanged: () => cache.clear(),
    allowPrivateTargets: s.ALLOW_PRIVATE_TARGETS === 'true',
    retentionDays: s.EVENT_RETENTION_DAYS,
    audit: new DynamoAuditLog(db, r.tables.config),
    clock: systemClock,
    ids: randomIds,
    ...(log ? { log } : {}),
  };
}

/** The management API's adapters, wired to the resources its env names. */
export function managementDeps(r: FunctionResources<'api'>, s: Settings, log?: Logger): ManagementDeps {
  const db = documentClient();
  const outbound = outboundDeps(r, s, log);
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
    // CONSOLE_URL wins (npm start; `-c hookline:consoleUrl` in AWS), else the console stack's SSM parameter.
    consoleLocation: !s.CONSOLE_URL && s.CONSOLE_URL_PARAMETER ? ssmConsoleLocation(s.CONSOLE_URL_PARAMETER, systemClock) : fixedConsoleLocation(s.CONSOLE_URL),
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
