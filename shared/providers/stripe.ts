import { randomBytes } from 'node:crypto';
import { hmac, safeEqual } from './crypto';
import { requestJson } from './parse';
import type { ProviderAdapter } from './types';

/** Stripe's documented default tolerance; stripe-node uses the same 300 s. */
export const STRIPE_TOLERANCE_SECONDS = 300;

/** Stripe: `Stripe-Signature: t=<unix s>,v1=<hex HMAC-SHA256(whole whsec_ string as UTF-8, "t.body")>[,v1=…]`, `t` within ±300 s. */
export const stripe: ProviderAdapter = {
  id: 'stripe',
  contentTypes: ['application/json'],

  verify(req, secrets, now) {
    const header = req.headers['stripe-signature'];
    if (!header) return { ok: false, reason: 'missing Stripe-Signature header' };
    let t: string | undefined;
    const v1: string[] = [];
    for (const item of header.split(',')) {
      const eq = item.indexOf('=');
      const k = item.slice(0, eq).trim();
      // Only v1 counts: v0 (test events) and unknown schemes are ignored, as Stripe instructs.
      if (k === 't') t ??= item.slice(eq + 1).trim();
      else if (k === 'v1') v1.push(item.slice(eq + 1).trim().toLowerCase());
    }
    if (!t || !/^\d{1,12}$/.test(t)) return { ok: false, reason: 'Stripe-Signature has no valid t= timestamp' };
    if (v1.length === 0) return { ok: false, reason: 'Stripe-Signature has no v1 signature' };
    // stripe-node rejects only stale timestamps; a future one beyond the tolerance is refused too
    // here, or a signature minted for a later time would stay replayable until then.
    if (Math.abs(now.getTime() / 1000 - Number(t)) > STRIPE_TOLERANCE_SECONDS) return { ok: false, reason: 'timestamp outside the tolerance window' };
    // While a rolled secret is still live Stripe sends one v1 per secret: any match will do.
    let ok = false;
    for (const s of secrets) {
      const expected = hmac('sha256', s, [`${t}.`, req.body], 'hex');
      for (const g of v1) ok = safeEqual(expected, g) || ok;
    }
    return ok ? { ok: true } : { ok: false, reason: 'signature does not match' };
  },

  parse(req) {
    return requestJson(req);
  },

  sample(webhook, secret, now) {
    const t = Math.floor(now.getTime() / 1000);
    const body = JSON.stringify({
      id: `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: '2025-10-29.clover',
      created: t,
      data: { object: { id: `pi_${randomBytes(12).toString('hex')}`, object: 'payment_intent', amount: 1000, currency: 'usd', status: 'succeeded', description: 'Hookline test event' } },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type: 'payment_intent.succeeded',
      hookline_test: { webhook_id: webhook.webhook_id, sent_at: now.toISOString() },
    });
    return {
      body,
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'stripe-signature': `t=${t},v1=${hmac('sha256', secret, [`${t}.`, body], 'hex')}` },
    };
  },

  // Event type: `type` (`invoice.paid`); delivery id: the event `id` (`evt_…`), which stays the same
  // when a retry is re-signed with a new t.
  describe(_req, payload) {
    const p = (payload ?? {}) as { type?: unknown; id?: unknown };
    return {
      event_type: typeof p.type === 'string' && p.type ? p.type : 'unknown',
      delivery_id: typeof p.id === 'string' && p.id ? p.id : null,
    };
  },
};
