import { randomBytes } from 'node:crypto';
import { randomId } from '../clock';
import { checkUrl } from '../delivery/ssrf';
import { standardWebhooksSecretProblem } from '../delivery/signing';
import { ConflictError, NotFoundError, ValidationError, VersionMismatchError, type ErrorDetail } from '../errors';
import { maskSecret } from '../model/common';
import { WebhookCreate, type Command, type CommandInput, type WebhookRecord, type WebhookView } from '../model/webhook';
import { providerAdapter } from '../providers';
import { recordAudit } from './audit';
import { channelNameProblems } from './channel-names';
import { lintCommands, lintOneCommand, type ConfigWarning } from './lint-config';
import { endpointOf, idFromServerFields, reconcileServerFields, urlOf } from './server-fields';
import type { Actor, ManagementDeps } from '../ports';

type Deps = Pick<ManagementDeps, 'webhooks' | 'audit' | 'clock' | 'ids' | 'receiverUrl' | 'backups' | 'vault' | 'allowPrivateTargets'>;

/** `whsec_` + base64 of 32 random bytes: valid for every provider that lets us choose the secret. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The API's view of a webhook: secrets masked unless `reveal` (create and rotate responses). */
export function toView(w: WebhookRecord, receiverUrl: string, reveal = false): WebhookView {
  const endpoint = endpointOf(w.provider, w.webhook_id);
  const now = Date.now();
  const grace = (w.previous_secrets ?? []).filter((p) => Date.parse(p.expires_at) > now).map((p) => p.expires_at);
  return {
    webhook_id: w.webhook_id,
    name: w.name,
    provider: w.provider,
    endpoint,
    url: urlOf(receiverUrl, w.provider, w.webhook_id),
    secret: reveal ? w.secret : maskSecret(w.secret),
    enabled: w.enabled,
    commands: w.commands,
    ...(w.reply ? { reply: { ...w.reply, ...(w.reply.token ? { token: maskSecret(w.reply.token) } : {}) } } : {}),
    ...(w.ip_allowlist ? { ip_allowlist: w.ip_allowlist } : {}),
    ...(w.rate_limit ? { rate_limit: w.rate_limit } : {}),
    ...(w.verification ? { verification: w.verification } : {}),
    ...(w.event_log_shards ? { event_log_shards: w.event_log_shards } : {}),
    created_at: w.created_at,
    created_by: w.created_by,
    updated_at: w.updated_at,
    version: w.version,
    ...(grace.length ? { previous_secret_expires_at: grace.sort().at(-1) } : {}),
  };
}

function withCommandIds(commands: CommandInput[]): Command[] {
  return commands.map((c) => ({ ...c, command_id: c.command_id ?? `cmd_${randomId(12)}`, priority: c.priority ?? 0 }));
}

function checkProvider(provider: string): void {
  if (!providerAdapter(provider))
    throw new ValidationError('This provider is not supported yet.', [{ path: 'provider', message: `provider "${provider}" has no verifier yet` }]);
}

/** Checks that need the whole config as it will be stored (the reply token may be the one kept from before). */
/** Providers whose secrets have a defined key format (Standard Webhooks `v1`, Svix). */
const STANDARD_SECRET_PROVIDERS = new Set(['standard', 'clerk']);

/**
 * What can never work, refused at save: outbound URLs (forward_url, reply.api_base_url) that the
 * SSRF policy refuses or that carry credentials (checked again on every connect), and secrets a
 * provider's scheme can never verify with.
 */
function unusableParts(w: WebhookRecord, allowPrivate: boolean): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const target = (path: string, url: string | undefined) => {
    if (!url) return;
    try {
      checkUrl(url, { allowPrivate });
    } catch (err) {
      problems.push({ path, message: (err as Error).message });
    }
  };
  w.commands.forEach((c, i) => target(`commands.${i}.forward_url`, c.forward_url));
  target('reply.api_base_url', w.reply?.api_base_url);
  if (STANDARD_SECRET_PROVIDERS.has(w.provider)) {
    const bad = standardWebhooksSecretProblem(w.secret);
    if (bad) problems.push({ path: 'secret', message: `${bad} (the ${w.provider} provider signs with Standard Webhooks keys)` });
  }
  return problems;
}

