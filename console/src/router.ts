/**
 * History-API routing: every page has its own URL (shareable, deep-linkable, back button works).
 * Filters live in the query string so they survive reloads and links.
 */
import { useEffect, useState } from 'preact/hooks';

type Listener = () => void;
const listeners = new Set<Listener>();
const notify = () => listeners.forEach((l) => l());
if (typeof window !== 'undefined') window.addEventListener('popstate', notify);

/** Goes to `href` (same origin) without a reload; `replace` keeps the history length. */
export function navigate(href: string, o: { replace?: boolean; state?: unknown } = {}): void {
  if (o.replace) history.replaceState(o.state ?? null, '', href);
  else history.pushState(o.state ?? null, '', href);
  notify();
}

/** Re-renders on every navigation; returns the current location. */
export function useLocation(): { path: string; query: URLSearchParams; state: unknown } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((n) => n + 1);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return { path: location.pathname, query: new URLSearchParams(location.search), state: history.state };
}

/** Sets query parameters (empty values removed) on the current page, as a new history entry. */
export function setQuery(changes: Record<string, string | undefined>, o: { replace?: boolean } = {}): void {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  navigate(`${location.pathname}${s ? `?${s}` : ''}`, o);
}

/** Matches `/webhooks/:id` against a path; returns the decoded parameters or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/');
  const a = path.replace(/\/+$/, '').split('/');
  if (p.length !== a.length) return null;
  const out: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) {
      if (!a[i]) return null;
      out[p[i].slice(1)] = decodeURIComponent(a[i]);
    } else if (p[i] !== a[i]) return null;
  }
  return out;
}

/** A link handled by the router (ordinary clicks only: modified clicks open tabs as usual). */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.target as Element).closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}

/** `encodeURIComponent` for one path segment of a console URL. */
export const seg = (s: string) => encodeURIComponent(s);
