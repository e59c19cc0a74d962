/**
 * The route table: every HTTP route Hookline serves, with the function behind it, the scope
 * it needs and the zod schemas of its request and response. The CDK stack creates one API
 * Gateway route per entry, the local stack serves the same entries, the API handler dispatches
 * on `routeKey`, and /api/openapi.json is generated from it.
 */
import * as z from 'zod';
import type { FunctionName } from './resources';
import type { Scope } from './model/api-key';
import { ApiKeyCreate, ApiKeyCreated, ApiKeyView, PortalLink, PortalLinkInput } from './model/api-key';
import { AuditEntry, AuditQuery } from './model/audit';
import { IsoTime, ListQuery, Page, ResourceId, Warnings } from './model/common';
import { CommandPreview, CommandPreviewInput, UnsavedCommandPreviewInput } from './model/command-preview';
import { EventDetail, EventListQuery, EventSummary } from './model/event';
import { TaskListQuery, TaskPatch, TaskView } from './model/task';
import { TenantCreate, TenantId, TenantReplace, TenantView } from './model/tenant';
import { EventTypeInput, EventTypeView } from './model/event-type';
import { QuestionListQuery, QuestionView } from './model/question';
import { DeliveryDetail, DeliveryRetried, DeliveryStatus, DeliverySummary, PublishInput, PublishResultView, RecoverInput, RecoverResult, SubscriptionCreate, SubscriptionPreview, SubscriptionPreviewById, SubscriptionPreviewInput, SubscriptionRotateInput, SubscriptionStats, SubscriptionTestResult, SubscriptionVerifyResult, SubscriptionView } from './model/subscription';
import { Command, CommandInput, CommandSaved, RotateSecretInput, WebhookCreate, WebhookId, WebhookReplace, WebhookView } from './model/webhook';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';

export interface Route {
  method: Method;
  /** API Gateway path syntax: `/api/webhooks/{id}`. */
  path: string;
  fn: FunctionName;
  /** Unique operation name: the API handler's dispatch key and the OpenAPI operationId. */
  operation: string;
  /** Scope the API key needs; `null` for routes without an API key. */
  scope: Scope | null;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Success status and body schema (`null`: empty body); `also`: other success statuses (same body unless `schema` says). */
  success: { status: number; schema: z.ZodType | null; description?: string; also?: { status: number; description: string; schema?: z.ZodType | null }[] };
  /** Honours `If-Match` (a version; 412 when it does not match). */
  ifMatch?: boolean;
  /** Answers an `ETag` header (the version in quotes) with its success. */
  etag?: boolean;
  /**
   * A tenant-bound key may use it (its records limited to the key's tenant); every other route
   * answers such a key 403.
   */
  tenant?: boolean;
  /** Error statuses this route can answer besides 401/403/500. */
  errors: number[];
}

const WebhookParams = z.object({ id: WebhookId });
const CommandParams = z.object({ id: WebhookId, cmd_id: ResourceId });
const EventParams = z.object({ id: WebhookId, event_id: ResourceId });
const KeyParams = z.object({ key_id: ResourceId });
const SubParams = z.object({ id: ResourceId });
const DeliveryParams = z.object({ delivery_id: ResourceId });
const DeliveryListQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(25), cursor: z.string().max(2048).optional(), status: DeliveryStatus.optional() });
const TaskParams = z.object({ task_id: ResourceId });
const TenantParams = z.object({ tenant_id: TenantId });
const SubscriptionListQuery = ListQuery.extend({ tenant_id: TenantId.optional().meta({ description: "Only this tenant's subscriptions (read through the tenant's index, as publishing does)" }) });
const ReceiverParams = z.object({ provider: z.string(), webhook_id: z.string() });

const Received = z
  .object({ received: z.literal(true), event_id: z.string().meta({ example: 'evt_8f14e45fceea167a5a36dedd4b' }) })
  .meta({ id: 'Received' });

