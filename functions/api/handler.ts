import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { z } from 'zod';
import { managementDeps } from '../../shared/adapters/aws/wiring';
import { loadEnv } from '../../shared/env';
import { ForbiddenError, MalformedJsonError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError, type ErrorDetail } from '../../shared/errors';
import { errorResponse, lowerHeaders, rawBody } from '../../shared/http/apigw';
import { hasScope, type Principal, type Scope } from '../../shared/model/api-key';
import { routeKey, routes, type Route } from '../../shared/routes';
import type { ManagementDeps } from '../../shared/usecases/deps';
import { operations, type Req } from './operations';

/** What the authorizer hands over (API Gateway simple-response context: strings only). */
export interface AuthContext {
  auth: 'ok' | 'missing' | 'invalid';
  key_id?: string;
  name?: string;
  /** Comma-separated scopes. */
  scopes?: string;
}

type Event = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthContext>;

const byKey = new Map(routes.filter((r) => r.fn === 'api').map((r) => [routeKey(r), r]));
let deps: ManagementDeps | undefined;

function zodDetails(err: z.ZodError, prefix = ''): ErrorDetail[] {
  return err.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(body)', message: i.message }));
}

function principalOf(event: Event): Principal {
  const ctx = event.requestContext.authorizer?.lambda;
  if (!ctx || ctx.auth === 'missing') throw new UnauthorizedError();
  if (ctx.auth !== 'ok' || !ctx.key_id) throw new UnauthorizedError('The API key is not valid.');
  return { key_id: ctx.key_id, name: ctx.name ?? ctx.key_id, scopes: (ctx.scopes ?? '').split(',').filter(Boolean) as Scope[] };
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
    if (!parsed.success) throw new ValidationError('The request body is invalid.', zodDetails(parsed.error));
    body = parsed.data;
  }
  return { params: params.data as Record<string, string>, query: query.data as Record<string, unknown>, body, principal, ifMatch: parseIfMatch(headers['if-match']) };
}

/** Dispatches an API Gateway v2 request by its routeKey to the route table's operation. */
async function api(event: Event): Promise<APIGatewayProxyStructuredResultV2> {
  const route = byKey.get(event.routeKey) ?? byKey.get('ANY /api/{proxy+}')!;
  const op = operations[route.operation];
  if (route.scope === null) return op(deps!, { params: {}, query: {}, body: undefined, principal: { key_id: '', name: 'anonymous', scopes: [] } });
  const principal = principalOf(event);
  if (!hasScope(principal, route.scope)) throw new ForbiddenError(route.scope);
  deps ??= (() => {
    const env = loadEnv('api');
    return managementDeps(env.resources, env.settings);
  })();
  return op(deps, parseRequest(route, event, principal));
}

/** The management API Lambda: every /api route of the route table. */
export const handler = middy<Event, APIGatewayProxyStructuredResultV2>()
  .onError(async (request) => {
    request.response = errorResponse(request.error, (e) =>
      console.error(JSON.stringify({ level: 'ERROR', message: e.message, code: e.code, cause: String((e.cause as Error)?.stack ?? e.cause) })),
    );
  })
  .handler(api);
