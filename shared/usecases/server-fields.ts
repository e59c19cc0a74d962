import { HooklineError, ValidationError, type ErrorDetail } from '../errors';
import { maskSecret } from '../mask';
import { SUBSCRIPTION_SERVER_FIELDS } from '../model/ids';
import type { SubscriptionCreate, SubscriptionRecord } from '../model/subscription';
import type { WebhookCreate, WebhookRecord } from '../model/webhook';

/** The webhook a create, replace or config file is about, as the server knows it. */
export interface ServerView {
  webhook_id: string;
  provider: string;
  receiverUrl: string;
  /** The stored webhook (replace), or null (create). */
  existing: WebhookRecord | null;
}

/** `/webhooks/{provider}/{webhook_id}`: the receiver path of a webhook. */
export function endpointOf(provider: string, webhookId: string): string {
  return `/webhooks/${provider}/${webhookId}`;
}

/** `{receiverUrl}/webhooks/{provider}/{webhook_id}`. */
export function urlOf(receiverUrl: string, provider: string, webhookId: string): string {
  return `${receiverUrl.replace(/\/$/, '')}${endpointOf(provider, webhookId)}`;
}

/** A value as `maskSecret` shows it (`whsec_…X7aQ`): never a usable secret. */
export function isMasked(value: string): boolean {
  return value.includes('…');
}

/** True when `value` is exactly how the held secret is shown masked. */
export function isMaskOf(value: string | undefined, held: string | undefined): boolean {
  return value !== undefined && held !== undefined && isMasked(value) && value === maskSecret(held);
}

/**
 * The webhook id a create names only through its `endpoint` or `url` (the design's examples and
 * GET responses carry both): `/webhooks/github/github-issues-001` gives `github-issues-001`.
 */
export function idFromServerFields(input: Pick<WebhookCreate, 'endpoint' | 'url'>): string | undefined {
  for (const v of [input.endpoint, input.url]) {
    if (!v) continue;
    const m = /\/webhooks\/[^/]+\/([a-z0-9][a-z0-9_-]{0,63})\/?$/.exec(v);
    if (m) return m[1];
  }
  return undefined;
}

/** The fields every stored config record carries, as the server holds them. */
export interface StoredRecord {
  created_at: string;
  created_by?: string;
  updated_at: string;
  version: number;
  secret?: string;
}

/** Record kinds for messages: `webhook`, `subscription`. */
type Noun = 'webhook' | 'subscription';

/**
 * The server-field rules shared by every config record a client may send back as it read it:
 * with a stored record, `created_at` and `created_by` must be its own (400), and `version` and
 * `updated_at` the current ones (a stale one is a lost update: 412, like a stale If-Match); a
 * masked `secret` must be the mask of the held one. On a create nothing is stored, so timestamps,
 * `created_by` and `version` are ignored and a masked secret is refused (it cannot be a key).
 * `bad` collects the 400 details so a caller can add its own record's checks first.
 */
export function checkStoredFields(
  input: { created_at?: string; created_by?: string; updated_at?: string; version?: number; secret?: string },
  existing: StoredRecord | null,
  noun: Noun,
  bad: ErrorDetail[] = [],
): void {
  const w = existing;
  if (w) {
    if (input.created_at !== undefined && input.created_at !== w.created_at)
      bad.push({ path: 'created_at', message: `is ${JSON.stringify(input.created_at)}, but this ${noun} was created at ${w.created_at} (a server field: omit it)` });
    if (input.created_by !== undefined && w.created_by !== undefined && input.created_by !== w.created_by)
      bad.push({ path: 'created_by', message: `is ${JSON.stringify(input.created_by)}, but this ${noun} was created by ${JSON.stringify(w.created_by)} (a server field: omit it)` });
  }
  if (input.secret !== undefined && isMasked(input.secret) && !isMaskOf(input.secret, w?.secret))
    bad.push({
      path: 'secret',
      message: w?.secret
        ? `is a masked value that is not the current secret (${maskSecret(w.secret)}); omit secret to keep the current one, or send a full new secret`
        : 'is a masked value, which cannot be used as a secret; omit secret to have one generated, or send the full secret',
    });
  if (bad.length) throw new ValidationError(`${bad.map((b) => b.path).join(', ')} contradict${bad.length === 1 ? 's' : ''} the server.`, bad);

  if (w) {
    const stale: ErrorDetail[] = [];
    if (input.version !== undefined && input.version !== w.version)
      stale.push({ path: 'version', message: `is ${input.version}, but the current version is ${w.version}: read the ${noun} again and re-apply your change` });
    if (input.updated_at !== undefined && input.updated_at !== w.updated_at)
      stale.push({ path: 'updated_at', message: `is ${input.updated_at}, but the ${noun} was updated at ${w.updated_at}: read it again and re-apply your change` });
    if (stale.length)
      throw new HooklineError(
        'version_mismatch',
        input.version !== undefined && input.version !== w.version
          ? `The body's version ${input.version} is not the current version ${w.version}.`
          : `The ${noun} changed since the body was read.`,
        412,
        { details: stale },
      );
  }
}