const CommentInput = z.object({ event_id: ResourceId, message: z.string().min(1).max(60_000) }).strict().meta({ id: 'CommentInput' });
const AskInput = z.object({ event_id: ResourceId, question: z.string().min(1).max(60_000), agent: z.string().min(1).max(100).optional() }).strict().meta({ id: 'AskInput' });
const RespondInput = z.object({ event_id: ResourceId, response: z.string().min(1).max(60_000) }).strict().meta({ id: 'RespondInput' });
const InteractiveResult = z
  .object({ command_id: z.string(), action: z.string(), status: z.enum(['succeeded', 'failed', 'skipped']), result: z.record(z.string(), z.unknown()).optional(), error: z.string().optional() })
  .meta({ id: 'ActionResult' });

const TestResult = z.object({ event_id: z.string(), receiver_status: z.number().int() }).meta({ id: 'TestResult' });
const BackupList = z.object({ items: z.array(z.object({ version: z.number().int(), at: IsoTime, bytes: z.number().int() })), next_cursor: z.null() }).meta({ id: 'BackupList' });
const CommandList = z.object({ items: z.array(Command), next_cursor: z.null() }).meta({ id: 'CommandList' });
const EventTypeList = z.object({ items: z.array(EventTypeView), next_cursor: z.null() }).meta({ id: 'EventTypeList' });
const QueueStats = z
  .object({ items: z.array(z.object({ queue: z.string(), visible: z.number().int(), in_flight: z.number().int(), delayed: z.number().int(), dlq: z.number().int().nullable() })), next_cursor: z.null() })
  .meta({ id: 'QueueStats' });
const RedriveResult = z.object({ queue: z.string(), moved: z.number().int() }).meta({ id: 'RedriveResult' });
const ImportResult = z
  .object({ file: z.string(), status: z.enum(['applied', 'rejected']), webhook_id: z.string().nullable(), errors: z.array(z.object({ path: z.string(), message: z.string() })), warnings: Warnings, at: IsoTime, changed: z.boolean() })
  .meta({ id: 'ImportResult' });
const OpenApiDocument = z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.record(z.string(), z.unknown()) }).meta({ id: 'OpenApiDocument' });

/** One entry; `const` keeps each entry's literal operation, path and schema types for {@link RouteTable}. */
function r<const R extends Omit<Route, 'errors'> & { errors?: number[] }>(route: R): R & Route {
  return { errors: [], ...route };
}

