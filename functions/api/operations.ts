import { NotFoundError } from '../../shared/errors';
import { empty, json, jsonRaw, jsonText } from '../../shared/http/apigw';
import type { Operation } from '../../shared/http/api-handler';
import { openApiDocument } from '../../shared/openapi';
import { routes } from '../../shared/routes';
import { createApiKey, createPortalLink, listApiKeys, revokeApiKey } from '../../shared/usecases/api-keys';
import type { ManagementDeps } from '../../shared/ports';
import { getEventJson, listEvents } from '../../shared/usecases/events';
import { previewCommand, previewUnsavedCommand } from '../../shared/usecases/preview-command';
import { sendTestDelivery } from '../../shared/usecases/test-webhook';
import { getTask, listTasks, patchTask } from '../../shared/usecases/tasks';
import { publicTask } from '../../shared/actions/runner';
import * as sub from '../../shared/usecases/subscriptions';
import * as backlog from '../../shared/usecases/backlog';
import * as ten from '../../shared/usecases/tenants';
import { registerEventType } from '../../shared/usecases/event-types';
import * as wh from '../../shared/usecases/webhooks';
import { version } from '../../shared/version';

type Op = Operation<ManagementDeps>;

const etag = (v: number) => ({ etag: `"${v}"` });

function webhookResponse(deps: ManagementDeps, status: number, w: Awaited<ReturnType<typeof wh.getWebhook>>, reveal = false, warnings: { path: string; message: string }[] = []) {
  return json(status, { ...wh.toView(w, deps.receiverUrl, reveal), ...(warnings.length ? { warnings } : {}) }, etag(w.version));
}

const savedCommand = ({ command, warnings }: wh.SavedCommand) => ({ ...command, ...(warnings.length ? { warnings } : {}) });

let openapiCache: string | undefined;

