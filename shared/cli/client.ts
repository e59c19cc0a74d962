/** The CLI's and the MCP server's HTTP client: the API's error body becomes one readable message with field paths. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details: { path: string; message: string }[];
}

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
    /** The HTTP status and the contract's error body when the API refused. */
    readonly status?: number,
    readonly apiError?: ApiErrorBody,
  ) {
    super(message);
  }
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface Api {
  call<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  /** Like `call`, with the status and headers (e.g. ETag). */
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
}

export function apiClient(url: string | undefined, key: string | undefined, fetchFn: typeof fetch = fetch): Api {
  if (!url) throw new CliError('No API URL: pass --url or set HOOKLINE_URL (e.g. http://127.0.0.1:3000).', 2);
  if (!key) throw new CliError('No API key: pass --key or set HOOKLINE_KEY.', 2);
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> => {
    let res: Response;
    try {
      res = await fetchFn(`${url.replace(/\/$/, '')}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      throw new CliError(`Cannot reach ${url}: ${(err as Error).message}`);
    }
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    if (!res.ok) {
      const e = json?.error as ApiErrorBody | undefined;
      const details = (e?.details ?? []).map((d) => `\n  ${d.path}: ${d.message}`).join('');
      throw new CliError(`${res.status} ${e?.code ?? 'error'}: ${e?.message ?? text}${details}`, 1, res.status, e ? { code: e.code, message: e.message, details: e.details ?? [] } : undefined);
    }
    return { status: res.status, headers: res.headers, body: json };
  };
  return {
    request,
    async call(method, path, body, headers) {
      return (await request(method, path, body, headers)).body;
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

/**
 * Claims a pending task for one caller only: reads its version, then PATCHes with If-Match, so of
 * two agents claiming at once exactly one wins; the other gets a clear 409-style CliError.
 */
export async function claimTask(api: Api, taskId: string): Promise<Record<string, unknown>> {
  const path = `/api/tasks/${encodeURIComponent(taskId)}`;
  const current = await api.call<{ status: string; version: number }>('GET', path);
  const taken = (status: string) => new CliError(`Task ${taskId} is already ${status}: someone else was faster. Pick another pending task.`, 1, 409, { code: 'already_claimed', message: `Task ${taskId} is already ${status}.`, details: [{ path: 'status', message: `is ${status}, not pending` }] });
  if (current.status !== 'pending') throw taken(current.status);
  try {
    return await api.call('PATCH', path, { status: 'claimed' }, { 'if-match': `"${current.version}"` });
  } catch (err) {
    if (err instanceof CliError && (err.status === 412 || err.apiError?.code === 'already_claimed')) {
      const now = await api.call<{ status: string }>('GET', path).catch(() => ({ status: 'changed' }));
      throw taken(now.status);
    }
    throw err;
  }
}

/**
 * A plain text table. Ids, keys, secrets, URLs and every other column are printed whole; only the
 * free-text columns named in `text` (prompts, questions, descriptions) are shortened, with an ellipsis.
 */
export function table(rows: Record<string, unknown>[], columns: string[], text: string[] = [], maxText = 60): string {
  if (!rows.length) return '(none)';
  const cell = (c: string, v: unknown) => {
    const s = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (!text.includes(c)) return s;
    const one = s.replace(/\s+/g, ' ').trim();
    return one.length > maxText ? `${one.slice(0, maxText - 1)}…` : one;
  };
  const cells = rows.map((r) => columns.map((c) => cell(c, r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}
