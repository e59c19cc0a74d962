import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { systemClock, type Clock } from '../../clock';
import { ConflictError, NotFoundError, VersionMismatchError } from '../../errors';
import type { ApiKeyRecord } from '../../model/api-key';
import { LIMITS } from '../../model/ids';
import type { AuditEntry } from '../../model/audit';
import type { WebhookRecord } from '../../model/webhook';
import type { SubscriptionRecord } from '../../model/subscription';
import type { TenantRecord } from '../../model/tenant';
import type { EventTypeRecord } from '../../model/event-type';
import type { EventTypeStore, ApiKeyStore, AuditLog, ImportLog, ImportResult, Page, PublishLog, SecretVault, SubscriptionStore, TenantStore, WebhookStore } from '../../ports';
import { deleteIfVersion, putIfAbsent, putIfVersion, queryPage } from './dynamo-helpers';
import { isConditionFailed, unavailable } from './errors';
import { MAX_STORED_BYTES, packDoc, storedBytes, toStoredJson, unpackDoc } from './stored-json';

/*
 * The config table holds rarely written items under a few partitions, each record as one JSON
 * document (`doc`, see stored-json.ts) next to its keys and the attributes conditions use:
 *   pk=webhook  sk=<webhook_id>        a webhook config
 *   pk=apikey   sk=<key_id>            an API key (hash only)
 *   pk=audit    sk=<at>#<audit_id>     an audit entry (newest first by querying backwards)
 *   pk=tenant   sk=<tenant_id>         a tenant
 *   pk=subscription sk=<subscription_id>  a subscription (any tenant)
 *   pk=meta     sk=subscriptions-generation[#<tenant_id>]  one tenant's subscription index:
 *               a change counter and one attribute `s#<subscription_id>` per subscription
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
    await putIfVersion(this.db, this.table, webhookItem(w), expectedVersion, { kind: 'Webhook', id: w.webhook_id, current: () => this.get(w.webhook_id) }, 'The config store');
  }

  async delete(id: string, expectedVersion?: number): Promise<void> {
    await deleteIfVersion(this.db, this.table, { pk: 'webhook', sk: id }, expectedVersion, { kind: 'Webhook', id, current: () => this.get(id) }, 'The config store');
  }
}

/** How long an expired portal token stays listed (as expired) before the table's TTL removes it. */
const EXPIRED_TOKEN_KEPT_SECONDS = 7 * 86_400;

/**
 * A key's item. A portal token's `expires_at` (ISO) is kept as `token_expires_at`, and the item's
 * `expires_at` is the config table's TTL (epoch seconds): DynamoDB removes it a week after expiry.
 */
function keyItem(k: ApiKeyRecord): Item {
  const { expires_at, ...rest } = k;
  return { pk: 'apikey', sk: k.key_id, ...rest, ...(expires_at ? { token_expires_at: expires_at, expires_at: Math.floor(Date.parse(expires_at) / 1000) + EXPIRED_TOKEN_KEPT_SECONDS } : {}) };
}

function keyRecord(item: Item | undefined): ApiKeyRecord | null {
  if (!item) return null;
  const { pk: _pk, sk: _sk, expires_at: _ttl, token_expires_at, ...rest } = item;
  return { ...(rest as unknown as ApiKeyRecord), ...(typeof token_expires_at === 'string' ? { expires_at: token_expires_at } : {}) };
}

/** API keys and portal tokens (hashes only) in the config table. */
export class DynamoApiKeyStore implements ApiKeyStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(keyId: string): Promise<ApiKeyRecord | null> {
    try {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'apikey', sk: keyId } }));
      return keyRecord(out.Item);
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  async list(limit: number, cursor?: string): Promise<Page<ApiKeyRecord>> {
    const page = await partition<Item>(this.db, this.table, 'apikey', limit, cursor);
    return { items: page.items.map((it) => keyRecord(it)!), next_cursor: page.next_cursor };
  }

  async put(k: ApiKeyRecord): Promise<void> {
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: keyItem(k) }));
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

const tenantDeleted = (tenant: string) =>
  new ConflictError(`The tenant "${tenant}" is being deleted or was deleted: no subscription can be added to it (create the tenant again, or retry if its deletion was refused).`, 'tenant_deleted');

/** The index item of one tenant's subscriptions (null: those without a tenant). */
function indexKey(tenant: string | null) {
  return { pk: 'meta', sk: tenant === null ? 'subscriptions-generation' : `subscriptions-generation#${tenant}` };
}
const MEMBER = 's#';

