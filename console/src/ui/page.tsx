/** The page frame and the small pieces every page uses: states, badges, times, copy, buttons. */
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api';
import { ago, utc } from './format';
import type { Loaded } from './hooks';

/** One page: its title (also the document title, focused after navigation), actions and body. */
export function Page(p: { title: string; actions?: ComponentChildren; children: ComponentChildren; crumbs?: { href: string; label: string }[] }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${p.title} · Hookline`;
  }, [p.title]);
  useEffect(() => {
    // Moves focus to the new page's heading so keyboard and screen-reader users start there.
    if (document.activeElement === document.body || document.activeElement?.closest('nav, .crumbs')) h1.current?.focus();
  }, []);
  return (
    <section class="page" aria-labelledby="page-title">
      {p.crumbs && (
        <nav class="crumbs" aria-label="Breadcrumb">
          {p.crumbs.map((c) => (
            <span key={c.href}>
              <a href={c.href}>{c.label}</a> /{' '}
            </span>
          ))}
        </nav>
      )}
      <header class="page-head">
        <h1 id="page-title" tabIndex={-1} ref={h1}>
          {p.title}
        </h1>
        {p.actions && <div class="actions">{p.actions}</div>}
      </header>
      {p.children}
    </section>
  );
}

/** An error as the API gave it: message, code and every field detail. */
export function ErrorBox({ error, title }: { error: Error | undefined; title?: string }) {
  if (!error) return null;
  const e = error instanceof ApiError ? error : undefined;
  return (
    <div class="error" role="alert">
      <strong>{title ?? 'Error'}: </strong>
      {error.message}
      {e && e.status === 403 && ' Your API key does not have the scope this needs.'}
      {e && e.code && <span class="muted"> ({e.status ? `${e.status} ` : ''}{e.code})</span>}
      {e && e.details.length > 0 && (
        <ul>
          {e.details.map((d) => (
            <li key={d.path + d.message}>
              <code>{d.path}</code>: {d.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Renders loading, error and data states of a `useLoad` result. */
export function Async<T>({ state, children, label }: { state: Loaded<T>; children: (data: T) => ComponentChildren; label?: string }) {
  if (state.data === undefined) {
    if (state.error) return <ErrorBox error={state.error} title={`Could not load ${label ?? 'this page'}`} />;
    return <Loading label={label} />;
  }
  return (
    <>
      {state.error && <ErrorBox error={state.error} title={`Could not refresh ${label ?? 'this page'}`} />}
      {children(state.data)}
    </>
  );
}

export function Loading({ label }: { label?: string }) {
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" /> Loading{label ? ` ${label}` : ''}…
    </p>
  );
}

/** What to do when a list is empty. */
export function Empty({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

const TONES: Record<string, string> = {
  processed: 'ok', success: 'ok', succeeded: 'ok', done: 'ok', answered: 'ok', applied: 'ok', enabled: 'ok', matched: 'ok',
  failed: 'bad', rejected: 'bad', disabled: 'bad', expired: 'bad',
  retrying: 'warn', pending: 'warn', sending: 'warn', received: 'warn', claimed: 'warn', open: 'warn', skipped: 'muted', ignored: 'muted',
};

/** A status as text with a symbol and a colour (colour is never the only signal). */
export function Badge({ status, label }: { status: string; label?: string }) {
  const tone = TONES[status] ?? 'muted';
  const sym = tone === 'ok' ? '✓' : tone === 'bad' ? '✕' : tone === 'warn' ? '●' : '○';
  return (
    <span class={`badge ${tone}`}>
      <span aria-hidden="true">{sym}</span> {label ?? status}
    </span>
  );
}

/** "3 min ago", with the exact UTC time as its machine-readable and hover text. */
export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span class="muted">never</span>;
  return (
    <time dateTime={iso} title={utc(iso)}>
      {ago(iso)}
    </time>
  );
}

/** Copies `text`; says so in a live region. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState<'' | 'Copied' | 'Copy failed: select and copy by hand'>('');
  return (
    <>
      <button
        type="button"
        class="small"
        aria-label={label}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setDone('Copied');
          } catch {
            setDone('Copy failed: select and copy by hand');
          }
          setTimeout(() => setDone(''), 2500);
        }}
      >
        Copy
      </button>
      <span class="copied" role="status">
        {done}
      </span>
    </>
  );
}

/** A button that shows progress while its action runs and cannot be pressed twice. */
export function Busy(p: JSX.ButtonHTMLAttributes<HTMLButtonElement> & { busy: boolean; children: ComponentChildren }) {
  const { busy, children, ...rest } = p;
  return (
    <button type="button" {...rest} disabled={busy || Boolean(rest.disabled)} aria-busy={busy}>
      {busy && <span class="spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}

/** A definition list of label/value rows (detail pages). */
export function Facts({ rows }: { rows: [string, ComponentChildren][] }) {
  return (
    <dl class="facts">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A titled block of a page. */
export function Panel({ title, actions, children, id }: { title: string; actions?: ComponentChildren; children: ComponentChildren; id?: string }) {
  const hid = `${id ?? title.toLowerCase().replace(/\W+/g, '-')}-h`;
  return (
    <section class="panel" aria-labelledby={hid}>
      <header class="panel-head">
        <h2 id={hid}>{title}</h2>
        {actions && <div class="actions">{actions}</div>}
      </header>
      {children}
    </section>
  );
}
