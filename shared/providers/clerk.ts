import { requestJson } from './parse';
import { describeStandard, headerFamily, signStandardSample, verifyStandardWebhook } from './standard-webhooks';
import type { ProviderAdapter } from './types';

// Clerk delivers through Svix: svix-* headers, with the white-label webhook-* names as a fallback.
const FAMILIES = ['svix', 'webhook'] as const;

/** Clerk (via Svix): `svix-signature` `v1,` base64 HMAC-SHA256 of `id.timestamp.body` keyed by the base64 after `whsec_`, replay window ±300 s on `svix-timestamp`. */
export const clerk: ProviderAdapter = {
  id: 'clerk',
  contentTypes: ['application/json'],

  verify(req, secrets, now) {
    return verifyStandardWebhook(req, secrets, now, FAMILIES);
  },

  parse(req) {
    return requestJson(req);
  },

  sample(webhook, secret, now) {
    const body = JSON.stringify({
      data: { id: `user_hookline_test`, object: 'user', first_name: 'Hookline', last_name: 'Test', email_addresses: [], created_at: now.getTime(), updated_at: now.getTime() },
      event_attributes: { http_request: { client_ip: '', user_agent: 'hookline-test' } },
      object: 'event',
      timestamp: now.getTime(),
      type: 'user.created',
      hookline_test: { webhook_id: webhook.webhook_id, sent_at: now.toISOString() },
    });
    return signStandardSample('svix', secret, now, body);
  },

  // Event type: the payload's `type` (`user.created`); delivery id: `svix-id` (`msg_…`, stable across retries).
  describe(req, payload) {
    return describeStandard(req.headers[`${headerFamily(req, FAMILIES) ?? 'svix'}-id`], payload);
  },
};
