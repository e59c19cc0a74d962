import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifySlackRequest } from '@slack/bolt';
import type { QueuedEvent } from '../../../shared/model/queued-event';
import type { WebhookRecord } from '../../../shared/model/webhook';
import { slack } from '../../../shared/providers/slack';
import { mediaType } from '../../../shared/providers/parse';
import type { InboundRequest } from '../../../shared/providers/types';
import { receiveEvent, SignatureError, type ReceiveDeps } from '../../../shared/usecases/receive-event';

const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const OLD_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const webhook = { webhook_id: 'slack-001', provider: 'slack', enabled: true, secret: SECRET } as unknown as WebhookRecord;
const now = new Date('2026-11-23T12:00:00Z');
const NOW_S = now.getTime() / 1000;
const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/slack', name));
const JSON_CT = 'application/json';
const FORM_CT = 'application/x-www-form-urlencoded';

const sign = (secret: string, ts: number, body: Buffer | string) => `v0=${createHmac('sha256', secret).update(`v0:${ts}:`).update(body).digest('hex')}`;

function request(body: Buffer | string, { secret = SECRET, ts = NOW_S, ct = JSON_CT } = {}): InboundRequest & { headers: Record<string, string> } {
  const b = Buffer.from(body);
  return { body: b, headers: { 'content-type': ct, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sign(secret, ts, b) } };
}

/** Slash command fields encoded as Slack does: encodeURIComponent, so spaces are %20. */
const slashBody = () =>
  Object.entries(JSON.parse(fixture('slash_command.json').toString()) as Record<string, string>)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');