/**
 * Checks the server fields a client sent back against what the server computes or holds, and
 * returns the input without them: `endpoint` and `url` must be this webhook's; a masked
 * `reply.token` must be the mask of the held one and then keeps it; the rest is
 * `checkStoredFields`. `previous_secret_expires_at` is always ignored: it is derived from the clock.
 */
export function reconcileServerFields(input: WebhookCreate, at: ServerView): WebhookCreate {
  const bad: ErrorDetail[] = [];
  const endpoint = endpointOf(at.provider, at.webhook_id);
  const url = urlOf(at.receiverUrl, at.provider, at.webhook_id);
  if (input.endpoint !== undefined && input.endpoint.replace(/\/$/, '') !== endpoint)
    bad.push({ path: 'endpoint', message: `is ${JSON.stringify(input.endpoint)}, but this webhook's endpoint is ${JSON.stringify(endpoint)} (a server field: omit it, or send the one the server shows)` });
  if (input.url !== undefined && input.url.replace(/\/$/, '') !== url)
    bad.push({ path: 'url', message: `is ${JSON.stringify(input.url)}, but this webhook's URL on this stack is ${JSON.stringify(url)} (a server field: omit it, or send the one the server shows)` });

  const w = at.existing;
  const token = input.reply?.token;
  if (token !== undefined && isMasked(token) && !isMaskOf(token, w?.reply?.token))
    bad.push({
      path: 'reply.token',
      message: w?.reply?.token
        ? `is a masked value that is not the current token (${maskSecret(w.reply.token)}); omit it to keep the current token, or send the full new token`
        : 'is a masked value, which cannot be used as a token; send the full token',
    });
  checkStoredFields(input, w, 'webhook', bad);

  const { endpoint: _e, url: _u, created_at: _ca, created_by: _cb, updated_at: _ua, version: _v, previous_secret_expires_at: _p, ...rest } = input;
  const out: WebhookCreate = { ...rest };
  if (isMaskOf(out.secret, w?.secret)) delete out.secret;
  if (out.reply && isMaskOf(out.reply.token, w?.reply?.token)) {
    const { token: _t, ...reply } = out.reply;
    out.reply = reply;
  }
  return out;
}

/**
 * The subscription's counterpart of `reconcileServerFields`: `checkStoredFields`, then `paused`
 * must be the current value (it changes only through …/pause and …/resume, which also send the
 * backlog); the other server fields are dropped, and a masked secret that is the held one's mask
 * keeps the held secret.
 */
export function reconcileSubscriptionFields(input: SubscriptionCreate, existing: SubscriptionRecord | null): SubscriptionCreate {
  const bad: ErrorDetail[] = [];
  const paused = existing?.paused ?? false;
  if (input.paused !== undefined && input.paused !== paused)
    bad.push({
      path: 'paused',
      message: existing
        ? `is ${input.paused}, but the subscription is ${paused ? 'paused' : 'not paused'}: use POST /api/subscriptions/${existing.subscription_id}/${input.paused ? 'pause' : 'resume'} (or omit paused)`
        : 'is true, but a subscription is created unpaused: create it, then POST /api/subscriptions/{id}/pause',
    });
  checkStoredFields(input, existing, 'subscription', bad);
  const out: Record<string, unknown> = { ...input };
  for (const k of SUBSCRIPTION_SERVER_FIELDS) delete out[k];
  if (isMaskOf(input.secret, existing?.secret)) delete out.secret;
  return out as SubscriptionCreate;
}
