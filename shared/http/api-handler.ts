import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { ForbiddenError, MalformedJsonError, NotFoundError, PayloadTooLargeError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError, type ErrorDetail } from '../errors';
import { lambdaEntry } from '../log';
import { LIMITS } from '../model/common';
import { hasScope, type Principal, type Scope } from '../model/api-key';
import type { FunctionName } from '../resources';
import { routeKey, routes, type Route } from '../routes';
import { errorResponse, logServerError, lowerHeaders, rawBody } from './apigw';

/** What the authorizer hands over (API Gateway simple-response context: strings only). */
export interface AuthContext {
  /** `expired`: a portal token past its expires_at. */
  auth: 'ok' | 'missing' | 'invalid' | 'expired';
  key_id?: string;
  name?: string;
  /** Comma-separated scopes. */
  scopes?: string;
  /** A tenant-bound key's tenant. */
  tenant_id?: string;
}

type Event = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthContext>;

/** A parsed request: validated params, query and body, the caller, and If-Match. */
export interface Req {
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: any;
  principal: Principal;
  ifMatch?: number;
}

/** One operation of the route table. */
export type Operation<D> = (deps: D, req: Req) => Promise<APIGatewayProxyStructuredResultV2>;

function zodDetails(err: z.ZodError, prefix = ''): ErrorDetail[] {
  return err.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)', message: i.message }));
}

function principalOf(event: Event): Principal {
  const ctx = event.requestContext.authorizer?.lambda;
  if (!ctx || ctx.auth === 'missing') throw new UnauthorizedError();
  if (ctx.auth === 'expired') throw new UnauthorizedError('This portal link has expired: ask for a new one.', 'token_expired');
  if (ctx.auth !== 'ok' || !ctx.key_id) throw new UnauthorizedError('The API key is not valid.');
  return { key_id: ctx.key_id, name: ctx.name ?? ctx.key_id, scopes: (ctx.scopes ?? '').split(',').filter(Boolean) as Scope[], ...(ctx.tenant_id ? { tenant_id: ctx.tenant_id } : {}) };
}

function parseIfMatch(h: string | undefined): number | undefined {
  if (h === undefined) return undefined;
  const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(h);
  if (!m) throw new ValidationError('If-Match must be a version number, quoted or bare.', [{ path: 'If-Match', message: 'expected a version such as "3"' }]);
  return Number(m[1]);
}

function parseRequest(route: Route, event: Event, principal: Principal): Req {
  const headers = lowerHeaders(event.headers);
  const params = route.params ? route.params.safeParse(event.pathParameters ?? {}) : { success: true as const, data: event.pathParameters ?? {} };
  if (!params.success) throw new ValidationError('Invalid path parameter.', zodDetails(params.error));
  const query = route.query ? route.query.safeParse(event.queryStringParameters ?? {}) : { success: true as const, data: {} };
  if (!query.success) throw new ValidationError('Invalid query parameter.', zodDetails(query.error));
  let body: unknown;
  if (route.body) {
    const raw = rawBody(event);
    if (raw.length > LIMITS.apiBodyBytes) throw new PayloadTooLargeError(LIMITS.apiBodyBytes, [{ path: '(body)', message: `at most ${LIMITS.apiBodyBytes} bytes` }]);
    const ct = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (raw.length && ct && ct !== 'application/json' && !ct.endsWith('+json')) throw new UnsupportedMediaTypeError(ct, 'application/json');
    let json: unknown = {};
    if (raw.length) {
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch (err) {
        throw new MalformedJsonError(err);
      }
    }
    const parsed = route.body.safeParse(json);
    if (!parsed.success) {
      // A size limit (an issue carrying status 413, see BoundedJson) is a 413 naming its fields.
      const tooLarge = parsed.error.issues.filter((i) => (i as { params?: { status?: number } }).params?.status === 413);
      if (tooLarge.length) throw new PayloadTooLargeError(0, zodDetails({ issues: tooLarge } as z.ZodError), `Too large: ${zodDetails({ issues: tooLarge } as z.ZodError).map((d) => d.path).join(', ')}.`);
      throw new ValidationError('The request body is invalid.', zodDetails(parsed.error));
    }
    body = parsed.data;
  }
  return { params: params.data as Record<string, string>, query: query.data as Record<string, unknown>, body, principal, ifMatch: parseIfMatch(headers['if-match']) };
}

/**
 * A Lambda handler for the routes of `fn` in the route table: auth from the authorizer's context,
 * scope check, zod validation of path, query and body (400 with field paths), then the operation;
 * every error becomes the contract's error body. `makeDeps` runs once per container, on the first
 * request that needs it (so routes without a key, like the OpenAPI document, need no env).
 *
 * Tenant-bound keys are confined here, for every route at once: a route the table does not mark
 * `tenant` answers 403, and a marked one gets `forTenant(deps, tenant)`, deps whose stores show only
 * that tenant's records (another tenant's answer 404, as if they did not exist).
 */
export function apiHandler<D>(fn: FunctionName, operations: Record<string, Operation<D>>, makeDeps: () => D, forTenant?: (deps: D, tenant: string) => D) {
  const byKey = new Map(routes.filter((r) => r.fn === fn).map((r) => [routeKey(r), r]));
  let deps: D | undefined;
  const dispatch = async (event: Event): Promise<APIGatewayProxyStructuredResultV2> => {
    const route = byKey.get(event.routeKey) ?? byKey.get('ANY /api/{proxy+}');
    if (!route) throw new NotFoundError('Route', event.rawPath ?? '/');
    const op = operations[route.operation];
    if (route.scope === null) return op(undefined as D, { params: {}, query: {}, body: undefined, principal: { key_id: '', name: 'anonymous', scopes: [] } });
    const principal = principalOf(event);
    if (!hasScope(principal, route.scope)) throw new ForbiddenError(route.scope);
    if (principal.tenant_id !== undefined && (!route.tenant || !forTenant))
      throw new ForbiddenError(route.scope, `A tenant-bound API key cannot use ${route.method} ${route.path}.`);
    deps ??= makeDeps();
    const scoped = principal.tenant_id !== undefined ? forTenant!(deps, principal.tenant_id) : deps;
    return op(scoped, parseRequest(route, event, principal));
  };
  const run = middy<Event, APIGatewayProxyStructuredResultV2>()
    .onError(async (request) => {
      request.response = errorResponse(request.error, logServerError(undefined));
    })
    .handler(dispatch);
  // Every line the operation writes carries the invocation's Lambda request id.
  return lambdaEntry((event: Event, context?: Context) => run(event, context as Context));
}
