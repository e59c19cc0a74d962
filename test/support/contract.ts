/**
 * Contract check of HTTP answers against the OpenAPI document the API publishes: the route table
 * finds the operation by method and path, the status must be one the document lists, and the body
 * must match that response's schema (the success schema for 2xx, the error schema otherwise);
 * routes that declare an ETag must send one. startLocalForTest installs it on fetch for every
 * response from the stack under test, so no test can see an answer the document does not describe.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import { openApiDocument } from '../../shared/openapi';
import { matchRoute, routes } from '../../shared/routes';

type Doc = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>; components: { schemas: Record<string, unknown> } };

let doc: Doc | undefined;
const compiled = new Map<string, ValidateFunction>();
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });

function validator(path: string, method: string, status: string): ValidateFunction | null | undefined {
  doc ??= openApiDocument(routes, { version: 'contract' }) as unknown as Doc;
  const response = doc.paths[path]?.[method]?.responses[status];
  if (!response) return undefined;
  const schema = response.content?.['application/json']?.schema;
  if (!schema) return null;
  const key = `${method} ${path} ${status}`;
  let v = compiled.get(key);
  if (!v) {
    // The response schema plus the components its $refs point into.
    v = ajv.compile({ ...(schema as object), components: doc.components });
    compiled.set(key, v);
  }
  return v;
}

/** Problems with one answer ([] when it matches the document, or when the path is not an API route). */
export function contractProblems(method: string, pathname: string, status: number, headers: Headers, text: string): string[] {
  const m = matchRoute(routes, method.toUpperCase(), pathname);
  if (!m) return [];
  const route = m.route;
  const what = `${method.toUpperCase()} ${pathname} -> ${status}`;
  // The catch-all answers the contract's error body, like every other error.
  const docPath = route.method === 'ANY' ? null : route.path;
  const problems: string[] = [];
  if (docPath === null) {
    if (status !== 404) problems.push(`${what}: the catch-all route answers only 404`);
  }
  const v = docPath ? validator(docPath, route.method.toLowerCase(), String(status)) : undefined;
  if (docPath && v === undefined) return [`${what}: status ${status} is not documented for ${route.operation}`];
  const isError = status >= 400;
  const check = docPath ? v : ajv.compile({ $ref: '#/components/schemas/Error', components: (doc ??= openApiDocument(routes, { version: 'contract' }) as unknown as Doc).components });
  if (check === null) {
    if (text.length) problems.push(`${what}: ${route.operation} documents an empty body, got ${text.slice(0, 200)}`);
    return problems;
  }
  const type = headers.get('content-type') ?? '';
  if (!/json/.test(type)) {
    // The receiver's handshakes may answer text (Slack's challenge) where the document says "any".
    if (route.operation === 'receiveWebhook' && !isError) return problems;
    return [...problems, `${what}: content-type ${type || '(none)'} is not JSON`];
  }
  let body: unknown;
  try {
    body = text.length ? JSON.parse(text) : undefined;
  } catch {
    return [...problems, `${what}: the body is not JSON: ${text.slice(0, 200)}`];
  }
  if (text.length && !text.endsWith('\n')) problems.push(`${what}: a JSON body must end with a newline`);
  if (check && !check(body)) problems.push(`${what}: the body does not match ${route.operation}'s ${isError ? 'error' : 'success'} schema: ${ajv.errorsText(check.errors, { separator: '; ' })}\n${text.slice(0, 500)}`);
  if (!isError && route.etag && !/^"\d+"$/.test(headers.get('etag') ?? '')) problems.push(`${what}: ${route.operation} must answer an ETag`);
  return problems;
}

const bases = new Set<string>();
let plainFetch: typeof fetch | undefined;

/** fetch that fails (throws) when an answer from a watched base URL breaks the document; the caller still gets the response. */
async function checkedFetch(input: Parameters<typeof fetch>[0], init?: RequestInit): Promise<Response> {
  const res = await plainFetch!(input, init);
  const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  if (![...bases].some((b) => url.href.startsWith(b)) || url.pathname === '/health') return res;
  const method = init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET');
  if (method === 'HEAD' || method === 'OPTIONS') return res;
  const problems = contractProblems(method, url.pathname, res.status, res.headers, await res.clone().text());
  if (problems.length) throw new Error(`The answer breaks the OpenAPI document:\n${problems.join('\n')}`);
  return res;
}

/** Checks every fetch answer from `base` until the returned function is called. */
export function watchContract(base: string): () => void {
  if (!plainFetch) {
    plainFetch = globalThis.fetch;
    globalThis.fetch = checkedFetch as typeof fetch;
  }
  bases.add(base);
  return () => {
    bases.delete(base);
    if (!bases.size && plainFetch) {
      globalThis.fetch = plainFetch;
      plainFetch = undefined;
    }
  };
}
