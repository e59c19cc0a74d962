import { randomIds, systemClock } from '../../clock';
import type { ResourceEnv, Settings } from '../../env';
import type { ManagementDeps } from '../../usecases/deps';
import { documentClient, s3Client, sqsClient } from './clients';
import { DynamoApiKeyStore, DynamoAuditLog, DynamoWebhookStore } from './dynamo-config-store';
import { DynamoEventStore } from './dynamo-event-store';
import { DynamoTaskStore } from './dynamo-task-store';
import { S3PayloadStore } from './s3-payload-store';
import { SqsEventQueue } from './sqs-event-queue';

/** The management API's adapters, wired to the resources its env names. */
export function managementDeps(r: ResourceEnv, s: Settings): ManagementDeps {
  const db = documentClient();
  return {
    webhooks: new DynamoWebhookStore(db, r.tables.config),
    keys: new DynamoApiKeyStore(db, r.tables.config),
    audit: new DynamoAuditLog(db, r.tables.config),
    events: new DynamoEventStore(db, r.tables.events),
    payloads: new S3PayloadStore(s3Client(), r.buckets.payloads),
    queue: new SqsEventQueue(sqsClient(), r.queues.events),
    tasks: new DynamoTaskStore(db, r.tables.tasks),
    clock: systemClock,
    ids: randomIds,
    receiverUrl: s.RECEIVER_URL ?? 'http://localhost:3000',
    fetch: globalThis.fetch,
  };
}
