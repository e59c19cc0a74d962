import * as z from 'zod';
import { IsoTime } from './common';
import { TenantId } from './tenant';

export const SCOPES = ['read', 'write', 'admin', 'agent'] as const;
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

export const ApiKeyCreate = z
  .object({
    name: z.string().min(1).max(100).meta({ example: 'ci-bot' }),
    scopes: z.array(Scope).min(1).max(4).meta({ example: ['read', 'write'] }),
    tenant_id: TenantId.optional().meta({ description: "Binds the key to this tenant (an existing one): it sees and changes only that tenant's subscriptions and deliveries; scopes read and write only" }),
  })
  .strict()
  .superRefine((k, ctx) => {
    if (k.tenant_id !== undefined && k.scopes.some((s) => s !== 'read' && s !== 'write'))
      ctx.addIssue({ code: 'custom', path: ['scopes'], message: 'a tenant-bound key has the scopes read and write only' });
  })
  .meta({ id: 'ApiKeyCreate' });

/** Stored key: only the SHA-256 of the key is kept. */
export interface ApiKeyRecord {
  key_id: string;
  name: string;
  scopes: Scope[];
  key_hash: string;
  /** Last four characters, so people can tell keys apart. */
  key_last4: string;
  /** A tenant-bound key's tenant. */
  tenant_id?: string;
  /** `portal`: a subscriber-portal token (POST /api/tenants/{tenant_id}/portal-link); absent: an API key. */
  kind?: 'portal';
  /** When a portal token stops working (ISO time); API keys do not expire. */
  expires_at?: string;
  created_at: string;
  created_by: string;
}

export const ApiKeyView = z
  .object({
    key_id: z.string(),
    name: z.string(),
    scopes: z.array(Scope),
    tenant_id: z.string().optional(),
    kind: z.enum(['api_key', 'portal']).meta({ description: '`portal`: a subscriber-portal token made by POST /api/tenants/{tenant_id}/portal-link (revoke it with DELETE /api/keys/{key_id})' }),
    expires_at: IsoTime.optional().meta({ description: 'When a portal token stops working (API keys do not expire)' }),
    key: z.string().meta({ example: 'hk_…9fQa' }),
    created_at: IsoTime,
    created_by: z.string(),
  })
  .meta({ id: 'ApiKey' });

export const ApiKeyCreated = z
  .object({ key_id: z.string(), name: z.string(), scopes: z.array(Scope), tenant_id: z.string().optional(), key: z.string().meta({ description: 'The full key, shown once' }) })
  .meta({ id: 'ApiKeyCreated' });

/** Who made a request: what the authorizer passes to the API as its context. */
export interface Principal {
  key_id: string;
  name: string;
  scopes: Scope[];
  /** A tenant-bound key's tenant: it reaches only the route table's tenant routes, and only that tenant's records. */
  tenant_id?: string;
}

/** `POST /api/tenants/{tenant_id}/portal-link` body. */
export const PortalLinkInput = z
  .object({
    expires_in_seconds: z.number().int().min(60, 'at least 60 seconds').max(86_400, 'at most 86400 seconds (24 hours)').default(3600).meta({ description: 'Lifetime of the link and its token (default 3600, at most 86400)' }),
  })
  .strict()
  .meta({ id: 'PortalLinkInput' });

export const PortalLink = z
  .object({
    url: z.string().meta({ description: "The console in portal mode; the token is in the URL's fragment (#token=…), which browsers never send to a server", example: 'https://console.example.com/portal#token=hk_…' }),
    token: z.string().meta({ description: 'The tenant-bound portal token (scopes read, write), shown once' }),
    expires_at: IsoTime,
    key_id: z.string().meta({ description: 'The token\'s id: listed by GET /api/keys (kind portal), revoked by DELETE /api/keys/{key_id}', example: 'key_3k9x0q2m7v1c5b8n' }),
  })
  .meta({ id: 'PortalLink' });

/** admin implies every scope; write implies read. */
export function hasScope(p: Principal, needed: Scope): boolean {
  if (p.scopes.includes('admin')) return true;
  if (p.scopes.includes(needed)) return true;
  return needed === 'read' && p.scopes.includes('write');
}
