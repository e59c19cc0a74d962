import type { AuditEntry } from '../model/audit';
import type { Actor, ManagementDeps } from '../ports';

/**
 * Records one change. Called after the change committed: the store has no cross-item
 * transactions locally, so a crash between the two writes can lose the entry; the entry is
 * then still in the function's log (logged on failure) and the change itself is never lost.
 */
export async function recordAudit(
  deps: Pick<ManagementDeps, 'audit' | 'clock' | 'ids'>,
  actor: Actor,
  action: string,
  resource: { type: string; id: string },
  before: unknown,
  after: unknown,
): Promise<void> {
  const entry: AuditEntry = {
    audit_id: deps.ids.next('aud'),
    at: deps.clock.now().toISOString(),
    actor: actor.name,
    actor_key_id: actor.key_id || null,
    action,
    resource_type: resource.type,
    resource_id: resource.id,
    before: before ?? null,
    after: after ?? null,
  };
  try {
    await deps.audit.append(entry);
  } catch (err) {
    console.error(JSON.stringify({ level: 'ERROR', message: 'audit entry not stored', audit: entry, error: String(err) }));
  }
}
