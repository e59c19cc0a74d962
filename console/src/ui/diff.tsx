/** A before/after diff of two JSON values, by field path: only what changed is listed. */
import { changes } from './changes';

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