function checkConfig(w: WebhookRecord, onlyCommand?: string, allowPrivate = false): WebhookRecord {
  const unusable = unusableParts(w, allowPrivate);
  if (unusable.length) {
    const prefix = onlyCommand === undefined ? '' : `commands.${w.commands.findIndex((c) => c.command_id === onlyCommand)}.`;
    const mine = onlyCommand === undefined ? unusable : unusable.filter((p) => p.path.startsWith(prefix)).map((p) => ({ ...p, path: p.path.slice(prefix.length) }));
    if (mine.length) throw new ValidationError('This config can never work as saved.', mine);
  }
  let problems = channelNameProblems(w);
  if (onlyCommand !== undefined) {
    // A command route's body is the command itself: its paths start at the command.
    const prefix = `commands.${w.commands.findIndex((c) => c.command_id === onlyCommand)}.`;
    problems = problems.filter((p) => p.path.startsWith(prefix)).map((p) => ({ ...p, path: p.path.slice(prefix.length) }));
  }
  if (problems.length) throw new ValidationError('A Slack channel condition names a channel, but Slack sends channel ids.', problems);
  return w;
}

function checkIfMatch(w: WebhookRecord, ifMatch: number | undefined): void {
  if (ifMatch !== undefined && ifMatch !== w.version) throw new VersionMismatchError(ifMatch, w.version);
}

/** Reads a webhook or throws 404. */
export async function getWebhook(deps: Pick<Deps, 'webhooks'>, id: string): Promise<WebhookRecord> {
  const w = await deps.webhooks.get(id);
  if (!w) throw new NotFoundError('Webhook', id);
  return w;
}

/** Creates a webhook; generates the id, secret and command ids that are absent. */
export async function createWebhook(deps: Deps, actor: Actor, body: WebhookCreate): Promise<WebhookRecord> {
  checkProvider(body.provider);
  const webhookId = body.webhook_id ?? idFromServerFields(body) ?? `${body.provider}-${randomId(10)}`;
  const input = reconcileServerFields(body, { webhook_id: webhookId, provider: body.provider, receiverUrl: deps.receiverUrl, existing: null });
  const now = deps.clock.now().toISOString();
  const w: WebhookRecord = {
    webhook_id: webhookId,
    name: input.name,
    provider: input.provider,
    secret: input.secret ?? generateSecret(),
    previous_secrets: [],
    enabled: input.enabled,
    commands: withCommandIds(input.commands),
    ...(input.reply ? { reply: input.reply } : {}),
    ...(input.ip_allowlist ? { ip_allowlist: input.ip_allowlist } : {}),
    ...(input.rate_limit ? { rate_limit: input.rate_limit } : {}),
    ...(input.verification ? { verification: input.verification } : {}),
    ...(input.event_log_shards ? { event_log_shards: input.event_log_shards } : {}),
    created_at: now,
    created_by: actor.name,
    updated_at: now,
    updated_by: actor.name,
    version: 1,
  };
  checkConfig(w, undefined, deps.allowPrivateTargets);
  await deps.webhooks.create(w);
  await recordAudit(deps, actor, 'webhook.create', { type: 'webhook', id: w.webhook_id }, null, toView(w, deps.receiverUrl));
  await backup(deps, w);
  return w;
}

