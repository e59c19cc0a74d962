import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Stripe from 'stripe';
import type { WebhookRecord } from '../../../shared/model/webhook';
import { stripe } from '../../../shared/providers/stripe';
import { mediaType } from '../../../shared/providers/parse';

const SECRET = 'whsec_test_stripe_endpoint_secret_1';
const OLD_SECRET = 'whsec_test_stripe_endpoint_secret_0';
const webhook = { provider: 'stripe' } as unknown as WebhookRecord;
const now = new Date('2026-11-23T12:00:00Z');
const NOW_S = now.getTime() / 1000;
const lib = new Stripe('sk_test_unused');
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/stripe', name), 'utf8');

function request(payload = fixture('invoice.paid.json'), { secret = SECRET, timestamp = NOW_S } = {}) {
  const header = lib.webhooks.generateTestHeaderString({ payload, secret, timestamp });
  return { body: Buffer.from(payload), headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': header } as Record<string, string> };
}

const v1 = (secret: string, t: number, payload: string) => createHmac('sha256', secret).update(`${t}.${payload}`).digest('hex');

describe('stripe verifier', () => {
  it('accepts a header from stripe.webhooks.generateTestHeaderString, as constructEvent does', () => {
    const req = request();
    expect(stripe.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    expect(lib.webhooks.constructEvent(req.body.toString(), req.headers['stripe-signature'], SECRET, 300, undefined, now.getTime()).id).toBe('evt_1QnL4xJb9Z0hJ2kLmN3oPq4R');
  });

  it('rejects the delivery when one byte of the body changes', () => {
    const req = request();
    req.body[30] ^= 1;
    expect(stripe.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('accepts t up to 300 s away in either direction', () => {
    expect(stripe.verify(request(undefined, { timestamp: NOW_S - 299 }), [SECRET], now, webhook).ok).toBe(true);
    expect(stripe.verify(request(undefined, { timestamp: NOW_S + 299 }), [SECRET], now, webhook).ok).toBe(true);
  });

  it('rejects a t older than the tolerance', () => {
    expect(stripe.verify(request(undefined, { timestamp: NOW_S - 301 }), [SECRET], now, webhook)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
  });

  it('rejects a t further in the future than the tolerance, which stripe-node would accept', () => {
    const req = request(undefined, { timestamp: NOW_S + 301 });
    expect(stripe.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
    expect(() => lib.webhooks.constructEvent(req.body.toString(), req.headers['stripe-signature'], SECRET, 300, undefined, now.getTime())).not.toThrow();
  });

  it('accepts the previous secret during rotation and rejects a wrong one', () => {
    const req = request(undefined, { secret: OLD_SECRET });
    expect(stripe.verify(req, [SECRET, OLD_SECRET], now, webhook).ok).toBe(true);
    expect(stripe.verify(req, ['whsec_somebody_else'], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('accepts any of several v1 signatures (Stripe signs with every live secret after a roll)', () => {
    const payload = fixture('payment_intent.succeeded.json');
    const header = `t=${NOW_S},v1=${v1('whsec_rolled_new', NOW_S, payload)},v1=${v1(SECRET, NOW_S, payload)}`;
    expect(stripe.verify({ body: Buffer.from(payload), headers: { 'stripe-signature': header } }, [SECRET], now, webhook).ok).toBe(true);
  });

  it('ignores v0 and unknown schemes', () => {
    const payload = fixture('payment_intent.succeeded.json');
    const good = v1(SECRET, NOW_S, payload);
    const only = (h: string) => stripe.verify({ body: Buffer.from(payload), headers: { 'stripe-signature': h } }, [SECRET], now, webhook);
    expect(only(`t=${NOW_S},v0=${good}`)).toEqual({ ok: false, reason: 'Stripe-Signature has no v1 signature' });
    expect(only(`t=${NOW_S},v2=${good},v0=${good}`).ok).toBe(false);
    expect(only(`t=${NOW_S},v0=${good},v1=${good}`).ok).toBe(true);
  });

  it('keys the HMAC with the whole whsec_ string as UTF-8, not its base64 decoding', () => {
    const payload = fixture('invoice.paid.json');
    const decodedKey = Buffer.from(SECRET.slice(6), 'base64');
    const wrong = createHmac('sha256', decodedKey).update(`${NOW_S}.${payload}`).digest('hex');
    expect(stripe.verify({ body: Buffer.from(payload), headers: { 'stripe-signature': `t=${NOW_S},v1=${wrong}` } }, [SECRET], now, webhook).ok).toBe(false);
  });

  it('rejects a missing header or a header without t', () => {
    const req = request();
    expect(stripe.verify({ body: req.body, headers: {} }, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'missing Stripe-Signature header' });
    const noT = req.headers['stripe-signature'].replace(/^t=\d+,/, '');
    expect(stripe.verify({ body: req.body, headers: { 'stripe-signature': noT } }, [SECRET], now, webhook)).toEqual({
      ok: false,
      reason: 'Stripe-Signature has no valid t= timestamp',
    });
  });
});

describe('stripe events', () => {
  it('takes the event type from type and the delivery id from the evt_ id', () => {
    const req = request();
    expect(stripe.describe(req, stripe.parse(req), webhook)).toEqual({ event_type: 'invoice.paid', delivery_id: 'evt_1QnL4xJb9Z0hJ2kLmN3oPq4R' });
  });

  it('gives a retry re-signed with a new t the same delivery id', () => {
    const first = request();
    const retry = request(undefined, { timestamp: NOW_S + 120 });
    expect(retry.headers['stripe-signature']).not.toBe(first.headers['stripe-signature']);
    expect(stripe.describe(retry, stripe.parse(retry), webhook).delivery_id).toBe(stripe.describe(first, stripe.parse(first), webhook).delivery_id);
  });
});

describe('stripe sample delivery (POST /api/webhooks/{id}/test)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is signed the way stripe signs, so this verifier accepts it and names it payment_intent.succeeded', () => {
    const s = stripe.sample!({ ...webhook, webhook_id: 'hook-test-1' } as WebhookRecord, SECRET, now);
    const req = { body: Buffer.from(s.body), headers: s.headers };
    expect(stripe.contentTypes).toContain(mediaType(req));
    expect(stripe.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    const d = stripe.describe(req, stripe.parse(req), webhook);
    expect(d.event_type).toBe('payment_intent.succeeded');
    expect(d.delivery_id).toBeTruthy();
    expect(lib.webhooks.constructEvent(s.body, s.headers['stripe-signature'], SECRET, 300, undefined, now.getTime()).type).toBe('payment_intent.succeeded');
  });
});
