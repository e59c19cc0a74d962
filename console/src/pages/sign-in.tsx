/** Sign-in: the API key is checked against the API and kept in sessionStorage only. */
import { useState } from 'preact/hooks';
import { keepKey, probeKey, type Session } from '../session';
import { Busy, ErrorBox } from '../ui/page';
import { Field } from '../ui/field';
import { useAction } from '../ui/hooks';

export function SignIn({ onSignedIn, notice }: { onSignedIn: (s: Session) => void; notice?: string }) {
  const [key, setKey] = useState('');
  const act = useAction(async () => {
    const k = key.trim();
    const probed = await probeKey(k);
    keepKey(k);
    onSignedIn({ key: k, ...probed });
  });
  document.title = 'Sign in · Hookline';
  return (
    <main id="main" class="sign-in">
      <h1>Hookline console</h1>
      <p>Paste an API key. `npm start` prints the admin key on its first start (and keeps it in .data/admin-key).</p>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) void act.run();
        }}
      >
        <Field label="API key" hint="Kept in this tab's session storage only; closing the tab forgets it.">
          {(c) => <input {...c} type="password" autoComplete="off" spellcheck={false} required value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} />}
        </Field>
        <ErrorBox error={act.error} title="Could not sign in" />
        <Busy type="submit" busy={act.busy} class="primary">
          Sign in
        </Busy>
      </form>
    </main>
  );
}
