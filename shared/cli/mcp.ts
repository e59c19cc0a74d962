/**
 * `hookline mcp`: a Model Context Protocol server over stdio that lets an agent drive a Hookline
 * API. Each tool is one operation of the route table (or, for claim/complete/fail, a fixed use of
 * one); its input JSON Schema is built from that route's zod schemas (path, query and body) with
 * z.toJSONSchema, so the tools cannot drift from the API. Tool errors carry the API's message and
 * every field path, so an agent can correct its call.
 */
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod';
import { routes, type Route } from '../routes';
import { version } from '../version';
import { claimTask, CliError, type Api } from './client';

type JsonSchema = Record<string, unknown>;

export interface ToolSpec {
  name: string;
  operation: string;
  description: string;
  /** Fixed body fields (complete_task sends status done); these are not part of the input. */
  fixed?: Record<string, unknown>;
  /** Body fields the tool does not offer (they are fixed or meaningless for it). */
  omit?: string[];
  /** Replaces the plain API call (claim_task reads the version first and sends If-Match). */
  run?: (api: Api, args: Record<string, unknown>) => Promise<unknown>;
}

/** The tools, in the order an agent meets them. */
export const TOOL_SPECS: ToolSpec[] = [
  { name: 'list_tasks', operation: 'listTasks', description: 'List tasks made by create_task commands, newest first; filter by agent and status (pending, claimed, done, failed).' },
  { name: 'get_task', operation: 'getTask', description: 'One task: its prompt, source event, status, result and version.' },
  {
    name: 'claim_task',
    operation: 'patchTask',
    description: 'Claim a pending task for yourself. Exclusive: of two agents claiming at once only one succeeds (If-Match on the version); the other gets an "already claimed" error and should pick another task.',
    omit: ['status', 'result'],
    fixed: { status: 'claimed' },
    run: (api, args) => claimTask(api, String(args.task_id)),
  },
  { name: 'complete_task', operation: 'patchTask', description: 'Mark a task done, with its result (any JSON: a summary, links, data).', omit: ['status'], fixed: { status: 'done' } },
  { name: 'fail_task', operation: 'patchTask', description: 'Mark a task failed, with a result that says why.', omit: ['status'], fixed: { status: 'failed' } },
  { name: 'comment_on_event', operation: 'commentOnEvent', description: "Post a comment to the event's source thread (the GitHub issue, GitLab issue, Jira ticket, Slack thread, ...)." },
  { name: 'ask_on_event', operation: 'askOnEvent', description: "Ask the source's human a question on the event's thread. The next human reply on that thread answers it: poll get_question until status is answered." },
  { name: 'respond_to_event', operation: 'respondToEvent', description: 'Answer the source immediately (a Slack response_url, else a comment on the thread).' },
  { name: 'get_question', operation: 'getQuestion', description: 'One question and, once a human replied on the thread, its answer (status answered).' },
  { name: 'list_questions', operation: 'listQuestions', description: 'Questions, newest first; filter by webhook and status (open, answered, expired).' },
  { name: 'list_webhooks', operation: 'listWebhooks', description: 'List inbound webhooks (secrets masked) with their receiver URLs and commands.' },
  { name: 'get_webhook', operation: 'getWebhook', description: "One webhook's config: provider, receiver URL, commands, reply settings, version." },
  { name: 'create_webhook', operation: 'createWebhook', description: 'Create an inbound webhook for a provider with its commands. The answer carries the secret in full, once: configure it at the provider.' },
  { name: 'update_webhook', operation: 'replaceWebhook', description: "Replace a webhook's whole config (get_webhook first; an absent secret keeps the current one). Pass if_match with the version you read to refuse a concurrent change." },
  { name: 'list_commands', operation: 'listCommands', description: "List a webhook's commands." },
  { name: 'add_command', operation: 'addCommand', description: 'Add a command (trigger, action, agent, template, conditions) to a webhook.' },
  { name: 'update_command', operation: 'updateCommand', description: 'Replace one command of a webhook.' },
  { name: 'delete_command', operation: 'deleteCommand', description: 'Delete one command of a webhook.' },
  { name: 'preview_command', operation: 'previewCommand', description: "Try a command against a stored event (event_id), a payload with its event_type, or the provider's sample event: whether it matches, why not, and the rendered template. Changes nothing." },
  { name: 'list_events', operation: 'listEvents', description: "A webhook's event log, newest first (filter by status: received, processed, ignored, failed)." },
  { name: 'get_event', operation: 'getEvent', description: 'One event with its payload, matched commands and action results.' },
  { name: 'replay_event', operation: 'replayEvent', description: 'Run the commands again on a stored event (as a new event).' },
  { name: 'publish_event', operation: 'publishEvent', description: 'Publish an event (type, data, optional id for idempotency) to every matching outbound subscription.' },
  { name: 'list_subscriptions', operation: 'listSubscriptions', description: 'List outbound subscriptions (secrets masked).' },
  { name: 'preview_subscription', operation: 'previewStoredSubscription', description: 'Whether a subscription selects an event (given as type/data, or a sample), why not, and the exact body it would be sent. Changes nothing.' },
  { name: 'pause_subscription', operation: 'pauseSubscription', description: 'Pause a subscription: deliveries published meanwhile are kept with status paused (nothing is sent, nothing is lost, for days if need be) until resume_subscription.' },
  { name: 'resume_subscription', operation: 'resumeSubscription', description: "Resume a paused subscription: its paused deliveries are sent one after the other, oldest first, in the background; then delivery goes on as usual." },
  { name: 'recover_subscription', operation: 'recoverSubscription', description: 'After an outage: re-send every failed delivery of a subscription created in [since, until) (until defaults to now) as a new attempt with the same webhook-id; answers how many were queued.' },
  { name: 'list_deliveries', operation: 'listDeliveries', description: "A subscription's deliveries, newest first (filter by status: pending, sending, success, retrying, failed, paused)." },
  { name: 'get_delivery', operation: 'getDelivery', description: 'One delivery with every attempt (status code, duration, response excerpt, error) and the exact body sent.' },
  { name: 'retry_delivery', operation: 'retryDelivery', description: 'Send a delivery again.' },
  { name: 'list_event_types', operation: 'listEventTypes', description: 'The event catalog: built-in and registered event types with their descriptions, JSON Schemas (2020-12) for data, and examples.' },
  { name: 'put_event_type', operation: 'registerEventType', description: 'Register or replace an event type: description, a JSON Schema (2020-12) its published data must satisfy, and an example that satisfies it. Pass if_match with the version you read to refuse a concurrent change.' },
  { name: 'list_tenants', operation: 'listTenants', description: 'List tenants: customers whose subscriptions receive only the events published with their tenant_id (admin key).' },
  { name: 'get_tenant', operation: 'getTenant', description: 'One tenant: name, rate_limit, metadata and version.' },
  { name: 'create_tenant', operation: 'createTenant', description: 'Create a tenant (tenant_id: lowercase letters, digits, _ and -) with a name and optional rate_limit {per_second, burst} and metadata.' },
  { name: 'update_tenant', operation: 'replaceTenant', description: "Replace a tenant's name, rate_limit and metadata (get_tenant first: absent fields are removed). Pass if_match with the version you read to refuse a concurrent change.", omit: ['tenant_id'] },
  { name: 'delete_tenant', operation: 'deleteTenant', description: 'Delete a tenant; refused (409 tenant_in_use) while any subscription belongs to it.' },
  { name: 'create_portal_link', operation: 'createPortalLink', description: "A subscriber-portal link for a tenant: a console URL that shows only that tenant's subscriptions, deliveries and event catalog, with a short-lived token in its fragment (expires_in_seconds 60 to 86400, default 3600). Hand the url to the tenant; revoke it with the key_id." },
];

