/**
 * The console's API client, typed from the route table (shared/routes.ts `RouteTable`): request
 * bodies, queries, path parameters and answers are the z.input / z.output of the very schemas the
 * API validates with, so a field renamed in the API breaks this type check, not the console's
 * users. Only types are imported: no zod or server code reaches the bundle.
 */
import type { z } from 'zod';
import type { RouteTable } from '../../shared/routes';

type AnyRoute = RouteTable[number];
/** Operations a person reaches from the console (the receiver and the fallback 404 are not API calls). */
export type OperationName = Exclude<AnyRoute['operation'], 'receiveWebhook' | 'notFound'>;
type RouteOf<N> = Extract<AnyRoute, { operation: N }>;
type SchemaOut<S> = S extends z.ZodType ? z.output<S> : null;

/** The success body of an operation (`null` for 204). */
export type Res<N extends OperationName> = SchemaOut<RouteOf<N>['success']['schema']>;
/** The body an operation accepts. */
export type Body<N extends OperationName> = RouteOf<N> extends { body: infer B extends z.ZodType } ? z.input<B> : never;
type Query<N extends OperationName> = RouteOf<N> extends { query: infer Q extends z.ZodType } ? Partial<z.input<Q>> : never;
type Params<N extends OperationName> = RouteOf<N> extends { params: infer P extends z.ZodType } ? z.output<P> : never;

/** What a call takes: path parameters are required when the route has any. */
export type Args<N extends OperationName> = ([Params<N>] extends [never] ? { params?: undefined } : { params: Params<N> }) & {
  query?: Query<N>;
  body?: Body<N>;
  ifMatch?: number;
};

/**
 * Method and path of every operation the console calls. The `satisfies` clause checks each entry
 * against the route table, so a moved route fails the type check here.
 */
const OPS = {
  getOpenApi: ['GET', '/api/openapi.json'],
  listKeys: ['GET', '/api/keys'],
  createKey: ['POST', '/api/keys'],
  deleteKey: ['DELETE', '/api/keys/{key_id}'],
  listWebhooks: ['GET', '/api/webhooks'],
  createWebhook: ['POST', '/api/webhooks'],
  getWebhook: ['GET', '/api/webhooks/{id}'],
  replaceWebhook: ['PUT', '/api/webhooks/{id}'],
  deleteWebhook: ['DELETE', '/api/webhooks/{id}'],
  enableWebhook: ['POST', '/api/webhooks/{id}/enable'],
  disableWebhook: ['POST', '/api/webhooks/{id}/disable'],
  rotateWebhookSecret: ['POST', '/api/webhooks/{id}/rotate-secret'],
  testWebhook: ['POST', '/api/webhooks/{id}/test'],
  listBackups: ['GET', '/api/webhooks/{id}/backups'],
  restoreWebhook: ['POST', '/api/webhooks/{id}/restore'],
  previewCommand: ['POST', '/api/webhooks/{id}/commands/preview'],
  previewUnsavedCommand: ['POST', '/api/commands/preview'],
  listEvents: ['GET', '/api/webhooks/{id}/events'],
  getEvent: ['GET', '/api/webhooks/{id}/events/{event_id}'],
  replayEvent: ['POST', '/api/webhooks/{id}/events/{event_id}/replay'],
  listTasks: ['GET', '/api/tasks'],
  getTask: ['GET', '/api/tasks/{task_id}'],
  listQuestions: ['GET', '/api/questions'],
  getQuestion: ['GET', '/api/questions/{question_id}'],
  listSubscriptions: ['GET', '/api/subscriptions'],
  createSubscription: ['POST', '/api/subscriptions'],
  getSubscription: ['GET', '/api/subscriptions/{id}'],
  replaceSubscription: ['PUT', '/api/subscriptions/{id}'],
  deleteSubscription: ['DELETE', '/api/subscriptions/{id}'],
  listDeliveries: ['GET', '/api/subscriptions/{id}/deliveries'],
  subscriptionStats: ['GET', '/api/subscriptions/{id}/stats'],
  getDelivery: ['GET', '/api/deliveries/{delivery_id}'],
  retryDelivery: ['POST', '/api/deliveries/{delivery_id}/retry'],
  rotateSubscriptionSecret: ['POST', '/api/subscriptions/{id}/rotate-secret'],
  testSubscription: ['POST', '/api/subscriptions/{id}/test'],
  pauseSubscription: ['POST', '/api/subscriptions/{id}/pause'],
  resumeSubscription: ['POST', '/api/subscriptions/{id}/resume'],
  verifySubscription: ['POST', '/api/subscriptions/{id}/verify'],
  listEventTypes: ['GET', '/api/event-types'],
  createPortalLink: ['POST', '/api/tenants/{tenant_id}/portal-link'],
  queueStats: ['GET', '/api/queues/stats'],
  redriveDlq: ['POST', '/api/queues/dlq/redrive'],
  publishEvent: ['POST', '/api/events'],
  listImports: ['GET', '/api/config/imports'],
  listAudit: ['GET', '/api/audit'],
} as const satisfies { [N in OperationName]?: readonly [RouteOf<N>['method'], RouteOf<N>['path']] };