const table = [
  r({ method: 'GET', path: '/api/openapi.json', fn: 'api', operation: 'getOpenApi', scope: null, tag: 'meta', summary: 'OpenAPI 3 document of every route', success: { status: 200, schema: OpenApiDocument } }),

  // API keys
  r({ method: 'GET', path: '/api/keys', fn: 'api', operation: 'listKeys', scope: 'admin', tag: 'keys', summary: 'List API keys (masked)', query: ListQuery, success: { status: 200, schema: Page(ApiKeyView) } }),
  r({ method: 'POST', path: '/api/keys', fn: 'api', operation: 'createKey', scope: 'admin', tag: 'keys', summary: 'Create an API key; the full key is returned once', body: ApiKeyCreate, success: { status: 201, schema: ApiKeyCreated }, errors: [400] }),
  r({ method: 'DELETE', path: '/api/keys/{key_id}', fn: 'api', operation: 'deleteKey', scope: 'admin', tag: 'keys', summary: 'Revoke an API key', params: KeyParams, success: { status: 204, schema: null }, errors: [404, 409] }),

  // Webhooks
  r({ method: 'GET', path: '/api/webhooks', fn: 'api', operation: 'listWebhooks', scope: 'read', tag: 'webhooks', summary: 'List webhooks', query: ListQuery, success: { status: 200, schema: Page(WebhookView) } }),
  r({ method: 'POST', path: '/api/webhooks', fn: 'api', operation: 'createWebhook', etag: true, scope: 'write', tag: 'webhooks', summary: 'Create a webhook; the secret is returned in full once', body: WebhookCreate, success: { status: 201, schema: WebhookView }, errors: [400, 409] }),
  r({ method: 'GET', path: '/api/webhooks/{id}', fn: 'api', operation: 'getWebhook', etag: true, scope: 'read', tag: 'webhooks', summary: 'Webhook details', params: WebhookParams, success: { status: 200, schema: WebhookView }, errors: [404] }),
  r({ method: 'PUT', path: '/api/webhooks/{id}', fn: 'api', operation: 'replaceWebhook', ifMatch: true, etag: true, scope: 'write', tag: 'webhooks', summary: 'Replace a webhook (If-Match optional)', params: WebhookParams, body: WebhookReplace, success: { status: 200, schema: WebhookView }, errors: [400, 404, 412] }),
  r({ method: 'DELETE', path: '/api/webhooks/{id}', fn: 'api', operation: 'deleteWebhook', ifMatch: true, scope: 'write', tag: 'webhooks', summary: 'Delete a webhook', params: WebhookParams, success: { status: 204, schema: null }, errors: [404, 412] }),
  r({ method: 'POST', path: '/api/webhooks/{id}/enable', fn: 'api', operation: 'enableWebhook', ifMatch: true, etag: true, scope: 'write', tag: 'webhooks', summary: 'Enable a webhook', params: WebhookParams, success: { status: 200, schema: WebhookView }, errors: [404, 412] }),
  r({ method: 'POST', path: '/api/webhooks/{id}/disable', fn: 'api', operation: 'disableWebhook', ifMatch: true, etag: true, scope: 'write', tag: 'webhooks', summary: 'Disable a webhook (its receiver answers 404 webhook_disabled)', params: WebhookParams, success: { status: 200, schema: WebhookView }, errors: [404, 412] }),
  r({ method: 'POST', path: '/api/webhooks/{id}/rotate-secret', fn: 'api', operation: 'rotateWebhookSecret', ifMatch: true, etag: true, scope: 'write', tag: 'webhooks', summary: 'New secret; the old one stays valid for grace_seconds', params: WebhookParams, body: RotateSecretInput, success: { status: 200, schema: WebhookView }, errors: [400, 404, 412] }),

  r({ method: 'POST', path: '/api/webhooks/{id}/test', fn: 'api', operation: 'testWebhook', scope: 'write', tag: 'webhooks', summary: "Send a correctly signed sample event of the webhook's provider through the real receiver", params: WebhookParams, success: { status: 202, schema: TestResult, description: 'The receiver accepted the sample event' }, errors: [404, 409, 502] }),

  r({ method: 'GET', path: '/api/webhooks/{id}/backups', fn: 'api', operation: 'listBackups', scope: 'read', tag: 'webhooks', summary: 'Backed-up versions of a webhook config in S3, newest first (also of a deleted webhook)', params: WebhookParams, success: { status: 200, schema: BackupList }, errors: [404] }),
  r({ method: 'POST', path: '/api/webhooks/{id}/restore', fn: 'api', operation: 'restoreWebhook', etag: true, scope: 'write', tag: 'webhooks', summary: 'Restore a backed-up version (re-creates a deleted webhook, keeping its secret)', params: WebhookParams, body: z.object({ version: z.number().int().min(1) }).strict(), success: { status: 200, schema: WebhookView }, errors: [400, 404] }),

  // Commands
  r({ method: 'GET', path: '/api/webhooks/{id}/commands', fn: 'api', operation: 'listCommands', etag: true, scope: 'read', tag: 'commands', summary: "List a webhook's commands", params: WebhookParams, success: { status: 200, schema: CommandList }, errors: [404] }),
  r({ method: 'POST', path: '/api/webhooks/{id}/commands', fn: 'api', operation: 'addCommand', ifMatch: true, scope: 'write', tag: 'commands', summary: 'Add a command', params: WebhookParams, body: CommandInput, success: { status: 201, schema: CommandSaved }, errors: [400, 404, 409, 412] }),
  r({ method: 'POST', path: '/api/webhooks/{id}/commands/preview', fn: 'api', operation: 'previewCommand', scope: 'read', tag: 'commands', summary: "Try a command on a stored event, a payload or the provider's sample event, with the consumer's matching and rendering; changes nothing", params: WebhookParams, body: CommandPreviewInput, success: { status: 200, schema: CommandPreview }, errors: [400, 404] }),
  r({ method: 'POST', path: '/api/commands/preview', fn: 'api', operation: 'previewUnsavedCommand', scope: 'read', tag: 'commands', summary: "Try a command for a webhook not saved yet (its provider), on a payload or the provider's sample event, with the consumer's matching and rendering; changes nothing", body: UnsavedCommandPreviewInput, success: { status: 200, schema: CommandPreview }, errors: [400] }),
  r({ method: 'PUT', path: '/api/webhooks/{id}/commands/{cmd_id}', fn: 'api', operation: 'updateCommand', ifMatch: true, scope: 'write', tag: 'commands', summary: 'Replace a command', params: CommandParams, body: CommandInput, success: { status: 200, schema: CommandSaved }, errors: [400, 404, 412] }),
  r({ method: 'DELETE', path: '/api/webhooks/{id}/commands/{cmd_id}', fn: 'api', operation: 'deleteCommand', ifMatch: true, scope: 'write', tag: 'commands', summary: 'Delete a command', params: CommandParams, success: { status: 204, schema: null }, errors: [404, 412] }),

  // Event log
  r({ method: 'GET', path: '/api/webhooks/{id}/events', fn: 'api', operation: 'listEvents', scope: 'read', tag: 'events', summary: 'Event log, newest first (?status=)', params: WebhookParams, query: EventListQuery, success: { status: 200, schema: Page(EventSummary) }, errors: [404] }),
  r({ method: 'GET', path: '/api/webhooks/{id}/events/{event_id}', fn: 'api', operation: 'getEvent', scope: 'read', tag: 'events', summary: 'One event with its payload and action results', params: EventParams, success: { status: 200, schema: EventDetail }, errors: [404] }),

  // Tasks (from create_task)
  r({ method: 'GET', path: '/api/tasks', fn: 'api', operation: 'listTasks', scope: 'agent', tag: 'tasks', summary: 'Tasks, newest first (?agent=&status=)', query: TaskListQuery, success: { status: 200, schema: Page(TaskView) }, errors: [400] }),
  r({ method: 'GET', path: '/api/tasks/{task_id}', fn: 'api', operation: 'getTask', etag: true, scope: 'agent', tag: 'tasks', summary: 'One task', params: TaskParams, success: { status: 200, schema: TaskView }, errors: [404] }),
  r({ method: 'PATCH', path: '/api/tasks/{task_id}', fn: 'api', operation: 'patchTask', ifMatch: true, etag: true, scope: 'agent', tag: 'tasks', summary: 'Claim, finish or fail a task: {"status","result"} (If-Match optional); claiming is exclusive: a task that is not pending answers 409 already_claimed', params: TaskParams, body: TaskPatch, success: { status: 200, schema: TaskView }, errors: [400, 404, 409, 412] }),

  // Interactive actions (agents answer the source of an event)
  r({ method: 'POST', path: '/api/webhooks/{id}/comment', fn: 'interactive', operation: 'commentOnEvent', scope: 'agent', tag: 'interactive', summary: "Post a comment to the event's source thread", params: WebhookParams, body: CommentInput, success: { status: 200, schema: InteractiveResult }, errors: [400, 404, 422, 429, 502, 503] }),
  r({ method: 'POST', path: '/api/webhooks/{id}/ask', fn: 'interactive', operation: 'askOnEvent', scope: 'agent', tag: 'interactive', summary: "Ask the source's human a question; the next human reply on the thread answers it", params: WebhookParams, body: AskInput, success: { status: 201, schema: QuestionView }, errors: [400, 404, 422, 429, 502, 503] }),
  r({ method: 'POST', path: '/api/webhooks/{id}/respond', fn: 'interactive', operation: 'respondToEvent', scope: 'agent', tag: 'interactive', summary: "Answer the source immediately (Slack response_url, else the thread)", params: WebhookParams, body: RespondInput, success: { status: 200, schema: InteractiveResult }, errors: [400, 404, 422, 429, 502, 503] }),
  r({ method: 'POST', path: '/api/webhooks/{id}/events/{event_id}/replay', fn: 'interactive', operation: 'replayEvent', scope: 'write', tag: 'events', summary: 'Run the commands again on a stored event (as a new event)', params: EventParams, success: { status: 202, schema: Received }, errors: [404, 503] }),
  r({ method: 'GET', path: '/api/questions', fn: 'interactive', operation: 'listQuestions', scope: 'agent', tag: 'interactive', summary: 'Questions, newest first (?webhook_id=&status=)', query: QuestionListQuery, success: { status: 200, schema: Page(QuestionView) } }),
  r({ method: 'GET', path: '/api/questions/{question_id}', fn: 'interactive', operation: 'getQuestion', scope: 'agent', tag: 'interactive', summary: 'One question', params: z.object({ question_id: ResourceId }), success: { status: 200, schema: QuestionView }, errors: [404] }),

  // Tenants (outbound for many customers)
  r({ method: 'GET', path: '/api/tenants', fn: 'api', operation: 'listTenants', scope: 'admin', tag: 'tenants', summary: 'List tenants', query: ListQuery, success: { status: 200, schema: Page(TenantView) } }),
  r({ method: 'POST', path: '/api/tenants', fn: 'api', operation: 'createTenant', etag: true, scope: 'admin', tag: 'tenants', summary: 'Create a tenant: a customer whose subscriptions receive only the events published with its tenant_id', body: TenantCreate, success: { status: 201, schema: TenantView }, errors: [400, 409] }),
  r({ method: 'GET', path: '/api/tenants/{tenant_id}', fn: 'api', operation: 'getTenant', etag: true, scope: 'admin', tag: 'tenants', summary: 'One tenant', params: TenantParams, success: { status: 200, schema: TenantView }, errors: [404] }),
  r({ method: 'PUT', path: '/api/tenants/{tenant_id}', fn: 'api', operation: 'replaceTenant', ifMatch: true, etag: true, scope: 'admin', tag: 'tenants', summary: 'Replace a tenant (If-Match optional)', params: TenantParams, body: TenantReplace, success: { status: 200, schema: TenantView }, errors: [400, 404, 412] }),
  r({ method: 'DELETE', path: '/api/tenants/{tenant_id}', fn: 'api', operation: 'deleteTenant', ifMatch: true, scope: 'admin', tag: 'tenants', summary: 'Delete a tenant without subscriptions (409 tenant_in_use while any refers to it)', params: TenantParams, success: { status: 204, schema: null }, errors: [404, 409, 412] }),
  r({ method: 'POST', path: '/api/tenants/{tenant_id}/portal-link', fn: 'api', operation: 'createPortalLink', scope: 'write', tag: 'tenants', summary: "A subscriber-portal link: the console in portal mode for this tenant only, with a short-lived tenant-bound token in the URL's fragment (revoke it with DELETE /api/keys/{key_id}); 503 console_not_deployed while no console is deployed", params: TenantParams, body: PortalLinkInput, success: { status: 201, schema: PortalLink }, errors: [400, 404, 503] }),

  // Outbound: subscriptions, publishing, deliveries
  r({ method: 'GET', path: '/api/subscriptions', fn: 'api', operation: 'listSubscriptions', tenant: true, scope: 'read', tag: 'subscriptions', summary: 'List subscriptions (?tenant_id= for one tenant\'s)', query: SubscriptionListQuery, success: { status: 200, schema: Page(SubscriptionView) } }),
  r({ method: 'POST', path: '/api/subscriptions', fn: 'api', operation: 'createSubscription', tenant: true, etag: true, scope: 'write', tag: 'subscriptions', summary: 'Subscribe a URL to event patterns; the secret is returned in full once', body: SubscriptionCreate, success: { status: 201, schema: SubscriptionView }, errors: [400, 409] }),
  r({ method: 'GET', path: '/api/subscriptions/{id}', fn: 'api', operation: 'getSubscription', tenant: true, etag: true, scope: 'read', tag: 'subscriptions', summary: 'One subscription', params: SubParams, success: { status: 200, schema: SubscriptionView }, errors: [404] }),
  r({ method: 'PUT', path: '/api/subscriptions/{id}', fn: 'api', operation: 'replaceSubscription', tenant: true, ifMatch: true, etag: true, scope: 'write', tag: 'subscriptions', summary: 'Replace a subscription (If-Match optional)', params: SubParams, body: SubscriptionCreate, success: { status: 200, schema: SubscriptionView }, errors: [400, 404, 412] }),
  r({ method: 'DELETE', path: '/api/subscriptions/{id}', fn: 'api', operation: 'deleteSubscription', tenant: true, scope: 'write', tag: 'subscriptions', summary: 'Delete a subscription', params: SubParams, success: { status: 204, schema: null }, errors: [404] }),
  r({ method: 'GET', path: '/api/subscriptions/{id}/deliveries', fn: 'api', operation: 'listDeliveries', tenant: true, scope: 'read', tag: 'subscriptions', summary: "A subscription's deliveries, newest first (?status=)", params: SubParams, query: DeliveryListQuery, success: { status: 200, schema: Page(DeliverySummary) }, errors: [404] }),
  r({ method: 'GET', path: '/api/subscriptions/{id}/stats', fn: 'api', operation: 'subscriptionStats', tenant: true, scope: 'read', tag: 'subscriptions', summary: 'Success rate, latency p50/p95 and retries over ?window_hours= (default 24)', params: SubParams, query: z.object({ window_hours: z.coerce.number().int().min(1).max(24 * 30).default(24) }), success: { status: 200, schema: SubscriptionStats }, errors: [404] }),
  r({ method: 'GET', path: '/api/deliveries/{delivery_id}', fn: 'api', operation: 'getDelivery', tenant: true, scope: 'read', tag: 'subscriptions', summary: 'One delivery with every attempt', params: DeliveryParams, success: { status: 200, schema: DeliveryDetail }, errors: [404] }),
  r({ method: 'POST', path: '/api/deliveries/{delivery_id}/retry', fn: 'api', operation: 'retryDelivery', tenant: true, scope: 'write', tag: 'subscriptions', summary: 'Send a delivery again', params: DeliveryParams, success: { status: 202, schema: DeliveryRetried }, errors: [404, 503] }),
  r({ method: 'POST', path: '/api/subscriptions/{id}/rotate-secret', fn: 'api', operation: 'rotateSubscriptionSecret', tenant: true, etag: true, scope: 'write', tag: 'subscriptions', summary: 'New secret (generated, or the one supplied); during grace_seconds both are used (two v1 signatures)', params: SubParams, body: SubscriptionRotateInput, success: { status: 200, schema: SubscriptionView }, errors: [400, 404] }),
  r({ method: 'POST', path: '/api/subscriptions/{id}/verify', fn: 'api', operation: 'verifySubscription', tenant: true, scope: 'write', tag: 'subscriptions', summary: 'Send a new signed hookline.verification event to the endpoint (after a failed one, or to check it again); a 2xx sets verified', params: SubParams, success: { status: 202, schema: SubscriptionVerifyResult }, errors: [404, 503] }),
  r({ method: 'POST', path: '/api/subscriptions/{id}/test', fn: 'api', operation: 'testSubscription', tenant: true, scope: 'write', tag: 'subscriptions', summary: 'Send a hookline.test event to this subscription only', params: SubParams, success: { status: 202, schema: SubscriptionTestResult }, errors: [404, 503] }),
  r({ method: 'POST', path: '/api/subscriptions/{id}/pause', fn: 'api', operation: 'pauseSubscription', tenant: true, etag: true, scope: 'write', tag: 'subscriptions', summary: 'Pause: new deliveries (tests included) are recorded with status paused and not attempted, kept in the delivery log for as long as the pause lasts; already a no-op when paused', params: SubParams, success: { status: 200, schema: SubscriptionView }, errors: [404] }),
  r({ method: 'POST', path: '/api/subscriptions/{id}/resume', fn: 'api', operation: 'resumeSubscription', tenant: true, etag: true, scope: 'write', tag: 'subscriptions', summary: 'Resume: unpause and send the paused deliveries one after the other, oldest first, a page at a time in the background', params: SubParams, success: { status: 200, schema: SubscriptionView }, errors: [404, 503] }),
  r({ method: 'POST', path: '/api/subscriptions/{id}/recover', fn: 'api', operation: 'recoverSubscription', tenant: true, scope: 'write', tag: 'subscriptions', summary: 'Re-send every failed delivery created in [since, until) (until: now) as a new attempt with the same webhook-id; answers how many were queued, the re-sending is paged in the background', params: SubParams, body: RecoverInput, success: { status: 202, schema: RecoverResult }, errors: [400, 404, 409, 503] }),
  r({ method: 'POST', path: '/api/subscriptions/preview', fn: 'api', operation: 'previewSubscription', tenant: true, scope: 'read', tag: 'subscriptions', summary: 'Whether a subscription (not saved) selects an event, why not, and the body it would be sent; changes nothing', body: SubscriptionPreviewInput, success: { status: 200, schema: SubscriptionPreview }, errors: [400] }),
  r({ method: 'POST', path: '/api/subscriptions/{id}/preview', fn: 'api', operation: 'previewStoredSubscription', tenant: true, scope: 'read', tag: 'subscriptions', summary: 'Whether this subscription selects an event (given, or a sample), why not, and the body it would be sent; changes nothing', params: SubParams, body: SubscriptionPreviewById, success: { status: 200, schema: SubscriptionPreview }, errors: [400, 404] }),
  r({ method: 'GET', path: '/api/event-types', fn: 'api', operation: 'listEventTypes', tenant: true, scope: 'read', tag: 'subscriptions', summary: 'Known event types', success: { status: 200, schema: EventTypeList } }),
  r({ method: 'PUT', path: '/api/event-types/{type}', fn: 'api', operation: 'registerEventType', ifMatch: true, etag: true, scope: 'write', tag: 'subscriptions', summary: "Register an event type: description, a JSON Schema (2020-12) for its data (published data is validated against it) and an example", params: z.object({ type: PublishInput.shape.type }), body: EventTypeInput, success: { status: 200, schema: EventTypeView }, errors: [400, 412] }),
  r({ method: 'GET', path: '/api/queues/stats', fn: 'api', operation: 'queueStats', scope: 'admin', tag: 'queues', summary: 'Depth of every queue and its dead-letter queue', success: { status: 200, schema: QueueStats }, errors: [503] }),
  r({ method: 'POST', path: '/api/queues/dlq/redrive', fn: 'api', operation: 'redriveDlq', scope: 'admin', tag: 'queues', summary: 'Move messages from a dead-letter queue back to its queue', body: z.object({ queue: z.enum(['events', 'actions', 'deliveries']).default('deliveries'), max: z.number().int().min(1).max(10_000).default(1000) }).strict(), success: { status: 200, schema: RedriveResult }, errors: [400, 503] }),
  r({ method: 'POST', path: '/api/events', fn: 'api', operation: 'publishEvent', scope: 'write', tag: 'subscriptions', summary: 'Publish an event to matching subscriptions; a repeated id answers 200 with the first result', body: PublishInput, success: { status: 202, schema: PublishResultView, description: 'Published', also: [{ status: 200, description: 'A repeated id: the first result, nothing delivered again' }] }, errors: [400, 503] }),

  r({ method: 'GET', path: '/api/config/imports', fn: 'api', operation: 'listImports', scope: 'read', tag: 'config', summary: 'Results of config-file imports, newest first, with every error and its field path', query: ListQuery, success: { status: 200, schema: Page(ImportResult) } }),

  // Audit
  r({ method: 'GET', path: '/api/audit', fn: 'api', operation: 'listAudit', scope: 'admin', tag: 'audit', summary: 'Who changed what, when, with before and after (secrets masked)', query: AuditQuery, success: { status: 200, schema: Page(AuditEntry) } }),

  // Unknown /api paths: a contract-shaped 404 instead of API Gateway's own body.
  r({ method: 'ANY', path: '/api/{proxy+}', fn: 'api', operation: 'notFound', scope: null, tag: 'meta', summary: 'Unknown route', success: { status: 404, schema: null } }),

  // Receiver (the provider's signature is the auth)
  r({ method: 'POST', path: '/webhooks/{provider}/{webhook_id}', fn: 'receiver', operation: 'receiveWebhook', scope: null, tag: 'receiver', summary: "Receive a provider's webhook delivery", params: ReceiverParams, success: { status: 202, schema: Received, description: 'Verified and durably queued', also: [{ status: 200, description: 'Handshakes (Slack url_verification, GitHub ping) and Slack commands/interactivity: what the provider expects, possibly empty or text', schema: z.unknown() }] }, errors: [401, 403, 404, 413, 415, 429, 503] }),
];

