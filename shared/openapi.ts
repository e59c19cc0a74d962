import * as z from 'zod';
import { ErrorResponse } from './model/common';
import { REQUEST_EXAMPLES } from './openapi-examples';
import type { Route } from './routes';

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed JSON or an invalid field (details name each path)',
  401: 'Missing or unknown API key',
  403: 'The key lacks the scope, or the source IP is not allowed',
  404: 'Unknown id',
  409: 'Conflict with the current state (a duplicate id; a task that is not pending cannot be claimed)',
  412: 'If-Match does not match the current version',
  413: 'Body too large',
  415: 'Unsupported Content-Type',
  429: 'Rate limited (see Retry-After)',
  500: 'Internal error',
  502: 'The receiver did not accept the test delivery',
  503: 'A dependency is down; the request was not accepted, retry',
};

const ERROR_CODES: Record<number, string> = {
  400: 'validation_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'already_exists',
  412: 'version_mismatch',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
  500: 'internal_error',
  502: 'test_delivery_failed',
  503: 'service_unavailable',
};

/**
 * What zod's openapi-3.0 output needs before strict tools accept it: `nullable` only beside a
 * `type` (an untyped schema already admits null), and a lone `allOf: [{$ref}]` (zod's way of
 * adding a description to a reference) collapsed to the reference.
 */
function tidy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(tidy);
  if (!v || typeof v !== 'object') return v;
  const o = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, tidy(x)])) as Record<string, unknown>;
  if (o.nullable === true && o.type === undefined && !o.allOf && !o.$ref) delete o.nullable;
  if (Array.isArray(o.allOf) && o.allOf.length === 1 && o.nullable === undefined) {
    const { allOf, ...rest } = o;
    const only = allOf[0] as Record<string, unknown>;
    if (only.$ref && Object.keys(rest).every((k) => k === 'description' || k === 'default')) return only;
  }
  return o;
}

/**
 * JSON Schema of a zod schema for OpenAPI: schemas named with `.meta({ id })` are hoisted into
 * components.schemas and referenced (an output variant that differs gets an `Output` suffix).
 */
function converter(components: Record<string, unknown>) {
  return (s: z.ZodType, io: 'input' | 'output'): Record<string, unknown> => {
    const out = z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
    delete out.$schema;
    const defs = (out.definitions ?? {}) as Record<string, unknown>;
    delete out.definitions;
    const rename: Record<string, string> = {};
    for (const [id, def] of Object.entries(defs)) {
      const existing = components[id];
      rename[id] = existing === undefined || JSON.stringify(existing) === JSON.stringify(def) ? id : `${id}Output`;
    }
    const fix = (v: unknown): unknown =>
      tidy(JSON.parse(JSON.stringify(v).replace(/"#\/definitions\/([^"]+)"/g, (_, id: string) => `"#/components/schemas/${rename[id] ?? id}"`)));
    for (const [id, def] of Object.entries(defs)) components[rename[id]] = fix(def);
    return fix(out) as Record<string, unknown>;
  };
}

/** The OpenAPI 3 document of every route, generated from the route table's zod schemas. */
export function openApiDocument(routes: Route[], opts: { version: string; serverUrl?: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, unknown> = {};
  const schema = converter(components);
  const errorRef = schema(ErrorResponse, 'output');
  for (const r of routes) {
    if (r.method === 'ANY') continue; // the catch-all 404 is not an operation
    const parameters: unknown[] = [];
    for (const [where, obj] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!obj) continue;
      for (const [name, s] of Object.entries(obj.shape)) {
        const js = schema(s as z.ZodType, 'input');
        parameters.push({ name, in: where, required: where === 'path' || !(s as z.ZodType).safeParse(undefined).success, schema: js });
      }
    }
    if (r.ifMatch)
      parameters.push({ name: 'If-Match', in: 'header', required: false, description: 'Expected version ("3" or 3), e.g. the ETag of a GET; 412 version_mismatch when it changed meanwhile', schema: { type: 'string', example: '"3"' } });
    const content = (s: z.ZodType | null) => (s ? { content: { 'application/json': { schema: schema(s, 'output') } } } : {});
    const body = content(r.success.schema);
    const headers = r.etag ? { headers: { ETag: { description: 'The version in quotes ("3"): send it back as If-Match', schema: { type: 'string', example: '"3"' } } } } : {};
    const responses: Record<string, unknown> = {
      [String(r.success.status)]: { description: r.success.description ?? 'Success', ...headers, ...body },
    };
    for (const also of r.success.also ?? []) responses[String(also.status)] = { description: also.description, ...headers, ...(also.schema === undefined ? body : content(also.schema)) };
    // What the shared API handler answers on its own: 400 for an invalid parameter or body, 413 for a field over its limit, 415 for a non-JSON body;
    // and what the gateway answers before any handler runs: 413 for a body over its limit (every route that takes one).
    const parsed = r.scope && r.fn !== 'receiver' ? [...(r.body || r.query || r.params ? [400] : []), ...(r.body ? [413, 415] : [])] : [];
    const errs = new Set([...r.errors, ...parsed, ...(r.scope ? [401, 403] : []), 500]);
    for (const code of [...errs].sort()) {
      responses[String(code)] = {
        description: ERROR_TEXT[code] ?? 'Error',
        content: { 'application/json': { schema: errorRef, example: { error: { code: ERROR_CODES[code] ?? 'error', message: ERROR_TEXT[code] ?? 'Error', details: code === 400 ? [{ path: 'commands.0.action', message: 'Invalid option' }] : [] } } } },
      };
    }
    paths[r.path] ??= {};
    paths[r.path][r.method.toLowerCase()] = {
      operationId: r.operation,
      summary: r.summary,
      tags: [r.tag],
      ...(r.scope ? { security: [{ apiKey: [] }], 'x-hookline-scope': r.scope } : { security: [] }),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schema(r.body, 'input'), ...(REQUEST_EXAMPLES[r.operation] ? { example: REQUEST_EXAMPLES[r.operation] } : {}) } } } }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'Hookline API',
      version: opts.version,
      license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
      description: 'Inbound webhooks to agent tasks, outbound signed deliveries. Every /api route needs `Authorization: Bearer <api key>` with the scope named in x-hookline-scope.',
    },
    servers: [opts.serverUrl ? { url: opts.serverUrl } : { url: '/', description: 'The host that served this document' }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Hookline API key' } },
      schemas: components,
    },
    paths,
  };
}
