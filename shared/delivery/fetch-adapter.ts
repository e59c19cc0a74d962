import { guardedFetch } from './ssrf';

/**
 * A `fetch` for provider API calls that goes through the SSRF guard: the address actually
 * connected to is checked, redirects are not followed, bodies are capped at 64 KB.
 */
export function guardedFetchFn(allowPrivate: boolean, timeoutMs = 10_000): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = typeof input === 'string' || input instanceof URL ? input : input.url;
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const res = await guardedFetch(
      url,
      { method: init.method ?? 'GET', headers, body: typeof init.body === 'string' ? init.body : init.body ? Buffer.from(init.body as ArrayBuffer) : undefined },
      { allowPrivate, timeoutMs, excerptBytes: 64 * 1024 },
    );
    const h = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : String(v));
    return new Response([204, 304].includes(res.status) ? null : res.bodyExcerpt, { status: res.status, headers: h });
  }) as typeof fetch;
}
