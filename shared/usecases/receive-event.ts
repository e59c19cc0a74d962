import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Clock, Ids } from '../clock';
import { HooklineError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors';
import { isStorableId } from '../model/ids';
import type { QueuedEvent } from '../model/queued-event';
import type { WebhookRecord } from '../model/webhook';
import { eventLogIds } from '../log';
import { metric } from '../metric-names';
import type { EventQueue, Logger, Metrics, PayloadStore } from '../ports';
import { activeSecrets, providerAdapter } from '../providers';
import { mediaType } from '../providers/parse';
import { IpNotAllowedError, RateLimitedError, ipAllowed, type TokenBuckets } from '../receiver-guards';
import { PayloadParseError, type ImmediateResponse, type InboundRequest } from '../providers/types';

export interface ReceiveDeps {
  /** Cached per container: the hot path reads DynamoDB at most once per TTL per webhook. */
  loadWebhook(id: string): Promise<WebhookRecord | null>;
  /**
   * The config as read at or after `notBefore` (CachedLoader.reload): asked once before a request
   * is refused on the cached config, so a change that lets deliveries in is seen at once.
   */
  reloadWebhook?(id: string, notBefore: number): Promise<WebhookRecord | null>;
  queue: EventQueue;
  payloads: Pick<PayloadStore, 'putObject'>;
  clock: Clock;
  ids: Ids;
  maxBodyBytes: number;
  /** Per-container token buckets for webhooks with a `rate_limit`. */
  buckets: TokenBuckets;
  /** Accepted events (INFO, with webhook_id, event_id, delivery_id). */
  log?: Logger;
  /** Rejections (INFO, with webhook_id, source_ip, status, reason): a rate-limited logger, so a flood cannot explode log costs. */
  rejections?: Logger;
  metrics?: Metrics;
}

export interface ReceiveInput extends InboundRequest {
  provider: string;
  webhookId: string;
  sourceIp?: string;
}

/** Base64 of the gzipped body above which the body goes to S3 instead (SQS bodies max out at 256 KiB). */
export const CLAIM_CHECK_BYTES = 200 * 1024;

/** A disabled webhook: 404 like an unknown one (nothing is revealed to a sender), with its own code. */
export class WebhookDisabledError extends HooklineError {
  override readonly name = 'WebhookDisabledError';
  constructor(id: string) {
    super('webhook_disabled', `Webhook "${id}" is disabled; enable it to accept deliveries.`, 404);
  }
}

export class SignatureError extends HooklineError {
  override readonly name = 'SignatureError';
  constructor(readonly reason: string) {
    super('invalid_signature', `The webhook signature could not be verified: ${reason}.`, 401);
  }
}

/** A verifier's reason as a metric dimension: a fixed class, never the free text (which names headers). */
export function verificationReason(reason: string): 'mismatch' | 'timestamp' | 'missing_header' | 'not_configured' | 'malformed' {
  if (/does not match/.test(reason)) return 'mismatch';
  if (/timestamp|tolerance/i.test(reason) && !/^missing/.test(reason)) return 'timestamp';
  if (/^missing /.test(reason)) return 'missing_header';
  if (/no verification settings/.test(reason)) return 'not_configured';
  return 'malformed';
}

/**
 * A provider's retry of the same delivery maps to the same event id, so the consumer's
 * conditional write processes it once. Without a delivery id every request is new.
 */
export function eventIdFor(webhookId: string, deliveryId: string | null, ids: Ids): string {
  if (!deliveryId) return ids.next('evt');
  return `evt_${createHash('sha256').update(`${webhookId}\n${deliveryId}`).digest('hex').slice(0, 26)}`;
}

export type ReceiveResult = { event_id: string; handshake: boolean; response?: ImmediateResponse; delivery_id?: string | null };

/**
 * Verify, describe, enqueue: the receiver's whole job. Answers with the event id once queued.
 * Every outcome is counted (`Received` by provider and outcome); a refusal (401, 403, 404, 413,
 * 415, 429 ...) is logged at INFO with the webhook id, source IP and reason, and rethrown.
 */
export async function receiveEvent(deps: ReceiveDeps, input: ReceiveInput): Promise<ReceiveResult> {
  try {
    const out = await receive(deps, input);
    deps.metrics?.count(metric.received, { provider: input.provider, outcome: 'accepted' });
    if (out.event_id) deps.log?.info('event accepted', { ...eventLogIds({ event_id: out.event_id, webhook_id: input.webhookId, delivery_id: out.delivery_id ?? null }), provider: input.provider });
    return out;
  } catch (err) {
    const e = err instanceof HooklineError ? err : undefined;
    if (e && e.status < 500) {
      deps.metrics?.count(metric.received, { provider: input.provider, outcome: 'rejected' });
      deps.metrics?.count(metric.rejected, { status: String(e.status) });
      if (e instanceof SignatureError) deps.metrics?.count(metric.verificationFailed, { provider: input.provider, reason: verificationReason(e.reason) });
      deps.rejections?.info('request rejected', { webhook_id: input.webhookId, provider: input.provider, source_ip: input.sourceIp ?? null, status: e.status, code: e.code, reason: e.message });
    }
    throw err;
  }
}

async function receive(deps: ReceiveDeps, input: ReceiveInput): Promise<ReceiveResult> {
  if (input.body.length > deps.maxBodyBytes) throw new PayloadTooLargeError(deps.maxBodyBytes);
  const adapter = providerAdapter(input.provider);
  if (!adapter) throw new NotFoundError('Webhook', `${input.provider}/${input.webhookId}`);
  // An id no key can hold names no webhook: 404 without a read.
  if (!isStorableId(input.webhookId)) throw new NotFoundError('Webhook', input.webhookId);
  const ct = mediaType(input);
  const now = deps.clock.now();

  // Every refusal that depends on the config, in order: unknown, disabled, IP refused, bad signature.
  const admit = (w: WebhookRecord | null): { webhook: WebhookRecord; unsigned?: ImmediateResponse } | HooklineError => {
    if (!w || w.provider !== input.provider) return new NotFoundError('Webhook', input.webhookId);
    if (!w.enabled) return new WebhookDisabledError(input.webhookId);
    if (w.ip_allowlist?.length && !ipAllowed(input.sourceIp, w.ip_allowlist)) return new IpNotAllowedError(input.sourceIp);
    // Not a config question: thrown, never re-read for.
    if (!adapter.contentTypes.includes(ct)) throw new UnsupportedMediaTypeError(ct || undefined, adapter.contentTypes.join(' or '));
    const unsigned = adapter.unsigned?.(input);
    if (unsigned) return { webhook: w, unsigned };
    const verdict = adapter.verify(input, activeSecrets(w, now), now, w);
    return verdict.ok ? { webhook: w } : new SignatureError(verdict.reason);
  };
  let admitted = admit(await deps.loadWebhook(input.webhookId));
  // The cached config would refuse: read it again once (single-flight, at most once per webhook
  // per second) in case an enable, a rotation or a wider allowlist let this request in.
  if (admitted instanceof HooklineError && deps.reloadWebhook) admitted = admit(await deps.reloadWebhook(input.webhookId, now.getTime()));
  if (admitted instanceof HooklineError) throw admitted;
  const { webhook } = admitted;
  if (admitted.unsigned) return { event_id: '', handshake: true, response: admitted.unsigned };

  // Counted after verification, so unsigned floods cannot use up the provider's budget.
  if (webhook.rate_limit) {
    const wait = deps.buckets.take(webhook.webhook_id, webhook.rate_limit);
    if (wait !== null) throw new RateLimitedError(wait);
  }

  let payload: unknown;
  try {
    payload = adapter.parse(input);
  } catch (err) {
    if (err instanceof PayloadParseError) throw new HooklineError('malformed_payload', `The verified body could not be parsed: ${err.message}.`, 400);
    throw err;
  }
  const immediate = adapter.respond?.(input, payload) ?? undefined;
  if (immediate && !immediate.enqueue) return { event_id: '', handshake: true, response: immediate };
  const d = adapter.describe(input, payload, webhook);
  const event_id = eventIdFor(webhook.webhook_id, d.delivery_id, deps.ids);
  const gz = gzipSync(input.body, { level: 1 });
  const b64 = gz.toString('base64');
  const msg: QueuedEvent = {
    v: 1,
    event_id,
    webhook_id: webhook.webhook_id,
    provider: webhook.provider,
    event_type: d.event_type,
    delivery_id: d.delivery_id,
    received_at: now.toISOString(),
    ...(input.sourceIp ? { source_ip: input.sourceIp } : {}),
    ...(d.handshake ? { handshake: true } : {}),
    content_type: ct,
    body_bytes: input.body.length,
  };
  if (b64.length > CLAIM_CHECK_BYTES) {
    // Claim check: the body goes to S3 first, the message carries only its key.
    const key = `claims/${now.toISOString().slice(0, 10)}/${event_id}.gz`;
    await deps.payloads.putObject(key, gz);
    msg.body_ref = { key };
  } else {
    msg.body_gz = b64;
  }
  await deps.queue.send(msg);
  return { event_id, delivery_id: d.delivery_id, handshake: Boolean(d.handshake), ...(immediate ? { response: immediate } : {}) };
}
