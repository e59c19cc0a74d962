/**
 * The local API Gateway: turns HTTP requests into API Gateway HTTP API (payload 2.0) events,
 * runs the Lambda authorizer on routes that need an API key (passing its context on as API
 * Gateway does), invokes the same handler exports CDK bundles, and writes their responses back.
 */
import { randomUUID } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import { errorBody, HooklineError } from '../../shared/errors';
import type { FunctionName } from '../../shared/resources';
import { matchRoute, routeKey, type Route } from '../../shared/routes';
import { jsonText } from '../../shared/http/apigw';
import { lambdaContext } from './lambda-context';

type HttpHandler = (event: any, context: Context) => Promise<APIGatewayProxyResultV2>;
type Authorizer = (event: APIGatewayRequestAuthorizerEventV2) => Promise<{ isAuthorized: boolean; context?: object }>;

export interface GatewayOptions {
  routes: Route[];
  handlers: Partial<Record<FunctionName, HttpHandler>>;
  authorizer: Authorizer;
  /** Local-only routes (health, index) served before the route table. */
  extra: (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;
  log: (line: string) => void;
  maxBodyBytes?: number;
}

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|x-www-form-urlencoded|xml|javascript))/i;

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= limit) chunks.push(c);
    });
    req.on('end', () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** An answer the gateway itself gives (no handler ran): the contract's error body too. */
function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  send(res, status, jsonText(errorBody(new HooklineError(code, message, status))), { 'content-type': 'application/json', ...headers });
}
const internal = (res: ServerResponse) => sendError(res, 500, 'internal_error', 'An internal error occurred.');

/**
 * Builds the payload-2.0 event API Gateway would send for this request: a text body (a text
 * content type and valid UTF-8) as a string, anything else base64. `url` is the request's parsed URL
 * when the caller has it already.
 */
export function toApiGatewayEvent(req: IncomingMessage, body: Buffer, route: Route | null, params: Record<string, string>, url = requestUrl(req)): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const text = TEXT_TYPES.test(headers['content-type'] ?? '') && isUtf8(body);
  const now = new Date();
  const key = route ? routeKey(route) : '$default';
  return {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(params).length ? { pathParameters: params } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length ? { body: text ? body.toString('utf8') : body.toString('base64'), isBase64Encoded: !text } : { isBase64Encoded: false }),
  };
}

const requestUrl = (req: IncomingMessage) => new URL(req.url ?? '/', 'http://localhost');

function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === 'string' || !result || typeof result !== 'object' || !('statusCode' in result)) {
    // API Gateway's inference for a bare return value: 200 with the value as JSON.
    return send(res, 200, typeof result === 'string' ? result : jsonText(result), { 'content-type': 'application/json' });
  }
  const body = result.body ? (result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body)) : Buffer.alloc(0);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = String(v);
  if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
  send(res, result.statusCode ?? 200, body, headers);
}

/**
 * Binds `port` first (so a port in use fails before any data is touched) and answers 503 until
 * `serve` supplies the handlers.
 */
export async function startGateway(host: string, port: number): Promise<{ server: Server; serve(o: GatewayOptions): void }> {
  let o: GatewayOptions | undefined;
  const server = createServer(async (req, res) => {
    const started = Date.now();
    const url = requestUrl(req);
    const path = url.pathname;
    if (!o) return sendError(res, 503, 'service_unavailable', 'Hookline is starting; retry in a second.', { 'retry-after': '1' });
    try {
      if (await o.extra(req, res, path)) return;
      const match = matchRoute(o.routes, req.method ?? 'GET', path);
      if (!match) return sendError(res, 404, 'not_found', `No route for ${req.method} ${path.length > 200 ? `${path.slice(0, 200)}…` : path}.`);
      const limit = o.maxBodyBytes ?? 10 * 1024 * 1024;
      const body = await readBody(req, limit);
      if (!body) return sendError(res, 413, 'payload_too_large', `The request body exceeds ${limit} bytes.`);
      const event = toApiGatewayEvent(req, body, match.route, match.params, url);
      if (match.route.scope !== null) {
        const authEvent: APIGatewayRequestAuthorizerEventV2 = {
          version: '2.0',
          type: 'REQUEST',
          routeArn: `arn:aws:execute-api:us-east-1:000000000000:local/$default/${req.method}${path}`,
          identitySource: [],
          routeKey: event.routeKey,
          rawPath: event.rawPath,
          rawQueryString: event.rawQueryString,
          cookies: [],
          headers: event.headers,
          queryStringParameters: event.queryStringParameters ?? {},
          requestContext: event.requestContext,
          pathParameters: event.pathParameters ?? {},
          stageVariables: {},
        };
        let verdict;
        try {
          verdict = await o.authorizer(authEvent);
        } catch (err) {
          o.log(`authorizer failed: ${(err as Error).stack ?? err}`);
          return internal(res);
        }
        if (!verdict.isAuthorized) return sendError(res, 403, 'forbidden', 'The authorizer refused this request.');
        (event.requestContext as any).authorizer = { lambda: verdict.context ?? {} };
      }
      const fn = o.handlers[match.route.fn];
      if (!fn) return internal(res);
      let result: APIGatewayProxyResultV2;
      try {
        result = await fn(event, lambdaContext(match.route.fn, 30));
      } catch (err) {
        o.log(`${match.route.fn} failed: ${(err as Error).stack ?? err}`);
        return internal(res);
      }
      writeResult(res, result);
    } catch (err) {
      o.log(`gateway error: ${(err as Error).stack ?? err}`);
      if (!res.headersSent) internal(res);
    } finally {
      if (process.env.HOOKLINE_ACCESS_LOG === 'true') o.log(`${req.method} ${path} ${res.statusCode} ${Date.now() - started}ms`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { server, serve: (options) => (o = options) };
}
