import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import {
  deliveryHeaders,
  generateSubscriptionSecret,
  hooklineSignature,
  parseSubscriptionSecret,
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

  it('refuses a secret that is neither whsec_ + base64 nor a plain secret, and a fractional timestamp', () => {
    expect(() => standardWebhookHeaders('not-a-secret', ID, NOW_S, body)).toThrow(/whsec_/);
    expect(() => standardWebhookHeaders('whsec_not base64!', ID, NOW_S, body)).toThrow(/base64/);
    expect(() => standardWebhookHeaders([], ID, NOW_S, body)).toThrow(/secret/);
    expect(() => standardWebhookHeaders(SECRET, ID, NOW_S + 0.5, body)).toThrow(/timestamp/);
  });
});

describe('parseSubscriptionSecret', () => {
  const b64 = (n: number) => Buffer.alloc(n, 7).toString('base64');

  it('reads whsec_ + base64 of 24 to 64 bytes as generated, keyed with the decoded bytes', () => {
    expect(parseSubscriptionSecret(SECRET)).toEqual({ ok: true, kind: 'generated', key: Buffer.from(SECRET.slice(6), 'base64') });
    expect(parseSubscriptionSecret(`whsec_${b64(24)}`).ok).toBe(true);
    expect(parseSubscriptionSecret(`whsec_${b64(64)}`).ok).toBe(true);
    expect(parseSubscriptionSecret(generateSubscriptionSecret())).toMatchObject({ ok: true, kind: 'generated' });
  });

  it('refuses a whsec_ secret that is not base64 or decodes to fewer than 24 or more than 64 bytes', () => {
    expect(parseSubscriptionSecret(`whsec_${b64(23)}`)).toEqual({ ok: false, message: expect.stringMatching(/24 to 64 bytes \(this one encodes 23\)/) });
    expect(parseSubscriptionSecret(`whsec_${b64(65)}`).ok).toBe(false);
    expect(parseSubscriptionSecret('whsec_your_webhook_secret_!!').ok).toBe(false);
    expect(parseSubscriptionSecret(`whsec_${b64(32).slice(0, -1)}`).ok).toBe(false);
  });

  it('reads any other string of 16 to 256 printable ASCII characters as plain, keyed with its UTF-8 bytes', () => {
    expect(parseSubscriptionSecret('your_webhook_secret')).toEqual({ ok: true, kind: 'plain', key: Buffer.from('your_webhook_secret', 'utf8') });
    expect(parseSubscriptionSecret('x'.repeat(16)).ok).toBe(true);
    expect(parseSubscriptionSecret(' ~!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}').ok).toBe(true);
    expect(parseSubscriptionSecret('y'.repeat(256)).ok).toBe(true);
  });

  it('refuses a plain secret that is too short, too long, or not printable ASCII', () => {
    for (const bad of ['x'.repeat(15), 'y'.repeat(257), 'tab\tin-the-secret!', 'line\nbreak-secret-1', 'ünïcødé-secret-123', ''])
      expect(parseSubscriptionSecret(bad)).toEqual({ ok: false, message: expect.stringMatching(/16 to 256 printable ASCII/) });
  });
});

describe('plain secrets', () => {
  const PLAIN = 'your_webhook_secret';
  beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(now.getTime()));
  afterEach(() => jest.restoreAllMocks());

  it('key both signatures with the UTF-8 bytes of the secret', () => {
    const h = deliveryHeaders({ secrets: [PLAIN], deliveryId: ID, eventType: 'chat_message', timestampSeconds: NOW_S, body });
    const std = createHmac('sha256', Buffer.from(PLAIN, 'utf8')).update(`${ID}.${NOW_S}.${body}`).digest('base64');
    expect(h['webhook-signature']).toBe(`v1,${std}`);
    expect(h['x-hookline-signature']).toBe(`sha256=${createHmac('sha256', PLAIN).update(body).digest('hex')}`);
  });

  it('verify with the standardwebhooks and svix libraries in their raw-key format, and with verifyHooklineSignature', () => {
    const h = deliveryHeaders({ secrets: [PLAIN], deliveryId: ID, eventType: 'chat_message', timestampSeconds: NOW_S, body });
    expect(new StandardWebhook(PLAIN, { format: 'raw' }).verify(body, h)).toEqual(JSON.parse(body));
    expect(new SvixWebhook(PLAIN, { format: 'raw' }).verify(body, h)).toEqual(JSON.parse(body));
    expect(verifyHooklineSignature({ secret: PLAIN, body, headers: h, now })).toEqual({ ok: true, scheme: 'standard-webhooks' });
    expect(verifyHooklineSignature({ secret: PLAIN, body, headers: { 'x-hookline-signature': h['x-hookline-signature'] }, now })).toEqual({ ok: true, scheme: 'x-hookline-signature' });
    expect(verifyHooklineSignature({ secret: 'your_webhook_secreT', body, headers: h, now }).ok).toBe(false);
  });

  it('rotate with a generated secret: each key verifies during the grace', () => {
    const h = deliveryHeaders({ secrets: [SECRET, PLAIN], deliveryId: ID, eventType: 'chat_message', timestampSeconds: NOW_S, body });
    expect(verifyHooklineSignature({ secret: PLAIN, body, headers: h, now }).ok).toBe(true);
    expect(verifyHooklineSignature({ secret: SECRET, body, headers: h, now }).ok).toBe(true);
  });

  it('a receiver holding a secret Hookline cannot sign with is told so', () => {
    expect(verifyHooklineSignature({ secret: 'short', body, headers: {}, now })).toEqual({ ok: false, reason: expect.stringMatching(/^the secret to verify with is not one Hookline signs with/) });
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
    const h = new Headers(Object.entries(signed()).map(([k, v]) => [k.toUpperCase(), v] as [string, string]));
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
