import type { Provider, WebhookRecord } from '../model/webhook';

/** A delivery as the receiver sees it: exact body bytes and lower-cased headers. */
export interface InboundRequest {
  body: Buffer;
  headers: Record<string, string | undefined>;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

/** What an event is, once verified and parsed. */
export interface Described {
  event_type: string;
  delivery_id: string | null;
  /** A handshake (GitHub ping) is logged but never matched against commands. */
  handshake?: boolean;
}

/**
 * One provider: a pure verifier of (raw body, headers, secrets, now) that runs before any
 * parsing, then a parser and a describer for the verified body.
 */
export interface ProviderAdapter {
  id: Provider;
  /** Content types the provider sends (checked before verification; others get 415). */
  contentTypes: string[];
  verify(req: InboundRequest, secrets: string[], now: Date, webhook: WebhookRecord): Verdict;
  parse(req: InboundRequest): unknown;
  describe(req: InboundRequest, payload: unknown, webhook: WebhookRecord): Described;
}

export class PayloadParseError extends Error {
  override readonly name = 'PayloadParseError';
}
