import { gunzipSync } from 'node:zlib';
import { NotFoundError } from '../errors';
import type { EventRecord, EventStatus } from '../model/event';
import type { Page } from '../ports';
import type { ManagementDeps } from '../ports';
import { decodePayload } from './process-events';
import { getWebhook } from './webhooks';

type Deps = Pick<ManagementDeps, 'webhooks' | 'events' | 'payloads'>;

/** The summary the event log lists (no payload, no storage internals). */
export function eventSummary(e: EventRecord) {
  return {
    event_id: e.event_id,
    webhook_id: e.webhook_id,
    provider: e.provider,
    event_type: e.event_type,
    delivery_id: e.delivery_id,
    status: e.status,
    received_at: e.received_at,
    processed_at: e.processed_at,
    matched_commands: e.matched_commands,
    actions: e.actions,
    response_sent: e.response_sent,
    payload_bytes: e.payload_bytes,
    // Only events whose signature verified are queued, so every logged event was verified.
    verdict: 'verified' as const,
    timings: { received_at: e.received_at, processed_at: e.processed_at, latency_ms: e.processed_at ? Date.parse(e.processed_at) - Date.parse(e.received_at) : null },
    ...(e.error ? { error: e.error } : {}),
    ...(e.in_reply_to ? { in_reply_to: e.in_reply_to } : {}),
    ...(e.match_reasons?.length ? { match_reasons: e.match_reasons } : {}),
  };
}

/** A webhook's events, newest first, optionally of one status. */
export async function listEvents(deps: Deps, webhookId: string, limit: number, cursor?: string, status?: EventStatus): Promise<Page<ReturnType<typeof eventSummary>>> {
  const webhook = await getWebhook(deps, webhookId);
  const page = await deps.events.listByWebhook(webhookId, limit, cursor, status, webhook.event_log_shards ?? 1);
  return { items: page.items.map(eventSummary), next_cursor: page.next_cursor };
}

/** One event with its payload, read back from its byte range in the batch object. */
export async function getEvent(deps: Deps, webhookId: string, eventId: string): Promise<ReturnType<typeof eventSummary> & { content_type?: string; source_ip?: string; payload: unknown }> {
  const e = await deps.events.get(eventId);
  if (!e || e.webhook_id !== webhookId) throw new NotFoundError('Event', eventId);
  return {
    ...eventSummary(e),
    ...(e.content_type ? { content_type: e.content_type } : {}),
    ...(e.source_ip ? { source_ip: e.source_ip } : {}),
    payload: decodePayload(await storedPayloadText(deps, e), e.content_type),
  };
}

/**
 * One event with its payload as JSON text: the provider's own JSON as stored, spliced in without
 * being parsed into objects and serialized again, so a payload of any depth is served (a
 * 10,000-level document would overflow JSON.stringify's stack) and byte for byte as received.
 */
export async function getEventJson(deps: Deps, webhookId: string, eventId: string): Promise<string> {
  const e = await deps.events.get(eventId);
  if (!e || e.webhook_id !== webhookId) throw new NotFoundError('Event', eventId);
  const summary = JSON.stringify(eventSummary(e));
  return `${summary.slice(0, -1)},"payload":${payloadJsonText(await storedPayloadText(deps, e), e.content_type)}}`;
}

const isJsonText = (t: string): boolean => {
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
};

/** A stored body as a JSON value's text, as `decodePayload` reads it, reusing the sender's JSON text when it is JSON. */
export function payloadJsonText(text: string, contentType?: string): string {
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = new URLSearchParams(text).get('payload');
    if (form !== null && isJsonText(form)) return form;
    return JSON.stringify(decodePayload(text, contentType));
  }
  const t = text.replace(/^\uFEFF/, '');
  return isJsonText(t) ? t : JSON.stringify(text);
}

/** A stored event's body as the provider sent it, read back from its byte range in the batch object (or its claim-check object). */
export async function storedPayloadText(deps: Pick<Deps, 'payloads'>, e: EventRecord): Promise<string> {
  const gz = e.payload_ref.length < 0 ? await deps.payloads.getObject(e.payload_ref.key) : await deps.payloads.getRange(e.payload_ref);
  return gunzipSync(gz).toString('utf8');
}
