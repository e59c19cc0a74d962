import * as z from 'zod';
import { BoundedJson, IsoTime, LIMITS } from './common';
import { SubscriptionFilters } from './conditions';
import { parseSubscriptionSecret } from '../delivery/signing';
import { bodyTemplateIssues, type JsonValue } from '../delivery/body-template';
import { RateLimit, TenantId } from './tenant';
import { SUBSCRIPTION_SERVER_FIELDS } from './ids';

/** `agent:complete`, `project.*`, `*`: an event type or a prefix wildcard. */
export const EventPattern = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(\*|[A-Za-z0-9_:.-]+([.:]\*)?)$/, 'an event type such as agent:complete, a prefix wildcard such as project.* or agent:*, or *');

export const RetryPolicy = z
  .object({
    max_attempts: z.number().int().min(1).max(20).default(8),
    /** Seconds before the second attempt. */
    initial_delay: z.number().min(1).max(3600).default(10),
    backoff_multiplier: z.number().min(1).max(10).default(2),
    /** Seconds; SQS caps a single delay at 12 hours. */
    max_delay: z.number().min(1).max(43_200).default(3600),
    /** Retry these 4xx statuses too (429 and 5xx are always retried). */
    retry_on_4xx: z.array(z.number().int().min(400).max(499)).max(20).default([408]),
  })
  .strict();
export type RetryPolicy = z.infer<typeof RetryPolicy>;

/**
 * A supplied subscription secret: `whsec_` + base64 of 24 to 64 bytes, or a plain secret of 16 to
 * 256 printable ASCII characters (rules and key derivation: `parseSubscriptionSecret`).
 */
export const SubscriptionSecret = z
  .string()
  .superRefine((secret, ctx) => {
    const parsed = parseSubscriptionSecret(secret);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  })
  .meta({ description: 'whsec_ + base64 of 24 to 64 bytes, or 16 to 256 printable ASCII characters (its UTF-8 bytes are then the HMAC key of both signatures)', example: 'your_webhook_secret' });

/** `POST /api/subscriptions/{id}/rotate-secret` body: a supplied `secret`, or a generated one. */
export const SubscriptionRotateInput = z
  .object({
    grace_seconds: z.number().int().min(0).max(30 * 86_400).default(86_400),
    secret: SubscriptionSecret.optional(),
  })
  .strict()
  .meta({ id: 'SubscriptionRotateInput' });
export type SubscriptionRotateInput = z.infer<typeof SubscriptionRotateInput>;

/** Longest `body_template`, as JSON text. */
export const MAX_BODY_TEMPLATE_CHARS = 16_384;
// Defined without zod (the deliverer and consumer check it without bundling the schema library).
export { MAX_DELIVERY_BODY_BYTES } from './ids';

/**
 * `body_template`: a JSON value whose strings are mustache templates (shared/delivery/body-template.ts);
 * each string is parsed on save and a broken one is refused at its path (`body_template.text`).
 */
export const BodyTemplate = z
  // unknown + the walk below rather than z.json(): the same check, and a readable OpenAPI schema.
  .unknown()
  .superRefine((v, ctx) => {
    if (v === undefined) return;
    if (JSON.stringify(v).length > MAX_BODY_TEMPLATE_CHARS) return ctx.addIssue({ code: 'custom', message: `at most ${MAX_BODY_TEMPLATE_CHARS} characters as JSON` });
    for (const issue of bodyTemplateIssues(v)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  })
  .transform((v) => v as JsonValue)
  .meta({
    description: 'The delivered body: a JSON value whose strings are mustache templates rendered against the event {id,type,timestamp,data}; a string that is exactly one {{path}} keeps that value\'s JSON type',
    example: { event_type: 'hookline.{{type}}', client_payload: '{{data}}' },
  });

const HeaderName = z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'a header name');
const Reserved = /^(host|content-length|content-type|transfer-encoding|connection|user-agent|webhook-.*|x-hookline-.*)$/i;

