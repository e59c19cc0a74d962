/** Id and size limits without zod, so hot paths (the receiver) check them without bundling the schema library (~440 KB). */
/**
 * Any id a client sends (path parameters, ids in bodies): at most 256 UTF-16 units of well-formed
 * Unicode, so it always fits DynamoDB's key limits (1,024 bytes for a sort key, 2,048 for a
 * partition key) and never reaches the store as a value it must refuse with a 5xx.
 */
export const MAX_ID_CHARS = 256;
/** With the `u` flag a surrogate pair is one code point, so this matches lone surrogates only. */
export const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
export function isStorableId(s: string): boolean {
  return s.length >= 1 && s.length <= MAX_ID_CHARS && !LONE_SURROGATE.test(s);
}

/**
 * Size and depth limits of what clients send, checked before anything is stored (README, "Limits
 * and bad input"): each keeps one DynamoDB item well under DynamoDB's 400 KB, also after delivery
 * attempts are appended, and JSON is stored as text so DynamoDB's 32 levels never apply.
 */
export const LIMITS = {
  /** Any API request body. */
  apiBodyBytes: 1024 * 1024,
  /** Nesting of any free-form JSON value a client sends (task results, event data, condition values). */
  jsonDepth: 64,
  taskResultBytes: 128 * 1024,
  eventDataBytes: 128 * 1024,
  /** A whole webhook config (commands, templates, conditions) as stored. */
  webhookConfigBytes: 256 * 1024,
  /** A whole subscription as stored. */
  subscriptionBytes: 64 * 1024,
} as const;

/** Longest delivered body: it is stored with the delivery (DynamoDB items stop at 400 KB, attempts included). */
export const MAX_DELIVERY_BODY_BYTES = 256 * 1024;

/**
 * The subscription fields the server computes or holds, as GET shows them: a client may send them
 * back (model/subscription.ts declares their schemas; usecases/server-fields.ts checks them).
 */
export const SUBSCRIPTION_SERVER_FIELDS = ['created_at', 'updated_at', 'version', 'paused', 'paused_at', 'failing_since', 'disabled_reason', 'verified', 'verification_delivery_id', 'previous_secret_expires_at'] as const;
