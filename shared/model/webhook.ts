import * as z from 'zod';
import { parseTemplate } from '../commands/template-syntax';
import { Conditions } from './conditions';
import { IsoTime, Warnings } from './common';

import { PROVIDERS } from './webhook-providers';

export { PROVIDERS };
export const Provider = z.enum(PROVIDERS);
export type Provider = z.infer<typeof Provider>;

export const WebhookId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must match [a-z0-9][a-z0-9_-]{0,63}')
  .meta({ example: 'github-issues-001' });

export const CommandId = z.string().regex(/^cmd_[a-z0-9_-]{1,64}$/i, 'must look like cmd_<letters, digits, _ or ->');

export const ACTIONS = ['create_task', 'comment', 'ask', 'respond', 'forward'] as const;

const CommandFields = {
  trigger: z.string().min(1).max(200).meta({ example: 'issues.opened' }),
  action: z.enum(ACTIONS),
  agent: z.string().min(1).max(100).optional().meta({ example: 'planning' }),
  template: z.string().max(20_000).optional().meta({ example: 'Analyze issue: {{issue.title}}' }),
  conditions: Conditions.optional(),
  priority: z.number().int().min(-1000).max(1000).default(0),
  stop: z.boolean().optional(),
  forward_url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
};

function refineCommand(c: { action: string; agent?: string; forward_url?: string; template?: string }, ctx: z.RefinementCtx): void {
  if (c.action === 'forward' && !c.forward_url) ctx.addIssue({ code: 'custom', path: ['forward_url'], message: 'forward needs forward_url' });
  if (c.action === 'create_task' && !c.agent) ctx.addIssue({ code: 'custom', path: ['agent'], message: 'create_task needs agent' });
  if (c.template !== undefined) {
    try {
      parseTemplate(c.template);
    } catch (e) {
      ctx.addIssue({ code: 'custom', path: ['template'], message: (e as Error).message });
    }
  }
}

/** A command as sent by clients (command_id optional: generated when absent). */
export const CommandInput = z
  .object({ command_id: CommandId.optional(), ...CommandFields })
  .strict()
  .superRefine(refineCommand)
  .meta({ id: 'CommandInput' });
export type CommandInput = z.infer<typeof CommandInput>;

export const Command = z.object({ command_id: CommandId, ...CommandFields }).meta({ id: 'Command' });
export type Command = z.infer<typeof Command>;

/** A command as the add and update routes answer it: with the lint's warnings, if any. */
export const CommandSaved = z.object({ command_id: CommandId, ...CommandFields, warnings: Warnings.optional() }).meta({ id: 'CommandSaved' });

export const Verification = z
  .object({
    header: z.string().min(1).max(100),
    algorithm: z.enum(['sha1', 'sha256', 'sha512']).default('sha256'),
    encoding: z.enum(['hex', 'base64']).default('hex'),
    prefix: z.string().max(50).default(''),
    signed_payload: z.enum(['{body}', '{timestamp}.{body}', '{id}.{timestamp}.{body}']).default('{body}'),
    timestamp_header: z.string().min(1).max(100).optional(),
    id_header: z.string().min(1).max(100).optional(),
    tolerance_seconds: z.number().int().min(1).max(86_400).default(300),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.signed_payload.includes('{timestamp}') && !v.timestamp_header)
      ctx.addIssue({ code: 'custom', path: ['timestamp_header'], message: `signed_payload ${v.signed_payload} needs timestamp_header` });
    if (v.signed_payload.includes('{id}') && !v.id_header)
      ctx.addIssue({ code: 'custom', path: ['id_header'], message: `signed_payload ${v.signed_payload} needs id_header` });
  })
  .meta({ id: 'Verification' });
export type Verification = z.infer<typeof Verification>;

export const ReplyInput = z
  .object({
    token: z.string().min(1).max(4096).optional(),
    api_base_url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
    email: z.string().max(320).optional(),
    bot_user: z.string().max(200).optional(),
  })
  .strict();

export const Cidr = z.string().refine((s) => isCidr(s), 'must be an IPv4 or IPv6 CIDR such as 192.0.2.0/24 or 2001:db8::/32');

function isCidr(s: string): boolean {
  const [addr, bits, ...rest] = s.split('/');
  if (rest.length) return false;
  const v4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(addr);
  const v6 = !v4 && /^[0-9a-f:.]+$/i.test(addr) && addr.includes(':');
  if (!v4 && !v6) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d+$/.test(bits) && n >= 0 && n <= (v4 ? 32 : 128);
}

// A masked value (`…cret`, as GET shows a secret) may be shorter; server-fields.ts checks it against the held secret.
const SecretField = z
  .string()
  .max(512)
  .refine((s) => s.length >= 8 || s.includes('…'), 'must be at least 8 characters');

/** Most shards a webhook's event log may be spread over (each key takes ~1,000 writes/s; a cursor carries one position per shard). */
export const MAX_EVENT_LOG_SHARDS = 32;

const WebhookFields = {
  name: z.string().min(1).max(200).meta({ example: 'GitHub Issue Tracker' }),
  provider: Provider,
  enabled: z.boolean().default(true),
  commands: z.array(CommandInput).max(200).default([]),
  reply: ReplyInput.optional(),
  ip_allowlist: z.array(Cidr).max(100).optional(),
  rate_limit: z
    .object({ per_second: z.number().positive().max(10_000), burst: z.number().int().min(1).max(100_000) })
    .strict()
    .optional(),
  verification: Verification.optional(),
  event_log_shards: z
    .number()
    .int()
    .min(1)
    .max(MAX_EVENT_LOG_SHARDS)
    .optional()
    .meta({ description: "Index keys the webhook's event log is spread over (default 1): raise it for webhooks above ~500 events/s; it can be raised, never lowered (absent in a PUT keeps the current value)", example: 1 }),
};

