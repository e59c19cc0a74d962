import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { WebhookRecord } from '../../../shared/model/webhook';
import { gitlab } from '../../../shared/providers/gitlab';
import { mediaType } from '../../../shared/providers/parse';

// Hookline's generated secrets (whsec_ + base64 of 32 bytes) fit both GitLab fields: the secret
// token (compared verbatim) and the signing token (a Standard Webhooks key).
const SECRET = 'whsec_Z2l0bGFiLXNpZ25pbmctdG9rZW4tMDEyMzQ1Njc4OWFi';
const OLD_SECRET = 'whsec_b2xkLWdpdGxhYi10b2tlbi0wMTIzNDU2Nzg5YWJjZGVm';
const webhook = { provider: 'gitlab' } as unknown as WebhookRecord;
const now = new Date('2026-11-23T12:00:00Z');
const NOW_S = now.getTime() / 1000;
const IDEMPOTENCY_KEY = 'f5b6e3a2-7c1d-4e8f-9a0b-1c2d3e4f5a6b';
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/gitlab', name));

const base = (event = 'Issue Hook'): Record<string, string | undefined> => ({
  'content-type': 'application/json',
  'x-gitlab-event': event,
  'x-gitlab-event-uuid': '13792a34-cac6-4fda-95a8-c58e00a3954e',
  'x-gitlab-webhook-uuid': '8b5c3a2e-0000-4000-8000-000000000001',
  'x-gitlab-instance': 'https://gitlab.example.com',
  'idempotency-key': IDEMPOTENCY_KEY,
});

function tokenRequest(body = fixture('issue.open.json'), token = SECRET) {
  return { body: Buffer.from(body), headers: { ...base(), 'x-gitlab-token': token } };
}

function signedRequest(body = fixture('issue.open.json'), { secret = SECRET, ts = NOW_S } = {}) {
  const b = Buffer.from(body);
  const signature = new Webhook(secret).sign(IDEMPOTENCY_KEY, new Date(ts * 1000), b.toString('utf8'));
  return { body: b, headers: { ...base(), 'webhook-id': IDEMPOTENCY_KEY, 'webhook-timestamp': String(ts), 'webhook-signature': signature } };
}

describe('gitlab secret token', () => {
  it('accepts X-Gitlab-Token equal to the secret', () => {
    expect(gitlab.verify(tokenRequest(), [SECRET], now, webhook)).toEqual({ ok: true });
  });

  it('rejects a different token, one character off or a prefix of it', () => {
    expect(gitlab.verify(tokenRequest(undefined, SECRET.slice(0, -1) + 'x'), [SECRET], now, webhook)).toEqual({ ok: false, reason: 'X-Gitlab-Token does not match' });
    expect(gitlab.verify(tokenRequest(undefined, SECRET.slice(0, 10)), [SECRET], now, webhook).ok).toBe(false);
    expect(gitlab.verify(tokenRequest(undefined, ''), [SECRET], now, webhook).ok).toBe(false);
  });

  it('rejects a request with neither a token nor a signature', () => {
    expect(gitlab.verify({ body: fixture('push.json'), headers: base('Push Hook') }, [SECRET], now, webhook)).toEqual({
      ok: false,
      reason: 'missing X-Gitlab-Token or webhook-signature header',
    });
  });

  it('accepts the previous secret during rotation and rejects a wrong one', () => {
    const req = tokenRequest(undefined, OLD_SECRET);
    expect(gitlab.verify(req, [SECRET, OLD_SECRET], now, webhook).ok).toBe(true);
    expect(gitlab.verify(req, [SECRET], now, webhook).ok).toBe(false);
  });

  it('does not cover the body (GitLab signs nothing with a plain token), so replays are stopped by Idempotency-Key dedup', () => {
    const req = tokenRequest();
    req.body[30] ^= 1;
    expect(gitlab.verify(req, [SECRET], now, webhook).ok).toBe(true);
  });
});

