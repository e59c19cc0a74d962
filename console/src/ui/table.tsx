/** The one table component: a caption, columns as render functions, an empty state, cursor paging. */
import type { ComponentChildren } from 'preact';

export interface Column<T> {
  header: string;
  cell: (row: T) => ComponentChildren;
  /** Hidden on narrow screens (the row stays usable through its other columns). */
  wide?: boolean;
}

export function Table<T>(p: { caption: string; columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string; empty: ComponentChildren }) {
  if (!p.rows.length) return <div class="empty">{p.empty}</div>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{p.caption}</caption>
        <thead>
          <tr>
            {p.columns.map((c) => (
              <th scope="col" key={c.header} class={c.wide ? 'wide' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr key={p.rowKey(r)}>
              {p.columns.map((c) => (
                <td key={c.header} class={c.wide ? 'wide' : undefined} data-label={c.header}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Previous/next for `{items, next_cursor}` lists. */
export function Pager(p: { page: number; nextCursor: string | null | undefined; onPrev: () => void; onNext: (c: string) => void; label: string }) {
  if (p.page === 1 && !p.nextCursor) return null;
  return (
    <nav class="pager" aria-label={`${p.label} pages`}>
      <button type="button" onClick={p.onPrev} disabled={p.page === 1}>
        ← Previous
      </button>
      <span>Page {p.page}</span>
      <button type="button" onClick={() => p.nextCursor && p.onNext(p.nextCursor)} disabled={!p.nextCursor}>
        Next →
      </button>
    </nav>
  );
}
