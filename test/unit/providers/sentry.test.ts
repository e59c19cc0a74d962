import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookRecord } from '../../../shared/model/webhook';
import { sentry } from '../../../shared/providers/sentry';
import { mediaType } from '../../../shared/providers/parse';

const SECRET = 'sentry-integration-client-secret';
const OLD_SECRET = 'sentry-integration-client-secret-old';
const webhook = { provider: 'sentry' } as unknown as WebhookRecord;
const now = new Date('2026-11-23T12:00:00Z');
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/sentry', name));

// Sentry's SentryApp.build_signature: hex HMAC-SHA256(client secret, body as sent).
const signature = (secret: string, body: Buffer) => createHmac('sha256', secret).update(body).digest('hex');

function request(name = 'issue.created.json', { secret = SECRET, resource = 'issue', timestamp = String(now.getTime() / 1000) } = {}) {
  const body = fixture(name);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'request-id': '0b1d2c3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e',
      'sentry-hook-resource': resource,
      'sentry-hook-timestamp': timestamp,
      'sentry-hook-signature': signature(secret, body),
    } as Record<string, string | undefined>,
  };
}

describe('sentry verifier', () => {
  it('accepts Sentry-Hook-Signature over the raw body', () => {
    expect(sentry.verify(request(), [SECRET], now, webhook)).toEqual({ ok: true });
  });

  it('verifies the bytes as sent: re-serializing the parsed body (as Sentry\'s samples do) would change them', () => {
    const req = request();
    const reserialized = JSON.stringify(JSON.parse(req.body.toString()));
    expect(reserialized).not.toBe(req.body.toString());
    expect(reserialized).toContain('💥');
    expect(req.body.toString()).toContain('\\ud83d\\udca5');
    expect(sentry.verify(req, [SECRET], now, webhook).ok).toBe(true);
  });

  it('rejects the delivery when one byte of the body changes', () => {
    const req = request();
    req.body[25] ^= 1;
    expect(sentry.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('does not enforce a window on Sentry-Hook-Timestamp, which is not signed', () => {
    const yearOld = request(undefined, { timestamp: String(now.getTime() / 1000 - 365 * 86400) });
    expect(sentry.verify(yearOld, [SECRET], now, webhook).ok).toBe(true);
  });

  it('rejects a missing signature', () => {
    const req = request();
    req.headers['sentry-hook-signature'] = undefined;
    expect(sentry.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'missing Sentry-Hook-Signature header' });
  });

  it('accepts the previous secret during rotation and rejects a wrong one', () => {
    const req = request(undefined, { secret: OLD_SECRET });
    expect(sentry.verify(req, [SECRET, OLD_SECRET], now, webhook).ok).toBe(true);
    expect(sentry.verify(req, [SECRET], now, webhook).ok).toBe(false);
  });

  it('names events resource.action with Request-ID as the delivery id', () => {
    const req = request();
    expect(sentry.describe(req, sentry.parse(req), webhook)).toEqual({ event_type: 'issue.created', delivery_id: '0b1d2c3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e' });
    const install = request('installation.created.json', { resource: 'installation' });
    expect(sentry.describe(install, sentry.parse(install), webhook).event_type).toBe('installation.created');
  });
});

describe('sentry sample delivery (POST /api/webhooks/{id}/test)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is signed the way sentry signs, so this verifier accepts it and names it issue.created', () => {
    const s = sentry.sample!({ ...webhook, webhook_id: 'hook-test-1' } as WebhookRecord, SECRET, now);
    const req = { body: Buffer.from(s.body), headers: s.headers };
    expect(sentry.contentTypes).toContain(mediaType(req));
    expect(sentry.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    const d = sentry.describe(req, sentry.parse(req), webhook);
    expect(d.event_type).toBe('issue.created');
    expect(d.delivery_id).toBeTruthy();
  });
});
