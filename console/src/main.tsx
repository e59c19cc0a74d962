/**
 * The Hookline console: reads /config.json (`{"api_url"}`; "" is this origin), restores the
 * session from sessionStorage, and renders the app.
 */
import { render } from 'preact';
import { configure } from './api';
import { App } from './app';
import { adoptPortalLink } from './session';
import './styles.css';

async function start(): Promise<void> {
  // Before anything else: a portal link's token leaves the address bar at once.
  adoptPortalLink();
  let apiUrl = '';
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (res.ok) apiUrl = ((await res.json()) as { api_url?: string }).api_url ?? '';
  } catch {
    // No config.json (a plain static server): the API is on this origin.
  }
  configure({ apiUrl });
  render(<App />, document.getElementById('app') ?? document.body);
}

void start();