const SubscriptionFields = {
  url: z.url({ protocol: /^https?$/ }).max(2048),
  events: z.array(EventPattern).min(1).max(100),
  description: z.string().max(500).optional(),
  headers: z
    // A value with CR, LF, NUL or another control character (or beyond Latin-1) could never be sent: refused at save.
    .record(HeaderName, z.string().max(4096).regex(/^[\t\x20-\x7e\x80-\xff]*$/, 'printable characters only (no CR, LF, NUL or other control characters)'))
    .default({})
    .refine((h) => Object.keys(h).length <= 20, 'at most 20 headers')
    .refine((h) => !Object.keys(h).some((k) => Reserved.test(k)), 'reserved header names (content-type, user-agent, webhook-*, x-hookline-*) cannot be set'),
  filters: SubscriptionFilters.optional(),
  body_template: BodyTemplate.optional(),
  retry_policy: RetryPolicy.default({ max_attempts: 8, initial_delay: 10, backoff_multiplier: 2, max_delay: 3600, retry_on_4xx: [408] }),
  timeout_seconds: z.number().int().min(1).max(30).default(15),
  enabled: z.boolean().default(true),
  /** The tenant whose events this subscription receives (an existing tenant); fixed once created. */
  tenant_id: TenantId.optional().meta({ description: 'The tenant (an existing one) whose published events this subscription receives; without it, events published without a tenant_id. Fixed once created.' }),
  /** Caps attempts to this endpoint; excess deliveries wait for a slot (never dropped, never counted as an attempt). */
  rate_limit: RateLimit.optional().meta({ description: "Caps attempts to this endpoint: excess deliveries wait for their slot (never dropped, never counted as an attempt; the delivery shows rate_limited_until). The tenant's rate_limit, if any, caps the sum over its subscriptions as well" }),
};

/**
 * Fields the server computes or holds, as GET shows them: accepted in a create or replace so a
 * subscription read can be sent back as it was read (edit one field, PUT the rest), ignored when
 * they agree with the server and refused when they contradict it (a stale `version` or
 * `updated_at` 412, like If-Match; `paused` changes only through …/pause and …/resume). The
 * rules live in usecases/server-fields.ts.
 */
const SubscriptionServerFields = {
  created_at: z.string().max(40).optional().meta({ description: 'Server field: ignored when it agrees' }),
  updated_at: z.string().max(40).optional().meta({ description: 'Server field: a stale value answers 412 like If-Match' }),
  version: z.number().int().min(1).optional().meta({ description: 'Server field: follows the If-Match rules (a stale version answers 412)' }),
  paused: z.boolean().optional().meta({ description: 'Server field: must be the current value (change it with POST …/pause or …/resume)' }),
  paused_at: z.string().max(40).optional().meta({ description: 'Server field: ignored' }),
  failing_since: z.string().max(40).optional().meta({ description: 'Server field: ignored' }),
  disabled_reason: z.string().max(500).optional().meta({ description: 'Server field: ignored' }),
  verified: z.boolean().optional().meta({ description: 'Server field: ignored (a hookline.verification that got a 2xx sets it; a url change resets it)' }),
  verification_delivery_id: z.string().max(100).optional().meta({ description: 'Server field: ignored' }),
  previous_secret_expires_at: z.string().max(40).optional().meta({ description: 'Server field: ignored (derived from the clock)' }),
} satisfies Record<(typeof SUBSCRIPTION_SERVER_FIELDS)[number], z.ZodType>;

/** A masked secret (`whsec_…X7aQ`, as GET shows it) passes here; server-fields.ts checks it against the held one. */
const SecretOrMask = z.union([z.string().max(300).refine((v) => v.includes('…')), SubscriptionSecret]);

/** `POST /api/subscriptions` body (and `PUT /api/subscriptions/{id}`). */
export const SubscriptionCreate = z
  .object({
    subscription_id: z.string().regex(/^sub_[a-z0-9_-]{1,64}$/i).optional(),
    secret: SecretOrMask.optional(),
    ...SubscriptionFields,
    ...SubscriptionServerFields,
  })
  .strict()
  .meta({ id: 'SubscriptionCreate' });