function refineWebhook(w: { provider: string; verification?: unknown }, ctx: z.RefinementCtx): void {
  if (w.provider === 'custom' && !w.verification)
    ctx.addIssue({ code: 'custom', path: ['verification'], message: 'the custom provider needs verification.header at least' });
  if (w.provider !== 'custom' && w.verification)
    ctx.addIssue({ code: 'custom', path: ['verification'], message: 'verification is only for the custom provider' });
}

/**
 * Fields the server computes or holds, as a GET, an export or the design's examples show them:
 * accepted in a create, replace or config file, ignored when they agree with the server and
 * refused (400 naming the field; a stale `version` or `updated_at` 412) when they contradict it.
 * The check lives in usecases/server-fields.ts.
 */
const ServerFields = {
  endpoint: z.string().max(300).optional().meta({ description: 'Server field: ignored when it equals /webhooks/{provider}/{webhook_id}' }),
  url: z.string().max(2400).optional().meta({ description: "Server field: ignored when it equals this stack's receiver URL of the webhook" }),
  created_at: z.string().max(40).optional().meta({ description: 'Server field: ignored when it agrees' }),
  created_by: z.string().max(300).optional().meta({ description: 'Server field: ignored when it agrees' }),
  updated_at: z.string().max(40).optional().meta({ description: 'Server field: a stale value answers 412 like If-Match' }),
  version: z.number().int().min(1).optional().meta({ description: 'Server field: follows the If-Match rules (a stale version answers 412)' }),
  previous_secret_expires_at: z.string().max(40).optional().meta({ description: 'Server field: always ignored (derived from the clock)' }),
};

/** `POST /api/webhooks` body (also a config file's content). */
export const WebhookCreate = z
  .object({ webhook_id: WebhookId.optional(), secret: SecretField.optional(), ...WebhookFields, ...ServerFields })
  .strict()
  .superRefine(refineWebhook)
  .superRefine(uniqueCommandIds)
  .meta({ id: 'WebhookCreate' });
export type WebhookCreate = z.infer<typeof WebhookCreate>;

/** `PUT /api/webhooks/{id}` body: the whole config; an absent secret keeps the current one. */
export const WebhookReplace = WebhookCreate;

function uniqueCommandIds(w: { commands: { command_id?: string }[] }, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  w.commands.forEach((c, i) => {
    if (!c.command_id) return;
    if (seen.has(c.command_id)) ctx.addIssue({ code: 'custom', path: ['commands', i, 'command_id'], message: `duplicate command_id ${c.command_id}` });
    seen.add(c.command_id);
  });
}

/** A secret that was rotated out but still verifies until `expires_at`. */
export interface PreviousSecret {
  secret: string;
  expires_at: string;
}

/** The stored webhook: full secrets inside, never returned as is. */
export interface WebhookRecord {
  webhook_id: string;
  name: string;
  provider: Provider;
  secret: string;
  previous_secrets: PreviousSecret[];
  enabled: boolean;
  commands: Command[];
  reply?: { token?: string; api_base_url?: string; email?: string; bot_user?: string };
  ip_allowlist?: string[];
  rate_limit?: { per_second: number; burst: number };
  verification?: Verification;
  /** Event-log shards (absent: 1); see shared/event-log-shard.ts. */
  event_log_shards?: number;
  created_at: string;
  created_by: string;
  updated_at: string;
  updated_by: string;
  version: number;
}

/** A webhook as the API shows it: secrets masked, endpoint and URL derived. */
export const WebhookView = z
  .object({
    webhook_id: WebhookId,
    name: z.string(),
    provider: Provider,
    endpoint: z.string().meta({ example: '/webhooks/github/github-issues-001' }),
    url: z.string().meta({ example: 'https://hooks.example.com/webhooks/github/github-issues-001' }),
    secret: z.string().meta({ description: 'Masked except in the create and rotate-secret responses', example: 'whsec_…X7aQ' }),
    enabled: z.boolean(),
    commands: z.array(Command),
    reply: z
      .object({ token: z.string().optional(), api_base_url: z.string().optional(), email: z.string().optional(), bot_user: z.string().optional() })
      .optional(),
    ip_allowlist: z.array(z.string()).optional(),
    rate_limit: z.object({ per_second: z.number(), burst: z.number() }).optional(),
    verification: z
      .object({
        header: z.string(),
        algorithm: z.enum(['sha1', 'sha256', 'sha512']),
        encoding: z.enum(['hex', 'base64']),
        prefix: z.string(),
        signed_payload: z.enum(['{body}', '{timestamp}.{body}', '{id}.{timestamp}.{body}']),
        timestamp_header: z.string().optional(),
        id_header: z.string().optional(),
        tolerance_seconds: z.number().int(),
      })
      .optional(),
    event_log_shards: z.number().int().optional(),
    created_at: IsoTime,
    created_by: z.string(),
    updated_at: IsoTime,
    version: z.number().int(),
    previous_secret_expires_at: IsoTime.optional(),
    warnings: Warnings.optional().meta({ description: 'Create and replace answers only, when the lint found something' }),
  })
  .meta({ id: 'Webhook' });
export type WebhookView = z.infer<typeof WebhookView>;

export const RotateSecretInput = z
  .object({ grace_seconds: z.number().int().min(0).max(30 * 86_400).default(86_400), secret: SecretField.optional() })
  .strict();
