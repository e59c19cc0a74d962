import { createHmac, randomUUID } from 'node:crypto';
import { safeEqual } from './crypto';
import { requestJson } from './parse';
import type { ProviderAdapter } from './types';
import { first, plainText, text } from './subject';

// WebSub `method=signature`: Jira sends sha256 today; the method is read, not assumed. sha1 is
// refused: nothing Jira sends needs it and a downgrade to it would weaken the check.
const METHODS = new Set(['sha256', 'sha384', 'sha512']);

/** Jira Cloud admin webhooks: `X-Hub-Signature: sha256=<hex HMAC of the raw body>` (WebSub), no timestamp, so no replay window (dedup on `X-Atlassian-Webhook-Identifier`). */
export const jira: ProviderAdapter = {
  id: 'jira',

  subject(p) {
    const key = text(p, 'issue.key');
    const self = text(p, 'issue.self');
    let url: string | undefined;
    try {
      // The browse URL is on the site that sent the issue: https://<site>.atlassian.net/browse/ENG-1.
      if (key && self) url = `${new URL(self).origin}/browse/${key}`;
    } catch {
      url = undefined;
    }
    const comment = (p as { comment?: { body?: unknown } } | null)?.comment;
    const fields = (p as { issue?: { fields?: { description?: unknown } } } | null)?.issue?.fields;
    return {
      kind: comment ? 'comment on ticket' : 'ticket',
      ref: key,
      title: text(p, 'issue.fields.summary'),
      body: plainText(comment?.body) ?? plainText(fields?.description),
      author: first(p, 'comment.author.displayName', 'user.displayName'),
      url,
      where: first(p, 'issue.fields.project.key', 'issue.fields.project.name'),
    };
  },

  // Jira keeps an issue's fields under `issue.fields`; people write them on the issue.
  aliases: [
    { path: 'issue.summary', to: 'issue.fields.summary' },
    { path: 'issue.description', to: 'issue.fields.description' },
    { path: 'issue.status', to: 'issue.fields.status', leaf: 'name' },
    { path: 'issue.priority', to: 'issue.fields.priority', leaf: 'name' },
    { path: 'issue.assignee', to: 'issue.fields.assignee', leaf: 'displayName' },
    { path: 'issue.reporter', to: 'issue.fields.reporter', leaf: 'displayName' },
    { path: 'issue.issuetype', to: 'issue.fields.issuetype', leaf: 'name' },
    { path: 'issue.project', to: 'issue.fields.project', leaf: 'key' },
    { path: 'issue.labels', to: 'issue.fields.labels' },
    { path: 'issue.created', to: 'issue.fields.created' },
    { path: 'issue.updated', to: 'issue.fields.updated' },
  ],
  contentTypes: ['application/json'],

  verify(req, secrets) {
    const header = req.headers['x-hub-signature'];
    if (!header) return { ok: false, reason: 'missing X-Hub-Signature header' };
    const eq = header.indexOf('=');
    const method = eq > 0 ? header.slice(0, eq).toLowerCase() : '';
    if (!METHODS.has(method)) return { ok: false, reason: 'X-Hub-Signature must be method=signature with sha256, sha384 or sha512' };
    const given = header.slice(eq + 1).toLowerCase();
    let ok = false;
    for (const s of secrets) ok = safeEqual(createHmac(method, s).update(req.body).digest('hex'), given) || ok;
    return ok ? { ok: true } : { ok: false, reason: 'signature does not match' };
  },

  parse(req) {
    return requestJson(req);
  },

  sample(webhook, secret, now) {
    const body = JSON.stringify({
      timestamp: now.getTime(),
      webhookEvent: 'jira:issue_created',
      issue_event_type_name: 'issue_created',
      user: { accountId: 'hookline', displayName: 'Hookline' },
      issue: { id: '10000', key: 'TEST-1', fields: { summary: 'Hookline test event', issuetype: { name: 'Task' }, labels: [] } },
      hookline_test: { webhook_id: webhook.webhook_id, sent_at: now.toISOString() },
    });
    return {
      body,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'x-hub-signature': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        'x-atlassian-webhook-identifier': randomUUID(),
        'x-atlassian-webhook-retry': '0',
      },
    };
  },

  // Event type: `webhookEvent` (`jira:issue_created`, `comment_created`); delivery id:
  // X-Atlassian-Webhook-Identifier, unique per tenant and stable across Jira's retries.
  describe(req, payload) {
    const ev = (payload as { webhookEvent?: unknown } | null)?.webhookEvent;
    return {
      event_type: typeof ev === 'string' && ev ? ev : 'unknown',
      delivery_id: req.headers['x-atlassian-webhook-identifier'] || null,
    };
  },
};
