/**
 * A `{items, next_cursor}` list as a table with its loading and error states and cursor paging:
 * the one list skeleton every page uses. `deps` reloads it (and goes back to page 1).
 */
import type { ComponentChildren } from 'preact';
import { useCursor, useLoad } from './hooks';
import { Async } from './page';
import { Pager, Table, type Column } from './table';

export interface PageOf<T> {
  items: T[];
  next_cursor: string | null;
}

export function PagedTable<T>(p: {
  load: (cursor: string | undefined) => Promise<PageOf<T>>;
  deps: unknown[];
  /** Reloads the current page without going back to page 1 (after an action on a row). */
  tick?: number;
  label: string;
  caption: string;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  empty: ComponentChildren;
}) {
  const pager = useCursor(JSON.stringify(p.deps));
  const list = useLoad(() => p.load(pager.cursor), [...p.deps, pager.cursor, p.tick ?? 0]);
  return (
    <Async state={list} label={p.label}>
      {(page) => (
        <>
          <Table caption={p.caption} rows={page.items} rowKey={p.rowKey} columns={p.columns} empty={p.empty} />
          <Pager label={p.caption} page={pager.page} nextCursor={page.next_cursor} onPrev={pager.prev} onNext={pager.next} />
        </>
      )}
    </Async>
  );
}