export type SubscriptionCreate = z.infer<typeof SubscriptionCreate>;

export interface SubscriptionRecord {
  subscription_id: string;
  url: string;
  events: string[];
  description?: string;
  headers: Record<string, string>;
  filters?: SubscriptionFilters;
  body_template?: JsonValue;
  retry_policy: RetryPolicy;
  timeout_seconds: number;
  enabled: boolean;
  tenant_id?: string;
  rate_limit?: RateLimit;
  /** True once a hookline.verification delivery to the current URL got a 2xx (absent: false). */
  verified?: boolean;
  /** The latest verification delivery: only its success verifies (an older one was for another URL). */
  verification_delivery_id?: string;
  secret: string;
  previous_secrets: { secret: string; expires_at: string }[];
  disabled_reason?: string;
  /** Since when every delivery has ended failed (cleared by a success); drives auto-disable. */
  failing_since?: string;
  /** Paused (POST …/pause): new deliveries are recorded `paused`, not attempted, until …/resume. Absent: false. */
  paused?: boolean;
  /** When the current pause began. */
  paused_at?: string;
  created_at: string;
  created_by: string;
  updated_at: string;
  version: number;
}

export const SubscriptionView = z
  .object({
    subscription_id: z.string(),
    url: z.string(),
    events: z.array(z.string()),
    description: z.string().optional(),
    headers: z.record(z.string(), z.string()),
    filters: z.record(z.string(), z.unknown()).optional(),
    body_template: z.unknown().optional(),
    retry_policy: z.object({
      max_attempts: z.number().int(),
      initial_delay: z.number(),
      backoff_multiplier: z.number(),
      max_delay: z.number(),
      retry_on_4xx: z.array(z.number().int()),
    }),
    timeout_seconds: z.number(),
    enabled: z.boolean(),
    tenant_id: z.string().optional(),
    rate_limit: z.object({ per_second: z.number(), burst: z.number().int().optional() }).optional(),
    verified: z.boolean().meta({
      description:
        'True once a signed hookline.verification delivery to the current url got a 2xx; false until then and again after a url change. With HOOKLINE_REQUIRE_VERIFIED=true an unverified subscription receives nothing else (its deliveries are recorded failed with the reason)',
    }),
    verification_delivery_id: z.string().optional().meta({ description: 'The latest verification delivery (GET /api/deliveries/{delivery_id} shows its attempts); POST /api/subscriptions/{id}/verify sends a new one' }),
    disabled_reason: z.string().optional(),
    failing_since: IsoTime.optional().meta({ description: 'Since when every delivery has ended failed; cleared by a success' }),
    paused: z.boolean().meta({ description: 'true between POST …/pause and …/resume: deliveries are recorded with status paused and not attempted; resume sends them oldest first' }),
    paused_at: IsoTime.optional().meta({ description: 'When the current pause began' }),
    secret: z.string().meta({ description: 'Masked except in the create and rotate-secret responses', example: 'whsec_…X7aQ' }),
    previous_secret_expires_at: IsoTime.optional().meta({ description: 'rotate-secret only: until when the previous secret still signs' }),
    created_at: IsoTime,
    updated_at: IsoTime,
    version: z.number().int(),
  })
  .meta({ id: 'Subscription' });

export const DELIVERY_STATUSES = ['pending', 'sending', 'success', 'retrying', 'failed', 'paused'] as const;
export const DeliveryStatus = z.enum(DELIVERY_STATUSES);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export interface DeliveryAttempt {
  attempt: number;
  at: string;
  status_code: number | null;
  duration_ms: number;
  response_excerpt: string | null;
  /** content-type, retry-after and location of the answer, when present. */
  response_headers?: Record<string, string>;
  error: string | null;
}

