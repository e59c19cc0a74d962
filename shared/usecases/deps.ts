import type { Clock, Ids } from '../clock';
import type { OutboundDeps } from './subscriptions';
import type { ImportLog } from './import-config';
import type { Principal } from '../model/api-key';
import type { BackupStore, SecretVault, QueueAdmin, ApiKeyStore, AuditLog, EventQueue, EventStore, PayloadStore, TaskStore, WebhookStore } from '../ports';

/** Everything the management use cases need; tests pass whatever adapters fit. */
export interface ManagementDeps {
  webhooks: WebhookStore;
  keys: ApiKeyStore;
  audit: AuditLog;
  events: EventStore;
  payloads: PayloadStore;
  queue: EventQueue;
  tasks: TaskStore;
  clock: Clock;
  ids: Ids;
  /** Base URL providers call, for the webhook's `url`. */
  receiverUrl: string;
  /** HTTP client for calls to the receiver (test deliveries). */
  fetch: typeof fetch;
  /** Outbound: subscriptions, deliveries, publishing. */
  outbound: OutboundDeps;
  /** Config backups (S3) and the secrets of deleted webhooks. */
  backups: BackupStore;
  vault: SecretVault;
  /** Results of config-file imports. */
  imports: ImportLog;
  /** Queue depths and DLQ redrive. */
  queues: QueueAdmin;
}

/** Who is acting: an API key, or a config file. */
export type Actor = Pick<Principal, 'key_id' | 'name'>;
