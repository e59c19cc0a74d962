/**
 * The app shell: sign-in gate, navigation, and the page for the current URL. A key bound to one
 * tenant (a portal link's token, or a tenant-bound API key) gets portal mode: that tenant's
 * subscriptions, deliveries and the event catalog, and no other page or navigation.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { configure } from './api';
import { match, navigate, onLinkClick, useLocation } from './router';
import { can, forgetKey, fromPortalLink, probeKey, storedKey, type Session } from './session';
import { Loading } from './ui/page';
import { SignIn } from './pages/sign-in';
import { pages, NotFound, PORTAL_PAGES, PortalRefused } from './pages';
import { SessionContext } from './session-context';

const NAV: { href: string; label: string; scope: 'read' | 'agent' | 'admin' }[] = [
  { href: '/webhooks', label: 'Webhooks', scope: 'read' },
  { href: '/tasks', label: 'Tasks', scope: 'agent' },
  { href: '/questions', label: 'Questions', scope: 'agent' },
  { href: '/subscriptions', label: 'Subscriptions', scope: 'read' },
  { href: '/event-types', label: 'Event types', scope: 'read' },
  { href: '/operations', label: 'Operations', scope: 'admin' },
];

/** Portal mode's whole navigation. */
const PORTAL_NAV = [
  { href: '/subscriptions', label: 'Subscriptions' },
  { href: '/event-types', label: 'Event types' },
];

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(Boolean(storedKey()));
  const [notice, setNotice] = useState<string | undefined>();
  /** A portal link's token refused (expired or revoked): why, instead of the API key form. */
  const [refused, setRefused] = useState<Error | undefined>();
  const loc = useLocation();

  const signOut = (message?: string, error?: Error) => {
    const portal = fromPortalLink();
    forgetKey({ keepMode: portal && Boolean(error) });
    setSession(null);
    setNotice(message);
    if (portal && error) setRefused(error);
  };

  useEffect(() => {
    configure({ onUnauthorized: (m, e) => signOut(`Signed out: ${m}`, e) });
    const key = storedKey();
    if (!key) return;
    configure({ key });
    probeKey(key).then(
      (probed) => {
        setSession({ key, ...probed });
        setRestoring(false);
      },
      (e: Error) => {
        signOut(e.message, e);
        setRestoring(false);
      },
    );
  }, []);

  if (restoring) return <Loading label="your session" />;
  if (!session && refused)
    return (
      <PortalRefused
        error={refused}
        onSignIn={() => {
          forgetKey();
          setRefused(undefined);
          setNotice(undefined);
        }}
      />
    );
  if (!session)
    return (
      <SignIn
        notice={notice}
        onSignedIn={(s) => {
          setNotice(undefined);
          setSession(s);
          if (s.tenantBound) navigate('/subscriptions', { replace: true });
          else if (loc.path === '/' || loc.path === '/sign-in') navigate(can(s, 'read') ? '/webhooks' : can(s, 'agent') ? '/tasks' : '/', { replace: true });
        }}
      />
    );

  const portal = Boolean(session.tenantBound);
  const home = portal ? '/subscriptions' : can(session, 'read') ? '/webhooks' : '/tasks';
  let page: ComponentChildren = <NotFound home={home} />;
  const path = loc.path === '/' ? home : loc.path;
  for (const [pattern, render] of portal ? pages.filter(([p]) => PORTAL_PAGES.some((prefix) => p === prefix || p.startsWith(`${prefix}/`))) : pages) {
    const params = match(pattern, path);
    if (params) {
      page = render(params, loc.query);
      break;
    }
  }

  return (
    <SessionContext.Provider value={session}>
      <div class="shell" onClick={onLinkClick}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a href={home} class="brand">
            {portal ? 'Webhooks portal' : 'Hookline'}
          </a>
          <nav aria-label="Main">
            <ul>
              {(portal ? PORTAL_NAV : NAV.filter((n) => can(session, n.scope))).map((n) => (
                <li key={n.href}>
                  <a href={n.href} aria-current={path.startsWith(n.href) ? 'page' : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="who">
            {!portal && <span class="muted">Scopes: {[...session.scopes].join(', ') || 'none'}</span>}
            <button type="button" onClick={() => signOut('Signed out.')}>
              Sign out
            </button>
          </div>
        </header>
        <main id="main" key={path}>
          {page}
        </main>
      </div>
    </SessionContext.Provider>
  );
}
