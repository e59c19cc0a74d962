import { createPrivateKey, createPublicKey, sign as edSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { WebhookRecord } from '../../../shared/model/webhook';
import { standard } from '../../../shared/providers/standard';
import { mediaType } from '../../../shared/providers/parse';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = 'whsec_c3RhbmRhcmQtd2ViaG9va3Mtb2xkLWtleS0wMDE=';
const webhook = { provider: 'standard' } as unknown as WebhookRecord;
const now = new Date('2026-11-23T12:00:00Z');
const NOW_S = now.getTime() / 1000;
const MSG_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const payload = readFileSync(join(__dirname, '../../fixtures/standard/invoice.paid.json'), 'utf8');

function request({ secret = SECRET, ts = NOW_S, body = payload, id = MSG_ID } = {}) {
  const signature = new Webhook(secret).sign(id, new Date(ts * 1000), body);
  return {
    body: Buffer.from(body),
    headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': signature } as Record<string, string | undefined>,
  };
}

// Ed25519 key pair from the 32-byte seed 0x01..0x20 (a PKCS#8 DER header, then the seed).
const seed = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1));
const privateKey = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
const WHPK = `whpk_${createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(12).toString('base64')}`;
const v1a = (id: string, ts: number, body: string) => `v1a,${edSign(null, Buffer.from(`${id}.${ts}.${body}`), privateKey).toString('base64')}`;

describe('standard webhooks verifier', () => {
  afterEach(() => jest.restoreAllMocks());

  it('accepts a delivery signed by the standardwebhooks library, whose verify accepts it too', () => {
    const req = request();
    expect(standard.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    jest.spyOn(Date, 'now').mockReturnValue(now.getTime());
    expect(new Webhook(SECRET).verify(payload, req.headers as Record<string, string>)).toEqual(JSON.parse(payload));
  });

  it("matches the standardwebhooks library's sign vector, with and without the whsec_ prefix", () => {
    const req = {
      body: Buffer.from('{"test": 2432232314}'),
      headers: { 'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek', 'webhook-timestamp': '1614265330', 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=' },
    };
    const at = new Date(1614265330_000);
    expect(standard.verify(req, [SECRET], at, webhook)).toEqual({ ok: true });
    expect(standard.verify(req, ['MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], at, webhook)).toEqual({ ok: true });
  });

  it("matches Svix's documented vector under the svix-* names", () => {
    const req = {
      body: Buffer.from('{"event_type":"ping","data":{"success":true}}'),
      headers: { 'svix-id': 'msg_loFOjxBNrRLzqYUf', 'svix-timestamp': '1731705121', 'svix-signature': 'v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=' },
    };
    expect(standard.verify(req, ['whsec_plJ3nmyCDGBKInavdOK15jsl'], new Date(1731705121_000), webhook)).toEqual({ ok: true });
  });

  it('rejects the delivery when one byte of the body changes', () => {
    const req = request();
    req.body[20] ^= 1;
    expect(standard.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('rejects a signature made for another message id (the id is signed)', () => {
    const req = request();
    req.headers['webhook-id'] = 'msg_other';
    expect(standard.verify(req, [SECRET], now, webhook).ok).toBe(false);
  });

  it('accepts timestamps up to 300 s away in either direction', () => {
    expect(standard.verify(request({ ts: NOW_S - 299 }), [SECRET], now, webhook).ok).toBe(true);
    expect(standard.verify(request({ ts: NOW_S + 299 }), [SECRET], now, webhook).ok).toBe(true);
  });

  it('rejects stale and future timestamps beyond 300 s, like the library', () => {
    for (const ts of [NOW_S - 301, NOW_S + 301]) {
      const req = request({ ts });
      expect(standard.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
      jest.spyOn(Date, 'now').mockReturnValue(now.getTime());
      expect(() => new Webhook(SECRET).verify(payload, req.headers as Record<string, string>)).toThrow(/timestamp too (old|new)/);
    }
  });

  it('accepts the previous secret during rotation and rejects a wrong one', () => {
    const req = request({ secret: OLD_SECRET });
    expect(standard.verify(req, [SECRET, OLD_SECRET], now, webhook).ok).toBe(true);
    expect(standard.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('accepts a list where any v1 entry matches and skips other versions', () => {
    const req = request();
    const good = req.headers['webhook-signature']!;
    const junk = 'v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=';
    req.headers['webhook-signature'] = [junk, `v2,${good.slice(3)}`, good, junk].join(' ');
    expect(standard.verify(req, [SECRET], now, webhook).ok).toBe(true);
    req.headers['webhook-signature'] = `v2,${good.slice(3)} ${junk}`;
    expect(standard.verify(req, [SECRET], now, webhook).ok).toBe(false);
  });

  it('verifies v1a Ed25519 signatures against a whpk_ public key', () => {
    const req = request();
    req.headers['webhook-signature'] = v1a(MSG_ID, NOW_S, payload);
    expect(standard.verify(req, [WHPK], now, webhook)).toEqual({ ok: true });
    // A whsec_ secret never checks a v1a entry, a whpk_ key never checks a v1 entry.
    expect(standard.verify(req, [SECRET], now, webhook).ok).toBe(false);
    expect(standard.verify(request(), [WHPK], now, webhook).ok).toBe(false);
    // Both kinds side by side (a sender moving from HMAC to Ed25519).
    const both = request();
    both.headers['webhook-signature'] += ` ${v1a(MSG_ID, NOW_S, payload)}`;
    expect(standard.verify(both, [WHPK], now, webhook).ok).toBe(true);
    expect(standard.verify(both, [SECRET], now, webhook).ok).toBe(true);
    req.body[5] ^= 1;
    expect(standard.verify(req, [WHPK], now, webhook).ok).toBe(false);
  });

  it('requires all three headers from one family and never mixes webhook-* with svix-*', () => {
    const req = request();
    expect(standard.verify({ ...req, headers: { ...req.headers, 'webhook-id': undefined } }, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'missing webhook-id header' });
    expect(standard.verify({ ...req, headers: { ...req.headers, 'webhook-timestamp': 'yesterday' } }, [SECRET], now, webhook).ok).toBe(false);
    const mixed = { 'svix-signature': req.headers['webhook-signature'], 'webhook-id': MSG_ID, 'webhook-timestamp': String(NOW_S) };
    expect(standard.verify({ body: req.body, headers: mixed }, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'missing svix-id header' });
    expect(standard.verify({ body: req.body, headers: {} }, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'missing webhook-signature or svix-signature header' });
  });

  it('takes the event type from type and the delivery id from webhook-id', () => {
    const req = request();
    expect(standard.describe(req, standard.parse(req), webhook)).toEqual({ event_type: 'invoice.paid', delivery_id: MSG_ID });
  });
});

describe('standard sample delivery (POST /api/webhooks/{id}/test)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is signed the way standard signs, so this verifier accepts it and names it hookline.test', () => {
    const s = standard.sample!({ ...webhook, webhook_id: 'hook-test-1' } as WebhookRecord, SECRET, now);
    const req = { body: Buffer.from(s.body), headers: s.headers };
    expect(standard.contentTypes).toContain(mediaType(req));
    expect(standard.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    const d = standard.describe(req, standard.parse(req), webhook);
    expect(d.event_type).toBe('hookline.test');
    expect(d.delivery_id).toBeTruthy();
    jest.spyOn(Date, 'now').mockReturnValue(now.getTime());
    expect(() => new Webhook(SECRET).verify(s.body, s.headers)).not.toThrow();
  });
});
