import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock, type Clock } from '../../clock';
import { ConflictError, NotFoundError, VersionMismatchError } from '../../errors';
import type { ApiKeyRecord } from '../../model/api-key';
import { LIMITS } from '../../model/common';
import type { AuditEntry } from '../../model/audit';
import type { WebhookRecord } from '../../model/webhook';
import type { SubscriptionRecord } from '../../model/subscription';
import type { ApiKeyStore, AuditLog, ImportLog, ImportResult, Page, PublishLog, SecretVault, SubscriptionStore, WebhookStore } from '../../ports';
import { putIfAbsent, queryPage } from './dynamo-helpers';
import { isConditionFailed, unavailable } from './errors';
import { MAX_STORED_BYTES, packDoc, storedBytes, toStoredJson, unpackDoc } from './stored-json';

/*
 * The config table holds rarely written items under a few partitions, each record as one JSON
 * document (`doc`, see stored-json.ts) next to its keys and the attributes conditions use:
 *   pk=webhook  sk=<webhook_id>        a webhook config
 *   pk=apikey   sk=<key_id>            an API key (hash only)
 *   pk=audit    sk=<at>#<audit_id>     an audit entry (newest first by querying backwards)
 * Lists are Queries on one partition: no Scan on any request path.
 */

type Item = Record<string, unknown>;

function strip<T>(item: Item | undefined): T | null {
  return unpackDoc<T>(item, ['pk', 'sk']);
}

function partition<T>(
  db: DynamoDBDocumentClient,
  table: string,
  pk: string,
  limit: number,
  cursor: string | undefined,
  opts: { backwards?: boolean; filter?: { expr: string; names: Record<string, string>; values: Record<string, unknown> } } = {},
): Promise<Page<T>> {
  return queryPage<T>(
    db,
    {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(opts.filter?.values ?? {}) },
      ...(opts.filter ? { FilterExpression: opts.filter.expr, ExpressionAttributeNames: opts.filter.names } : {}),
      ScanIndexForward: !opts.backwards,
    },
    { limit, cursor, cursorKeys: ['pk', 'sk'] },
    'The config store',
    (it) => strip<T>(it) as T,
  );
}

const webhookItem = (w: WebhookRecord) => packDoc({ pk: 'webhook', sk: w.webhook_id }, w, ['version'], 'The webhook config', LIMITS.webhookConfigBytes);
const subscriptionItem = (s: SubscriptionRecord) => packDoc({ pk: 'subscription', sk: s.subscription_id }, s, ['version'], 'The subscription', LIMITS.subscriptionBytes);

/** Webhook configs in DynamoDB with optimistic concurrency on `version`. */
export class DynamoWebhookStore implements WebhookStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(id: string): Promise<WebhookRecord | null> {
    try {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'webhook', sk: id }, ConsistentRead: true }));
      return strip<WebhookRecord>(out.Item);
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  list(limit: number, cursor?: string): Promise<Page<WebhookRecord>> {
    return partition<WebhookRecord>(this.db, this.table, 'webhook', limit, cursor);
  }

  async create(w: WebhookRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.table, Item: webhookItem(w), ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new ConflictError(`A webhook with id "${w.webhook_id}" already exists.`, 'already_exists');
      throw unavailable('The config store', err);
    }
  }

  async replace(w: WebhookRecord, expectedVersion: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: webhookItem(w),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': expectedVersion },
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) {
        const now = await this.get(w.webhook_id);
        if (!now) throw new NotFoundError('Webhook', w.webhook_id);
        throw new VersionMismatchError(expectedVersion, now.version);
      }
      throw unavailable('The config store', err);
    }
  }

  async delete(id: string, expectedVersion?: number): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: 'webhook', sk: id },
          ConditionExpression: expectedVersion === undefined ? 'attribute_exists(pk)' : '#v = :v',
          ...(expectedVersion === undefined ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) {
        const now = await this.get(id);
        if (!now) throw new NotFoundError('Webhook', id);
        throw new VersionMismatchError(expectedVersion ?? 0, now.version);
      }
      throw unavailable('The config store', err);
    }
  }
}

/** API keys (hashes only) in the config table. */
export class DynamoApiKeyStore implements ApiKeyStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(keyId: string): Promise<ApiKeyRecord | null> {
    try {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'apikey', sk: keyId } }));
      return strip<ApiKeyRecord>(out.Item);
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  list(limit: number, cursor?: string): Promise<Page<ApiKeyRecord>> {
    return partition<ApiKeyRecord>(this.db, this.table, 'apikey', limit, cursor);
  }

  async put(k: ApiKeyRecord): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: { pk: 'apikey', sk: k.key_id, ...k } }));
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  async delete(keyId: string): Promise<boolean> {
    try {
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: 'apikey', sk: keyId }, ConditionExpression: 'attribute_exists(pk)' }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw unavailable('The config store', err);
    }
  }
}

/**
 * An audit entry's item. It is never refused for its size: before and after too large even
 * compressed (the API's own limits keep them far below) are replaced by a note of their size, so
 * the entry itself (who, what, when) is always kept.
 */