export const routes: Route[] = table;

/**
 * The route table with every entry's own types (operation name, path, zod schemas), so a typed
 * client (the console, console/src/api.ts) derives its request and response types from the same
 * schemas the API validates with: a renamed field breaks the client's type check.
 */
export type RouteTable = typeof table;

/** `GET /api/webhooks/{id}` */
export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** A matcher for a route path; `{proxy+}` matches the rest of the path, other params one segment. */
export function pathMatcher(path: string): (actual: string) => Record<string, string> | null {
  const names: string[] = [];
  const pattern = path
    .split('/')
    .map((seg) => {
      const greedy = /^\{(\w+)\+\}$/.exec(seg);
      if (greedy) {
        names.push(greedy[1]);
        return '(.+)';
      }
      const param = /^\{(\w+)\}$/.exec(seg);
      if (param) {
        names.push(param[1]);
        return '([^/]+)';
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  const re = new RegExp(`^${pattern}$`);
  return (actual) => {
    const m = re.exec(actual);
    if (!m) return null;
    const out: Record<string, string> = {};
    try {
      names.forEach((n, i) => (out[n] = decodeURIComponent(m[i + 1])));
    } catch {
      return null; // a malformed percent-escape matches no route (a contract 404, not a 500)
    }
    return out;
  };
}

/**
 * Find the route API Gateway would pick: exact (most literal segments) before greedy.
 * Returns the route and its path parameters.
 */
export function matchRoute(table: Route[], method: string, path: string): { route: Route; params: Record<string, string> } | null {
  let best: { route: Route; params: Record<string, string>; score: number } | null = null;
  for (const route of table) {
    if (route.method !== 'ANY' && route.method !== method) continue;
    const params = pathMatcher(route.path)(path);
    if (!params) continue;
    const segs = route.path.split('/');
    const score = (route.path.includes('+}') ? 0 : 1000) + segs.filter((s) => !s.startsWith('{')).length * 10 + (route.method === 'ANY' ? 0 : 1);
    if (!best || score > best.score) best = { route, params, score };
  }
  return best && { route: best.route, params: best.params };
}
