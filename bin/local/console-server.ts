/**
 * Serves the built console (dist/console, bin/console/build.ts) on the local API's origin, as
 * CloudFront serves it in AWS: hashed assets cached forever, the page and /config.json revalidated,
 * the same security headers (shared/http/console-headers.ts), and deep links (`/webhooks/abc/events`)
 * answered with index.html so the app's router can take them. API and health paths and every
 * non-GET request (the receiver's POSTs) are never taken over.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { CACHE_IMMUTABLE, CACHE_REVALIDATE, consoleSecurityHeaders } from '../../shared/http/console-headers';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Paths that belong to the API or the health check, never to the console. `/webhooks/…` is the
 * receiver's only for POST (its sole method), so a browser's GET of `/webhooks/abc/events` is a
 * console deep link, as it is behind CloudFront.
 */
export function isServerPath(path: string): boolean {
  return /^\/api(\/|$)/.test(path) || path === '/health';
}

/** Whether a request is a browser navigation the SPA should answer (GET/HEAD that accepts HTML). */
function wantsHtml(req: IncomingMessage): boolean {
  return /\btext\/html\b/.test(req.headers.accept ?? '');
}

export interface ConsoleServerOptions {
  /** The build output (dist/console). */
  dir: string;
  /** `{"api_url"}` for /config.json: "" is this origin. */
  apiUrl?: string;
}

/**
 * A request handler for the gateway's local routes: answers console requests and returns true, or
 * returns false to let the route table answer (API paths, other methods, unknown non-HTML requests).
 * Files are read per request, so a rebuild while `npm start` runs is served at once.
 */
export function consoleServer(o: ConsoleServerOptions): (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean> {
  const security = consoleSecurityHeaders();
  const config = JSON.stringify({ api_url: o.apiUrl ?? '' });

  const send = (req: IncomingMessage, res: ServerResponse, status: number, body: Buffer | string, type: string, cache: string) => {
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    const etag = `"${createHash('sha1').update(buf).digest('base64url').slice(0, 20)}"`;
    const headers = { ...security, 'content-type': type, 'cache-control': cache, etag };
    if (status === 200 && req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers).end();
      return true;
    }
    res.writeHead(status, { ...headers, 'content-length': String(buf.length) });
    res.end(req.method === 'HEAD' ? undefined : buf);
    return true;
  };

  /** A file under `o.dir/base`, never outside it (`..`, encoded or not, is refused). */
  const file = async (base: string, rel: string): Promise<Buffer | null> => {
    const root = normalize(join(o.dir, base));
    const full = normalize(join(root, rel));
    if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
    try {
      if (!(await stat(full)).isFile()) return null;
      return await readFile(full);
    } catch {
      return null;
    }
  };

  return async (req, res, path) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isServerPath(path)) return false;
    if (path === '/config.json') return send(req, res, 200, config, TYPES['.json'], CACHE_REVALIDATE);
    const index = () => file('', 'index.html');
    if (path.startsWith('/assets/')) {
      const body = await file('assets', decodeURIComponent(path.slice('/assets/'.length)));
      if (body) return send(req, res, 200, body, TYPES[extname(path)] ?? 'application/octet-stream', CACHE_IMMUTABLE);
      return send(req, res, 404, 'Not Found\n', TYPES['.txt'], CACHE_REVALIDATE);
    }
    if (path !== '/' && path !== '/index.html' && path !== '/manifest.json') {
      // Other top-level files of the build (favicon.ico, robots.txt), not cached forever: no hash in the name.
      const body = /^\/[^/]+\.[a-z0-9]+$/i.test(path) ? await file('', path.slice(1)) : null;
      if (body) return send(req, res, 200, body, TYPES[extname(path)] ?? 'application/octet-stream', CACHE_REVALIDATE);
      if (!wantsHtml(req)) return false;
    }
    const html = await index();
    if (!html) return false;
    return send(req, res, 200, html, TYPES['.html'], CACHE_REVALIDATE);
  };
}
