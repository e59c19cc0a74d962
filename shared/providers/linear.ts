import { randomUUID } from 'node:crypto';
import { hmac, safeEqual } from './crypto';
import { requestJson } from './parse';
import type { ProviderAdapter } from './types';
import { first, text } from './subject';

/** Linear's SDK allows one minute either way, on the signed body field only. */
export const LINEAR_TOLERANCE_MS = 60_000;

/** Linear: `Linear-Signature: <hex HMAC-SHA256(secret, raw body)>`, then the signed body field `webhookTimestamp` (ms) within ±60 s. */
export const linear: ProviderAdapter = {
  id: 'linear',

  subject(p) {
    return {
      kind: text(p, 'type')?.toLowerCase(),
      ref: first(p, 'data.identifier', 'data.issue.identifier'),
      title: first(p, 'data.title', 'data.issue.title'),
      body: first(p, 'data.body', 'data.description'),
      author: first(p, 'actor.name', 'actor.email'),
      url: first(p, 'url', 'data.url'),
      where: first(p, 'data.team.key', 'data.team.name'),
    };
  },
  contentTypes: ['application/json'],

  verify(req, secrets, now) {
    const given = req.headers['linear-signature'];
    if (!given) return { ok: false, reason: 'missing Linear-Signature header' };
    const g = given.toLowerCase();
    let ok = false;
    for (const s of secrets) ok = safeEqual(hmac('sha256', s, [req.body], 'hex'), g) || ok;
    if (!ok) return { ok: false, reason: 'signature does not match' };
    // Only now is the body trusted enough to parse. The Linear-Timestamp header is ignored, as in
    // the SDK: it is not signed, so only the body field proves when Linear sent the delivery.
    const ts = webhookTimestamp(req.body);
    if (typeof ts !== 'number' || !Number.isFinite(ts)) return { ok: false, reason: 'missing or malformed webhookTimestamp' };
    if (Math.abs(now.getTime() - ts) > LINEAR_TOLERANCE_MS) return { ok: false, reason: 'timestamp outside the tolerance window' };
    return { ok: true };
  },

  parse(req) {
    return requestJson(req);
  },

  sample(webhook, secret, now) {
    const body = JSON.stringify({
      action: 'create',
      actor: { id: 'hookline', name: 'Hookline', type: 'user' },
      createdAt: now.toISOString(),
      data: { id: randomUUID(), identifier: 'TEST-1', title: 'Hookline test event', priority: 0, labelIds: [] },
      url: 'https://linear.app/hookline/issue/TEST-1',
      type: 'Issue',
      hookline_test: { webhook_id: webhook.webhook_id, sent_at: now.toISOString() },
      webhookTimestamp: now.getTime(),
      webhookId: webhook.webhook_id,
    });
    return {
      body,
      headers: { 'content-type': 'application/json; charset=utf-8', 'linear-delivery': randomUUID(), 'linear-event': 'Issue', 'linear-signature': hmac('sha256', secret, [body], 'hex') },
    };
  },

  // Event type: `${type}.${action}` (`Issue.create`, `Comment.update`); delivery id: Linear-Delivery.
  describe(req, payload) {
    const p = (payload ?? {}) as { type?: unknown; action?: unknown };
    const type = typeof p.type === 'string' && p.type ? p.type : 'unknown';
    return {
      event_type: typeof p.action === 'string' && p.action ? `${type}.${p.action}` : type,
      delivery_id: req.headers['linear-delivery'] || null,
    };
  },
};

const KEY = Buffer.from('"webhookTimestamp"');
// After the key: `: <number>`, then only members with primitive values up to the closing brace
// that ends the body. A match proves the key sits in the root object: the object holding it is
// the one that closes last. Strings are skipped whole (escapes included), so no nesting hides.
const STR = String.raw`"(?:[^"\\]|\\.)*"`;
const NUM = String.raw`-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?`;
const ROOT_TAIL = new RegExp(String.raw`^\s*:\s*(${NUM})\s*(?:,\s*${STR}\s*:\s*(?:${STR}|${NUM}|true|false|null)\s*)*\}\s*$`);

/**
 * The root object's `webhookTimestamp`. Linear writes it near the end, after the entity, so the
 * common case reads only the tail of the body; anything else falls back to a full JSON.parse.
 * The body is already authenticated, so this only has to be right for valid JSON.
 */
function webhookTimestamp(body: Buffer): unknown {
  const at = body.lastIndexOf(KEY);
  if (at >= 0) {
    // latin1 maps bytes 1:1; UTF-8 multi-byte sequences never contain `"` or `\`.
    const m = ROOT_TAIL.exec(body.toString('latin1', at + KEY.length));
    if (m) return Number(m[1]);
  }
  try {
    return (JSON.parse(body.toString('utf8')) as { webhookTimestamp?: unknown } | null)?.webhookTimestamp;
  } catch {
    return undefined;
  }
}
