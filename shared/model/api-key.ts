import { z } from 'zod';
import { IsoTime } from './common';

export const SCOPES = ['read', 'write', 'admin', 'agent'] as const;
export const Scope = z.enum(SCOPES);
export type Scope = z.infer<typeof Scope>;

export const ApiKeyCreate = z
  .object({
    name: z.string().min(1).max(100).meta({ example: 'ci-bot' }),
    scopes: z.array(Scope).min(1).max(4).meta({ example: ['read', 'write'] }),
  })
  .strict()
  .meta({ id: 'ApiKeyCreate' });

/** Stored key: only the SHA-256 of the key is kept. */
export interface ApiKeyRecord {
  key_id: string;
  name: string;
  scopes: Scope[];
  key_hash: string;
  /** Last four characters, so people can tell keys apart. */
  key_last4: string;
  created_at: string;
  created_by: string;
}

export const ApiKeyView = z
  .object({ key_id: z.string(), name: z.string(), scopes: z.array(Scope), key: z.string().meta({ example: 'hk_…9fQa' }), created_at: IsoTime, created_by: z.string() })
  .meta({ id: 'ApiKey' });

export const ApiKeyCreated = z
  .object({ key_id: z.string(), name: z.string(), scopes: z.array(Scope), key: z.string().meta({ description: 'The full key, shown once' }) })
  .meta({ id: 'ApiKeyCreated' });

/** Who made a request: what the authorizer passes to the API as its context. */
export interface Principal {
  key_id: string;
  name: string;
  scopes: Scope[];
}

/** admin implies every scope; write implies read. */
export function hasScope(p: Principal, needed: Scope): boolean {
  if (p.scopes.includes('admin')) return true;
  if (p.scopes.includes(needed)) return true;
  return needed === 'read' && p.scopes.includes('write');
}
