import * as z from 'zod';
import { IsoTime } from './common';

export const AuditEntry = z
  .object({
    audit_id: z.string(),
    at: IsoTime,
    actor: z.string().meta({ description: "The API key's name, or config-file:<file>" }),
    actor_key_id: z.string().nullable(),
    action: z.string().meta({ example: 'webhook.update' }),
    resource_type: z.string(),
    resource_id: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(2048).optional(),
  resource_id: z.string().max(200).optional(),
});