/** Path parameter names as tools show them: `id` says which resource it is. */
function paramName(route: Route, name: string): string {
  if (name !== 'id') return name;
  if (route.path.startsWith('/api/webhooks/')) return 'webhook_id';
  if (route.path.startsWith('/api/subscriptions/')) return 'subscription_id';
  return name;
}

interface Part {
  properties: Record<string, JsonSchema>;
  required: string[];
  defs: Record<string, JsonSchema>;
}

/** JSON Schema (2020-12) of a zod schema as the input a caller sends; named schemas stay in $defs. */
function inputSchema(s: z.ZodType): { schema: JsonSchema; defs: Record<string, JsonSchema> } {
  const out = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const defs = (out.$defs ?? {}) as Record<string, JsonSchema>;
  delete out.$defs;
  delete out.$schema;
  if (typeof out.$ref === 'string' && out.$ref.startsWith('#/$defs/')) {
    const id = out.$ref.slice('#/$defs/'.length);
    const { [id]: root, ...rest } = defs;
    return { schema: root, defs: rest };
  }
  return { schema: out, defs };
}

function objectPart(obj: z.ZodObject | undefined, rename: (n: string) => string = (n) => n): Part {
  const part: Part = { properties: {}, required: [], defs: {} };
  if (!obj) return part;
  for (const [name, s] of Object.entries(obj.shape)) {
    const { schema, defs } = inputSchema(s as z.ZodType);
    part.properties[rename(name)] = schema;
    Object.assign(part.defs, defs);
    if (!(s as z.ZodType).safeParse(undefined).success) part.required.push(rename(name));
  }
  return part;
}