/** Applies `change` to the current config as a new version, with optimistic concurrency. */
async function update(
  deps: Deps,
  actor: Actor,
  id: string,
  ifMatch: number | undefined,
  action: string,
  change: (w: WebhookRecord) => WebhookRecord,
): Promise<WebhookRecord> {
  const before = await getWebhook(deps, id);
  checkIfMatch(before, ifMatch);
  const after: WebhookRecord = { ...change(before), updated_at: deps.clock.now().toISOString(), updated_by: actor.name, version: before.version + 1 };
  await deps.webhooks.replace(after, before.version);
  await recordAudit(deps, actor, action, { type: 'webhook', id }, toView(before, deps.receiverUrl), toView(after, deps.receiverUrl));
  await backup(deps, after);
  return after;
}

/** `PUT /api/webhooks/{id}`: the whole config; an absent secret keeps the current one. */
export function replaceWebhook(deps: Deps, actor: Actor, id: string, body: WebhookCreate, ifMatch?: number): Promise<WebhookRecord> {
  if (body.webhook_id !== undefined && body.webhook_id !== id)
    throw new ValidationError('webhook_id in the body must equal the one in the path.', [{ path: 'webhook_id', message: `expected "${id}"` }]);
  checkProvider(body.provider);
  return update(deps, actor, id, ifMatch, 'webhook.update', (w) => {
    if (body.provider !== w.provider)
      throw new ValidationError('The provider of a webhook cannot change; create a new webhook.', [{ path: 'provider', message: `is "${w.provider}"` }]);
    const input = reconcileServerFields(body, { webhook_id: id, provider: w.provider, receiverUrl: deps.receiverUrl, existing: w });
    return checkConfig({
      webhook_id: id,
      name: input.name,
      provider: w.provider,
      secret: input.secret ?? w.secret,
      previous_secrets: input.secret && input.secret !== w.secret ? [] : w.previous_secrets,
      enabled: input.enabled,
      commands: withCommandIds(input.commands),
      ...(input.reply ? { reply: { ...input.reply, ...(input.reply.token === undefined && w.reply?.token ? { token: w.reply.token } : {}) } } : {}),
      ...(input.ip_allowlist ? { ip_allowlist: input.ip_allowlist } : {}),
      ...(input.rate_limit ? { rate_limit: input.rate_limit } : {}),
      ...(input.verification ? { verification: input.verification } : {}),
      ...eventLogShards(w, input.event_log_shards),
      created_at: w.created_at,
      created_by: w.created_by,
      updated_at: w.updated_at,
      updated_by: w.updated_by,
      version: w.version,
    }, undefined, deps.allowPrivateTargets);
  });
}

/**
 * The event-log shard count a replace keeps: absent keeps the current one; a lower one is refused,
 * since the events already listed under the higher shards would drop out of the list.
 */
function eventLogShards(w: WebhookRecord, requested: number | undefined): Pick<WebhookRecord, 'event_log_shards'> {
  const current = w.event_log_shards ?? 1;
  const n = requested ?? current;
  if (n < current)
    throw new ValidationError('event_log_shards can be raised, never lowered: events already spread over the higher shards would drop out of the list.', [
      { path: 'event_log_shards', message: `is ${current}; must be at least ${current}` },
    ]);
  return n > 1 ? { event_log_shards: n } : {};
}

/** Enables or disables; a no-op change still answers with the current config and no new version. */
export async function setEnabled(deps: Deps, actor: Actor, id: string, enabled: boolean, ifMatch?: number): Promise<WebhookRecord> {
  const w = await getWebhook(deps, id);
  checkIfMatch(w, ifMatch);
  if (w.enabled === enabled) return w;
  return update(deps, actor, id, w.version, enabled ? 'webhook.enable' : 'webhook.disable', (cur) => ({ ...cur, enabled }));
}