describe('gitlab signing token (Standard Webhooks)', () => {
  it('accepts a delivery signed by the standardwebhooks library without X-Gitlab-Token', () => {
    expect(gitlab.verify(signedRequest(), [SECRET], now, webhook)).toEqual({ ok: true });
  });

  it('rejects the delivery when one byte of the body changes', () => {
    const req = signedRequest();
    req.body[30] ^= 1;
    expect(gitlab.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('rejects stale and future timestamps beyond 300 s', () => {
    expect(gitlab.verify(signedRequest(undefined, { ts: NOW_S - 299 }), [SECRET], now, webhook).ok).toBe(true);
    expect(gitlab.verify(signedRequest(undefined, { ts: NOW_S + 299 }), [SECRET], now, webhook).ok).toBe(true);
    expect(gitlab.verify(signedRequest(undefined, { ts: NOW_S - 301 }), [SECRET], now, webhook)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
    expect(gitlab.verify(signedRequest(undefined, { ts: NOW_S + 301 }), [SECRET], now, webhook)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
  });

  it('accepts the previous secret and rejects a wrong one', () => {
    const req = signedRequest(undefined, { secret: OLD_SECRET });
    expect(gitlab.verify(req, [SECRET, OLD_SECRET], now, webhook).ok).toBe(true);
    expect(gitlab.verify(req, [SECRET], now, webhook).ok).toBe(false);
  });

  it('accepts either credential when both are sent', () => {
    const signed = signedRequest();
    expect(gitlab.verify({ body: signed.body, headers: { ...signed.headers, 'x-gitlab-token': 'not-it' } }, [SECRET], now, webhook).ok).toBe(true);
    const stale = signedRequest(undefined, { ts: NOW_S - 3600 });
    expect(gitlab.verify({ body: stale.body, headers: { ...stale.headers, 'x-gitlab-token': SECRET } }, [SECRET], now, webhook).ok).toBe(true);
    expect(gitlab.verify({ body: stale.body, headers: { ...stale.headers, 'x-gitlab-token': 'not-it' } }, [SECRET], now, webhook).ok).toBe(false);
  });
});

describe('gitlab events', () => {
  const describeFixture = (name: string, event: string, headers: Record<string, string | undefined> = base(event)) => {
    const body = fixture(name);
    return gitlab.describe({ body, headers }, gitlab.parse({ body, headers }), webhook);
  };

  it('names events object_kind.action with Idempotency-Key as the delivery id', () => {
    expect(describeFixture('issue.open.json', 'Issue Hook')).toEqual({ event_type: 'issue.open', delivery_id: IDEMPOTENCY_KEY });
    expect(describeFixture('merge_request.merge.json', 'Merge Request Hook').event_type).toBe('merge_request.merge');
    expect(describeFixture('note.create.json', 'Note Hook').event_type).toBe('note.create');
  });

  it('keeps the bare kind when there is no action (push, or notes from GitLab before 16.11)', () => {
    expect(describeFixture('push.json', 'Push Hook').event_type).toBe('push');
    const note = JSON.parse(fixture('note.create.json').toString());
    delete note.object_attributes.action;
    expect(gitlab.describe({ body: Buffer.from(''), headers: base('Note Hook') }, note, webhook).event_type).toBe('note');
  });

  it('uses a top-level action (release, milestone) and the X-Gitlab-Event name when object_kind is missing', () => {
    expect(gitlab.describe({ body: Buffer.from(''), headers: base('Release Hook') }, { object_kind: 'release', action: 'create' }, webhook).event_type).toBe('release.create');
    expect(gitlab.describe({ body: Buffer.from(''), headers: base('Merge Request Hook') }, {}, webhook).event_type).toBe('merge_request');
  });

  it('falls back to X-Gitlab-Event-UUID for the delivery id on instances without Idempotency-Key', () => {
    const headers = { ...base(), 'idempotency-key': undefined };
    expect(describeFixture('issue.open.json', 'Issue Hook', headers).delivery_id).toBe('13792a34-cac6-4fda-95a8-c58e00a3954e');
  });
});

describe('gitlab sample delivery (POST /api/webhooks/{id}/test)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is signed the way gitlab signs, so this verifier accepts it and names it issue.open', () => {
    const s = gitlab.sample!({ ...webhook, webhook_id: 'hook-test-1' } as WebhookRecord, SECRET, now);
    const req = { body: Buffer.from(s.body), headers: s.headers };
    expect(gitlab.contentTypes).toContain(mediaType(req));
    expect(gitlab.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    const d = gitlab.describe(req, gitlab.parse(req), webhook);
    expect(d.event_type).toBe('issue.open');
    expect(d.delivery_id).toBeTruthy();
  });
});
