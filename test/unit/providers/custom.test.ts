import { createHmac } from 'node:crypto';
import { custom } from '../../../shared/providers/custom';
import { Verification, type WebhookRecord } from '../../../shared/model/webhook';

const SECRET = 'custom-secret-123';
const now = new Date('2026-11-23T12:00:00Z');
const ts = String(Math.floor(now.getTime() / 1000));
const body = '{"type":"order.paid","id":42,"note":"café ☕"}';

function webhookWith(v: Record<string, unknown>): WebhookRecord {
  return { provider: 'custom', verification: Verification.parse(v) } as unknown as WebhookRecord;
}

const mac = (alg: string, s: string, enc: 'hex' | 'base64') => createHmac(alg, SECRET).update(s).digest(enc);

describe('custom verifier', () => {
  it('defaults to hex HMAC-SHA256 of the body in the named header', () => {
    const w = webhookWith({ header: 'X-Signature' });
    const req = { body: Buffer.from(body), headers: { 'x-signature': mac('sha256', body, 'hex') } };
    expect(custom.verify(req, [SECRET], now, w).ok).toBe(true);
    req.body = Buffer.from(body.replace('42', '43'));
    expect(custom.verify(req, [SECRET], now, w).ok).toBe(false);
  });

  it.each([
    ['sha1', 'hex'],
    ['sha512', 'base64'],
    ['sha256', 'base64'],
  ] as const)('supports %s with %s encoding and a prefix', (algorithm, encoding) => {
    const w = webhookWith({ header: 'X-Sig', algorithm, encoding, prefix: 'v1=' });
    const req = { body: Buffer.from(body), headers: { 'x-sig': `v1=${mac(algorithm, body, encoding)}` } };
    expect(custom.verify(req, [SECRET], now, w).ok).toBe(true);
    req.headers['x-sig'] = mac(algorithm, body, encoding);
    expect(custom.verify(req, [SECRET], now, w).ok).toBe(false);
  });

  it('signs {id}.{timestamp}.{body} and enforces the tolerance in both directions', () => {
    const w = webhookWith({ header: 'X-Sig', signed_payload: '{id}.{timestamp}.{body}', timestamp_header: 'X-Ts', id_header: 'X-Id', tolerance_seconds: 300 });
    const at = (t: number) => ({ body: Buffer.from(body), headers: { 'x-sig': mac('sha256', `msg_1.${t}.${body}`, 'hex'), 'x-ts': String(t), 'x-id': 'msg_1' } });
    const s = Number(ts);
    expect(custom.verify(at(s), [SECRET], now, w).ok).toBe(true);
    expect(custom.verify(at(s - 299), [SECRET], now, w).ok).toBe(true);
    expect(custom.verify(at(s + 299), [SECRET], now, w).ok).toBe(true);
    expect(custom.verify(at(s - 301), [SECRET], now, w)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
    expect(custom.verify(at(s + 301), [SECRET], now, w)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
  });

  it('takes the delivery id from id_header and the event type from the payload', () => {
    const w = webhookWith({ header: 'X-Sig', id_header: 'X-Id' });
    const req = { body: Buffer.from(body), headers: { 'x-id': 'abc' } };
    expect(custom.describe(req, JSON.parse(body), w)).toEqual({ event_type: 'order.paid', delivery_id: 'abc' });
    expect(custom.describe(req, { hello: 1 }, w).event_type).toBe('custom');
  });

  it('refuses layouts that need a header the config does not name', () => {
    const r = Verification.safeParse({ header: 'X-Sig', signed_payload: '{timestamp}.{body}' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0].path).toEqual(['timestamp_header']);
  });
});
