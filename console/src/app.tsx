/** The app shell: sign-in gate, navigation, and the page for the current URL. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { configure } from './api';
import { match, navigate, onLinkClick, useLocation } from './router';
import { can, forgetKey, probeScopes, storedKey, type Session } from './session';
import { Loading } from './ui/page';
import { SignIn } from './pages/sign-in';
import { pages, NotFound } from './pages';
import { SessionContext } from './session-context';

const NAV: { href: string; label: string; scope: 'read' | 'agent' | 'admin' }[] = [
  { href: '/webhooks', label: 'Webhooks', scope: 'read' },
  { href: '/tasks', label: 'Tasks', scope: 'agent' },
  { href: '/questions', label: 'Questions', scope: 'agent' },
  { href: '/subscriptions', label: 'Subscriptions', scope: 'read' },
  { href: '/operations', label: 'Operations', scope: 'admin' },
];

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(Boolean(storedKey()));
  const [notice, setNotice] = useState<string | undefined>();
  const loc = useLocation();

  const signOut = (message?: string) => {
    forgetKey();
    setSession(null);
    setNotice(message);
  };

  useEffect(() => {
    configure({ onUnauthorized: (m) => signOut(`Signed out: ${m}`) });
    const key = storedKey();
    if (!key) return;
    configure({ key });
    probeScopes(key).then(
      (scopes) => {
        setSession({ key, scopes });
        setRestoring(false);
      },
      (e: Error) => {
        signOut(e.message);
        setRestoring(false);
      },
    );
  }, []);

  if (restoring) return <Loading label="your session" />;
  if (!session)
    return (
      <SignIn
        notice={notice}
        onSignedIn={(s) => {
          setNotice(undefined);
          setSession(s);
          if (loc.path === '/' || loc.path === '/sign-in') navigate(can(s, 'read') ? '/webhooks' : can(s, 'agent') ? '/tasks' : '/', { replace: true });
        }}
      />
    );

  let page: ComponentChildren = <NotFound />;
  const path = loc.path === '/' ? (can(session, 'read') ? '/webhooks' : '/tasks') : loc.path;
  for (const [pattern, render] of pages) {
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
          <a href="/webhooks" class="brand">
            Hookline
          </a>
          <nav aria-label="Main">
            <ul>
              {NAV.filter((n) => can(session, n.scope)).map((n) => (
                <li key={n.href}>
                  <a href={n.href} aria-current={path.startsWith(n.href) ? 'page' : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="who">
            <span class="muted">Scopes: {[...session.scopes].join(', ') || 'none'}</span>
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
