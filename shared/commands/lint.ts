import type { Command } from '../model/webhook';
import { aliasesFor, resolveWithAliases } from './aliases';
import { CONTEXT_VARS, MISSING, splitPath } from './event-context';
import { triggerMatches } from './match';
import { parseTemplate } from './template';

/** `{"path":"commands.0.template","message":"issue.summry is not in jira:issue_created payloads; did you mean issue.summary?"}` */
export interface ConfigWarning {
  path: string;
  message: string;
}

/** Sample payloads of one provider, by Hookline event type. */
export type Samples = Readonly<Record<string, unknown>>;

const CONTEXT = new Set<string>(CONTEXT_VARS);

/** Template variables outside sections (inside one, names are relative to the section's item), in order, once each. */
export function templateVariables(template: string): string[] {
  const out: string[] = [];
  for (const t of parseTemplate(template)) {
    if ((t[0] === 'name' || t[0] === '&' || t[0] === '#' || t[0] === '^') && t[1] !== '.' && !out.includes(t[1])) out.push(t[1]);
  }
  return out;
}

/**
 * Save-time lint of one command against the provider's real sample payloads of the event types
 * its trigger matches: each template variable and condition field that occurs in none of them
 * (with the provider's field aliases applied) is a warning with a suggestion. Warnings never block
 * a change (payloads vary); a trigger with no sample of its event type is not linted.
 */
export function lintCommand(provider: string, command: Pick<Command, 'trigger' | 'template' | 'conditions'>, samples: Samples, at = ''): ConfigWarning[] {
  const types = Object.keys(samples).filter((t) => triggerMatches(command.trigger, t));
  if (!types.length) return [];
  const aliases = aliasesFor(provider);
  const occurs = (path: string) => {
    const segs = splitPath(path);
    return types.some((t) => resolveWithAliases(samples[t], segs, aliases, path) !== MISSING);
  };
  const warn = (path: string, where: string): ConfigWarning => {
    const s = suggest(path, types.map((t) => samples[t]), aliases.paths);
    return { path: `${at}${where}`, message: `${path} is not in ${types.join(', ')} payloads${s ? `; did you mean ${s}?` : ''}` };
  };
  const out: ConfigWarning[] = [];
  if (command.template !== undefined) {
    let vars: string[] = [];
    try {
      vars = templateVariables(command.template);
    } catch {
      vars = []; // a template that does not parse is a validation error, reported elsewhere
    }
    for (const v of vars) if (!CONTEXT.has(v) && !occurs(v)) out.push(warn(v, 'template'));
  }
  const c = command.conditions as Record<string, unknown> | undefined;
  for (const key of ['all', 'any'] as const) {
    const list = c?.[key];
    if (!Array.isArray(list)) continue;
    list.forEach((f, j) => {
      const field = (f as { field?: unknown } | null)?.field;
      if (typeof field === 'string' && !CONTEXT.has(field) && !occurs(field)) out.push(warn(field, `conditions.${key}.${j}.field`));
    });
  }
  return out;
}

const pathCache = new WeakMap<object, string[]>();

/** Every path of a payload (objects and leaves; arrays through their first element), depth-limited. */
function pathsOf(payload: unknown): string[] {
  if (typeof payload !== 'object' || payload === null) return [];
  let hit = pathCache.get(payload);
  if (hit) return hit;
  const out: string[] = [];
  const walk = (v: unknown, prefix: string, depth: number) => {
    if (depth > 8 || typeof v !== 'object' || v === null) return;
    const entries: [string, unknown][] = Array.isArray(v) ? (v.length ? [['0', v[0]]] : []) : Object.entries(v);
    for (const [k, x] of entries) {
      const p = prefix ? `${prefix}.${k}` : k;
      out.push(p);
      walk(x, p, depth + 1);
    }
  };
  walk(payload, '', 0);
  pathCache.set(payload, (hit = out));
  return hit;
}

/** The path the writer most likely meant: the shortest one ending in the same name, else a longer name under the same parent, else the closest by edit distance. */
export function suggest(path: string, payloads: unknown[], aliasPaths: readonly string[] = []): string | undefined {
  const all = [...new Set([...aliasPaths, ...payloads.flatMap(pathsOf)])];
  const last = path.split('.').at(-1)!;
  const byDepth = (a: string, b: string) => a.split('.').length - b.split('.').length || a.length - b.length || a.localeCompare(b);
  const sameName = all.filter((p) => p === last || p.endsWith(`.${last}`)).sort(byDepth);
  if (sameName.length) return sameName[0];
  // A shortened name (`prio` for `priority`) under the same parent path.
  const parent = path.slice(0, -last.length);
  const longer = last.length >= 3 ? all.filter((p) => p.startsWith(parent) && !p.slice(parent.length).includes('.') && p.slice(parent.length).startsWith(last)).sort(byDepth) : [];
  if (longer.length) return longer[0];
  const limit = Math.max(2, Math.floor(path.length / 5));
  let best: string | undefined;
  let bestD = limit + 1;
  for (const p of all) {
    if (Math.abs(p.length - path.length) > limit) continue;
    const d = distance(path, p, bestD);
    if (d < bestD) [best, bestD] = [p, d];
  }
  return best;
}

/** Levenshtein distance, giving up (returning `cap`) once every cell of a row reaches it. */
function distance(a: string, b: string, cap: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let min = i;
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (row[j] < min) min = row[j];
    }
    if (min >= cap) return cap;
    prev = row;
  }
  return prev[b.length];
}