/** Operations this console calls (every key of the table above). */
export type Op = keyof typeof OPS & OperationName;

/** One `{path, message}` of the contract's error body. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** An answer that was not a success: the contract's error body, or a network failure (status 0). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

/** A successful answer with the ETag's version, when the route sends one. */
export interface Answer<T> {
  data: T;
  version?: number;
  status: number;
}

let base = '';
let key: string | null = null;
let onUnauthorized: (message: string, error: ApiError) => void = () => undefined;

/** Where the API is (`""`: this origin) and which key to send. */
export function configure(o: { apiUrl?: string; key?: string | null; onUnauthorized?: (message: string, error: ApiError) => void }): void {
  if (o.apiUrl !== undefined) base = o.apiUrl.replace(/\/+$/, '');
  if (o.key !== undefined) key = o.key;
  if (o.onUnauthorized) onUnauthorized = o.onUnauthorized;
}

/** `/api/webhooks/{id}` with `{id: "a b"}` -> `/api/webhooks/a%20b`. */
export function fillPath(path: string, params: Record<string, unknown> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const v = params[name];
    if (v === undefined || v === null || v === '') throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(v));
  });
}

function queryString(q: Record<string, unknown> | undefined): string {
  if (!q) return '';
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== '') sp.set(k, String(v));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** Sends one request with an explicit key (sign-in probes the key before keeping it). */
export async function rawRequest(method: string, path: string, o: { body?: unknown; key?: string | null; ifMatch?: number } = {}): Promise<Answer<unknown>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const k = o.key === undefined ? key : o.key;
  if (k) headers.authorization = `Bearer ${k}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  if (o.ifMatch !== undefined) headers['if-match'] = `"${o.ifMatch}"`;
  let res: Response;
  try {
    res = await fetch(`${base}${path}`, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  } catch (err) {
    throw new ApiError(0, 'network_error', `The API could not be reached (${(err as Error).message}). Check that Hookline is running.`);
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: ErrorDetail[] }; message?: string } | null) ?? {};
    const err = new ApiError(res.status, e.error?.code ?? `http_${res.status}`, e.error?.message ?? e.message ?? `The API answered ${res.status} ${res.statusText}.`, e.error?.details ?? []);
    if (res.status === 401 && k === key && key) onUnauthorized(err.message, err);
    throw err;
  }
  const etag = /^(?:W\/)?"?(\d+)"?$/.exec(res.headers.get('etag') ?? '');
  return { data, status: res.status, ...(etag ? { version: Number(etag[1]) } : {}) };
}

/** Calls one operation of the route table with the signed-in key. */
export async function call<N extends Op>(op: N, args: Args<N> = {} as Args<N>): Promise<Answer<Res<N>>> {
  const [method, path] = OPS[op];
  const a = args as { params?: Record<string, unknown>; query?: Record<string, unknown>; body?: unknown; ifMatch?: number };
  const url = fillPath(path, a.params) + queryString(a.query);
  const body = a.body === undefined && method === 'POST' ? {} : a.body;
  return (await rawRequest(method, url, { body, ifMatch: a.ifMatch })) as Answer<Res<N>>;
}

/** The data of one operation's answer. */
export async function get<N extends Op>(op: N, args?: Args<N>): Promise<Res<N>> {
  return (await call(op, args)).data;
}
