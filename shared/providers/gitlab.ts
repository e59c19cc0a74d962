import { randomUUID } from 'node:crypto';
import { safeEqual } from './crypto';
import { requestJson } from './parse';
import { verifyStandardWebhook } from './standard-webhooks';
import type { ProviderAdapter } from './types';
import { first, text } from './subject';

/** GitLab: `X-Gitlab-Token` equal (constant time) to the secret, no replay window (dedup on `Idempotency-Key`), or the signing-token variant: Standard Webhooks `webhook-signature` within ±300 s. */
export const gitlab: ProviderAdapter = {
  id: 'gitlab',

  subject(p) {
    const kind = text(p, 'object_kind');
    const noteOn = text(p, 'object_attributes.noteable_type');
    const item = noteOn === 'MergeRequest' ? 'merge_request' : noteOn === 'Issue' ? 'issue' : undefined;
    return {
      kind: kind === 'note' ? `comment on ${noteOn ?? 'item'}` : kind?.replace('_', ' '),
      ref: item ? `${item === 'merge_request' ? '!' : '#'}${text(p, `${item}.iid`) ?? '?'}` : text(p, 'object_attributes.iid') ? `${kind === 'merge_request' ? '!' : '#'}${text(p, 'object_attributes.iid')}` : text(p, 'ref'),
      title: item ? text(p, `${item}.title`) : first(p, 'object_attributes.title', 'commits.0.title'),
      body: first(p, 'object_attributes.note', 'object_attributes.description'),
      author: first(p, 'user.username', 'user_username'),
      url: first(p, 'object_attributes.url', 'project.web_url'),
      where: text(p, 'project.path_with_namespace'),
    };
  },
  contentTypes: ['application/json'],

  verify(req, secrets, now) {
    const token = req.headers['x-gitlab-token'];
    const signed = req.headers['webhook-signature'] !== undefined;
    if (token === undefined && !signed) return { ok: false, reason: 'missing X-Gitlab-Token or webhook-signature header' };
    // Either credential suffices: a hook may carry a secret token, a signing token or both, and
    // whoever holds the token could drop the signature headers anyway, so a failing signature
    // next to a matching token adds no protection by rejecting.
    let ok = false;
    if (token !== undefined) for (const s of secrets) ok = safeEqual(s, token) || ok;
    if (ok) return { ok: true };
    if (signed) return verifyStandardWebhook(req, secrets, now, ['webhook']);
    return { ok: false, reason: 'X-Gitlab-Token does not match' };
  },

  parse(req) {
    return requestJson(req);
  },

  // GitLab's "Test" button sends a sample event with the secret token; so does this.
  sample(webhook, secret, now) {
    const body = JSON.stringify({
      object_kind: 'issue',
      event_type: 'issue',
      user: { id: 1, name: 'Hookline', username: 'hookline' },
      project: { id: 1, name: 'hookline-test', path_with_namespace: 'hookline/hookline-test' },
      object_attributes: { id: 1, iid: 1, title: 'Hookline test event', state: 'opened', action: 'open', created_at: now.toISOString() },
      labels: [],
      hookline_test: { webhook_id: webhook.webhook_id, sent_at: now.toISOString() },
    });
    const headers = { 'content-type': 'application/json', 'user-agent': 'GitLab/hookline-test', 'x-gitlab-event': 'Issue Hook', 'x-gitlab-token': secret };
    return { body, headers: { ...headers, 'idempotency-key': randomUUID(), 'x-gitlab-event-uuid': randomUUID() } };
  },

  /**
   * `object_kind` + `.` + `object_attributes.action` (`issue.open`, `merge_request.merge`, and
   * `note.create` / `note.update` since GitLab 16.11 added the action to comment hooks), or the
   * top-level `action` (`release.create`, `milestone.close`); the bare kind when neither exists
   * (`push`, `tag_push`, `pipeline`: match their status with conditions).
   */
  describe(req, payload) {
    const p = (payload ?? {}) as { object_kind?: unknown; event_name?: unknown; action?: unknown; object_attributes?: { action?: unknown } | null };
    const kind = str(p.object_kind) ?? str(p.event_name) ?? headerKind(req.headers['x-gitlab-event']) ?? 'unknown';
    const action = str(p.object_attributes?.action) ?? str(p.action);
    return {
      event_type: action ? `${kind}.${action}` : kind,
      // Idempotency-Key (17.4+) is stable across retries and manual resends; the event UUID is the
      // fallback for older instances (recursive hooks share it, a rare false duplicate).
      delivery_id: req.headers['idempotency-key'] || req.headers['webhook-id'] || req.headers['x-gitlab-event-uuid'] || null,
    };
  },
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** "Merge Request Hook" → "merge_request", for payloads without object_kind. */
function headerKind(h: string | undefined): string | undefined {
  if (!h) return undefined;
  const k = h.replace(/ Hook$/i, '').trim().toLowerCase().replace(/\s+/g, '_');
  return k || undefined;
}
