/** A before/after diff of two JSON values, by field path: only what changed is listed. */
function flatten(v: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (v !== null && typeof v === 'object' && Object.keys(v as object).length) {
    for (const [k, x] of Object.entries(v as object)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (v !== undefined) out.set(prefix || '(value)', JSON.stringify(v));
  return out;
}

export function changes(before: unknown, after: unknown): { path: string; before?: string; after?: string }[] {
  const a = flatten(before ?? undefined, '', new Map());
  const b = flatten(after ?? undefined, '', new Map());
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.filter((p) => a.get(p) !== b.get(p)).map((p) => ({ path: p, before: a.get(p), after: b.get(p) }));
}

export function Diff({ before, after }: { before: unknown; after: unknown }) {
  const rows = changes(before, after);
  if (!rows.length) return <p class="muted">No field changed.</p>;
  return (
    <table class="diff-table">
      <caption class="sr-only">Changed fields</caption>
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.path}>
            <td data-label="Field">
              <code>{r.path}</code>
            </td>
            <td data-label="Before" class="del">
              {r.before === undefined ? <span class="muted">(absent)</span> : <code>{r.before}</code>}
            </td>
            <td data-label="After" class="add">
              {r.after === undefined ? <span class="muted">(absent)</span> : <code>{r.after}</code>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