export interface Tool {
  spec: ToolSpec;
  route: Route;
  inputSchema: JsonSchema;
  /** Splits tool arguments into the request. */
  request(args: Record<string, unknown>): { method: string; path: string; body?: unknown; headers: Record<string, string> };
}

/** A tool of the route table: input = path params + query + body fields (+ if_match where the route honours it). */
export function buildTool(spec: ToolSpec): Tool {
  const route = routes.find((r) => r.operation === spec.operation);
  if (!route) throw new Error(`MCP tool ${spec.name}: no route ${spec.operation}`);
  const params = objectPart(route.params, (n) => paramName(route, n));
  const query = objectPart(route.query);
  const properties: Record<string, JsonSchema> = { ...params.properties, ...query.properties };
  const required = [...params.required, ...query.required];
  const defs: Record<string, JsonSchema> = { ...params.defs, ...query.defs };
  let bodyFields: string[] = [];
  const bodyIsObject = route.body instanceof z.ZodObject;
  if (route.body) {
    const { schema, defs: bodyDefs } = inputSchema(route.body);
    Object.assign(defs, bodyDefs);
    if (bodyIsObject && schema.type === 'object') {
      const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
      bodyFields = Object.keys(props).filter((k) => !(spec.omit ?? []).includes(k) && !(k in (spec.fixed ?? {})));
      for (const k of bodyFields) properties[k] ??= props[k];
      for (const k of (schema.required as string[] | undefined) ?? []) if (bodyFields.includes(k) && !required.includes(k)) required.push(k);
    } else {
      properties.body = schema;
      required.push('body');
    }
  }
  if (route.ifMatch && !spec.run)
    properties.if_match = { type: 'integer', minimum: 1, description: 'The version you read (get_* answers carry it): the change is refused with 412 if the resource changed since' };
  const schema: JsonSchema = { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false, ...(Object.keys(defs).length ? { $defs: defs } : {}) };
  return {
    spec,
    route,
    inputSchema: schema,
    request(args) {
      const path = route.path.replace(/\{(\w+)\}/g, (_, n: string) => {
        const v = args[paramName(route, n)];
        if (v === undefined || v === '') throw new CliError(`${paramName(route, n)} is required`, 2, 400, { code: 'validation_error', message: `${paramName(route, n)} is required`, details: [{ path: paramName(route, n), message: 'Required' }] });
        return encodeURIComponent(String(v));
      });
      const q = new URLSearchParams();
      for (const k of Object.keys(query.properties)) if (args[k] !== undefined) q.set(k, String(args[k]));
      let body: unknown;
      if (route.body) {
        if (bodyIsObject) {
          const b: Record<string, unknown> = { ...(spec.fixed ?? {}) };
          for (const k of bodyFields) if (args[k] !== undefined) b[k] = args[k];
          body = b;
        } else body = args.body;
      }
      const headers: Record<string, string> = args.if_match !== undefined ? { 'if-match': `"${args.if_match}"` } : {};
      return { method: route.method, path: `${path}${q.size ? `?${q}` : ''}`, ...(body !== undefined ? { body } : {}), headers };
    },
  };
}

export const tools = (): Tool[] => TOOL_SPECS.filter((s) => routes.some((r) => r.operation === s.operation)).map(buildTool);

function errorResult(err: unknown): CallToolResult {
  if (err instanceof CliError) {
    const lines = [err.message];
    if (err.apiError) lines.push('', JSON.stringify({ status: err.status, error: err.apiError }, null, 2));
    return { isError: true, content: [{ type: 'text', text: lines.join('\n') }] };
  }
  return { isError: true, content: [{ type: 'text', text: `Hookline MCP error: ${(err as Error).message ?? String(err)}` }] };
}

/** Local argument check against the tool's own input schema, before a request is sent. */
function checkArgs(tool: Tool, args: Record<string, unknown>): CliError | null {
  const props = tool.inputSchema.properties as Record<string, unknown>;
  const details = [
    ...(((tool.inputSchema.required as string[] | undefined) ?? []).filter((k) => args[k] === undefined).map((k) => ({ path: k, message: 'Required' }))),
    ...Object.keys(args).filter((k) => !(k in props)).map((k) => ({ path: k, message: `Unknown argument; this tool takes ${Object.keys(props).join(', ') || 'no arguments'}` })),
  ];
  if (!details.length) return null;
  return new CliError(`400 validation_error: invalid arguments for ${tool.spec.name}${details.map((d) => `\n  ${d.path}: ${d.message}`).join('')}`, 1, 400, { code: 'validation_error', message: `Invalid arguments for ${tool.spec.name}.`, details });
}

