import { randomUUID } from 'node:crypto';
import { hmac, safeEqual } from './crypto';
import { requestJson } from './parse';
import type { ProviderAdapter } from './types';
import { first, text } from './subject';

/** Sentry integration platform: `Sentry-Hook-Signature: <hex HMAC-SHA256(client secret, raw body)>`, no replay window (dedup on `Request-ID`). */
export const sentry: ProviderAdapter = {
  id: 'sentry',

  subject(p) {
    return {
      kind: text(p, 'data.comment') !== undefined ? 'comment on issue' : text(p, 'data.event.title') ? 'event' : 'issue',
      ref: first(p, 'data.issue.shortId', 'data.issue_id', 'data.issue.id'),
      title: first(p, 'data.issue.title', 'data.event.title', 'data.description_title'),
      body: first(p, 'data.comment', 'data.event.message', 'data.issue.culprit', 'data.event.culprit'),
      author: text(p, 'actor.name'),
      url: first(p, 'data.issue.web_url', 'data.issue.permalink', 'data.event.web_url', 'data.web_url'),
      where: first(p, 'data.issue.project.slug', 'data.event.project'),
    };
  },
  contentTypes: ['application/json'],

  // Sentry-Hook-Timestamp is sent but not signed: anyone replaying a captured request can set it
  // to "now", so a window on it stops no replay and would only reject deliveries on clock skew.
  verify(req, secrets) {
    const given = req.headers['sentry-hook-signature'];
    if (!given) return { ok: false, reason: 'missing Sentry-Hook-Signature header' };
    // The raw bytes, never a re-serialization: Sentry escapes non-ASCII as \uXXXX in compact JSON.
    const g = given.toLowerCase();
    let ok = false;
    for (const s of secrets) ok = safeEqual(hmac('sha256', s, [req.body], 'hex'), g) || ok;
    return ok ? { ok: true } : { ok: false, reason: 'signature does not match' };
  },

  parse(req) {
    return requestJson(req);
  },

  sample(webhook, secret, now) {
    const body = JSON.stringify({
      action: 'created',
      installation: { uuid: webhook.webhook_id },
      data: { issue: { id: '1', shortId: 'HOOKLINE-1', title: 'Hookline test event', level: 'error', status: 'unresolved', project: { slug: 'hookline-test' } } },
      actor: { type: 'application', id: 'sentry', name: 'Sentry' },
      hookline_test: { webhook_id: webhook.webhook_id, sent_at: now.toISOString() },
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'request-id': randomUUID(),
        'sentry-hook-resource': 'issue',
        'sentry-hook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'sentry-hook-signature': hmac('sha256', secret, [body], 'hex'),
      },
    };
  },

  // Event type: `${Sentry-Hook-Resource}.${action}` (`issue.created`, `installation.deleted`).
  describe(req, payload) {
    const resource = req.headers['sentry-hook-resource'] || 'unknown';
    const action = (payload as { action?: unknown } | null)?.action;
    return {
      event_type: typeof action === 'string' && action ? `${resource}.${action}` : resource,
      delivery_id: req.headers['request-id'] || null,
    };
  },
};
