import { randomBytes } from 'node:crypto';
import { hmac, safeEqual } from './crypto';
import { mediaType, parseForm, parseJson, requestJson } from './parse';
import type { ImmediateResponse, ProviderAdapter } from './types';
import { first, text } from './subject';

/** Slack's docs: reject a request more than five minutes from local time. */
export const SLACK_TOLERANCE_SECONDS = 300;

const FORM = 'application/x-www-form-urlencoded';

// Slack's canonical message event names (`message.channels`, ...) from event.channel_type.
const MESSAGE_SUFFIX = new Map([
  ['channel', 'channels'],
  ['group', 'groups'],
  ['im', 'im'],
  ['mpim', 'mpim'],
  ['app_home', 'app_home'],
]);

// Slash commands and interactivity want a 200 within 3 s (202 shows the user an error); the
// empty body leaves the original message alone. The event is still queued.
const ACK: ImmediateResponse = { status: 200, body: '', contentType: 'text/plain', enqueue: true };

/** Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:{ts}:{raw body}")>`, `X-Slack-Request-Timestamp` within ±300 s. */
export const slack: ProviderAdapter = {
  id: 'slack',

  subject(p, eventType) {
    if (eventType === 'slash_command') {
      const channel = text(p, 'channel_name');
      return { kind: 'slash command', title: `${text(p, 'command') ?? ''} ${text(p, 'text') ?? ''}`.trim(), author: first(p, 'user_name', 'user_id'), where: channel ? `#${channel}` : text(p, 'channel_id') };
    }
    const channel = first(p, 'event.channel', 'event.channel.id', 'channel.id', 'container.channel_id');
    const ts = first(p, 'event.ts', 'message.ts', 'container.message_ts');
    const domain = first(p, 'team.domain', 'team_domain');
    // A permalink needs the workspace's domain, which Events API callbacks do not carry.
    const url = domain && channel && ts ? `https://${domain}.slack.com/archives/${channel}/p${ts.replace('.', '')}` : undefined;
    return {
      kind: eventType.startsWith('interactive.') ? 'interaction' : 'message',
      body: first(p, 'event.text', 'message.text', 'text'),
      author: first(p, 'event.user', 'user.username', 'user.id', 'user_name'),
      url,
      where: channel ? `channel ${channel}${ts ? ` (ts ${ts})` : ''}` : undefined,
    };
  },

  // Events API callbacks carry the message in the inner `event`; slash commands carry `text`,
  // `user_id` and `channel_id` at the top level (their own `text` wins: aliases apply only to absent paths).
  aliases: [
    { path: 'text', to: 'event.text' },
    { path: 'user', to: ['event.user', 'user_id'] },
    { path: 'channel', to: ['event.channel', 'channel_id'] },
    { path: 'thread_ts', to: ['event.thread_ts', 'message.thread_ts'] },
    { path: 'ts', to: ['event.ts', 'message.ts'] },
    { path: 'channel_type', to: 'event.channel_type' },
    { path: 'subtype', to: 'event.subtype' },
  ],
  contentTypes: ['application/json', FORM],

  // ssl_check probes carry no signature; answer 200 and ignore everything else in them.
  unsigned(req) {
    if (mediaType(req) !== FORM || !req.body.includes('ssl_check=')) return null;
    return parseForm(req.body).ssl_check === '1' ? { status: 200, body: '', contentType: 'text/plain', enqueue: false } : null;
  },

  verify(req, secrets, now) {
    const sig = req.headers['x-slack-signature'];
    const ts = req.headers['x-slack-request-timestamp'];
    if (!sig) return { ok: false, reason: 'missing X-Slack-Signature header' };
    if (!sig.startsWith('v0=')) return { ok: false, reason: 'X-Slack-Signature must start with v0=' };
    if (!ts || !/^\d{1,12}$/.test(ts)) return { ok: false, reason: 'missing or malformed X-Slack-Request-Timestamp header' };
    // Both directions, as Slack's docs and python slack_sdk (abs) say; bolt only rejects stale
    // timestamps, which would leave a future-dated signature replayable until its time comes.
    if (Math.abs(now.getTime() / 1000 - Number(ts)) > SLACK_TOLERANCE_SECONDS) return { ok: false, reason: 'timestamp outside the tolerance window' };
    // Form bodies are signed as received: re-encoding (%20 vs +) would break the signature.
    const given = sig.slice(3).toLowerCase();
    let ok = false;
    for (const s of secrets) ok = safeEqual(hmac('sha256', s, [`v0:${ts}:`, req.body], 'hex'), given) || ok;
    return ok ? { ok: true } : { ok: false, reason: 'signature does not match' };
  },

  // Events API: JSON. Slash commands: form fields. Interactivity: one form field `payload` of JSON.
  parse(req) {
    if (mediaType(req) !== FORM) return requestJson(req);
    const form = parseForm(req.body);
    return typeof form.payload === 'string' ? parseJson(form.payload) : form;
  },

  // An Events API callback, not a slash command: the test route needs the 202 with an event id.
  sample(webhook, secret, now) {
    const ts = Math.floor(now.getTime() / 1000);
    const body = JSON.stringify({
      token: 'hookline-test',
      team_id: 'T00000000',
      api_app_id: 'A00000000',
      event: { type: 'app_mention', user: 'U00000000', text: '<@U00000001> Hookline test event', ts: `${ts}.000100`, channel: 'C00000000', event_ts: `${ts}.000100` },
      type: 'event_callback',
      event_id: `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
      event_time: ts,
      hookline_test: { webhook_id: webhook.webhook_id, sent_at: now.toISOString() },
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
        'x-slack-request-timestamp': String(ts),
        'x-slack-signature': `v0=${hmac('sha256', secret, [`v0:${ts}:`, body], 'hex')}`,
      },
    };
  },

  respond(req, payload) {
    if (mediaType(req) === FORM) return ACK;
    const p = payload as { type?: unknown; challenge?: unknown } | null;
    if (p?.type === 'url_verification' && typeof p.challenge === 'string') return { status: 200, body: p.challenge, contentType: 'text/plain', enqueue: false };
    return null;
  },

  describe(req, payload) {
    const p = (payload ?? {}) as Record<string, unknown>;
    if (mediaType(req) === FORM) {
      // Slash commands send no delivery id and are not retried: trigger_id is unique per invocation.
      if (typeof p.command === 'string') return { event_type: 'slash_command', delivery_id: str(p.trigger_id) ?? null };
      return { event_type: `interactive.${str(p.type) ?? 'unknown'}`, delivery_id: interactionId(p) };
    }
    const type = str(p.type) ?? 'unknown';
    if (type === 'event_callback') {
      const ev = (p.event ?? {}) as { type?: unknown; channel_type?: unknown };
      const name = str(ev.type) ?? 'unknown';
      const suffix = name === 'message' && typeof ev.channel_type === 'string' ? MESSAGE_SUFFIX.get(ev.channel_type) : undefined;
      // event_id (`Ev…`) is repeated on Slack's retries (X-Slack-Retry-Num), so they dedup.
      return { event_type: suffix ? `${name}.${suffix}` : name, delivery_id: str(p.event_id) ?? null };
    }
    return { event_type: type, delivery_id: str(p.event_id) ?? null, ...(type === 'url_verification' ? { handshake: true } : {}) };
  },
};

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/**
 * trigger_id when present; else the first action's id with its action_ts. Never the bare
 * action_id: it names the button, so every click on it would look like the same delivery.
 */
function interactionId(p: Record<string, unknown>): string | null {
  const trigger = str(p.trigger_id);
  if (trigger) return trigger;
  const a = (Array.isArray(p.actions) ? p.actions[0] : undefined) as { action_id?: unknown; action_ts?: unknown } | undefined;
  const id = str(a?.action_id);
  const ts = str(a?.action_ts);
  return id && ts ? `${id}:${ts}` : null;
}