/**
 * Outbound subscriptions (pk=subscription), with optimistic concurrency on `version`, and one
 * index item per tenant (see the table layout above) so publishing for a tenant reads that
 * tenant's index and records only. DynamoDB Local and dynalite lack transactions, so the index is
 * written as a superset: a create adds the id before the record, a delete removes it after, and
 * readers keep only records that exist and carry the tenant.
 */
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

  /**
   * A tenant's subscription is added to its index only while the index is open (not `closed` by a
   * tenant deletion), and checked again after the record is written: a deletion that closed the
   * index meanwhile either saw this record (and refused) or is seen here (and the record is removed).
   * Without transactions (the emulators lack them) this makes a subscription of a deleted tenant
   * impossible: see the README, Tenants.
   */
  async create(s: SubscriptionRecord): Promise<void> {
    const tenant = s.tenant_id ?? null;
    await this.touchIndex(tenant, { add: s.subscription_id }, tenant !== null);
    if (!(await putIfAbsent(this.db, this.table, subscriptionItem(s), 'pk', 'The config store')))
      throw new ConflictError(`A subscription with id "${s.subscription_id}" already exists.`, 'already_exists');
    if (tenant !== null && (await this.isClosed(tenant))) {
      await this.delete(s.subscription_id);
      throw tenantDeleted(tenant);
    }
  }

  async replace(s: SubscriptionRecord, expectedVersion: number): Promise<void> {
    await putIfVersion(this.db, this.table, subscriptionItem(s), expectedVersion, { kind: 'Subscription', id: s.subscription_id, current: () => this.get(s.subscription_id) }, 'The config store');
    // Every container's publish sees the change at its next check of the counter.
    await this.touchIndex(s.tenant_id ?? null, {}).catch(() => undefined);
  }

  async delete(id: string): Promise<boolean> {
    let old: SubscriptionRecord | null;
    try {
      const out = await this.db.send(new DeleteCommand({ TableName: this.table, Key: { pk: 'subscription', sk: id }, ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }));
      old = strip<SubscriptionRecord>(out.Attributes);
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw unavailable('The config store', err);
    }
    // A failed index write leaves a stale id, which readers skip.
    await this.touchIndex(old?.tenant_id ?? null, { remove: id }).catch(() => undefined);
    return true;
  }

  async index(tenant: string | null): Promise<{ generation: number; ids: string[] | null }> {
    let item: Item | undefined;
    try {
      item = (await this.db.send(new GetCommand({ TableName: this.table, Key: indexKey(tenant), ConsistentRead: true }))).Item;
    } catch (err) {
      throw unavailable('The config store', err);
    }
    // Subscriptions without a tenant made before the index existed: index them once (a superset is safe).
    if (tenant === null && !item?.indexed) return this.indexLegacy(Number(item?.generation ?? 0));
    if (!item) return { generation: 0, ids: null };
    return { generation: Number(item.generation ?? 0), ids: Object.keys(item).filter((k) => k.startsWith(MEMBER)).map((k) => k.slice(MEMBER.length)) };
  }

  async getMany(ids: string[]): Promise<SubscriptionRecord[]> {
    const out: SubscriptionRecord[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      let keys: Record<string, unknown>[] = ids.slice(i, i + 100).map((id) => ({ pk: 'subscription', sk: id }));
      for (let round = 0; keys.length && round < 10; round++) {
        try {
          const res = await this.db.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
          for (const it of res.Responses?.[this.table] ?? []) out.push(strip<SubscriptionRecord>(it)!);
          keys = (res.UnprocessedKeys?.[this.table]?.Keys ?? []) as Record<string, unknown>[];
        } catch (err) {
          throw unavailable('The config store', err);
        }
      }
      if (keys.length) throw unavailable('The config store', new Error('BatchGetItem left keys unprocessed'));
    }
    return out;
  }

  async closeIndex(tenant: string): Promise<void> {
    await this.setClosed(tenant, true);
  }

  async reopenIndex(tenant: string): Promise<void> {
    await this.setClosed(tenant, false);
  }

  private async setClosed(tenant: string, closed: boolean): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: indexKey(tenant),
          UpdateExpression: closed ? 'SET #c = :t ADD #g :one' : 'REMOVE #c ADD #g :one',
          ExpressionAttributeNames: { '#c': 'closed', '#g': 'generation' },
          ExpressionAttributeValues: closed ? { ':t': true, ':one': 1 } : { ':one': 1 },
        }),
      );
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  private async isClosed(tenant: string): Promise<boolean> {
    try {
      return Boolean((await this.db.send(new GetCommand({ TableName: this.table, Key: indexKey(tenant), ConsistentRead: true, ProjectionExpression: '#c', ExpressionAttributeNames: { '#c': 'closed' } }))).Item?.closed);
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  /** Bumps the tenant's counter, adding or removing one member; `whileOpen`: refused once the index is closed. */
  private async touchIndex(tenant: string | null, change: { add?: string; remove?: string }, whileOpen = false): Promise<void> {
    const names: Record<string, string> = { '#g': 'generation' };
    let expr = 'ADD #g :one';
    if (change.add) {
      names['#m'] = MEMBER + change.add;
      expr = `SET #m = :one ${expr}`;
    } else if (change.remove) {
      names['#m'] = MEMBER + change.remove;
      expr = `REMOVE #m ${expr}`;
    }
    if (whileOpen) names['#c'] = 'closed';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: indexKey(tenant),
          UpdateExpression: expr,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':one': 1 },
          ...(whileOpen ? { ConditionExpression: 'attribute_not_exists(#c)' } : {}),
        }),
      );
    } catch (err) {
      if (whileOpen && isConditionFailed(err)) throw tenantDeleted(tenant!);
      throw unavailable('The config store', err);
    }
  }

  private async indexLegacy(generation: number): Promise<{ generation: number; ids: string[] }> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.list(100, cursor);
      for (const s of page.items) if (!s.tenant_id) ids.push(s.subscription_id);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    // Expressions stop at 4 KB: members in chunks, the marker with the last one.
    for (let i = 0; i === 0 || i < ids.length; i += 40) {
      const chunk = ids.slice(i, i + 40);
      const last = i + 40 >= ids.length;
      const names: Record<string, string> = last ? { '#i': 'indexed' } : {};
      const sets = chunk.map((id, n) => ((names[`#m${n}`] = MEMBER + id), `#m${n} = :one`));
      if (last) sets.push('#i = :t');
      try {
        await this.db.send(
          new UpdateCommand({ TableName: this.table, Key: indexKey(null), UpdateExpression: `SET ${sets.join(', ')}`, ExpressionAttributeNames: names, ExpressionAttributeValues: { ...(chunk.length ? { ':one': 1 } : {}), ...(last ? { ':t': true } : {}) } }),
        );
      } catch (err) {
        throw unavailable('The config store', err);
      }
    }
    return { generation, ids };
  }
}

