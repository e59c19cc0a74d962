import { sign } from '@octokit/webhooks-methods';
import { github } from '../../../shared/providers/github';
import { activeSecrets } from '../../../shared/providers';
import type { WebhookRecord } from '../../../shared/model/webhook';

const SECRET = 'gh-webhook-secret-1';
const webhook = { provider: 'github', verification: undefined } as unknown as WebhookRecord;
const now = new Date('2026-11-23T12:00:00Z');
const body = JSON.stringify({ action: 'opened', issue: { title: 'Crash on start 🚀', body: 'ünïcödé 漢字' } });

async function request(b = body, secret = SECRET, extra: Record<string, string> = {}) {
  return {
    body: Buffer.from(b),
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': await sign(secret, b), 'x-github-event': 'issues', 'x-github-delivery': 'd-1', ...extra },
  };
}

describe('github verifier', () => {
  it('accepts a delivery signed by @octokit/webhooks-methods', async () => {
    expect(github.verify(await request(), [SECRET], now, webhook)).toEqual({ ok: true });
  });

  it("matches GitHub's documented test vector", () => {
    const req = { body: Buffer.from('Hello, World!'), headers: { 'x-hub-signature-256': 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17' } };
    expect(github.verify(req, ["It's a Secret to Everybody"], now, webhook).ok).toBe(true);
  });

  it('rejects the delivery when one byte of the body changes', async () => {
    const req = await request();
    req.body[10] ^= 1;
    expect(github.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('rejects a missing signature header', async () => {
    const req = await request();
    delete (req.headers as Record<string, string | undefined>)['x-hub-signature-256'];
    expect(github.verify(req, [SECRET], now, webhook).ok).toBe(false);
  });

  it('rejects the legacy sha1 form in the sha256 header', async () => {
    const req = await request();
    req.headers['x-hub-signature-256'] = req.headers['x-hub-signature-256'].replace('sha256=', 'sha1=');
    expect(github.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'X-Hub-Signature-256 must start with sha256=' });
  });

  it('accepts the previous secret inside the grace window and not after it', async () => {
    const w = { secret: 'new-secret-000000', previous_secrets: [{ secret: SECRET, expires_at: '2026-11-23T12:05:00Z' }] };
    const req = await request();
    expect(github.verify(req, activeSecrets(w, now), now, webhook).ok).toBe(true);
    const later = new Date('2026-11-23T12:05:01Z');
    expect(github.verify(req, activeSecrets(w, later), later, webhook).ok).toBe(false);
  });

  it('names events as name.action, or the bare name without an action', async () => {
    const req = await request();
    expect(github.describe(req, JSON.parse(body), webhook)).toEqual({ event_type: 'issues.opened', delivery_id: 'd-1', handshake: false });
    const push = await request('{"ref":"refs/heads/main"}', SECRET, { 'x-github-event': 'push' });
    expect(github.describe(push, { ref: 'x' }, webhook).event_type).toBe('push');
    const ping = await request('{"zen":"Keep it simple.","hook_id":1}', SECRET, { 'x-github-event': 'ping' });
    expect(github.describe(ping, { zen: 'x' }, webhook)).toMatchObject({ event_type: 'ping', handshake: true });
  });

  it('parses form-encoded deliveries from the payload field', async () => {
    const form = `payload=${encodeURIComponent(body)}`;
    const req = await request(form, SECRET, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(github.verify(req, [SECRET], now, webhook).ok).toBe(true);
    expect(github.parse(req)).toEqual(JSON.parse(body));
  });
});
