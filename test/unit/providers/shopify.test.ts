import '@shopify/shopify-api/adapters/node';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiVersion, shopifyApi } from '@shopify/shopify-api';
import type { WebhookRecord } from '../../../shared/model/webhook';
import { shopify } from '../../../shared/providers/shopify';
import { mediaType } from '../../../shared/providers/parse';

const SECRET = 'shpss_0123456789abcdef0123456789abcdef';
const OLD_SECRET = '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';
const webhook = { provider: 'shopify' } as unknown as WebhookRecord;
const now = new Date('2026-11-23T12:00:00Z');
const body = readFileSync(join(__dirname, '../../fixtures/shopify/orders-create.json'), 'utf8');
const WEBHOOK_ID = 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043';
const EVENT_ID = '98880550-7158-44d4-b7cd-2c97c8a091b5';

const mac = (secret: string, b: string | Buffer) => createHmac('sha256', secret).update(b).digest('base64');

function request(secret = SECRET) {
  return {
    body: Buffer.from(body),
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-hmac-sha256': mac(secret, body),
      'x-shopify-shop-domain': 'example.myshopify.com',
      'x-shopify-api-version': '2025-10',
      'x-shopify-webhook-id': WEBHOOK_ID,
      'x-shopify-event-id': EVENT_ID,
      'x-shopify-triggered-at': '2026-11-23T11:59:59.123Z',
    } as Record<string, string | undefined>,
  };
}

describe('shopify verifier', () => {
  it('accepts X-Shopify-Hmac-Sha256, as shopify.webhooks.validate does', async () => {
    const req = request();
    expect(shopify.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    const api = shopifyApi({ apiKey: 'key', apiSecretKey: SECRET, scopes: [], hostName: 'localhost', apiVersion: ApiVersion.October24, isEmbeddedApp: false, logger: { level: 0 } });
    const result = await api.webhooks.validate({ rawBody: body, rawRequest: { method: 'POST', url: '/webhooks', headers: req.headers }, rawResponse: {} });
    expect(result).toMatchObject({ valid: true, webhookId: WEBHOOK_ID });
  });

  it('rejects the delivery when one byte of the body changes', () => {
    const req = request();
    req.body[60] ^= 1;
    expect(shopify.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('accepts the new Events header name shopify-hmac-sha256', () => {
    const req = request();
    const { 'x-shopify-hmac-sha256': sig, ...rest } = req.headers;
    expect(shopify.verify({ body: req.body, headers: { ...rest, 'shopify-hmac-sha256': sig } }, [SECRET], now, webhook).ok).toBe(true);
  });

  it('rejects a missing header and a hex encoding of the right HMAC', () => {
    const req = request();
    expect(shopify.verify({ body: req.body, headers: {} }, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'missing X-Shopify-Hmac-Sha256 header' });
    const hex = createHmac('sha256', SECRET).update(body).digest('hex');
    expect(shopify.verify({ body: req.body, headers: { 'x-shopify-hmac-sha256': hex } }, [SECRET], now, webhook).ok).toBe(false);
  });

  it('accepts the previous client secret (Shopify may sign with it for an hour after a rotation) and rejects a wrong one', () => {
    const req = request(OLD_SECRET);
    expect(shopify.verify(req, [SECRET, OLD_SECRET], now, webhook).ok).toBe(true);
    expect(shopify.verify(req, [SECRET], now, webhook).ok).toBe(false);
  });

  it('takes the topic as the event type and X-Shopify-Webhook-Id as the delivery id, else X-Shopify-Event-Id', () => {
    const req = request();
    expect(shopify.describe(req, shopify.parse(req), webhook)).toEqual({ event_type: 'orders/create', delivery_id: WEBHOOK_ID });
    req.headers['x-shopify-webhook-id'] = undefined;
    expect(shopify.describe(req, {}, webhook).delivery_id).toBe(EVENT_ID);
    expect(shopify.describe({ body: req.body, headers: { 'shopify-topic': 'orders/paid', 'shopify-webhook-id': 'w-2' } }, {}, webhook)).toEqual({
      event_type: 'orders/paid',
      delivery_id: 'w-2',
    });
  });
});

describe('shopify sample delivery (POST /api/webhooks/{id}/test)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is signed the way shopify signs, so this verifier accepts it and names it orders/create', () => {
    const s = shopify.sample!({ ...webhook, webhook_id: 'hook-test-1' } as WebhookRecord, SECRET, now);
    const req = { body: Buffer.from(s.body), headers: s.headers };
    expect(shopify.contentTypes).toContain(mediaType(req));
    expect(shopify.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    const d = shopify.describe(req, shopify.parse(req), webhook);
    expect(d.event_type).toBe('orders/create');
    expect(d.delivery_id).toBeTruthy();
  });
});