const RESOURCE_TEMPLATES = [
  { uriTemplate: 'hookline://webhooks/{webhook_id}', name: 'webhook', title: "A webhook's config", description: 'The webhook as GET /api/webhooks/{id} answers it (secrets masked)', mimeType: 'application/json' },
  { uriTemplate: 'hookline://webhooks/{webhook_id}/events/{event_id}', name: 'event', title: 'An event', description: 'One event with its payload and action results', mimeType: 'application/json' },
];

/** The MCP server for one API (URL + key); connect it to a transport. */
export function createMcpServer(api: Api): Server {
  const all = tools();
  const byName = new Map(all.map((t) => [t.spec.name, t]));
  const server = new Server(
    { name: 'hookline', version, title: 'Hookline' },
    {
      capabilities: { tools: {}, resources: {} },
      instructions:
        'Hookline turns provider webhooks (GitHub, Slack, Jira, ...) into agent tasks and sends signed outbound webhooks. Typical loop: list_tasks (status pending, your agent) -> claim_task -> get_event for the source -> ask_on_event / comment_on_event -> get_question until answered -> complete_task or fail_task. Errors name the field paths to fix.',
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: all.map((t) => ({ name: t.spec.name, title: t.spec.name.replace(/_/g, ' '), description: `${t.spec.description} (${t.route.method} ${t.route.path}, scope ${t.route.scope})`, inputSchema: t.inputSchema as { type: 'object' } })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (req): Promise<CallToolResult> => {
    const tool = byName.get(req.params.name);
    if (!tool) return errorResult(new CliError(`Unknown tool ${req.params.name}; list_tools shows ${all.length}.`));
    const args = (req.params.arguments ?? {}) as Record<string, unknown>;
    try {
      const bad = checkArgs(tool, args);
      if (bad) throw bad;
      let result: unknown;
      if (tool.spec.run) result = await tool.spec.run(api, args);
      else {
        const r = tool.request(args);
        const res = await api.request(r.method, r.path, r.body, r.headers);
        result = res.body ?? { ok: true, status: res.status };
      }
      return { content: [{ type: 'text', text: JSON.stringify(result, null, 2) }] };
    } catch (err) {
      return errorResult(err);
    }
  });
  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    const hooks = await api.call<{ items: { webhook_id: string; name: string }[] }>('GET', '/api/webhooks?limit=100').catch(() => ({ items: [] }));
    return {
      resources: [
        { uri: 'hookline://openapi', name: 'openapi', title: 'Hookline OpenAPI document', description: 'Every route, its scope and schemas', mimeType: 'application/json' },
        ...hooks.items.map((w) => ({ uri: `hookline://webhooks/${w.webhook_id}`, name: `webhook ${w.webhook_id}`, title: w.name, mimeType: 'application/json' })),
      ],
    };
  });
  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({ resourceTemplates: RESOURCE_TEMPLATES }));
  server.setRequestHandler(ReadResourceRequestSchema, async (req) => {
    const uri = req.params.uri;
    let path: string | undefined;
    if (uri === 'hookline://openapi') path = '/api/openapi.json';
    const ev = /^hookline:\/\/webhooks\/([^/]+)\/events\/([^/]+)$/.exec(uri);
    const wh = /^hookline:\/\/webhooks\/([^/]+)$/.exec(uri);
    if (ev) path = `/api/webhooks/${encodeURIComponent(decodeURIComponent(ev[1]))}/events/${encodeURIComponent(decodeURIComponent(ev[2]))}`;
    else if (wh) path = `/api/webhooks/${encodeURIComponent(decodeURIComponent(wh[1]))}`;
    if (!path) throw new Error(`Unknown resource ${uri}: use hookline://openapi, hookline://webhooks/{webhook_id} or hookline://webhooks/{webhook_id}/events/{event_id}`);
    const body = await api.call('GET', path);
    return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }] };
  });
  return server;
}

/** Serves MCP on stdin/stdout until the client closes it. */
export async function serveMcp(api: Api, transport: Transport = new StdioServerTransport()): Promise<void> {
  const server = createMcpServer(api);
  const closed = new Promise<void>((resolve) => (server.onclose = () => resolve()));
  await server.connect(transport);
  await closed;
}
