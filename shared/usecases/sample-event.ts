import { triggerMatches } from '../commands/match';
import { providerAdapter } from '../providers';
import { samplesOf } from './lint-config';
import type { WebhookRecord } from '../model/webhook';

/** An event as the consumer would see it, before any command runs. */
export interface SampleEvent {
  event_type: string;
  payload: unknown;
  /** The body as the provider sends it (the loop guard searches it for Hookline's marker). */
  raw: string;
  handshake: boolean;
}

/**
 * The provider's sample event for previews: the same delivery `POST …/test` sends, parsed and
 * described by the provider's own receiver code, so its event type is the one the receiver would
 * log. With `eventType`, a sample of that type, or null when there is none. A real payload fixture
 * of the event type (or of the first event type `trigger` matches) comes first.
 */
export function sampleEvent(webhook: WebhookRecord, now: Date, eventType?: string, trigger?: string): SampleEvent | null {
  // Real payloads of the provider (shared/providers/fixtures): of the given type, else the first the trigger matches.
  const samples = samplesOf(webhook.provider);
  const type = eventType ?? (trigger !== undefined ? Object.keys(samples).find((t) => triggerMatches(trigger, t)) : undefined);
  if (type !== undefined && Object.hasOwn(samples, type)) return { event_type: type, payload: samples[type], raw: JSON.stringify(samples[type]), handshake: false };
  const adapter = providerAdapter(webhook.provider);
  if (!adapter?.sample) return null;
  const { body, headers } = adapter.sample(webhook, webhook.secret, now);
  const req = { body: Buffer.from(body), text: body, headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])) };
  const payload = adapter.parse(req);
  const d = adapter.describe(req, payload, webhook);
  if (eventType !== undefined && eventType !== d.event_type) return null;
  return { event_type: d.event_type, payload, raw: body, handshake: Boolean(d.handshake) };
}