/** One event for one subscription; the body is fixed at publish time so every attempt sends the same bytes. */
export interface DeliveryRecord {
  delivery_id: string;
  subscription_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  body: string;
  attempts: DeliveryAttempt[];
  /** attempts.length, kept as a number for conditional writes. */
  attempt_count: number;
  /** Set while an attempt is in flight; a claim older than the timeout can be taken over. */
  claimed_at?: string;
  next_attempt_at: string | null;
  /** The rate-limit slot reserved for attempt `attempt` (shared/usecases/rate-limit-gate.ts): when it may be sent. */
  rate_limit_slot?: { attempt: number; at: string };
  created_at: string;
  updated_at: string;
  /** `${created_at}#${delivery_id}`: sort key of by_subscription. */
  created_key: string;
  expires_at: number;
  /** The trace it belongs to: the inbound event that caused it, or the published event's id (absent on records made before: the event id). */
  trace_id?: string;
  /** The recovery job (POST …/recover) that last re-sent this delivery: a redelivered page of that job never sends it again. */
  recovered_by?: string;
}

export const PublishInput = z
  .object({
    type: z.string().min(1).max(200).regex(/^[A-Za-z0-9_:.-]+$/, 'letters, digits and _ : . -'),
    data: BoundedJson(LIMITS.eventDataBytes),
    id: z.string().min(1).max(200).optional(),
    tenant_id: TenantId.optional().meta({ description: "Only this tenant's subscriptions receive the event; without it, only subscriptions without a tenant" }),
  })
  .strict()
  .meta({ id: 'PublishInput' });

export const DeliveryAttemptView = z
  .object({
    attempt: z.number().int(),
    at: IsoTime,
    status_code: z.number().int().nullable(),
    duration_ms: z.number(),
    response_excerpt: z.string().nullable(),
    response_headers: z.record(z.string(), z.string()).optional().meta({ description: 'content-type, retry-after and location of the answer, when present' }),
    error: z.string().nullable(),
  })
  .meta({ id: 'DeliveryAttempt' });

const DeliveryFields = {
  delivery_id: z.string(),
  subscription_id: z.string(),
  event_id: z.string(),
  event_type: z.string(),
  trace_id: z.string().meta({
    description: 'The trace this delivery belongs to, as its log lines carry it (`trace_id`): the id of the provider delivery\'s event that caused it (task.created, event.received ...), or the published event\'s own id',
  }),
  status: DeliveryStatus,
  attempt_count: z.number().int(),
  last_status_code: z.number().int().nullable(),
  next_attempt_at: IsoTime.nullable(),
  rate_limited_until: IsoTime.nullable().meta({
    description: "Set when a rate limit (the subscription's or its tenant's) held the latest attempt: the time of its reserved slot (while it waits, next_attempt_at is the same time); null when no limit held it",
  }),
  created_at: IsoTime,
  updated_at: IsoTime,
};

/** A delivery in a list (attempts omitted). */
export const DeliverySummary = z.object(DeliveryFields).meta({ id: 'DeliverySummary' });
/** `GET /api/deliveries/{id}`: with every attempt and the exact body sent. */
export const DeliveryDetail = z
  .object({ ...DeliveryFields, attempts: z.array(DeliveryAttemptView), body: z.string().meta({ description: 'The exact bytes every attempt sends' }) })
  .meta({ id: 'Delivery' });

export const DeliveryRetried = z.object({ delivery_id: z.string(), status: z.literal('pending') }).meta({ id: 'DeliveryRetried' });

export const SubscriptionStats = z
  .object({
    subscription_id: z.string(),
    window_hours: z.number().int(),
    since: IsoTime,
    deliveries: z.number().int(),
    by_status: z.object(Object.fromEntries(DELIVERY_STATUSES.map((st) => [st, z.number().int()])) as Record<DeliveryStatus, z.ZodNumber>),
    success_rate: z.number().nullable().meta({ description: 'success / (success + failed); null before any finished delivery' }),
    attempts: z.number().int(),
    retries: z.number().int(),
    latency_ms: z.object({ p50: z.number().nullable(), p95: z.number().nullable() }),
    truncated: z.boolean().meta({ description: 'true when more than 10,000 deliveries fell in the window (only those were read)' }),
  })
  .meta({ id: 'SubscriptionStats' });

