import { requestJson } from './parse';
import { describeStandard, headerFamily, signStandardSample, verifyStandardWebhook } from './standard-webhooks';
import type { ProviderAdapter } from './types';

// The spec's webhook-* names first; Svix's own svix-* names are the same scheme.
const FAMILIES = ['webhook', 'svix'] as const;

/** Standard Webhooks: `webhook-signature` `v1,` base64 HMAC-SHA256 of `id.timestamp.body` (or `v1a,` Ed25519 for `whpk_` keys), replay window ±300 s on `webhook-timestamp`. */
export const standard: ProviderAdapter = {
  id: 'standard',
  contentTypes: ['application/json'],

  verify(req, secrets, now) {
    return verifyStandardWebhook(req, secrets, now, FAMILIES);
  },

  parse(req) {
    return requestJson(req);
  },

  sample(webhook, secret, now) {
    const body = JSON.stringify({ type: 'hookline.test', timestamp: now.toISOString(), data: { webhook_id: webhook.webhook_id } });
    return signStandardSample('webhook', secret, now, body);
  },

  // Event type: the payload's dotted `type`; delivery id: `webhook-id`, the spec's idempotency key.
  describe(req, payload) {
    return describeStandard(req.headers[`${headerFamily(req, FAMILIES) ?? 'webhook'}-id`], payload);
  },
};