describe('slack verifier', () => {
  it('accepts an Events API delivery, and @slack/bolt accepts the same request', () => {
    const req = request(fixture('message.channels.json'));
    expect(slack.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    expect(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        body: req.body.toString('utf8'),
        headers: { 'x-slack-signature': req.headers['x-slack-signature'], 'x-slack-request-timestamp': NOW_S },
        nowMilliseconds: now.getTime(),
      }),
    ).not.toThrow();
  });

  it("matches Slack's documented example (signing secret, timestamp 1531420618, slash command body)", () => {
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    const req = {
      body: Buffer.from(body),
      headers: { 'x-slack-request-timestamp': '1531420618', 'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503' },
    };
    expect(slack.verify(req, [SECRET], new Date(1531420618_000), webhook)).toEqual({ ok: true });
  });

  it('rejects the delivery when one byte of the body changes', () => {
    const req = request(fixture('message.channels.json'));
    req.body[40] ^= 1;
    expect(slack.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('accepts timestamps up to 300 s away in either direction', () => {
    const body = fixture('app_mention.json');
    expect(slack.verify(request(body, { ts: NOW_S - 299 }), [SECRET], now, webhook).ok).toBe(true);
    expect(slack.verify(request(body, { ts: NOW_S + 299 }), [SECRET], now, webhook).ok).toBe(true);
  });

  it('rejects a timestamp older than the tolerance', () => {
    expect(slack.verify(request(fixture('app_mention.json'), { ts: NOW_S - 301 }), [SECRET], now, webhook)).toEqual({
      ok: false,
      reason: 'timestamp outside the tolerance window',
    });
  });

  it('rejects a timestamp further in the future than the tolerance, which bolt would accept', () => {
    const req = request(fixture('app_mention.json'), { ts: NOW_S + 301 });
    expect(slack.verify(req, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'timestamp outside the tolerance window' });
    // bolt only checks staleness: documents why we do not copy it.
    expect(() =>
      verifySlackRequest({
        signingSecret: SECRET,
        body: req.body.toString('utf8'),
        headers: { 'x-slack-signature': req.headers['x-slack-signature'], 'x-slack-request-timestamp': NOW_S + 301 },
        nowMilliseconds: now.getTime(),
      }),
    ).not.toThrow();
  });

  it('rejects missing, malformed and non-v0 headers', () => {
    const req = request(fixture('app_mention.json'));
    expect(slack.verify({ ...req, headers: { ...req.headers, 'x-slack-signature': undefined } }, [SECRET], now, webhook).ok).toBe(false);
    expect(slack.verify({ ...req, headers: { ...req.headers, 'x-slack-request-timestamp': 'soon' } }, [SECRET], now, webhook).ok).toBe(false);
    expect(slack.verify({ ...req, headers: { ...req.headers, 'x-slack-signature': req.headers['x-slack-signature'].replace('v0=', 'v1=') } }, [SECRET], now, webhook)).toEqual({
      ok: false,
      reason: 'X-Slack-Signature must start with v0=',
    });
  });

  it('accepts the previous secret during rotation and rejects a wrong one', () => {
    const req = request(fixture('message.channels.json'), { secret: OLD_SECRET });
    expect(slack.verify(req, [SECRET, OLD_SECRET], now, webhook).ok).toBe(true);
    expect(slack.verify(req, [SECRET], now, webhook).ok).toBe(false);
    expect(slack.verify(req, ['not-the-secret'], now, webhook).ok).toBe(false);
  });
});

describe('slack events', () => {
  it('names channel messages message.channels and takes event_id as the delivery id', () => {
    const body = fixture('message.channels.json');
    expect(slack.describe(request(body), slack.parse(request(body)), webhook)).toEqual({ event_type: 'message.channels', delivery_id: 'Ev0PV52K21' });
  });

  it.each([
    ['group', 'message.groups'],
    ['im', 'message.im'],
    ['mpim', 'message.mpim'],
    ['app_home', 'message.app_home'],
  ])('names a message with channel_type %s %s', (channelType, name) => {
    const p = JSON.parse(fixture('message.channels.json').toString());
    p.event.channel_type = channelType;
    expect(slack.describe(request(JSON.stringify(p)), p, webhook).event_type).toBe(name);
  });

  it('keeps the bare event type for app_mention and for messages without a known channel_type', () => {
    const body = fixture('app_mention.json');
    expect(slack.describe(request(body), slack.parse(request(body)), webhook)).toEqual({ event_type: 'app_mention', delivery_id: 'Ev0LAN670R' });
    const p = JSON.parse(fixture('message.channels.json').toString());
    delete p.event.channel_type;
    expect(slack.describe(request(JSON.stringify(p)), p, webhook).event_type).toBe('message');
  });

  it('answers url_verification with the challenge as text/plain and does not queue it', () => {
    const req = request(fixture('url_verification.json'));
    expect(slack.verify(req, [SECRET], now, webhook).ok).toBe(true);
    expect(slack.respond!(req, slack.parse(req))).toEqual({
      status: 200,
      body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
      contentType: 'text/plain',
      enqueue: false,
    });
    expect(slack.describe(req, slack.parse(req), webhook)).toMatchObject({ event_type: 'url_verification', handshake: true });
  });

  it('does not answer ordinary event callbacks synchronously', () => {
    const req = request(fixture('app_mention.json'));
    expect(slack.respond!(req, slack.parse(req))).toBeNull();
  });
});

describe('slack ssl_check', () => {
  it('answers an unsigned ssl_check probe with an empty 200 that is not queued', () => {
    const req = { body: Buffer.from('ssl_check=1&token=gIkuvaNzQIHg97ATvDxqgjtO'), headers: { 'content-type': FORM_CT } };
    expect(slack.unsigned!(req)).toEqual({ status: 200, body: '', contentType: 'text/plain', enqueue: false });
  });

  it('leaves everything else to the signature check', () => {
    expect(slack.unsigned!(request(slashBody(), { ct: FORM_CT }))).toBeNull();
    expect(slack.unsigned!(request(fixture('app_mention.json')))).toBeNull();
    expect(slack.unsigned!({ body: Buffer.from('ssl_check=0'), headers: { 'content-type': FORM_CT } })).toBeNull();
  });
});

describe('slack slash commands', () => {
  it('verifies the exact form bytes: %20 as sent, not a re-encoded + form', () => {
    const body = slashBody();
    expect(body).toContain('text=api%20to%20prod');
    const req = request(body, { ct: FORM_CT });
    expect(slack.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    const reencoded = new URLSearchParams(body).toString();
    expect(reencoded).toContain('text=api+to+prod');
    expect(slack.verify({ ...req, body: Buffer.from(reencoded) }, [SECRET], now, webhook)).toEqual({ ok: false, reason: 'signature does not match' });
  });

  it('parses the fields, names the event slash_command with trigger_id as the delivery id, and acks with an empty 200', () => {
    const req = request(slashBody(), { ct: FORM_CT });
    const payload = slack.parse(req) as Record<string, string>;
    expect(payload).toMatchObject({ command: '/deploy', text: 'api to prod — café ☕ & 100% sure' });
    expect(slack.describe(req, payload, webhook)).toEqual({ event_type: 'slash_command', delivery_id: '13345224609.738474920.8088930838d88f008e0' });
    expect(slack.respond!(req, payload)).toEqual({ status: 200, body: '', contentType: 'text/plain', enqueue: true });
  });
});

describe('slack interactivity', () => {
  const interactive = (p: unknown) => request(`payload=${encodeURIComponent(JSON.stringify(p))}`, { ct: FORM_CT });
  const blockActions = () => JSON.parse(fixture('block_actions.json').toString());

  it('parses the payload field as JSON and names the event interactive.<type>', () => {
    const req = interactive(blockActions());
    expect(slack.verify(req, [SECRET], now, webhook).ok).toBe(true);
    const payload = slack.parse(req);
    expect(payload).toEqual(blockActions());
    expect(slack.describe(req, payload, webhook)).toEqual({
      event_type: 'interactive.block_actions',
      delivery_id: '12321423423.333649436676.d8c1bb837935619ccad0f624c448ffb3',
    });
    expect(slack.respond!(req, payload)).toEqual({ status: 200, body: '', contentType: 'text/plain', enqueue: true });
  });

  it('falls back to action_id with action_ts when there is no trigger_id (the bare action_id is the same for every click)', () => {
    const p = blockActions();
    delete p.trigger_id;
    expect(slack.describe(interactive(p), p, webhook).delivery_id).toBe('approve_deploy:1548426417.840180');
    const closed = { type: 'view_closed', view: { id: 'V1' } };
    expect(slack.describe(interactive(closed), closed, webhook)).toEqual({ event_type: 'interactive.view_closed', delivery_id: null });
  });
});

describe('slack through the receiver', () => {
  function deps() {
    const sent: QueuedEvent[] = [];
    // Only the ports these flows touch (the webhook has no rate_limit, so buckets stay unused).
    const d = {
      loadWebhook: async () => webhook,
      queue: { send: async (m: QueuedEvent) => void sent.push(m) },
      payloads: { putObject: async () => undefined },
      clock: { now: () => now },
      ids: { next: (p: string) => `${p}_fresh` },
      maxBodyBytes: 1 << 20,
      buckets: { take: () => null },
    } as unknown as ReceiveDeps;
    return { d, sent };
  }
  const input = (req: InboundRequest) => ({ ...req, provider: 'slack', webhookId: 'slack-001' });

  it('answers url_verification without queueing anything', async () => {
    const { d, sent } = deps();
    const out = await receiveEvent(d, input(request(fixture('url_verification.json'))));
    expect(out.response).toMatchObject({ status: 200, body: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
    expect(sent).toHaveLength(0);
  });

  it('answers ssl_check without a signature and without queueing', async () => {
    const { d, sent } = deps();
    const out = await receiveEvent(d, input({ body: Buffer.from('ssl_check=1&token=x'), headers: { 'content-type': FORM_CT } }));
    expect(out.response).toMatchObject({ status: 200, body: '' });
    expect(sent).toHaveLength(0);
  });

  it('queues a slash command and answers 200 with an empty body', async () => {
    const { d, sent } = deps();
    const out = await receiveEvent(d, input(request(slashBody(), { ct: FORM_CT })));
    expect(out.response).toMatchObject({ status: 200, body: '', enqueue: true });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ event_type: 'slash_command', delivery_id: '13345224609.738474920.8088930838d88f008e0' });
  });

  it('gives a retried event callback the same event id', async () => {
    const { d, sent } = deps();
    const body = fixture('message.channels.json');
    const first = await receiveEvent(d, input(request(body)));
    const retry = request(body, { ts: NOW_S + 60 });
    retry.headers['x-slack-retry-num'] = '1';
    const second = await receiveEvent(d, input(retry));
    expect(second.event_id).toBe(first.event_id);
    expect(sent.map((m) => m.event_type)).toEqual(['message.channels', 'message.channels']);
  });

  it('rejects a bad signature with 401', async () => {
    const { d, sent } = deps();
    const req = request(fixture('message.channels.json'), { secret: 'wrong' });
    await expect(receiveEvent(d, input(req))).rejects.toBeInstanceOf(SignatureError);
    expect(sent).toHaveLength(0);
  });
});

describe('slack sample delivery (POST /api/webhooks/{id}/test)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('is signed the way slack signs, so this verifier accepts it and names it app_mention', () => {
    const s = slack.sample!({ ...webhook, webhook_id: 'hook-test-1' } as WebhookRecord, SECRET, now);
    const req = { body: Buffer.from(s.body), headers: s.headers };
    expect(slack.contentTypes).toContain(mediaType(req));
    expect(slack.verify(req, [SECRET], now, webhook)).toEqual({ ok: true });
    const d = slack.describe(req, slack.parse(req), webhook);
    expect(d.event_type).toBe('app_mention');
    expect(d.delivery_id).toBeTruthy();
  });
});
