/**
 * A collapsible, syntax-highlighted JSON viewer. Large payloads stay responsive: a closed node
 * renders nothing of its children, and an open one renders them 100 at a time ("Show more").
 */
import { useState } from 'preact/hooks';
import { CopyButton } from './page';

const CHUNK = 100;

function Scalar({ v }: { v: unknown }) {
  if (v === null) return <span class="j-null">null</span>;
  if (typeof v === 'string') return <span class="j-str">{JSON.stringify(v)}</span>;
  if (typeof v === 'number') return <span class="j-num">{String(v)}</span>;
  if (typeof v === 'boolean') return <span class="j-bool">{String(v)}</span>;
  return <span class="j-null">{String(v)}</span>;
}

function Node({ name, value, depth, openDepth }: { name?: string; value: unknown; depth: number; openDepth: number }) {
  const composite = value !== null && typeof value === 'object';
  const [open, setOpen] = useState(depth < openDepth);
  const [shown, setShown] = useState(CHUNK);
  const label = name !== undefined && <span class="j-key">{JSON.stringify(name)}: </span>;
  if (!composite) {
    return (
      <li>
        {label}
        <Scalar v={value} />
      </li>
    );
  }
  const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value as object);
  const [o, c] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const count = `${entries.length} ${Array.isArray(value) ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'}`;
  return (
    <li>
      <button type="button" class="j-toggle" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`${open ? 'Collapse' : 'Expand'} ${name ?? 'root'} (${count})`}>
        <span aria-hidden="true">{open ? '▾' : '▸'}</span>
      </button>
      {label}
      {o}
      {!open && <span class="muted"> {count} </span>}
      {open && (
        <ul>
          {entries.slice(0, shown).map(([k, v]) => (
            <Node key={k} name={Array.isArray(value) ? undefined : k} value={v} depth={depth + 1} openDepth={openDepth} />
          ))}
          {entries.length > shown && (
            <li>
              <button type="button" class="small" onClick={() => setShown(shown + CHUNK * 5)}>
                Show {Math.min(CHUNK * 5, entries.length - shown)} more of {entries.length - shown}
              </button>
            </li>
          )}
        </ul>
      )}
      {c}
    </li>
  );
}

/** The viewer; `label` names it for assistive technology. */
export function JsonViewer({ value, label, openDepth = 2 }: { value: unknown; label: string; openDepth?: number }) {
  return (
    <div class="json" role="group" aria-label={label}>
      <div class="json-tools">
        <CopyButton text={JSON.stringify(value, null, 2)} label={`Copy ${label}`} />
      </div>
      <ul class="j-root">
        <Node value={value} depth={0} openDepth={openDepth} />
      </ul>
    </div>
  );
}
