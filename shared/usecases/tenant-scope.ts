import { ValidationError } from '../errors';
import type { SubscriptionRecord } from '../model/subscription';
import type { DeliveryStore, ManagementDeps, OutboundDeps, Page, SubscriptionStore } from '../ports';

function encodeAfter(tenant: string, after: string): string {
  return Buffer.from(JSON.stringify({ t: tenant, a: after })).toString('base64url');
}

function decodeAfter(tenant: string, cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { t?: unknown; a?: unknown };
    if (v.t === tenant && typeof v.a === 'string') return v.a;
  } catch {
    // refused below
  }
  throw new ValidationError('The cursor is not valid for this list.', [{ path: 'cursor', message: 'pass the next_cursor of the previous page unchanged' }]);
}

/**
 * The subscriptions one tenant sees: a record of another tenant (or of none) is absent, and the
 * list is the tenant's index (ids in order, a page at a time), never the whole partition.
 */
export function tenantSubscriptions(raw: SubscriptionStore, tenant: string): SubscriptionStore {
  const mine = (s: SubscriptionRecord | null) => (s && s.tenant_id === tenant ? s : null);
  return {
    get: async (id) => mine(await raw.get(id)),
    getMany: async (ids) => (await raw.getMany(ids)).filter((s) => s.tenant_id === tenant),
    async list(limit: number, cursor?: string): Promise<Page<SubscriptionRecord>> {
      const after = decodeAfter(tenant, cursor);
      const ids = [...new Set((await raw.index(tenant)).ids ?? [])].sort().filter((id) => after === undefined || id > after);
      const items: SubscriptionRecord[] = [];
      let i = 0;
      // The index is a superset (stale ids are skipped), so read until the page is full.
      while (items.length < limit && i < ids.length) {
        const chunk = ids.slice(i, i + Math.min(100, limit - items.length));
        i += chunk.length;
        const found = new Map((await raw.getMany(chunk)).filter((s) => s.tenant_id === tenant).map((s) => [s.subscription_id, s]));
        for (const id of chunk) if (found.has(id)) items.push(found.get(id)!);
      }
      return { items, next_cursor: i < ids.length && items.length ? encodeAfter(tenant, items[items.length - 1].subscription_id) : null };
    },
    create: (s) => raw.create(s),
    replace: (s, v) => raw.replace(s, v),
    delete: async (id) => Boolean(mine(await raw.get(id))) && raw.delete(id),
    index: (t) => raw.index(t),
    closeIndex: (t) => raw.closeIndex(t),
    reopenIndex: (t) => raw.reopenIndex(t),
  };
}

/** Deliveries of the tenant's subscriptions only. */
function tenantDeliveries(raw: DeliveryStore, subs: SubscriptionStore): DeliveryStore {
  return {
    get: async (id) => {
      const d = await raw.get(id);
      return d && (await subs.get(d.subscription_id)) ? d : null;
    },
    create: (d) => raw.create(d),
    update: (d, n) => raw.update(d, n),
    claim: (d, n, stale) => raw.claim(d, n, stale),
    listBySubscription: (...a) => raw.listBySubscription(...a),
    listSince: (...a) => raw.listSince(...a),
    backlogPage: (...a) => raw.backlogPage(...a),
    countBacklog: (...a) => raw.countBacklog(...a),
  };
}

/**
 * What a tenant-bound key's requests run with (the API handler applies it to every tenant route):
 * stores that show only `tenant`'s records, so every use case answers another tenant's id with
 * 404 without knowing about tenants, and `tenant` for the use cases that create records.
 */
export function outboundForTenant(deps: OutboundDeps, tenant: string): OutboundDeps {
  const subscriptions = tenantSubscriptions(deps.subscriptions, tenant);
  return {
    ...deps,
    tenant,
    subscriptions,
    deliveries: tenantDeliveries(deps.deliveries, subscriptions),
    allSubscriptions: (fresh) => deps.allSubscriptions(fresh, tenant),
  };
}

export function managementForTenant(deps: ManagementDeps, tenant: string): ManagementDeps {
  return { ...deps, outbound: outboundForTenant(deps.outbound, tenant) };
}
