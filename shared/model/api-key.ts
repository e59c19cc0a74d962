import { z } from 'zod';
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
  created_at: string;
  created_by: string;
}

export const ApiKeyView = z
  .object({ key_id: z.string(), name: z.string(), scopes: z.array(Scope), tenant_id: z.string().optional(), key: z.string().meta({ example: 'hk_…9fQa' }), created_at: IsoTime, created_by: z.string() })
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

/** admin implies every scope; write implies read. */
export function hasScope(p: Principal, needed: Scope): boolean {
  if (p.scopes.includes('admin')) return true;
  if (p.scopes.includes(needed)) return true;
  return needed === 'read' && p.scopes.includes('write');
}
