import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { randomId } from '../clock';
import { ConflictError, ConsoleNotDeployedError, NotFoundError, ValidationError } from '../errors';
import type { ApiKeyRecord, Principal, Scope } from '../model/api-key';
import type { ApiKeyStore, Page } from '../ports';
import { recordAudit } from './audit';
import type { Actor, ManagementDeps } from '../ports';

/** The admin key from WEBHOOKS_ADMIN_KEY / Secrets Manager is never stored; it has this fixed id. */
export const ADMIN_KEY_ID = 'key_admin';

const KEY_FORMAT = /^hk_([a-z0-9]{16})_[A-Za-z0-9_-]{43}$/;

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** Shows a key as its prefix and last four characters. */
export function maskKey(last4: string): string {
  return `hk_…${last4}`;
}

/** `Authorization: Bearer <key>` → the key, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}

/**
 * Resolves a presented key to its principal: generated keys carry their id, so this is one
 * GetItem and a constant-time hash compare; anything else is checked against the admin key.
 * A portal token past its `expires_at` answers `expired` (its 401 says so).
 */
export async function authenticate(store: Pick<ApiKeyStore, 'get'>, adminKey: string | undefined, key: string, now: Date): Promise<Principal | 'expired' | null> {
  const m = KEY_FORMAT.exec(key);
  if (m) {
    const rec = await store.get(`key_${m[1]}`);
    if (!rec || !sameHash(rec.key_hash, sha256Hex(key))) return null;
    if (rec.expires_at !== undefined && !(now.getTime() < Date.parse(rec.expires_at))) return 'expired';
    return { key_id: rec.key_id, name: rec.name, scopes: rec.scopes, ...(rec.tenant_id ? { tenant_id: rec.tenant_id } : {}) };
  }
  if (adminKey && sameHash(sha256Hex(adminKey), sha256Hex(key))) return { key_id: ADMIN_KEY_ID, name: 'admin', scopes: ['admin'] };
  return null;
}

/** A new key or token and its record (only the hash is kept). */
function mintKey(deps: Pick<ManagementDeps, 'clock'>, actor: Actor, fields: Pick<ApiKeyRecord, 'name' | 'scopes' | 'tenant_id' | 'kind' | 'expires_at'>): { record: ApiKeyRecord; key: string } {
  const suffix = randomId(16);
  const key = `hk_${suffix}_${randomBytes(32).toString('base64url')}`;
  const record: ApiKeyRecord = {
    key_id: `key_${suffix}`,
    name: fields.name,
    scopes: [...new Set(fields.scopes)],
    key_hash: sha256Hex(key),
    key_last4: key.slice(-4),
    ...(fields.tenant_id ? { tenant_id: fields.tenant_id } : {}),
    ...(fields.kind ? { kind: fields.kind } : {}),
    ...(fields.expires_at ? { expires_at: fields.expires_at } : {}),
    created_at: deps.clock.now().toISOString(),
    created_by: actor.name,
  };
  return { record, key };
}

/** Creates a key; the full key is in the result once and only its hash is stored. */
export async function createApiKey(
  deps: Pick<ManagementDeps, 'keys' | 'audit' | 'clock' | 'ids'> & { outbound: Pick<ManagementDeps['outbound'], 'tenants'> },
  actor: Actor,
  input: { name: string; scopes: Scope[]; tenant_id?: string },
): Promise<{ record: ApiKeyRecord; key: string }> {
  if (input.tenant_id !== undefined && !(await deps.outbound.tenants.get(input.tenant_id)))
    throw new ValidationError('The tenant does not exist.', [{ path: 'tenant_id', message: `no tenant "${input.tenant_id}"` }]);
  const { record, key } = mintKey(deps, actor, input);
  await deps.keys.put(record);
  await recordAudit(deps, actor, 'key.create', { type: 'api_key', id: record.key_id }, null, keyView(record));
  return { record, key };
}

/** A key as listed: never the hash. */
export function keyView(k: ApiKeyRecord): { key_id: string; name: string; scopes: Scope[]; tenant_id?: string; kind: 'api_key' | 'portal'; expires_at?: string; key: string; created_at: string; created_by: string } {
  return {
    key_id: k.key_id,
    name: k.name,
    scopes: k.scopes,
    ...(k.tenant_id ? { tenant_id: k.tenant_id } : {}),
    kind: k.kind ?? 'api_key',
    ...(k.expires_at ? { expires_at: k.expires_at } : {}),
    key: maskKey(k.key_last4),
    created_at: k.created_at,
    created_by: k.created_by,
  };
}

export async function listApiKeys(deps: Pick<ManagementDeps, 'keys'>, limit: number, cursor?: string): Promise<Page<ReturnType<typeof keyView>>> {
  const page = await deps.keys.list(limit, cursor);
  return { items: page.items.map(keyView), next_cursor: page.next_cursor };
}

/** Revokes a key at once (the authorizer does not cache results). */
export async function revokeApiKey(deps: Pick<ManagementDeps, 'keys' | 'audit' | 'clock' | 'ids'>, actor: Actor, keyId: string): Promise<void> {
  if (keyId === ADMIN_KEY_ID) throw new ConflictError('The admin key is configured outside the API (WEBHOOKS_ADMIN_KEY or its secret); change it there.', 'admin_key');
  const before = await deps.keys.get(keyId);
  if (!before || !(await deps.keys.delete(keyId))) throw new NotFoundError('API key', keyId);
  await recordAudit(deps, actor, 'key.revoke', { type: 'api_key', id: keyId }, keyView(before), null);
}

/**
 * A subscriber-portal link for one tenant: a new token bound to the tenant (scopes read and write,
 * confined exactly like a tenant-bound key) that expires after `expiresInSeconds`, and the console
 * URL that opens portal mode with it (a 503 `console_not_deployed` when no console is deployed). The token travels in the URL's fragment, which browsers
 * never send, so it reaches no server or CDN log; the audit log keeps only its masked view. It is
 * an API key of kind `portal`: GET /api/keys lists it, DELETE /api/keys/{key_id} revokes it at once.
 */
export async function createPortalLink(
  deps: Pick<ManagementDeps, 'keys' | 'audit' | 'clock' | 'ids' | 'consoleLocation'> & { outbound: Pick<ManagementDeps['outbound'], 'tenants'> },
  actor: Actor,
  tenantId: string,
  expiresInSeconds: number,
): Promise<{ url: string; token: string; expires_at: string; key_id: string }> {
  if (!(await deps.outbound.tenants.get(tenantId))) throw new NotFoundError('Tenant', tenantId);
  // Before minting: no token is made for a link that would lead nowhere.
  const consoleUrl = await deps.consoleLocation.url();
  if (!consoleUrl) throw new ConsoleNotDeployedError();
  const expires_at = new Date(deps.clock.now().getTime() + expiresInSeconds * 1000).toISOString();
  const { record, key } = mintKey(deps, actor, { name: `portal ${tenantId}`, scopes: ['read', 'write'], tenant_id: tenantId, kind: 'portal', expires_at });
  await deps.keys.put(record);
  await recordAudit(deps, actor, 'tenant.portal_link', { type: 'api_key', id: record.key_id }, null, keyView(record));
  return { url: `${consoleUrl.replace(/\/+$/, '')}/portal#token=${encodeURIComponent(key)}`, token: key, expires_at, key_id: record.key_id };
}
