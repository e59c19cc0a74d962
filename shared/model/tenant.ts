import * as z from 'zod';
import { IsoTime } from './common';

/** `[a-z0-9][a-z0-9_-]{0,63}` (CONTRACT.md section 8). */
export const TenantId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, _ and -, starting with a letter or digit, at most 64 characters')
  .meta({ example: 'acme' });

/**
 * `{"per_second","burst"}`: deliveries per second to an endpoint (a subscription's own, or the sum
 * over a tenant's subscriptions), and how many may go back to back above that (default 1). At most
 * 1,000 per second: each limit is one DynamoDB item, which takes about 1,000 writes per second.
 */
export const RateLimit = z
  .object({
    per_second: z
      .number()
      .min(0.01, 'at least 0.01 (one delivery per 100 seconds)')
      .max(1000, 'at most 1000 (one limiter item takes about 1,000 writes a second)')
      .meta({ description: 'Deliveries per second, 0.01 to 1000 (fractions allowed: 0.5 is one every 2 s)' }),
    burst: z.number().int().min(1).max(1000).optional().meta({ description: 'How many may go back to back above the rate (1 to 1000; default 1: evenly spaced)' }),
  })
  .strict()
  .meta({ id: 'RateLimit', example: { per_second: 50, burst: 10 } });
export type RateLimit = z.infer<typeof RateLimit>;

const Metadata = z
  .record(z.string().min(1).max(100), z.string().max(1000))
  .refine((m) => Object.keys(m).length <= 50, 'at most 50 keys')
  .meta({ description: 'Free-form string labels (at most 50 keys)', example: { plan: 'pro' } });

const TenantFields = {
  name: z.string().min(1).max(200).meta({ example: 'Acme Inc.' }),
  rate_limit: RateLimit.optional(),
  metadata: Metadata.optional(),
};

/** `POST /api/tenants` body. */
export const TenantCreate = z.object({ tenant_id: TenantId, ...TenantFields }).strict().meta({ id: 'TenantCreate' });
export type TenantCreate = z.infer<typeof TenantCreate>;

/** `PUT /api/tenants/{tenant_id}` body (a `tenant_id`, if given, must equal the path's). */
export const TenantReplace = z.object({ tenant_id: TenantId.optional(), ...TenantFields }).strict().meta({ id: 'TenantReplace' });
export type TenantReplace = z.infer<typeof TenantReplace>;

export interface TenantRecord {
  tenant_id: string;
  name: string;
  rate_limit?: RateLimit;
  metadata?: Record<string, string>;
  created_at: string;
  updated_at: string;
  version: number;
}

export const TenantView = z
  .object({
    tenant_id: z.string(),
    name: z.string(),
    rate_limit: z.object({ per_second: z.number(), burst: z.number().int().optional() }).optional(),
    metadata: z.record(z.string(), z.string()).optional(),
    created_at: IsoTime,
    updated_at: IsoTime,
    version: z.number().int(),
  })
  .meta({ id: 'Tenant' });
