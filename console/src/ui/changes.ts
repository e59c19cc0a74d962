/** Before/after changes of two JSON values by field path (the audit log's diff). */
function flatten(v: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (v !== null && typeof v === 'object' && Object.keys(v as object).length) {
    for (const [k, x] of Object.entries(v as object)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (v !== undefined) out.set(prefix || '(value)', JSON.stringify(v));
  return out;
}

/** The fields whose value differs, sorted by path; absent on one side shows as undefined. */
export function changes(before: unknown, after: unknown): { path: string; before?: string; after?: string }[] {
  const a = flatten(before ?? undefined, '', new Map());
  const b = flatten(after ?? undefined, '', new Map());
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.filter((p) => a.get(p) !== b.get(p)).map((p) => ({ path: p, before: a.get(p), after: b.get(p) }));
}
