import { randomUUID } from 'node:crypto';
import { hmac, safeEqual } from './crypto';
import { requestJson } from './parse';
import type { ProviderAdapter } from './types';

/** Shopify: `X-Shopify-Hmac-Sha256` (Events deliveries: `shopify-hmac-sha256`) = base64 HMAC-SHA256(client secret, raw body), no timestamp, so no replay window (dedup on the webhook id). */
export const shopify: ProviderAdapter = {
  id: 'shopify',
  contentTypes: ['application/json'],

  verify(req, secrets) {
    const given = req.headers['x-shopify-hmac-sha256'] ?? req.headers['shopify-hmac-sha256'];
    if (!given) return { ok: false, reason: 'missing X-Shopify-Hmac-Sha256 header' };
    // Shopify may keep signing with the old client secret for up to an hour after a rotation.
    let ok = false;
    for (const s of secrets) ok = safeEqual(hmac('sha256', s, [req.body], 'base64'), given) || ok;
    return ok ? { ok: true } : { ok: false, reason: 'signature does not match' };
  },

  parse(req) {
    return requestJson(req);
  },

  sample(webhook, secret, now) {
    const body = JSON.stringify({
      id: 1,
      email: 'test@example.com',
      created_at: now.toISOString(),
      currency: 'USD',
      total_price: '10.00',
      line_items: [{ id: 1, title: 'Hookline test item', quantity: 1, price: '10.00' }],
      hookline_test: { webhook_id: webhook.webhook_id, sent_at: now.toISOString() },
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-hmac-sha256': hmac('sha256', secret, [body], 'base64'),
        'x-shopify-shop-domain': 'hookline-test.myshopify.com',
        'x-shopify-api-version': '2025-10',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': randomUUID(),
        'x-shopify-triggered-at': now.toISOString(),
      },
    };
  },

  // Event type: the topic (`orders/create`); delivery id: X-Shopify-Webhook-Id (current docs),
  // else X-Shopify-Event-Id (older guidance; shared by every subscription to the same event).
  describe(req) {
    const h = req.headers;
    return {
      event_type: h['x-shopify-topic'] || h['shopify-topic'] || 'unknown',
      delivery_id: h['x-shopify-webhook-id'] || h['shopify-webhook-id'] || h['x-shopify-event-id'] || h['shopify-event-id'] || null,
    };
  },
};