/** Registered event types (pk=eventtype), versioned. */
export class DynamoEventTypeStore implements EventTypeStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(type: string): Promise<EventTypeRecord | null> {
    try {
      return strip<EventTypeRecord>((await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'eventtype', sk: type }, ConsistentRead: true }))).Item);
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  async all(): Promise<EventTypeRecord[]> {
    const out: EventTypeRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await partition<EventTypeRecord>(this.db, this.table, 'eventtype', 100, cursor);
      out.push(...page.items);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    return out;
  }

  async put(t: EventTypeRecord, expectedVersion: number | null): Promise<void> {
    const item = packDoc({ pk: 'eventtype', sk: t.type }, t, ['version'], 'The event type');
    if (expectedVersion !== null) return putIfVersion(this.db, this.table, item, expectedVersion, { kind: 'Event type', id: t.type, current: () => this.get(t.type) }, 'The config store');
    // Registered by someone else since it was read as absent: 412 with the version it has now.
    if (!(await putIfAbsent(this.db, this.table, item, 'pk', 'The config store'))) throw new VersionMismatchError(0, (await this.get(t.type))?.version);
  }

}

const tenantItem = (t: TenantRecord) => packDoc({ pk: 'tenant', sk: t.tenant_id }, t, ['version'], 'The tenant');

/** Tenants (pk=tenant), with optimistic concurrency on `version`. */
export class DynamoTenantStore implements TenantStore {
  constructor(private readonly db: DynamoDBDocumentClient, private readonly table: string) {}

  async get(id: string): Promise<TenantRecord | null> {
    try {
      return strip<TenantRecord>((await this.db.send(new GetCommand({ TableName: this.table, Key: { pk: 'tenant', sk: id }, ConsistentRead: true }))).Item);
    } catch (err) {
      throw unavailable('The config store', err);
    }
  }

  list(limit: number, cursor?: string): Promise<Page<TenantRecord>> {
    return partition<TenantRecord>(this.db, this.table, 'tenant', limit, cursor);
  }

  async create(t: TenantRecord): Promise<void> {
    if (!(await putIfAbsent(this.db, this.table, tenantItem(t), 'pk', 'The config store'))) throw new ConflictError(`A tenant with id "${t.tenant_id}" already exists.`, 'already_exists');
  }

  async replace(t: TenantRecord, expectedVersion: number): Promise<void> {
    await putIfVersion(this.db, this.table, tenantItem(t), expectedVersion, { kind: 'Tenant', id: t.tenant_id, current: () => this.get(t.tenant_id) }, 'The config store');
  }

  async delete(id: string, expectedVersion?: number): Promise<void> {
    await deleteIfVersion(this.db, this.table, { pk: 'tenant', sk: id }, expectedVersion, { kind: 'Tenant', id, current: () => this.get(id) }, 'The config store');
  }
}

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
