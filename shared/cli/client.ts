/** The CLI's HTTP client: the API's error body becomes one readable message with field paths. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export interface Api {
  call<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

export function apiClient(url: string | undefined, key: string | undefined, fetchFn: typeof fetch = fetch): Api {
  if (!url) throw new CliError('No API URL: pass --url or set HOOKLINE_URL (e.g. http://127.0.0.1:3000).', 2);
  if (!key) throw new CliError('No API key: pass --key or set HOOKLINE_KEY.', 2);
  return {
    async call(method, path, body) {
      let res: Response;
      try {
        res = await fetchFn(`${url.replace(/\/$/, '')}${path}`, {
          method,
          headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      } catch (err) {
        throw new CliError(`Cannot reach ${url}: ${(err as Error).message}`);
      }
      const text = await res.text();
      const json = text ? JSON.parse(text) : null;
      if (!res.ok) {
        const e = json?.error;
        const details = (e?.details ?? []).map((d: { path: string; message: string }) => `\n  ${d.path}: ${d.message}`).join('');
        throw new CliError(`${res.status} ${e?.code ?? 'error'}: ${e?.message ?? text}${details}`);
      }
      return json;
    },
  };
}

/** Every item of a cursor-paginated list. */
export async function all<T>(api: Api, path: string): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: { items: T[]; next_cursor: string | null } = await api.call('GET', `${path}${sep}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/** A plain text table. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (!rows.length) return '(none)';
  const cell = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  const widths = columns.map((c) => Math.min(60, Math.max(c.length, ...rows.map((r) => cell(r[c]).length))));
  const line = (vals: string[]) => vals.map((v, i) => v.slice(0, widths[i]).padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join('\n');
}