/** One function per operation of the route table; the handler dispatches by routeKey. */
export const operations: Record<string, Op> = {
  async getOpenApi() {
    openapiCache ??= jsonText(openApiDocument(routes, { version, serverUrl: undefined }));
    return { statusCode: 200, headers: { 'content-type': 'application/json', 'cache-control': 'public, max-age=300' }, body: openapiCache };
  },
  async notFound() {
    throw new NotFoundError('Route', 'this path');
  },

  async listKeys(deps, req) {
    return json(200, await listApiKeys(deps, req.query.limit as number, req.query.cursor as string | undefined));
  },
  async createKey(deps, req) {
    const { record, key } = await createApiKey(deps, req.principal, req.body);
    return json(201, { key_id: record.key_id, name: record.name, scopes: record.scopes, ...(record.tenant_id ? { tenant_id: record.tenant_id } : {}), key });
  },
  async deleteKey(deps, req) {
    await revokeApiKey(deps, req.principal, req.params.key_id);
    return empty(204);
  },

  async listWebhooks(deps, req) {
    const page = await deps.webhooks.list(req.query.limit as number, req.query.cursor as string | undefined);
    return json(200, { items: page.items.map((w) => wh.toView(w, deps.receiverUrl)), next_cursor: page.next_cursor });
  },
  async createWebhook(deps, req) {
    const w = await wh.createWebhook(deps, req.principal, req.body);
    return { ...webhookResponse(deps, 201, w, true, wh.webhookWarnings(w)), headers: { 'content-type': 'application/json', ...etag(w.version), location: `/api/webhooks/${w.webhook_id}` } };
  },
  async getWebhook(deps, req) {
    return webhookResponse(deps, 200, await wh.getWebhook(deps, req.params.id));
  },
  async replaceWebhook(deps, req) {
    const w = await wh.replaceWebhook(deps, req.principal, req.params.id, req.body, req.ifMatch);
    return webhookResponse(deps, 200, w, false, wh.webhookWarnings(w));
  },
  async deleteWebhook(deps, req) {
    await wh.deleteWebhook(deps, req.principal, req.params.id, req.ifMatch);
    return empty(204);
  },
  async enableWebhook(deps, req) {
    return webhookResponse(deps, 200, await wh.setEnabled(deps, req.principal, req.params.id, true, req.ifMatch));
  },
  async disableWebhook(deps, req) {
    return webhookResponse(deps, 200, await wh.setEnabled(deps, req.principal, req.params.id, false, req.ifMatch));
  },
  async rotateWebhookSecret(deps, req) {
    const w = await wh.rotateSecret(deps, req.principal, req.params.id, req.body.grace_seconds, req.body.secret, req.ifMatch);
    return webhookResponse(deps, 200, w, true);
  },

  async listBackups(deps, req) {
    return json(200, await wh.listBackups(deps, req.params.id));
  },
  async restoreWebhook(deps, req) {
    const { webhook, revealed } = await wh.restoreWebhook(deps, req.principal, req.params.id, req.body.version);
    return webhookResponse(deps, 200, webhook, revealed);
  },
  async testWebhook(deps, req) {
    return json(202, await sendTestDelivery(deps, req.params.id));
  },

  async listCommands(deps, req) {
    const w = await wh.getWebhook(deps, req.params.id);
    return json(200, { items: w.commands, next_cursor: null }, etag(w.version));
  },
  async addCommand(deps, req) {
    return json(201, savedCommand(await wh.addCommand(deps, req.principal, req.params.id, req.body, req.ifMatch)));
  },
  async previewCommand(deps, req) {
    return json(200, await previewCommand(deps, req.params.id, req.body));
  },
  async previewUnsavedCommand(deps, req) {
    return json(200, await previewUnsavedCommand(deps, req.body));
  },
  async updateCommand(deps, req) {
    return json(200, savedCommand(await wh.updateCommand(deps, req.principal, req.params.id, req.params.cmd_id, req.body, req.ifMatch)));
  },
  async deleteCommand(deps, req) {
    await wh.deleteCommand(deps, req.principal, req.params.id, req.params.cmd_id, req.ifMatch);
    return empty(204);
  },

  async listEvents(deps, req) {
    return json(200, await listEvents(deps, req.params.id, req.query.limit as number, req.query.cursor as string | undefined, req.query.status as never));
  },
  async getEvent(deps, req) {
    // The payload is served as stored, not re-serialized (any depth; byte for byte).
    return jsonRaw(200, await getEventJson(deps, req.params.id, req.params.event_id));
  },

  async listTasks(deps, req) {
    return json(200, await listTasks(deps, req.query as never));
  },
  async getTask(deps, req) {
    const t = await getTask(deps, req.params.task_id);
    return json(200, publicTask(t), etag(t.version));
  },
  async patchTask(deps, req) {
    const t = await patchTask(deps, req.params.task_id, req.body, req.ifMatch);
    return json(200, publicTask(t), etag(t.version));
  },

  async listTenants(deps, req) {
    return json(200, await ten.listTenants(deps.outbound, req.query.limit as number, req.query.cursor as string | undefined));
  },
  async createTenant(deps, req) {
    const t = await ten.createTenant(deps.outbound, req.principal, req.body);
    return { ...json(201, t, etag(t.version)), headers: { 'content-type': 'application/json', ...etag(t.version), location: `/api/tenants/${t.tenant_id}` } };
  },
  async getTenant(deps, req) {
    const t = await ten.getTenant(deps.outbound, req.params.tenant_id);
    return json(200, t, etag(t.version));
  },
  async replaceTenant(deps, req) {
    const t = await ten.replaceTenant(deps.outbound, req.principal, req.params.tenant_id, req.body, req.ifMatch);
    return json(200, t, etag(t.version));
  },
  async deleteTenant(deps, req) {
    await ten.deleteTenant(deps.outbound, req.principal, req.params.tenant_id, req.ifMatch);
    return empty(204);
  },
  async createPortalLink(deps, req) {
    return json(201, await createPortalLink(deps, req.principal, req.params.tenant_id, req.body.expires_in_seconds));
  },

  async listSubscriptions(deps, req) {
    const page = await sub.listSubscriptions(deps.outbound, req.query.limit as number, req.query.cursor as string | undefined, req.query.tenant_id as string | undefined);
    return json(200, { items: page.items.map((x) => sub.subscriptionView(x)), next_cursor: page.next_cursor });
  },
  async createSubscription(deps, req) {
    const x = await sub.createSubscription(deps.outbound, req.principal, req.body);
    return json(201, sub.subscriptionView(x, true), etag(x.version));
  },
  async getSubscription(deps, req) {
    const x = await sub.getSubscription(deps.outbound, req.params.id);
    return json(200, sub.subscriptionView(x), etag(x.version));
  },
  async replaceSubscription(deps, req) {
    const x = await sub.replaceSubscription(deps.outbound, req.principal, req.params.id, req.body, req.ifMatch);
    return json(200, sub.subscriptionView(x), etag(x.version));
  },
  async deleteSubscription(deps, req) {
    await sub.deleteSubscription(deps.outbound, req.principal, req.params.id);
    return empty(204);
  },
  async listDeliveries(deps, req) {
    return json(200, await sub.listDeliveries(deps.outbound, req.params.id, req.query.limit as number, req.query.cursor as string | undefined, req.query.status as never));
  },
  async subscriptionStats(deps, req) {
    return json(200, await sub.subscriptionStats(deps.outbound, req.params.id, req.query.window_hours as number));
  },
  async getDelivery(deps, req) {
    return json(200, await sub.getDelivery(deps.outbound, req.params.delivery_id));
  },
  async retryDelivery(deps, req) {
    return json(202, await sub.retryDelivery(deps.outbound, req.params.delivery_id));
  },
  async rotateSubscriptionSecret(deps, req) {
    const x = await sub.rotateSubscriptionSecret(deps.outbound, req.principal, req.params.id, req.body.grace_seconds, req.body.secret);
    const grace = x.previous_secrets.map((p) => p.expires_at).sort().at(-1);
    return json(200, { ...sub.subscriptionView(x, true), ...(grace ? { previous_secret_expires_at: grace } : {}) }, etag(x.version));
  },
  async verifySubscription(deps, req) {
    return json(202, await sub.verifySubscription(deps.outbound, req.principal, req.params.id));
  },
  async testSubscription(deps, req) {
    return json(202, await sub.testSubscription(deps.outbound, req.params.id));
  },
  async pauseSubscription(deps, req) {
    const x = await backlog.pauseSubscription(deps.outbound, req.principal, req.params.id);
    return json(200, sub.subscriptionView(x), etag(x.version));
  },
  async resumeSubscription(deps, req) {
    const x = await backlog.resumeSubscription(deps.outbound, req.principal, req.params.id);
    return json(200, sub.subscriptionView(x), etag(x.version));
  },
  async recoverSubscription(deps, req) {
    return json(202, await backlog.recoverSubscription(deps.outbound, req.principal, req.params.id, req.body));
  },
  async previewSubscription(deps, req) {
    return json(200, sub.previewSubscription(deps.outbound, req.body.subscription, req.body.event));
  },
  async previewStoredSubscription(deps, req) {
    return json(200, await sub.previewStoredSubscription(deps.outbound, req.params.id, req.body.event));
  },
  async listEventTypes(deps) {
    return json(200, await sub.listEventTypes(deps.outbound));
  },
  async registerEventType(deps, req) {
    const t = await registerEventType(deps.outbound, req.principal, req.params.type, req.body, req.ifMatch);
    return json(200, { ...t, source: 'registered' }, etag(t.version));
  },
  async queueStats(deps) {
    return json(200, { items: await deps.queues.stats(), next_cursor: null });
  },
  async redriveDlq(deps, req) {
    return json(200, { queue: req.body.queue, moved: await deps.queues.redrive(req.body.queue, req.body.max) });
  },
  async publishEvent(deps, req) {
    const { result, repeated } = await sub.publishEvent(deps.outbound, req.body);
    return json(repeated ? 200 : 202, result);
  },

  async listImports(deps, req) {
    return json(200, await deps.imports.list(req.query.limit as number, req.query.cursor as string | undefined));
  },

  async listAudit(deps, req) {
    return json(200, await deps.audit.list(req.query.limit as number, req.query.cursor as string | undefined, req.query.resource_id as string | undefined));
  },
};
