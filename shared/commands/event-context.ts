/** What conditions and templates see of one event, and how they read paths into it. */
export interface EventContext {
  /** The decoded payload: parsed JSON, or the form fields of a Slack slash command. */
  payload: unknown;
  /** Hookline's event type (`issues.opened`, `slash_command`, `event_alert.triggered`). */
  event_type: string;
  /** The webhook's provider id (`github`, `slack`, ...); subscription filters may pass their own label. */
  provider: string;
  webhook_id: string;
  /** Who caused the event, when the caller already knows it; otherwise derived with `senderOf`. */
  sender?: string;
  /** Names looked up for the payload's channel ids (Slack `conversations.info`), or why that failed; see usecases/channel-names.ts. */
  channel_lookup?: { names: string[]; error?: string };
  /**
   * The published event's id and ISO 8601 timestamp (subscription filters): `content_filters`
   * paths `id` and `timestamp` read them, `time_window` judges the timestamp.
   */
  event?: { id: string; timestamp: string };
  /**
   * The level of an event that carries none, for `min_severity` (subscription filters pass `info`,
   * as the outbound design's filter does); unset, such an event fails `min_severity`.
   */
  default_severity?: string;
}

/** The names a template or a condition field reads from the context rather than the payload. */
export const CONTEXT_VARS = ['event_type', 'provider', 'webhook_id', 'sender'] as const;
export type ContextVar = (typeof CONTEXT_VARS)[number];

/** Returned by {@link child} and {@link resolvePath} when a path does not exist (distinct from a JSON `null`). */
export const MISSING: unique symbol = Symbol('missing');

/** `"issue.labels.0.name"` → `["issue", "labels", "0", "name"]`. */
export function splitPath(path: string): string[] {
  return path.split('.');
}

/**
 * One step of a path: an own property of an object, an index of an array, or `length` of an
 * array or string. Inherited properties (`constructor`, `__proto__`) never resolve.
 */
export function child(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'string' && key === 'length' ? value.length : MISSING;
  }
  if (Array.isArray(value)) {
    if (key === 'length') return value.length;
    const i = arrayIndex(key);
    return i >= 0 && i < value.length ? value[i] : MISSING;
  }
  return Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : MISSING;
}

/** Follows `segments` from `root`; {@link MISSING} when a step does not exist. */
export function resolvePath(root: unknown, segments: readonly string[]): unknown {
  let v = root;
  for (let i = 0; i < segments.length; i++) {
    v = child(v, segments[i]);
    if (v === MISSING) return MISSING;
  }
  return v;
}

/** `"12"` → 12; anything that is not a canonical non-negative integer → -1. */
function arrayIndex(key: string): number {
  const n = key.length;
  if (n === 0 || n > 9 || (n > 1 && key.charCodeAt(0) === 48)) return -1;
  let out = 0;
  for (let i = 0; i < n; i++) {
    const d = key.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    out = out * 10 + d;
  }
  return out;
}
