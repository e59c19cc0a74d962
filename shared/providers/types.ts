import type { Provider, WebhookRecord } from '../model/webhook';
import type { EventSubject } from './subject';

/** A delivery as the receiver sees it: exact body bytes and lower-cased headers. */
export interface InboundRequest {
  body: Buffer;
  /** The same body as text when the runtime delivered text (saves decoding the bytes again). */
  text?: string;
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

/** A signed request as the provider would send it. */
export interface SampleDelivery {
  body: string;
  headers: Record<string, string>;
}

/** A synchronous answer the provider expects instead of the usual 202 (Slack's url_verification). */
export interface ImmediateResponse {
  status: number;
  body: string;
  contentType: string;
  /** Also queue and log the event (false for pure handshakes such as url_verification). */
  enqueue: boolean;
}

/**
 * A path people write from the design documents or the provider's docs, and where the provider's
 * payload really has it. Applied to template variables and condition fields (commands/aliases.ts).
 */
export interface FieldAlias {
  /** What people write: `issue.summary`. */
  path: string;
  /** Where the payload has it: `issue.fields.summary`; several: the first present. `a[].b` is the list of every element's `b`. */
  to: string | readonly string[];
  /** For an object target, the member the bare path shows (Jira's status object shows its `name`); longer paths go into the object. */
  leaf?: string;
  /** The alias wins over the payload's own value at exactly `path` (GitHub `issue.labels`: names instead of label objects); never inside a template section. */
  override?: boolean;
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
  /**
   * A realistic sample delivery signed with `secret` the way the provider signs, for
   * `POST /api/webhooks/{id}/test` (sent through the real receiver).
   */
  sample?(webhook: WebhookRecord, secret: string, now: Date): SampleDelivery;
  /** Optional: answer a verified handshake directly (runs after verify and parse). */
  respond?(req: InboundRequest, payload: unknown): ImmediateResponse | null;
  /** What an event is about (title, number or key, body, author, link), for the default prompt of a command without a template. */
  subject?(payload: unknown, eventType: string): EventSubject;
  /** Field aliases of this provider's payloads (documented in the README's provider section). */
  aliases?: readonly FieldAlias[];
  /**
   * Optional: requests that are answered without a signature (Slack's ssl_check probes carry none).
   * Runs before verify; must not read secrets or queue anything.
   */
  unsigned?(req: InboundRequest): ImmediateResponse | null;
}

export class PayloadParseError extends Error {
  override readonly name = 'PayloadParseError';
}
