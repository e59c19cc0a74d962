import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebhookRecord } from '../../../shared/model/webhook';
import { linear } from '../../../shared/providers/linear';
import { mediaType } from '../../../shared/providers/parse';

const SECRET = 'lin_wh_signing_secret_abc';
const OLD_SECRET = 'lin_wh_signing_secret_old';
const webhook = { provider: 'linear' } as unknown as WebhookRecord;
const now = new Date('2026-11-23T12:00:00Z');
const NOW_MS = now.getTime();
const DELIVERY = '234d1a4e-b617-4388-90fe-adc3633d6b72';
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/linear', name), 'utf8');

/** The fixture with webhookTimestamp moved by `deltaMs` (the field is inside the signed body). */
const bodyAt = (deltaMs: number, name = 'Issue.create.json') => fixture(name).replace(/"webhookTimestamp": ?\d+/, `"webhookTimestamp": ${NOW_MS + deltaMs}`);
const signature = (secret: string, body: string | Buffer) => createHmac('sha256', secret).update(body).digest('hex');

function request(body = bodyAt(0), secret = SECRET) {
  return {
    body: Buffer.from(body),
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'linear-delivery': DELIVERY,
      'linear-event': 'Issue',
      'linear-signature': signature(secret, body),
      'user-agent': 'Linear-Webhook',
    } as Record<string, string | undefined>,
  };
}

/**
 * @linear/sdk is ESM-only and jest's transformIgnorePatterns does not list it, so its
 * LinearWebhookClient runs in a child Node process, with Date.now pinned to the test's clock.
 */
function linearSdkVerify(cases: { body: string; signature: string; now: number }[]): (true | string)[] {
  const script = `
    import { LinearWebhookClient } from '@linear/sdk/webhooks';
    const client = new LinearWebhookClient(${JSON.stringify(SECRET)});
    const out = JSON.parse(process.argv[1]).map((c) => {
      Date.now = () => c.now;
      try { return client.verify(Buffer.from(c.body), c.signature); } catch (e) { return e.message; }
    });
    process.stdout.write(JSON.stringify(out));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(cases)], { cwd: join(__dirname, '../../..') });
  return JSON.parse(out.toString());
}

describe('linear verifier', () => {
  it('agrees with LinearWebhookClient.verify on signature and the ±60 s window', () => {
    const deltas = [0, -59_000, 59_000, -61_000, 61_000];
    const reqs = deltas.map((d) => request(bodyAt(d)));
    const tampered = request();
    tampered.body[20] ^= 1;
    const all = [...reqs, tampered];
    const sdk = linearSdkVerify(all.map((r) => ({ body: r.body.toString('utf8'), signature: r.headers['linear-signature']!, now: NOW_MS })));
    const ours = all.map((r) => linear.verify(r, [SECRET], now, webhook).ok);
    expect(ours).toEqual([true, true, true, false, false, false]);
    expect(sdk).toEqual([true, true, true, 'Invalid webhook timestamp', 'Invalid webhook timestamp', 'Invalid webhook signature']);
  });

  it('rejects the delivery when one byte of the body changes', () => {
    const req = request();
    req.body[20] ^= 1;
    expect(linear.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('rejects stale and future webhookTimestamp values beyond 60 s', () => {
    expect(linear.verify(request(bodyAt(-61_000)), [SECRET], now, webhook)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
    expect(linear.verify(request(bodyAt(61_000)), [SECRET], now, webhook)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
  });

  it('trusts only the signed body field: a fresh Linear-Timestamp header does not rescue a stale body', () => {
    const req = request(bodyAt(-3_600_000));
    req.headers['linear-timestamp'] = String(NOW_MS);
    expect(linear.verify(req, [SECRET], now, webhook).ok).toBe(false);
  });

  it('rejects a correctly signed body without a numeric webhookTimestamp', () => {
    const noTs = fixture('Issue.create.json').replace(/,\s*"webhookTimestamp": ?\d+/, '');
    expect(linear.verify(request(noTs), [SECRET], now, webhook)).toEqual({ ok: false, reason: 'missing or malformed webhookTimestamp' });
    const asString = fixture('Issue.create.json').replace(/"webhookTimestamp": ?(\d+)/, '"webhookTimestamp": "$1"');
    expect(linear.verify(request(asString), [SECRET], now, webhook).ok).toBe(false);
    expect(linear.verify(request('not json'), [SECRET], now, webhook).ok).toBe(false);
  });

  it('reads webhookTimestamp from the root object only, wherever it sits', () => {
    const verifyBody = (b: object | string) => linear.verify(request(typeof b === 'string' ? b : JSON.stringify(b)), [SECRET], now, webhook).ok;
    const fresh = NOW_MS;
    const stale = NOW_MS - 3_600_000;
    // Root field first, a nested one later: the nested one must not count.
    expect(verifyBody({ webhookTimestamp: fresh, data: { webhookTimestamp: stale } })).toBe(true);
    expect(verifyBody({ webhookTimestamp: stale, data: { webhookTimestamp: fresh } })).toBe(false);
    expect(verifyBody({ data: { webhookTimestamp: fresh }, type: 'Issue' })).toBe(false);
    expect(verifyBody({ data: [{ webhookTimestamp: fresh }] })).toBe(false);
    // The key quoted inside a string value is text, not a field.
    expect(verifyBody({ webhookTimestamp: stale, note: `"webhookTimestamp": ${fresh}}` })).toBe(false);
    expect(verifyBody({ note: 'say \\"hi\\" 🙂', webhookTimestamp: fresh, webhookId: 'w', ok: true, n: null, x: -1.5e3 })).toBe(true);
    expect(verifyBody(`{ "type" : "Issue" ,\n  "webhookTimestamp" : ${fresh} ,\n "webhookId" : "w"\n}\n`)).toBe(true);
  });

  it('accepts the previous secret during rotation and rejects a wrong one', () => {
    const req = request(undefined, OLD_SECRET);
    expect(linear.verify(req, [SECRET, OLD_SECRET], now, webhook).ok).toBe(true);
    expect(linear.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('names events type.action with Linear-Delivery as the delivery id', () => {
    const req = request();
    expect(linear.describe(req, linear.parse(req), webhook)).toEqual({ event_type: 'Issue.create', delivery_id: DELIVERY });
    const comment = request(bodyAt(0, 'Comment.update.json'));
    expect(linear.verify(comment, [SECRET], now, webhook).ok).toBe(true);
    expect(linear.describe(comment, linear.parse(comment), webhook).event_type).toBe('Comment.update');
  });
});

describe('linear sample delivery (POST /api/webhooks/{id}/test)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is signed the way linear signs, so this verifier accepts it and names it Issue.create', () => {
    const s = linear.sample!({ ...webhook, webhook_id: 'hook-test-1' } as WebhookRecord, SECRET, now);
    const req = { body: Buffer.from(s.body), headers: s.headers };
    expect(linear.contentTypes).toContain(mediaType(req));
    expect(linear.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    const d = linear.describe(req, linear.parse(req), webhook);
    expect(d.event_type).toBe('Issue.create');
    expect(d.delivery_id).toBeTruthy();
  });
});
