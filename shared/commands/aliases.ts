import { providerAdapter } from '../providers';
import type { FieldAlias } from '../providers/types';
import { child, MISSING, resolvePath } from './event-context';

/** One provider's alias table, prepared for lookups by path. */
export interface AliasTable {
  /** The alias paths people may write (`issue.summary`), for suggestions. */
  readonly paths: readonly string[];
  /** The alias at exactly this path, if any. */
  exact(path: string): PreparedAlias | undefined;
  /** Resolves `segments` (joined: `path`) through an alias whose path is it or a prefix of it; MISSING when none applies. */
  fallback(root: unknown, segments: readonly string[], path: string): unknown;
}

interface PreparedAlias {
  alias: FieldAlias;
  targets: string[][];
  leaf?: string;
  override: boolean;
}

const EMPTY: AliasTable = { paths: [], exact: () => undefined, fallback: () => MISSING };
const tables = new Map<string, AliasTable>();

/** The alias table of a provider (its module's `aliases`), prepared once; an empty one for providers without. */
export function aliasesFor(provider: string | undefined): AliasTable {
  if (!provider) return EMPTY;
  let t = tables.get(provider);
  if (!t) tables.set(provider, (t = prepare(providerAdapter(provider)?.aliases ?? [])));
  return t;
}

function prepare(aliases: readonly FieldAlias[]): AliasTable {
  if (!aliases.length) return EMPTY;
  const byPath = new Map<string, PreparedAlias>();
  for (const a of aliases) {
    const to = typeof a.to === 'string' ? [a.to] : [...a.to];
    byPath.set(a.path, { alias: a, targets: to.map((x) => x.replace(/\[\]/g, '.[]').split('.')), leaf: a.leaf, override: Boolean(a.override) });
  }
  return {
    paths: aliases.map((a) => a.path),
    exact: (path) => byPath.get(path),
    fallback(root, segments, path) {
      const hit = byPath.get(path);
      if (hit) return readTargets(root, hit, hit.leaf ? [hit.leaf] : []);
      // `issue.status.id` goes into Jira's status object: the longest alias that is a prefix.
      for (let k = segments.length - 1; k >= 1; k--) {
        const p = byPath.get(segments.slice(0, k).join('.'));
        if (p && !p.override) return readTargets(root, p, segments.slice(k));
      }
      return MISSING;
    },
  };
}

/** The value an alias gives: the first target present, with `rest` appended. */
function readTargets(root: unknown, a: PreparedAlias, rest: readonly string[]): unknown {
  for (const t of a.targets) {
    const v = collectPath(root, [...t, ...rest]);
    if (v !== MISSING) return v;
  }
  return MISSING;
}

/** Like resolvePath, but `[]` maps the rest of the path over every element of an array (absent elements dropped). */
function collectPath(root: unknown, segs: readonly string[]): unknown {
  const at = segs.indexOf('[]');
  if (at < 0) return resolvePath(root, segs);
  const list = resolvePath(root, segs.slice(0, at));
  if (!Array.isArray(list)) return MISSING;
  const rest = segs.slice(at + 1);
  const out: unknown[] = [];
  for (const el of list) {
    const v = collectPath(el, rest);
    if (v !== MISSING && v !== null) out.push(v);
  }
  return out;
}

/**
 * A payload path as conditions and lint read it: an override alias at exactly this path first
 * (GitHub `issue.labels` as names), then the payload itself, then a fallback alias (Jira
 * `issue.summary` is `issue.fields.summary`).
 */
export function resolveWithAliases(root: unknown, segments: readonly string[], table: AliasTable, path = segments.join('.')): unknown {
  const exact = table.exact(path);
  if (exact?.override) {
    const v = readTargets(root, exact, []);
    if (v !== MISSING) return v;
  }
  const v = segments.length === 1 ? child(root, segments[0]) : resolvePath(root, segments);
  if (v !== MISSING) return v;
  return table.fallback(root, segments, path);
}
