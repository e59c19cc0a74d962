/**
 * The signed-in API key and what its scopes allow. The key lives in sessionStorage only (never a
 * URL, cookie or localStorage), so it is gone when the tab closes. No API route reports a key's
 * scopes, so sign-in asks with cheap requests that change nothing (see README, Console).
 */
import type { Scope } from '../../shared/model/api-key';
import { ApiError, configure, rawRequest } from './api';

const STORAGE = 'hookline.api_key';
/** `portal`: the key came from a portal link (its sign-out and refusals speak of links, not keys). */
const MODE = 'hookline.mode';

export interface Session {
  key: string;
  scopes: Set<Scope>;
  /**
   * A key bound to one tenant (a portal link's token, or a tenant-bound API key): the console is in
   * portal mode, showing that tenant's subscriptions, deliveries and the event catalog only.
   */
  tenantBound?: boolean;
}

/** admin implies every scope, write implies read (as the API's hasScope). */
export function can(s: Session | null, needed: Scope): boolean {
  if (!s) return false;
  if (s.scopes.has('admin') || s.scopes.has(needed)) return true;
  return needed === 'read' && s.scopes.has('write');
}

async function allowed(method: string, path: string, key: string, body?: unknown): Promise<boolean> {
  try {
    await rawRequest(method, path, { key, body });
    return true;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 401 || e.status === 0) throw e;
    // 403 is the scope check; anything else (400 from a deliberately empty body) means it passed.
    return e.status !== 403;
  }
}

/**
 * Checks the key and learns its scopes: the scope check runs before validation, so an empty
 * `POST /api/subscriptions` body answers 400 (write allowed, nothing created) or 403 (not allowed).
 * Throws the API's error for a wrong key. Also learns whether the key is bound to a tenant: such a
 * key reads the event catalog (a tenant route) but not the webhooks (403 for any tenant-bound key).
 */
export async function probeKey(key: string): Promise<Omit<Session, 'key'>> {
  if (await allowed('GET', '/api/keys?limit=1', key)) return { scopes: new Set<Scope>(['admin']) };
  const [read, write, agent, webhooks] = await Promise.all([
    allowed('GET', '/api/event-types', key),
    allowed('POST', '/api/subscriptions', key, {}),
    allowed('GET', '/api/tasks?limit=1', key),
    allowed('GET', '/api/webhooks?limit=1', key),
  ]);
  const s = new Set<Scope>();
  if (read) s.add('read');
  if (write) s.add('write');
  if (agent) s.add('agent');
  return { scopes: s, ...(read && !webhooks ? { tenantBound: true } : {}) };
}

/**
 * A portal link (`/portal#token=…`): the token moves from the URL's fragment (never sent to a
 * server) into sessionStorage, and the address bar is replaced by the portal's first page, so the
 * token is in neither the history nor a copied URL. Returns whether there was one.
 */
export function adoptPortalLink(): boolean {
  const token = new URLSearchParams(location.hash.replace(/^#/, '')).get('token');
  if (!token) {
    if (location.pathname === '/portal') history.replaceState(null, '', '/subscriptions');
    return false;
  }
  sessionStorage.setItem(STORAGE, token);
  sessionStorage.setItem(MODE, 'portal');
  history.replaceState(null, '', '/subscriptions');
  return true;
}

/** Whether the stored key came from a portal link. */
export function fromPortalLink(): boolean {
  try {
    return sessionStorage.getItem(MODE) === 'portal';
  } catch {
    return false;
  }
}

export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE);
  } catch {
    return null;
  }
}

export function keepKey(key: string): void {
  sessionStorage.setItem(STORAGE, key);
  sessionStorage.removeItem(MODE);
  configure({ key });
}

/** Forgets the key; `keepMode` leaves the portal flag so the refusal page still speaks of the link. */
export function forgetKey(o: { keepMode?: boolean } = {}): void {
  sessionStorage.removeItem(STORAGE);
  if (!o.keepMode) sessionStorage.removeItem(MODE);
  configure({ key: null });
}
