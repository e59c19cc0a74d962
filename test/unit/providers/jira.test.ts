import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sign, verify } from '@octokit/webhooks-methods';
import type { WebhookRecord } from '../../../shared/model/webhook';
import { jira } from '../../../shared/providers/jira';
import { mediaType } from '../../../shared/providers/parse';

const SECRET = 'jira-admin-webhook-secret';
const OLD_SECRET = 'jira-admin-webhook-secret-old';
const webhook = { provider: 'jira' } as unknown as WebhookRecord;
const now = new Date('2026-11-23T12:00:00Z');
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/jira', name), 'utf8');
const DELIVERY = '8e3a5f2c-1b4d-4c6e-9f0a-2b3c4d5e6f70';

async function request(body = fixture('jira-issue_created.json'), secret = SECRET) {
  return {
    body: Buffer.from(body),
    headers: {
      'content-type': 'application/json',
      // Same WebSub sha256=<hex> form as GitHub's X-Hub-Signature-256, so Octokit signs it.
      'x-hub-signature': await sign(secret, body),
      'x-atlassian-webhook-identifier': DELIVERY,
      'x-atlassian-webhook-retry': '0',
      'x-atlassian-webhook-flow': 'Primary',
    } as Record<string, string>,
  };
}

describe('jira verifier', () => {
  it("accepts X-Hub-Signature: sha256=<hex>, which Octokit's verify accepts too", async () => {
    const req = await request();
    expect(jira.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    await expect(verify(SECRET, req.body.toString(), req.headers['x-hub-signature'])).resolves.toBe(true);
  });

  it('rejects the delivery when one byte of the body changes', async () => {
    const req = await request();
    req.body[50] ^= 1;
    expect(jira.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('reads the WebSub method: sha512 verifies, sha1 and a bare signature are refused', async () => {
    const body = fixture('comment_created.json');
    const mac = (alg: string) => createHmac(alg, SECRET).update(body).digest('hex');
    const with_ = (h: string) => jira.verify({ body: Buffer.from(body), headers: { 'x-hub-signature': h } }, [SECRET], now, webhook);
    expect(with_(`sha512=${mac('sha512')}`).ok).toBe(true);
    expect(with_(`SHA256=${mac('sha256').toUpperCase()}`).ok).toBe(true);
    expect(with_(`sha1=${mac('sha1')}`)).toEqual({ ok: false, reason: 'X-Hub-Signature must be method=signature with sha256, sha384 or sha512' });
    expect(with_(mac('sha256')).ok).toBe(false);
    expect(with_(`sha512=${mac('sha256')}`).ok).toBe(false);
  });

  it('rejects a delivery without a signature (webhook created without a secret)', async () => {
    const req = await request();
    delete (req.headers as Record<string, string | undefined>)['x-hub-signature'];
    expect(jira.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'missing X-Hub-Signature header' });
  });

  it('accepts the previous secret during rotation and rejects a wrong one', async () => {
    const req = await request(undefined, OLD_SECRET);
    expect(jira.verify(req, [SECRET, OLD_SECRET], now, webhook).ok).toBe(true);
    expect(jira.verify(req, [SECRET], now, webhook).ok).toBe(false);
  });

  it('takes the event type from webhookEvent and the delivery id from X-Atlassian-Webhook-Identifier', async () => {
    const req = await request();
    expect(jira.describe(req, jira.parse(req), webhook)).toEqual({ event_type: 'jira:issue_created', delivery_id: DELIVERY });
    const comment = await request(fixture('comment_created.json'));
    expect(jira.describe(comment, jira.parse(comment), webhook).event_type).toBe('comment_created');
  });
});

describe('jira sample delivery (POST /api/webhooks/{id}/test)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is signed the way jira signs, so this verifier accepts it and names it jira:issue_created', () => {
    const s = jira.sample!({ ...webhook, webhook_id: 'hook-test-1' } as WebhookRecord, SECRET, now);
    const req = { body: Buffer.from(s.body), headers: s.headers };
    expect(jira.contentTypes).toContain(mediaType(req));
    expect(jira.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    const d = jira.describe(req, jira.parse(req), webhook);
    expect(d.event_type).toBe('jira:issue_created');
    expect(d.delivery_id).toBeTruthy();
  });
});
