/**
 * Placeholder entry until the console app lands (console-app owns console/): proves the build
 * contract (Preact JSX, an imported stylesheet, /config.json at start).
 */
import { render } from 'preact';
import './styles.css';

async function start(): Promise<void> {
  let apiUrl = '';
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (res.ok) apiUrl = ((await res.json()) as { api_url?: string }).api_url ?? '';
  } catch {
    // No config.json: the API is on this origin.
  }
  render(
    <main>
      <h1>Hookline</h1>
      <p data-api-url={apiUrl}>The console is being built.</p>
    </main>,
    document.getElementById('app') ?? document.body,
  );
}

void start();