/** New secret; the old one keeps verifying for `graceSeconds`. */
export function rotateSecret(deps: Deps, actor: Actor, id: string, graceSeconds: number, secret?: string, ifMatch?: number): Promise<WebhookRecord> {
  return update(deps, actor, id, ifMatch, 'webhook.rotate_secret', (w) => {
    const now = deps.clock.now().getTime();
    const expires = new Date(now + graceSeconds * 1000).toISOString();
    const still = (w.previous_secrets ?? []).filter((p) => Date.parse(p.expires_at) > now);
    const next = { ...w, secret: secret ?? generateSecret(), previous_secrets: graceSeconds > 0 ? [...still, { secret: w.secret, expires_at: expires }] : still };
    const bad = secret !== undefined && STANDARD_SECRET_PROVIDERS.has(w.provider) ? standardWebhooksSecretProblem(secret) : null;
    if (bad) throw new ValidationError('This secret can never verify a signature of this provider.', [{ path: 'secret', message: bad }]);
    return next;
  });
}

/** Deletes a webhook (its logged events expire with the retention period). */
export async function deleteWebhook(deps: Deps, actor: Actor, id: string, ifMatch?: number): Promise<void> {
  const before = await getWebhook(deps, id);
  checkIfMatch(before, ifMatch);
  // Secrets stay out of S3 backups; they are kept here so a restore keeps working with the provider.
  await deps.vault.keep(id, { secret: before.secret, previous_secrets: before.previous_secrets ?? [], ...(before.reply?.token ? { reply_token: before.reply.token } : {}) });
  await deps.webhooks.delete(id, before.version);
  await recordAudit(deps, actor, 'webhook.delete', { type: 'webhook', id }, toView(before, deps.receiverUrl), null);
}

/** The save-time lint of a webhook's commands against its provider's sample payloads (never blocking). */
export function webhookWarnings(w: Pick<WebhookRecord, 'provider' | 'commands'>): ConfigWarning[] {
  return lintCommands(w.provider, w.commands);
}

/** A saved command and the lint's warnings for it (paths relative to the command). */
export interface SavedCommand {
  command: Command;
  warnings: ConfigWarning[];
}

/** Adds one command; 409 when its command_id is taken. */
export async function addCommand(deps: Deps, actor: Actor, id: string, input: CommandInput, ifMatch?: number): Promise<SavedCommand> {
  const [cmd] = withCommandIds([input]);
  const w = await update(deps, actor, id, ifMatch, 'command.create', (w) => {
    if (w.commands.some((c) => c.command_id === cmd.command_id)) throw new ConflictError(`Command "${cmd.command_id}" already exists.`, 'already_exists');
    if (w.commands.length >= 200) throw new ValidationError('A webhook has at most 200 commands.', [{ path: 'commands', message: 'too many commands' }]);
    return checkConfig({ ...w, commands: [...w.commands, cmd] }, cmd.command_id, deps.allowPrivateTargets);
  });
  return { command: cmd, warnings: lintOneCommand(w.provider, cmd) };
}

/** Replaces one command, keeping its id. */
export async function updateCommand(deps: Deps, actor: Actor, id: string, cmdId: string, input: CommandInput, ifMatch?: number): Promise<SavedCommand> {
  if (input.command_id !== undefined && input.command_id !== cmdId)
    throw new ValidationError('command_id in the body must equal the one in the path.', [{ path: 'command_id', message: `expected "${cmdId}"` }]);
  const cmd: Command = { ...input, command_id: cmdId, priority: input.priority ?? 0 };
  const w = await update(deps, actor, id, ifMatch, 'command.update', (cur) => {
    if (!cur.commands.some((c) => c.command_id === cmdId)) throw new NotFoundError('Command', cmdId);
    return checkConfig({ ...cur, commands: cur.commands.map((c) => (c.command_id === cmdId ? cmd : c)) }, cmdId, deps.allowPrivateTargets);
  });
  return { command: cmd, warnings: lintOneCommand(w.provider, cmd) };
}

/** Deletes one command. */
export async function deleteCommand(deps: Deps, actor: Actor, id: string, cmdId: string, ifMatch?: number): Promise<void> {
  await update(deps, actor, id, ifMatch, 'command.delete', (w) => {
    if (!w.commands.some((c) => c.command_id === cmdId)) throw new NotFoundError('Command', cmdId);
    return { ...w, commands: w.commands.filter((c) => c.command_id !== cmdId) };
  });
}

