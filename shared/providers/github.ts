import { randomUUID } from 'node:crypto';
import { hmac, safeEqual } from './crypto';
import { mediaType, parseForm, parseJson, requestJson } from './parse';
import { PayloadParseError, type ProviderAdapter } from './types';
import { first, text } from './subject';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(secret, raw body)>`. No timestamp, so
 * replays are stopped by deduplicating on `X-GitHub-Delivery` (stable across redeliveries).
 * Event type is `${X-GitHub-Event}.${payload.action}`, or the bare event name without an action.
 */
export const github: ProviderAdapter = {
  id: 'github',

  subject(p, eventType) {
    const item = ['issue', 'pull_request', 'discussion'].find((k) => text(p, `${k}.title`) !== undefined);
    const kind = item === 'pull_request' ? 'pull request' : item;
    const isComment = text(p, 'comment.body') !== undefined;
    return {
      kind: isComment ? `comment on ${kind ?? 'commit'}` : (kind ?? (eventType.startsWith('push') ? 'push' : undefined)),
      ref: item ? `#${text(p, `${item}.number`) ?? '?'}` : text(p, 'ref'),
      title: item ? text(p, `${item}.title`) : first(p, 'head_commit.message', 'release.name'),
      body: first(p, 'comment.body', 'review.body', `${item ?? 'issue'}.body`, 'release.body'),
      author: first(p, 'comment.user.login', 'review.user.login', 'sender.login'),
      url: first(p, 'comment.html_url', 'review.html_url', `${item ?? 'issue'}.html_url`, 'compare', 'release.html_url', 'repository.html_url'),
      where: text(p, 'repository.full_name'),
    };
  },

  // Labels and assignees as names (`{{issue.labels}}` renders ["bug","urgent"]; `contains` compares names);
  // sections (`{{#issue.labels}}{{name}}{{/issue.labels}}`) still see the label objects.
  aliases: [
    { path: 'issue.labels', to: 'issue.labels[].name', override: true },
    { path: 'pull_request.labels', to: 'pull_request.labels[].name', override: true },
    { path: 'issue.assignees', to: 'issue.assignees[].login', override: true },
    { path: 'pull_request.assignees', to: 'pull_request.assignees[].login', override: true },
    { path: 'issue.author', to: 'issue.user.login' },
    { path: 'pull_request.author', to: 'pull_request.user.login' },
    { path: 'comment.author', to: 'comment.user.login' },
    { path: 'repo', to: 'repository.full_name' },
  ],
  contentTypes: ['application/json', 'application/x-www-form-urlencoded'],

  verify(req, secrets) {
    const sig = req.headers['x-hub-signature-256'];
    if (!sig) return { ok: false, reason: 'missing X-Hub-Signature-256 header' };
    if (!sig.startsWith('sha256=')) return { ok: false, reason: 'X-Hub-Signature-256 must start with sha256=' };
    const given = sig.slice(7).toLowerCase();
    // Try every active secret (current + previous during rotation grace); don't stop early.
    let ok = false;
    for (const s of secrets) ok = safeEqual(hmac('sha256', s, [req.body], 'hex'), given) || ok;
    return ok ? { ok: true } : { ok: false, reason: 'signature does not match' };
  },

  parse(req) {
    if (mediaType(req) === 'application/x-www-form-urlencoded') {
      const form = parseForm(req.body);
      if (typeof form.payload !== 'string') throw new PayloadParseError('form body has no payload field');
      return parseJson(Buffer.from(form.payload));
    }
    return requestJson(req);
  },

  sample(webhook, secret, now) {
    // What GitHub itself sends from "Recent Deliveries → Redeliver" on a new hook: a ping.
    const body = JSON.stringify({
      zen: 'Approachable is better than simple.',
      hook_id: 0,
      hook: { type: 'Repository', id: 0, name: 'web', active: true, events: ['*'], config: { content_type: 'json', insecure_ssl: '0' } },
      hookline_test: { webhook_id: webhook.webhook_id, sent_at: now.toISOString() },
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/hookline-test',
        'x-github-event': 'ping',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${hmac('sha256', secret, [body], 'hex')}`,
      },
    };
  },

  describe(req, payload) {
    const name = req.headers['x-github-event'] ?? 'unknown';
    const action = (payload as { action?: unknown } | null)?.action;
    return {
      event_type: typeof action === 'string' && action ? `${name}.${action}` : name,
      delivery_id: req.headers['x-github-delivery'] ?? null,
      handshake: name === 'ping',
    };
  },
};
