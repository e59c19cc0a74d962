import { WebhookCreate, WebhookId } from '../model/webhook';
import type { ErrorDetail } from '../errors';
import { HooklineError } from '../errors';
import { lintCommands } from './lint-config';
import { isMaskOf, reconcileServerFields } from './server-fields';
import { backupConfig, createWebhook, replaceWebhook } from './webhooks';
import type { ImportLog, ImportResult, ManagementDeps } from '../ports';

export type ImportDeps = Pick<ManagementDeps, 'webhooks' | 'audit' | 'clock' | 'ids' | 'receiverUrl' | 'backups' | 'vault' | 'allowPrivateTargets'> & { imports: ImportLog };

const stable = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

/**
 * Applies one config file (`config/webhooks/<name>.json`): a webhook config as `POST /api/webhooks`
 * takes it, `webhook_id` defaulting to the file name. Valid: created or replaced, by
 * `config-file:<name>`; the same content again changes nothing (no version, no audit entry).
 * Invalid (bad JSON, schema errors, unknown provider, unsafe regex): nothing changes and every
 * error is recorded with its field path for `GET /api/config/imports`.
 */
export async function importConfigFile(deps: ImportDeps, file: string, content: string): Promise<ImportResult> {
  const at = deps.clock.now().toISOString();
  const name = file.split('/').pop()!;
  const reject = async (errors: ErrorDetail[], webhookId: string | null = null): Promise<ImportResult> => {
    const r: ImportResult = { file: name, status: 'rejected', webhook_id: webhookId, errors, warnings: [], at, changed: false };
    await deps.imports.append(r);
    return r;
  };
  if (!name.endsWith('.json')) return reject([{ path: '(file)', message: 'config files end in .json' }]);
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (err) {
    return reject([{ path: '(file)', message: `not valid JSON: ${(err as Error).message}` }]);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) return reject([{ path: '(file)', message: 'a config file holds one JSON object' }]);
  const base = name.slice(0, -'.json'.length);
  const withId = { webhook_id: base, ...(json as Record<string, unknown>) };
  const idCheck = WebhookId.safeParse(withId.webhook_id);
  if (!idCheck.success) return reject([{ path: 'webhook_id', message: `${idCheck.error.issues[0].message} (it defaults to the file name)` }]);
  const parsed = WebhookCreate.safeParse(withId);
  if (!parsed.success) return reject(parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(file)', message: i.message })), idCheck.data);
  const input = parsed.data;
  const actor = { key_id: '', name: `config-file:${name}` };
  try {
    const existing = await deps.webhooks.get(input.webhook_id!);
    if (existing) {
      // Server fields that contradict are errors even when the rest is unchanged; a stale version is not (nothing would be overwritten).
      reconcileServerFields({ ...input, version: undefined, updated_at: undefined }, { webhook_id: existing.webhook_id, provider: existing.provider, receiverUrl: deps.receiverUrl, existing });
      // Unchanged content is a no-op: compare the config as it would be stored, command ids from the file or the existing commands.
      const commands = input.commands.map((c, i) => ({ ...c, command_id: c.command_id ?? existing.commands[i]?.command_id }));
      const same =
        stable(backupConfig({ ...existing, secret: '', previous_secrets: [] })) ===
          stable(backupConfig({ ...existing, ...input, commands: commands as never, reply: input.reply ? { ...input.reply, token: existing.reply?.token } : undefined })) &&
        (!input.secret || input.secret === existing.secret || isMaskOf(input.secret, existing.secret));
      if (same) {
        const r: ImportResult = { file: name, status: 'applied', webhook_id: existing.webhook_id, errors: [], warnings: lintCommands(existing.provider, existing.commands), at, changed: false };
        await deps.imports.append(r);
        return r;
      }
      await replaceWebhook(deps, actor, existing.webhook_id, { ...input, commands: commands as never });
    } else {
      await createWebhook(deps, actor, input);
    }
  } catch (err) {
    if (err instanceof HooklineError && err.status < 500)
      return reject(err.details.length ? err.details.map((d) => (d.path === '(body)' ? { path: '(file)', message: `${err.message} (${d.message})` } : d)) : [{ path: '(file)', message: err.message }], input.webhook_id ?? null);
    // A store failure: the attempt is on record (never silently dropped), and the error goes on to the caller.
    await reject([{ path: '(file)', message: `not applied: ${err instanceof HooklineError ? err.message : 'an internal error occurred'} (write the file again to retry)` }], input.webhook_id ?? null).catch(() => undefined);
    throw err;
  }
  const r: ImportResult = { file: name, status: 'applied', webhook_id: input.webhook_id!, errors: [], warnings: lintCommands(input.provider, input.commands), at, changed: true };
  await deps.imports.append(r);
  return r;
}