/** The config as backed up: exactly what `POST /api/webhooks` accepts, with no secret and no reply token. */
export function backupConfig(w: WebhookRecord): Record<string, unknown> {
  const { token: _t, ...reply } = w.reply ?? {};
  return {
    webhook_id: w.webhook_id,
    name: w.name,
    provider: w.provider,
    enabled: w.enabled,
    commands: w.commands,
    ...(w.reply ? { reply } : {}),
    ...(w.ip_allowlist ? { ip_allowlist: w.ip_allowlist } : {}),
    ...(w.rate_limit ? { rate_limit: w.rate_limit } : {}),
    ...(w.verification ? { verification: w.verification } : {}),
    ...(w.event_log_shards ? { event_log_shards: w.event_log_shards } : {}),
  };
}

/**
 * Writes the new version's backup after the change committed; like the audit entry, a failure
 * is logged with the config and never undoes the change (the bucket is versioned too).
 */
async function backup(deps: Pick<Deps, 'backups'>, w: WebhookRecord): Promise<void> {
  const doc = { ...backupConfig(w), version: w.version, updated_at: w.updated_at, updated_by: w.updated_by };
  try {
    await deps.backups.put(w.webhook_id, w.version, doc);
  } catch (err) {
    console.error(JSON.stringify({ level: 'ERROR', message: 'config backup not stored', backup: doc, error: String(err) }));
  }
}

/** Backups of a webhook (also of a deleted one), newest first. */
export async function listBackups(deps: Pick<Deps, 'backups'>, id: string) {
  const items = await deps.backups.list(id);
  if (!items.length) throw new NotFoundError('Backups of webhook', id);
  return { items: items.map((b) => ({ version: b.version, at: b.at, bytes: b.bytes })), next_cursor: null };
}

/**
 * Restores a backed-up version as a new version (or re-creates a deleted webhook). Secrets are
 * not in backups: an existing webhook keeps its current secret; a deleted one gets back the
 * secret kept at deletion, so the provider's signatures keep verifying. Only if neither exists
 * is a new secret generated, and then it is returned in full once (`revealed`).
 */
export async function restoreWebhook(deps: Deps, actor: Actor, id: string, version: number): Promise<{ webhook: WebhookRecord; revealed: boolean }> {
  const doc = await deps.backups.get(id, version);
  if (!doc) throw new NotFoundError('Backup', `${id} version ${version}`);
  const { version: _v, updated_at: _u, updated_by: _b, ...config } = doc as Record<string, unknown>;
  const parsed = WebhookCreate.safeParse(config);
  if (!parsed.success) throw new ValidationError('The backup is not a valid config any more.', parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  const input = parsed.data;
  const current = await deps.webhooks.get(id);
  if (current) {
    const w = await update(deps, actor, id, undefined, 'webhook.restore', (cur) => ({
      ...cur,
      name: input.name,
      enabled: input.enabled,
      commands: input.commands.map((c) => ({ ...c, command_id: c.command_id ?? `cmd_${randomId(12)}`, priority: c.priority ?? 0 })),
      reply: input.reply ? { ...input.reply, ...(cur.reply?.token ? { token: cur.reply.token } : {}) } : undefined,
      ip_allowlist: input.ip_allowlist,
      rate_limit: input.rate_limit,
      verification: input.verification,
      // A backup from before the shards were raised keeps today's spread (lowering would hide events).
      ...eventLogShards(cur, Math.max(input.event_log_shards ?? 1, cur.event_log_shards ?? 1)),
    }));
    return { webhook: w, revealed: false };
  }
  const kept = await deps.vault.take(id);
  const w = await createWebhook(deps, actor, {
    ...input,
    webhook_id: id,
    ...(kept ? { secret: kept.secret } : {}),
    ...(input.reply && kept?.reply_token ? { reply: { ...input.reply, token: kept.reply_token } } : {}),
  });
  return { webhook: w, revealed: !kept };
}
