import { randomUUID } from 'node:crypto';
import { hmac, safeEqual } from './crypto';
import { mediaType, parseForm, requestJson } from './parse';
import type { ProviderAdapter } from './types';

/**
 * Custom: the scheme is set per webhook in `verification` (header, algorithm, encoding, prefix,
 * signed string layout, timestamp header with a tolerance enforced in both directions).
 * Event type: the payload's `type`, else `event`, else `event_type`, else `custom`.
 */
export const custom: ProviderAdapter = {
  id: 'custom',
  contentTypes: ['application/json', 'application/x-www-form-urlencoded', 'text/plain'],

  verify(req, secrets, now, webhook) {
    const v = webhook.verification;
    if (!v) return { ok: false, reason: 'webhook has no verification settings' };
    const header = req.headers[v.header.toLowerCase()];
    if (!header) return { ok: false, reason: `missing ${v.header} header` };
    let ts: string | undefined;
    if (v.signed_payload.includes('{timestamp}') || v.timestamp_header) {
      ts = v.timestamp_header ? req.headers[v.timestamp_header.toLowerCase()] : undefined;
      if (!ts || !/^\d{1,13}$/.test(ts)) return { ok: false, reason: `missing or malformed ${v.timestamp_header} header` };
      // Accept seconds or milliseconds.
      const sec = ts.length > 11 ? Number(ts) / 1000 : Number(ts);
      if (Math.abs(now.getTime() / 1000 - sec) > v.tolerance_seconds) return { ok: false, reason: 'timestamp outside the tolerance window' };
    }
    let id: string | undefined;
    if (v.signed_payload.includes('{id}')) {
      id = v.id_header ? req.headers[v.id_header.toLowerCase()] : undefined;
      if (!id) return { ok: false, reason: `missing ${v.id_header} header` };
    }
    const parts: (string | Buffer)[] =
      v.signed_payload === '{body}' ? [req.body] : v.signed_payload === '{timestamp}.{body}' ? [`${ts}.`, req.body] : [`${id}.${ts}.`, req.body];
    // Several signatures may be sent (space or comma separated) during the sender's own rotation.
    const given = header
      .split(/[ ,]+/)
      .filter(Boolean)
      .map((g) => (v.prefix && g.startsWith(v.prefix) ? g.slice(v.prefix.length) : v.prefix ? null : g))
      .filter((g): g is string => g !== null)
      .map((g) => (v.encoding === 'hex' ? g.toLowerCase() : g));
    let ok = false;
    for (const s of secrets) {
      const expected = hmac(v.algorithm, s, parts, v.encoding);
      for (const g of given) ok = safeEqual(expected, g) || ok;
    }
    return ok ? { ok: true } : { ok: false, reason: 'signature does not match' };
  },

  parse(req) {
    const mt = mediaType(req);
    if (mt === 'application/x-www-form-urlencoded') return parseForm(req.body);
    if (mt === 'text/plain') return { text: req.body.toString('utf8') };
    return requestJson(req);
  },

  sample(webhook, secret, now) {
    const v = webhook.verification!;
    const body = JSON.stringify({ type: 'hookline.test', webhook_id: webhook.webhook_id, sent_at: now.toISOString() });
    const ts = String(Math.floor(now.getTime() / 1000));
    const id = `test_${randomUUID()}`;
    const signed = v.signed_payload === '{body}' ? body : v.signed_payload === '{timestamp}.{body}' ? `${ts}.${body}` : `${id}.${ts}.${body}`;
    return {
      body,
      headers: {
        'content-type': 'application/json',
        [v.header.toLowerCase()]: `${v.prefix}${hmac(v.algorithm, secret, [signed], v.encoding)}`,
        ...(v.timestamp_header ? { [v.timestamp_header.toLowerCase()]: ts } : {}),
        ...(v.id_header ? { [v.id_header.toLowerCase()]: id } : {}),
      },
    };
  },

  describe(req, payload, webhook) {
    const p = (payload ?? {}) as Record<string, unknown>;
    const t = [p.type, p.event, p.event_type].find((x) => typeof x === 'string' && x.length > 0 && x.length <= 200) as string | undefined;
    const idHeader = webhook.verification?.id_header?.toLowerCase();
    return { event_type: t ?? 'custom', delivery_id: (idHeader && req.headers[idHeader]) || null };
  },
};
