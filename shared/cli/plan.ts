import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { WebhookCreate } from '../model/webhook';
import { lintCommands, type ConfigWarning } from '../usecases/lint-config';

/** The fields a config file and `export` carry (no secret, no reply token). */
const CONFIG_FIELDS = ['name', 'provider', 'enabled', 'commands', 'reply', 'ip_allowlist', 'rate_limit', 'verification', 'event_log_shards'] as const;

export interface FileConfig {
  file: string;
  webhook_id: string;
  config: Record<string, unknown>;
  /** The save-time lint of the file's commands (the API gives the same warnings). */
  warnings: ConfigWarning[];
}

export type PlanStep =
  | { kind: 'create'; id: string; config: Record<string, unknown>; warnings: ConfigWarning[] }
  | { kind: 'update'; id: string; config: Record<string, unknown>; changes: string[]; warnings: ConfigWarning[] }
  | { kind: 'unchanged'; id: string; warnings: ConfigWarning[] }
  | { kind: 'delete'; id: string }
  | { kind: 'error'; id: string; file: string; errors: { path: string; message: string }[] };

/** Reads a file or every *.json in a folder; `webhook_id` defaults to the file name. */
export function readConfigs(path: string): (FileConfig | Extract<PlanStep, { kind: 'error' }>)[] {
  const files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => f.endsWith('.json') && !f.startsWith('.')).sort().map((f) => join(path, f)) : [path];
  return files.map((file) => {
    const id = basename(file).replace(/\.json$/, '');
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      return { kind: 'error' as const, id, file, errors: [{ path: '(file)', message: `not valid JSON: ${(err as Error).message}` }] };
    }
    const withId = { webhook_id: id, ...(json as Record<string, unknown>) };
    const parsed = WebhookCreate.safeParse(withId);
    if (!parsed.success) return { kind: 'error' as const, id: String(withId.webhook_id), file, errors: parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(file)', message: i.message })) };
    return { file, webhook_id: parsed.data.webhook_id!, config: withId, warnings: lintCommands(parsed.data.provider, parsed.data.commands) };
  });
}

/** What `export` writes and `apply` compares: the config fields, commands with their ids, reply without its token. */
export function comparable(view: Record<string, unknown>): Record<string, unknown> {
  const parsed = WebhookCreate.parse(Object.fromEntries(Object.entries(view).filter(([k]) => (CONFIG_FIELDS as readonly string[]).includes(k) || k === 'webhook_id')));
  const out: Record<string, unknown> = {};
  for (const k of CONFIG_FIELDS) {
    let v = (parsed as Record<string, unknown>)[k];
    if (k === 'reply' && v) {
      const { token: _t, ...rest } = v as Record<string, unknown>;
      v = rest;
    }
    if (v !== undefined) out[k] = v;
  }
  return out;
}

const stable = (v: unknown): string => JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));

/** Plan: create, update (naming what changed), unchanged, delete (with prune), or errors. */
export function plan(files: ReturnType<typeof readConfigs>, existing: Record<string, unknown>[], prune: boolean): PlanStep[] {
  const byId = new Map(existing.map((w) => [String(w.webhook_id), w]));
  const steps: PlanStep[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    if ('kind' in f) {
      steps.push(f);
      continue;
    }
    seen.add(f.webhook_id);
    const cur = byId.get(f.webhook_id);
    if (!cur) {
      steps.push({ kind: 'create', id: f.webhook_id, config: f.config, warnings: f.warnings });
      continue;
    }
    const a = comparable(cur);
    // Commands without ids in the file keep the ids of the commands at the same positions.
    const fileCmds = ((f.config.commands as Record<string, unknown>[] | undefined) ?? []).map((c, i) => ({ ...c, command_id: c.command_id ?? ((a.commands as { command_id: string }[])[i]?.command_id) }));
    const b = comparable({ ...f.config, commands: fileCmds });
    const changes: string[] = [];
    for (const k of CONFIG_FIELDS) {
      if (stable(a[k]) === stable(b[k])) continue;
      if (k === 'commands') {
        const ac = (a.commands as unknown[]) ?? [];
        const bc = (b.commands as unknown[]) ?? [];
        const n = Math.max(ac.length, bc.length);
        let changed = 0;
        for (let i = 0; i < n; i++) if (stable(ac[i]) !== stable(bc[i])) changed++;
        changes.push(`commands: ${changed} changed`);
      } else changes.push(k);
    }
    steps.push(
      changes.length ? { kind: 'update', id: f.webhook_id, config: { ...f.config, commands: fileCmds }, changes, warnings: f.warnings } : { kind: 'unchanged', id: f.webhook_id, warnings: f.warnings },
    );
  }
  if (prune) for (const id of byId.keys()) if (!seen.has(id)) steps.push({ kind: 'delete', id });
  return steps;
}

const warningLines = (s: PlanStep) => ('warnings' in s ? s.warnings.map((w) => `\n    warning ${w.path}: ${w.message}`).join('') : '');

export function formatPlan(steps: PlanStep[]): string {
  return steps.map((s) => formatStep(s) + warningLines(s)).join('\n');
}

function formatStep(s: PlanStep): string {
  switch (s.kind) {
    case 'create':
      return `+ create ${s.id}`;
    case 'update':
      return `~ update ${s.id} (${s.changes.join(', ')})`;
    case 'unchanged':
      return `= unchanged ${s.id}`;
    case 'delete':
      return `- delete ${s.id}`;
    case 'error':
      return `! ${s.id} (${s.file}):${s.errors.map((e) => `\n    ${e.path}: ${e.message}`).join('')}`;
  }
}
