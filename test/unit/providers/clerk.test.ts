import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'svix';
import type { WebhookRecord } from '../../../shared/model/webhook';
import { clerk } from '../../../shared/providers/clerk';
import { mediaType } from '../../../shared/providers/parse';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = 'whsec_Y2xlcmstb2xkLXNpZ25pbmctc2VjcmV0LTAwMDAx';
const webhook = { provider: 'clerk' } as unknown as WebhookRecord;
const now = new Date('2026-11-23T12:00:00Z');
const NOW_S = now.getTime() / 1000;
const MSG_ID = 'msg_2pXc0JmQyYgS8sLFEtGzxmWUd1A';
const payload = readFileSync(join(__dirname, '../../fixtures/clerk/user.created.json'), 'utf8');

function request({ secret = SECRET, ts = NOW_S, body = payload } = {}) {
  const signature = new Webhook(secret).sign(MSG_ID, new Date(ts * 1000), body);
  return {
    body: Buffer.from(body),
    headers: { 'content-type': 'application/json', 'svix-id': MSG_ID, 'svix-timestamp': String(ts), 'svix-signature': signature } as Record<string, string | undefined>,
  };
}

describe('clerk verifier', () => {
  afterEach(() => jest.restoreAllMocks());

  it('accepts a delivery signed by svix, whose verify accepts it too', () => {
    const req = request();
    expect(clerk.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    jest.spyOn(Date, 'now').mockReturnValue(now.getTime());
    expect(new Webhook(SECRET).verify(payload, req.headers as Record<string, string>)).toEqual(JSON.parse(payload));
  });

  it("matches Svix's documented vector", () => {
    const req = {
      body: Buffer.from('{"event_type":"ping","data":{"success":true}}'),
      headers: { 'svix-id': 'msg_loFOjxBNrRLzqYUf', 'svix-timestamp': '1731705121', 'svix-signature': 'v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=' },
    };
    expect(clerk.verify(req, ['whsec_plJ3nmyCDGBKInavdOK15jsl'], new Date(1731705121_000), webhook)).toEqual({ ok: true });
  });

  it('accepts the white-label webhook-* header names', () => {
    const { body, headers } = request();
    const renamed = { 'webhook-id': headers['svix-id'], 'webhook-timestamp': headers['svix-timestamp'], 'webhook-signature': headers['svix-signature'] };
    expect(clerk.verify({ body, headers: renamed }, [SECRET], now, webhook)).toEqual({ ok: true });
    expect(clerk.describe({ body, headers: renamed }, JSON.parse(payload), webhook).delivery_id).toBe(MSG_ID);
  });

  it('rejects the delivery when one byte of the body changes', () => {
    const req = request();
    req.body[100] ^= 1;
    expect(clerk.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('accepts timestamps up to 300 s away and rejects stale and future ones beyond it', () => {
    expect(clerk.verify(request({ ts: NOW_S - 299 }), [SECRET], now, webhook).ok).toBe(true);
    expect(clerk.verify(request({ ts: NOW_S + 299 }), [SECRET], now, webhook).ok).toBe(true);
    expect(clerk.verify(request({ ts: NOW_S - 301 }), [SECRET], now, webhook)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
    expect(clerk.verify(request({ ts: NOW_S + 301 }), [SECRET], now, webhook)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
  });

  it('accepts the previous secret during rotation and rejects a wrong one', () => {
    const req = request({ secret: OLD_SECRET });
    expect(clerk.verify(req, [SECRET, OLD_SECRET], now, webhook).ok).toBe(true);
    expect(clerk.verify(req, [SECRET], now, webhook).ok).toBe(false);
  });

  it('takes the event type from type and the delivery id from svix-id', () => {
    const req = request();
    expect(clerk.describe(req, clerk.parse(req), webhook)).toEqual({ event_type: 'user.created', delivery_id: MSG_ID });
  });
});

describe('clerk sample delivery (POST /api/webhooks/{id}/test)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is signed the way clerk signs, so this verifier accepts it and names it user.created', () => {
    const s = clerk.sample!({ ...webhook, webhook_id: 'hook-test-1' } as WebhookRecord, SECRET, now);
    const req = { body: Buffer.from(s.body), headers: s.headers };
    expect(clerk.contentTypes).toContain(mediaType(req));
    expect(clerk.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    const d = clerk.describe(req, clerk.parse(req), webhook);
    expect(d.event_type).toBe('user.created');
    expect(d.delivery_id).toBeTruthy();
    jest.spyOn(Date, 'now').mockReturnValue(now.getTime());
    expect(() => new Webhook(SECRET).verify(s.body, s.headers)).not.toThrow();
  });
});
