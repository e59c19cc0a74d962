/** The management API of a running `npm start`, as the benches drive it (admin key, JSON). */
export type AdminApi = (path: string, init?: RequestInit) => Promise<any>;

/** A JSON fetcher with the admin key that throws on any answer but 2xx. */
export function adminApi(base: string, key: string): AdminApi {
  return async (path, init = {}) => {
    const r = await fetch(`${base}${path}`, { ...init, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } });
    if (!r.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
}

/** Every item of a cursor-paginated list (`limit=100` pages, following `next_cursor`). */
export async function listAll<T = any>(api: AdminApi, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: T[]; next_cursor: string | null } = await api(`${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}
