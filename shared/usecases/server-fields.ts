import { HooklineError, ValidationError, type ErrorDetail } from '../errors';
import { maskSecret } from '../mask';
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

/**
 * Checks the server fields a client sent back against what the server computes or holds, and
 * returns the input without them: `endpoint` and `url` must be this webhook's; with a stored
 * webhook, `created_at` and `created_by` must be its own, and `version` and `updated_at` must be
 * the current ones (a stale one is a lost update: 412, like a stale If-Match); a masked `secret`
 * or `reply.token` must be the mask of the held one and then keeps it. On a create there is
 * nothing stored yet, so the timestamps, `created_by` and `version` are ignored (the config may
 * come from another stack) and a masked secret is refused (it cannot be used as a key).
 * `previous_secret_expires_at` is always ignored: it is derived from the clock.
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
  if (w) {
    if (input.created_at !== undefined && input.created_at !== w.created_at)
      bad.push({ path: 'created_at', message: `is ${JSON.stringify(input.created_at)}, but this webhook was created at ${w.created_at} (a server field: omit it)` });
    if (input.created_by !== undefined && input.created_by !== w.created_by)
      bad.push({ path: 'created_by', message: `is ${JSON.stringify(input.created_by)}, but this webhook was created by ${JSON.stringify(w.created_by)} (a server field: omit it)` });
  }
  if (input.secret !== undefined && isMasked(input.secret) && !isMaskOf(input.secret, w?.secret))
    bad.push({
      path: 'secret',
      message: w
        ? `is a masked value that is not the current secret (${maskSecret(w.secret)}); omit secret to keep the current one, or send a full new secret`
        : 'is a masked value, which cannot be used as a secret; omit secret to have one generated, or send the full secret',
    });
  const token = input.reply?.token;
  if (token !== undefined && isMasked(token) && !isMaskOf(token, w?.reply?.token))
    bad.push({
      path: 'reply.token',
      message: w?.reply?.token
        ? `is a masked value that is not the current token (${maskSecret(w.reply.token)}); omit it to keep the current token, or send the full new token`
        : 'is a masked value, which cannot be used as a token; send the full token',
    });
  if (bad.length) throw new ValidationError(`${bad.map((b) => b.path).join(', ')} contradict${bad.length === 1 ? 's' : ''} the server.`, bad);

  if (w) {
    const stale: ErrorDetail[] = [];
    if (input.version !== undefined && input.version !== w.version)
      stale.push({ path: 'version', message: `is ${input.version}, but the current version is ${w.version}: read the webhook again and re-apply your change` });
    if (input.updated_at !== undefined && input.updated_at !== w.updated_at)
      stale.push({ path: 'updated_at', message: `is ${input.updated_at}, but the webhook was updated at ${w.updated_at}: read it again and re-apply your change` });
    if (stale.length)
      throw new HooklineError(
        'version_mismatch',
        input.version !== undefined && input.version !== w.version
          ? `The body's version ${input.version} is not the current version ${w.version}.`
          : 'The webhook changed since the body was read.',
        412,
        { details: stale },
      );
  }

  const { endpoint: _e, url: _u, created_at: _ca, created_by: _cb, updated_at: _ua, version: _v, previous_secret_expires_at: _p, ...rest } = input;
  const out: WebhookCreate = { ...rest };
  if (isMaskOf(out.secret, w?.secret)) delete out.secret;
  if (out.reply && isMaskOf(out.reply.token, w?.reply?.token)) {
    const { token: _t, ...reply } = out.reply;
    out.reply = reply;
  }
  return out;
}
