import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import {
  deliveryHeaders,
  generateSubscriptionSecret,
  hooklineSignature,
  standardWebhookHeaders,
  verifyHooklineSignature,
} from '../../../shared/delivery/signing';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = 'whsec_c3RhbmRhcmQtd2ViaG9va3Mtb2xkLWtleS0wMDE=';
const now = new Date('2026-11-23T12:00:00Z');
const NOW_S = now.getTime() / 1000;
const ID = 'dlv_0mabc123def456ghi789';
const body = JSON.stringify({ id: 'evt_1', type: 'agent:complete', timestamp: now.toISOString(), data: { ok: true, note: 'ünïcødé' }, subscription_id: 'sub_1' });

describe('generateSubscriptionSecret', () => {
  it('is whsec_ + base64 of 32 random bytes, different each time', () => {
    const a = generateSubscriptionSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateSubscriptionSecret()).not.toBe(a);
  });
});

describe('standardWebhookHeaders', () => {
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(now.getTime()));
  afterEach(() => jest.restoreAllMocks());

  it('verifies with the standardwebhooks library', () => {
    const headers = standardWebhookHeaders(SECRET, ID, NOW_S, body);
    expect(headers).toEqual({ 'webhook-id': ID, 'webhook-timestamp': String(NOW_S), 'webhook-signature': expect.stringMatching(/^v1,[A-Za-z0-9+/]+=*$/) });
    expect(new StandardWebhook(SECRET).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('verifies with the svix library', () => {
    expect(new SvixWebhook(SECRET).verify(body, standardWebhookHeaders(SECRET, ID, NOW_S, body))).toEqual(JSON.parse(body));
  });

  it('equals the signature the standardwebhooks library computes', () => {
    expect(standardWebhookHeaders(SECRET, ID, NOW_S, body)['webhook-signature']).toBe(new StandardWebhook(SECRET).sign(ID, now, body));
  });

  it('signs with every secret during a rotation, so a receiver holding either verifies', () => {
    const headers = standardWebhookHeaders([SECRET, OLD_SECRET], ID, NOW_S, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new StandardWebhook(SECRET).verify(body, headers)).toBeTruthy();
    expect(new StandardWebhook(OLD_SECRET).verify(body, headers)).toBeTruthy();
    expect(new SvixWebhook(OLD_SECRET).verify(body, headers)).toBeTruthy();
  });

  it('refuses a secret that is not whsec_ + base64, and a fractional timestamp', () => {
    expect(() => standardWebhookHeaders('not-a-secret', ID, NOW_S, body)).toThrow(/whsec_/);
    expect(() => standardWebhookHeaders([], ID, NOW_S, body)).toThrow(/secret/);
    expect(() => standardWebhookHeaders(SECRET, ID, NOW_S + 0.5, body)).toThrow(/timestamp/);
  });
});

describe('hooklineSignature', () => {
  it('is sha256=<hex HMAC-SHA256 of the body> keyed with the secret string, as node:crypto computes it', () => {
    const expected = `sha256=${createHmac('sha256', Buffer.from(SECRET, 'utf8')).update(Buffer.from(body, 'utf8')).digest('hex')}`;
    const got = hooklineSignature(SECRET, body);
    expect(got).toBe(expected);
    expect(timingSafeEqual(Buffer.from(got), Buffer.from(expected))).toBe(true);
    expect(hooklineSignature(SECRET, Buffer.from(body))).toBe(expected);
  });
});

describe('deliveryHeaders', () => {
  it('carries every CONTRACT §4 header, consistent with each other', () => {
    const h = deliveryHeaders({ secrets: [SECRET, OLD_SECRET], deliveryId: ID, eventType: 'agent:complete', timestampSeconds: NOW_S, body });
    expect(h).toMatchObject({
      'content-type': 'application/json',
      'user-agent': expect.stringMatching(/^Hookline-Webhooks\/\d+\.\d+\.\d+/),
      'webhook-id': ID,
      'webhook-timestamp': String(NOW_S),
      'x-hookline-signature': hooklineSignature(SECRET, body),
      'x-hookline-event': 'agent:complete',
      'x-hookline-delivery': ID,
      'x-hookline-timestamp': String(NOW_S),
    });
    expect(h['webhook-signature'].split(' ')).toHaveLength(2);
  });
});

describe('verifyHooklineSignature', () => {
  const signed = (secret: string | string[] = SECRET, ts = NOW_S, b = body) => ({ ...standardWebhookHeaders(secret, ID, ts, b), 'x-hookline-signature': hooklineSignature(Array.isArray(secret) ? secret[0] : secret, b) });
  const verify = (headers: Record<string, string> | Headers, extra: Partial<Parameters<typeof verifyHooklineSignature>[0]> = {}) =>
    verifyHooklineSignature({ secret: SECRET, body, headers, now, ...extra });
  const flipByte = (s: string) => `${s.slice(0, 10)}${s[10] === 'a' ? 'b' : 'a'}${s.slice(11)}`;

  it('accepts a valid delivery by its Standard Webhooks signature', () => {
    expect(verify(signed())).toEqual({ ok: true, scheme: 'standard-webhooks' });
  });

  it('accepts a Buffer body and Fetch Headers with any case', () => {
    const h = new Headers(Object.entries(signed()).map(([k, v]) => [k.toUpperCase(), v]));
    expect(verifyHooklineSignature({ secret: SECRET, body: Buffer.from(body), headers: h, now })).toEqual({ ok: true, scheme: 'standard-webhooks' });
  });

  it('rejects a body with one changed byte', () => {
    expect(verifyHooklineSignature({ secret: SECRET, body: flipByte(body), headers: signed(), now })).toEqual({ ok: false, reason: 'webhook-signature does not match' });
  });

  it('rejects a changed signature byte and a changed id', () => {
    const h = signed();
    expect(verify({ ...h, 'webhook-signature': flipByte(h['webhook-signature']) }).ok).toBe(false);
    expect(verify({ ...h, 'webhook-id': `${ID}x` }).ok).toBe(false);
  });

  it('rejects a signature older than the tolerance', () => {
    expect(verify(signed(SECRET, NOW_S - 301))).toEqual({ ok: false, reason: 'webhook-timestamp outside the tolerance window' });
    expect(verify(signed(SECRET, NOW_S - 299)).ok).toBe(true);
  });

  it('rejects a timestamp further in the future than the tolerance', () => {
    expect(verify(signed(SECRET, NOW_S + 301)).ok).toBe(false);
    expect(verify(signed(SECRET, NOW_S + 299)).ok).toBe(true);
  });

  it('honours a custom tolerance', () => {
    expect(verify(signed(SECRET, NOW_S - 60), { toleranceSeconds: 30 }).ok).toBe(false);
  });

  it('accepts either of two rotated secrets, and a header signed with both', () => {
    expect(verify(signed(OLD_SECRET), { secret: [SECRET, OLD_SECRET] }).ok).toBe(true);
    expect(verify(signed(SECRET), { secret: [SECRET, OLD_SECRET] }).ok).toBe(true);
    expect(verify(signed([SECRET, OLD_SECRET]), { secret: OLD_SECRET }).ok).toBe(true);
    expect(verify(signed(OLD_SECRET), { secret: SECRET }).ok).toBe(false);
  });

  it('falls back to X-Hookline-Signature when no Standard Webhooks headers are sent', () => {
    const only = { 'X-Hookline-Signature': hooklineSignature(SECRET, body) };
    expect(verify(only)).toEqual({ ok: true, scheme: 'x-hookline-signature' });
    expect(verify(only, { secret: [OLD_SECRET, SECRET] }).ok).toBe(true);
    expect(verify({ 'x-hookline-signature': hooklineSignature(OLD_SECRET, body) }).ok).toBe(false);
    expect(verifyHooklineSignature({ secret: SECRET, body: flipByte(body), headers: only, now }).ok).toBe(false);
  });

  it('never falls back to X-Hookline-Signature when a Standard Webhooks signature is present but stale', () => {
    expect(verify(signed(SECRET, NOW_S - 3600)).ok).toBe(false);
  });

  it('rejects missing or malformed headers', () => {
    const h = signed();
    expect(verify({})).toEqual({ ok: false, reason: 'missing webhook-signature and x-hookline-signature headers' });
    expect(verify({ 'webhook-signature': h['webhook-signature'], 'webhook-timestamp': h['webhook-timestamp'] }).ok).toBe(false);
    expect(verify({ ...h, 'webhook-timestamp': '1.5e9' }).ok).toBe(false);
    expect(verify(h, { secret: [] })).toEqual({ ok: false, reason: 'no secret to verify with' });
  });
});
