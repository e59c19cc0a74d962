import { ConflictError, NotFoundError, ValidationError, VersionMismatchError } from '../errors';
import type { TenantCreate, TenantRecord, TenantReplace } from '../model/tenant';
import type { Actor, OutboundDeps, Page } from '../ports';
import { recordAudit } from './audit';

type Deps = Pick<OutboundDeps, 'tenants' | 'subscriptions' | 'audit' | 'clock' | 'ids'>;

export async function getTenant(deps: Pick<OutboundDeps, 'tenants'>, id: string): Promise<TenantRecord> {
  const t = await deps.tenants.get(id);
  if (!t) throw new NotFoundError('Tenant', id);
  return t;
}

export function listTenants(deps: Pick<OutboundDeps, 'tenants'>, limit: number, cursor?: string): Promise<Page<TenantRecord>> {
  return deps.tenants.list(limit, cursor);
}

export async function createTenant(deps: Deps, actor: Actor, input: TenantCreate): Promise<TenantRecord> {
  const now = deps.clock.now().toISOString();
  const t: TenantRecord = { ...input, created_at: now, updated_at: now, version: 1 };
  await deps.tenants.create(t);
  // A tenant of a deleted one's id starts with an open index.
  await deps.subscriptions.reopenIndex(t.tenant_id);
  await recordAudit(deps, actor, 'tenant.create', { type: 'tenant', id: t.tenant_id }, null, t);
  return t;
}

export async function replaceTenant(deps: Deps, actor: Actor, id: string, input: TenantReplace, ifMatch?: number): Promise<TenantRecord> {
  if (input.tenant_id !== undefined && input.tenant_id !== id)
    throw new ValidationError('tenant_id in the body must equal the one in the path.', [{ path: 'tenant_id', message: `expected "${id}"` }]);
  const before = await getTenant(deps, id);
  if (ifMatch !== undefined && ifMatch !== before.version) throw new VersionMismatchError(ifMatch, before.version);
  const { tenant_id: _id, ...fields } = input;
  const after: TenantRecord = { ...fields, tenant_id: id, created_at: before.created_at, updated_at: deps.clock.now().toISOString(), version: before.version + 1 };
  await deps.tenants.replace(after, before.version);
  await recordAudit(deps, actor, 'tenant.update', { type: 'tenant', id }, before, after);
  return after;
}

/** The ids of the tenant's subscriptions that exist (its index is a superset). */
export async function tenantSubscriptionIds(deps: Pick<OutboundDeps, 'subscriptions'>, id: string): Promise<string[]> {
  const { ids } = await deps.subscriptions.index(id);
  if (!ids?.length) return [];
  return (await deps.subscriptions.getMany(ids)).filter((s) => s.tenant_id === id).map((s) => s.subscription_id);
}

/**
 * Deletes a tenant that no subscription refers to (409 `tenant_in_use` naming them otherwise,
 * like a foreign key: deleting a tenant never silently orphans or deletes endpoints). The tenant's
 * index is closed first, so a subscription created meanwhile is either seen here (refused) or
 * refused itself (see SubscriptionStore.create): none can end up pointing at a deleted tenant.
 */
export async function deleteTenant(deps: Deps, actor: Actor, id: string, ifMatch?: number): Promise<void> {
  const before = await getTenant(deps, id);
  if (ifMatch !== undefined && ifMatch !== before.version) throw new VersionMismatchError(ifMatch, before.version);
  await deps.subscriptions.closeIndex(id);
  try {
    const subs = await tenantSubscriptionIds(deps, id);
    if (subs.length)
      throw new ConflictError(`The tenant still has ${subs.length} subscription(s) (${subs.slice(0, 5).join(', ')}${subs.length > 5 ? ', …' : ''}); delete them first.`, 'tenant_in_use');
    await deps.tenants.delete(id, before.version);
  } catch (err) {
    await deps.subscriptions.reopenIndex(id).catch(() => undefined);
    throw err;
  }
  await recordAudit(deps, actor, 'tenant.delete', { type: 'tenant', id }, before, null);
}
