/**
 * The signed-in API key and what its scopes allow. The key lives in sessionStorage only (never a
 * URL, cookie or localStorage), so it is gone when the tab closes. No API route reports a key's
 * scopes, so sign-in asks with cheap requests that change nothing (see README, Console).
 */
import type { Scope } from '../../shared/model/api-key';
import { ApiError, configure, rawRequest } from './api';

const STORAGE = 'hookline.api_key';

export interface Session {
  key: string;
  scopes: Set<Scope>;
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
 * `POST /api/events` body answers 400 (write allowed, nothing published) or 403 (not allowed).
 * Throws the API's error for a wrong key.
 */
export async function probeScopes(key: string): Promise<Set<Scope>> {
  if (await allowed('GET', '/api/keys?limit=1', key)) return new Set<Scope>(['admin']);
  const [read, write, agent] = await Promise.all([
    allowed('GET', '/api/event-types', key),
    allowed('POST', '/api/events', key, {}),
    allowed('GET', '/api/tasks?limit=1', key),
  ]);
  const s = new Set<Scope>();
  if (read) s.add('read');
  if (write) s.add('write');
  if (agent) s.add('agent');
  return s;
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
  configure({ key });
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE);
  configure({ key: null });
}