function auditItem(e: AuditEntry): Item {
  const key = { pk: 'audit', sk: `${e.at}#${e.audit_id}` };
  const omitted = (v: unknown) => ({ omitted: 'too large to keep in the audit log', json_bytes: Buffer.byteLength(JSON.stringify(v)) });
  const fits = (x: AuditEntry) => storedBytes(toStoredJson(x)) <= MAX_STORED_BYTES;
  const candidates: AuditEntry[] = [e, { ...e, before: omitted(e.before) }, { ...e, before: omitted(e.before), after: omitted(e.after) }];
  return packDoc(key, candidates.find(fits) ?? candidates[2], ['resource_id'], 'The audit entry');
}

/** The audit log, newest first. */
export class DynamoAuditLog implements AuditLog {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async append(e: AuditEntry): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: auditItem(e) }));
    } catch (err) {
      throw unavailable('The audit log', err);
    }
  }

  list(limit: number, cursor?: string, resourceId?: string): Promise<Page<AuditEntry>> {
    return partition<AuditEntry>(this.db, this.table, 'audit', limit, cursor, {
      backwards: true,
      filter: resourceId ? { expr: '#r = :r', names: { '#r': 'resource_id' }, values: { ':r': resourceId } } : undefined,
    });
  }
}

/** Outbound subscriptions (pk=subscription), with optimistic concurrency on `version`. */
export class DynamoSubscriptionStore implements SubscriptionStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(id: string): Promise<SubscriptionRecord | null> {
    try {
      return strip<SubscriptionRecord>((await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'subscription', sk: id }, ConsistentRead: true }))).Item);
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  list(limit: number, cursor?: string): Promise<Page<SubscriptionRecord>> {
    return partition<SubscriptionRecord>(this.db, this.table, 'subscription', limit, cursor);
  }

  async create(s: SubscriptionRecord): Promise<void> {
    if (!(await putIfAbsent(this.db, this.table, subscriptionItem(s), 'pk', 'The config store')))
      throw new ConflictError(`A subscription with id "${s.subscription_id}" already exists.`, 'already_exists');
  }

  async replace(s: SubscriptionRecord, expectedVersion: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: subscriptionItem(s),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': expectedVersion },
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) {
        const now = await this.get(s.subscription_id);
        if (!now) throw new NotFoundError('Subscription', s.subscription_id);
        throw new VersionMismatchError(expectedVersion, now.version);
      }
      throw unavailable('The config store', err);
    }
  }

  async delete(id: string): Promise<boolean> {
    try {
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: 'subscription', sk: id }, ConditionExpression: 'attribute_exists(pk)' }));
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw unavailable('The config store', err);
    }
  }

  async generation(): Promise<number> {
    try {
      const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: GENERATION, ConsistentRead: true }))).Item;
      return Number(item?.generation ?? 0);
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  async bumpGeneration(): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({ TableName: this.table, Key: GENERATION, UpdateExpression: 'ADD #g :one', ExpressionAttributeNames: { '#g': 'generation' }, ExpressionAttributeValues: { ':one': 1 } }),
      );
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }
}

/** The subscription list's change counter (its own partition: never listed with the subscriptions). */
const GENERATION = { pk: 'meta', sk: 'subscriptions-generation' };

/** How long a publish id is remembered: a repeat within it answers the first result. */
export const PUBLISH_ID_DAYS = 30;

/**
 * Results of `POST /api/events` by idempotency id (pk=publish), kept PUBLISH_ID_DAYS: the item
 * carries `expires_at` (epoch seconds), the config table's TTL attribute.
 */
export class DynamoPublishLog implements PublishLog {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string, private readonly clock: Clock = systemClock) {}

  async get(id: string): Promise<{ event_id: string; deliveries: number } | null> {
    try {
      const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'publish', sk: id }, ConsistentRead: true }))).Item;
      return item ? { event_id: item.event_id as string, deliveries: item.deliveries as number } : null;
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  putIfAbsent(id: string, r: { event_id: string; deliveries: number }): Promise<boolean> {
    const expires_at = Math.floor(this.clock.now().getTime() / 1000) + PUBLISH_ID_DAYS * 86_400;
    return putIfAbsent(this.db, this.table, { pk: 'publish', sk: id, ...r, expires_at }, 'pk', 'The config store');
  }
}

/**
 * Secrets of deleted webhooks (pk=deleted-webhook), so restoring a deleted webhook from a backup
 * (which holds no secrets) keeps verifying the provider's signatures. Taken back on restore.
 */
export class DynamoSecretVault implements SecretVault {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async keep(id: string, secrets: { secret: string; previous_secrets: { secret: string; expires_at: string }[]; reply_token?: string }): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: { pk: 'deleted-webhook', sk: id, ...secrets } }));
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  async take(id: string) {
    try {
      const item = (await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'deleted-webhook', sk: id }, ConsistentRead: true }))).Item;
      if (!item) return null;
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: 'deleted-webhook', sk: id } }));
      return { secret: item.secret as string, previous_secrets: (item.previous_secrets ?? []) as { secret: string; expires_at: string }[], ...(item.reply_token ? { reply_token: item.reply_token as string } : {}) };
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }
}

/** Results of config-file imports (pk=import), newest first. */
export class DynamoImportLog implements ImportLog {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async append(r: ImportResult): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: packDoc({ pk: 'import', sk: `${r.at}#${r.file.slice(0, 200)}#${Math.random().toString(36).slice(2, 8)}` }, { ...r, errors: r.errors.slice(0, 100) }, [], 'The import record') }));
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  list(limit: number, cursor?: string): Promise<Page<ImportResult>> {
    return partition<ImportResult>(this.db, this.table, 'import', limit, cursor, { backwards: true });
  }
}