export const PublishResultView = z.object({ event_id: z.string(), deliveries: z.number().int() }).meta({ id: 'PublishResult' });
export const SubscriptionVerifyResult = z
  .object({
    subscription_id: z.string(),
    delivery_id: z.string().meta({ description: 'The hookline.verification delivery just queued: follow it with GET /api/deliveries/{delivery_id}' }),
    verified: z.boolean().meta({ description: 'Whether the subscription is verified now (a verified one stays so while the new verification runs)' }),
  })
  .meta({ id: 'SubscriptionVerifyResult' });
export const SubscriptionTestResult = z
  .object({ event_id: z.string(), deliveries: z.number().int(), delivery_id: z.string(), status: DeliveryStatus.meta({ description: 'paused while the subscription is paused: the test waits in the backlog like every other delivery' }) })
  .meta({ id: 'SubscriptionTestResult' });

/** A sample or given event for the subscription preview: as published, plus the `id` and `timestamp` it would get. */
export const PreviewEvent = z
  .object({
    type: PublishInput.shape.type,
    data: z.unknown().optional(),
    id: z.string().min(1).max(200).optional(),
    /** When the event happens (judged by `time_window`); default now. */
    timestamp: z.iso.datetime({ offset: true, message: 'an ISO 8601 time such as 2026-11-23T12:00:00Z' }).optional(),
  })
  .strict()
  .meta({ id: 'PreviewEvent' });

/** `POST /api/subscriptions/{id}/preview` body: an event, or none for a sample of the subscription's first event type. */
export const SubscriptionPreviewById = z.object({ event: PreviewEvent.optional() }).strict().meta({ id: 'SubscriptionPreviewById' });

/** `POST /api/subscriptions/preview` body: a subscription as in `POST /api/subscriptions` (not saved) and an optional event. */
export const SubscriptionPreviewInput = z
  .object({ subscription: SubscriptionCreate, event: PreviewEvent.optional() })
  .strict()
  .meta({ id: 'SubscriptionPreviewInput' });

export const SubscriptionPreview = z
  .object({
    matched: z.boolean(),
    /** Why not: disabled, no `events` pattern matches, or the filter that excluded the event (`filters.content_filters.0: …`). */
    reasons: z.array(z.string()),
    /** The exact body that would be signed and sent (shown whether or not the event matches). */
    rendered: z.string(),
    /** `body_template` variables that were absent in the event, as `path: name`. */
    missing: z.array(z.string()),
    /** The event judged: the one given, or the sample, with its id and timestamp. */
    event: z.object({ source: z.enum(['event', 'sample']), id: z.string(), type: z.string(), timestamp: z.string(), data: z.unknown() }),
  })
  .meta({ id: 'SubscriptionPreview' });

/** `POST /api/subscriptions/{id}/recover` body: the window of creation times whose failed deliveries are re-sent. */
export const RecoverInput = z
  .object({
    since: z.iso.datetime({ offset: true, message: 'an ISO 8601 time such as 2026-11-23T12:00:00Z' }),
    until: z.iso.datetime({ offset: true, message: 'an ISO 8601 time such as 2026-11-23T18:00:00Z' }).optional().meta({ description: 'End of the window (exclusive); default: now' }),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.until !== undefined && Date.parse(v.until) <= Date.parse(v.since)) ctx.addIssue({ code: 'custom', path: ['until'], message: 'must be later than since' });
  })
  .meta({ id: 'RecoverInput' });
export type RecoverInput = z.infer<typeof RecoverInput>;

export const RecoverResult = z
  .object({
    queued: z.number().int().meta({ description: 'Failed deliveries created in the window when the request was accepted; each is re-sent once, in the background, a page at a time' }),
    recovery_id: z.string().meta({ description: 'The recovery job; its re-sent deliveries carry it, so a redelivered page sends nothing twice' }),
    since: IsoTime,
    until: IsoTime,
    count_capped: z.boolean().optional().meta({ description: 'true when more than 1,000,000 matched: queued is that cap, and every matching delivery is still re-sent' }),
  })
  .meta({ id: 'RecoverResult' });
