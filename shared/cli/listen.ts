/**
 * `hookline listen`: a loopback receiver for subscribers testing locally (like `stripe listen`).
 * Each delivery's Standard Webhooks and X-Hookline-Signature signatures are checked separately with
 * the shared verifier (shared/delivery/signing.ts, so `whsec_` and plain secrets both work), the
 * event is printed, and the answer is the chosen status, or with --forward-to whatever the local
 * app answers to the relayed (verified) delivery.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSubscriptionSecret, verifyHooklineSignature } from '../delivery/signing';
import { jsonText } from '../http/apigw';
import { CliError } from './client';
import type { CliIo } from './io';

const STANDARD = ['webhook-id', 'webhook-timestamp', 'webhook-signature'];

export interface Verdict {
  verified: boolean;
  /** One line per scheme present: `standard-webhooks ok`, `x-hookline-signature FAILED (reason)`. */
  checks: string[];
}

/** Both schemes, each on its own: a delivery is verified when every scheme it carries verifies (and it carries one). */
export function verifyDelivery(secrets: string[], body: Buffer, headers: IncomingHttpHeaders, toleranceSeconds: number, now = new Date()): Verdict {
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) flat[k.toLowerCase()] = Array.isArray(v) ? v.join(' ') : v;
  const checks: string[] = [];
  let verified = true;
  let any = false;
  const schemes: [string, Record<string, string>][] = [];
  if (flat['webhook-signature'] !== undefined) schemes.push(['standard-webhooks', Object.fromEntries(STANDARD.filter((h) => flat[h] !== undefined).map((h) => [h, flat[h]]))]);
  if (flat['x-hookline-signature'] !== undefined) schemes.push(['x-hookline-signature', { 'x-hookline-signature': flat['x-hookline-signature'] }]);
  for (const [name, only] of schemes) {
    any = true;
    const r = verifyHooklineSignature({ secret: secrets, body, headers: only, toleranceSeconds, now });
    checks.push(r.ok ? `${name} ok` : `${name} FAILED (${r.reason})`);
    if (!r.ok) verified = false;
  }
  if (!any) checks.push('no signature headers (webhook-signature, x-hookline-signature)');
  return { verified: verified && any, checks };
}

function pretty(body: Buffer): string {
  const text = body.toString('utf8');
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** Runs until io.signal aborts; prints `Ready: http://127.0.0.1:PORT` first. */
export async function listenCommand(o: Record<string, unknown>, io: CliIo): Promise<void> {
  const secrets = (o.secret as string[]) ?? [];
  for (const s of secrets) {
    const p = parseSubscriptionSecret(s);
    if (!p.ok) throw new CliError(`--secret: ${p.message}.`, 2);
  }
  const status = Number(o.status ?? 200);
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new CliError('--status must be an HTTP status between 200 and 599.', 2);
  const port = Number(o.port ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port must be 0 to 65535.', 2);
  const tolerance = Number(o.tolerance ?? 300);
  const forwardTo = o.forwardTo as string | undefined;
  if (forwardTo !== undefined && !/^https?:\/\//.test(forwardTo)) throw new CliError('--forward-to must be an http(s) URL.', 2);
  const json = Boolean(o.json);
  const fetchFn = io.fetch ?? fetch;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const v = verifyDelivery(secrets, body, req.headers, tolerance);
      const type = String(req.headers['x-hookline-event'] ?? '(no x-hookline-event)');
      const id = String(req.headers['webhook-id'] ?? req.headers['x-hookline-delivery'] ?? '(no id)');
      let answer = { status: v.verified ? status : 401, body: jsonText(v.verified ? { received: true } : { error: { code: 'invalid_signature', message: v.checks.join('; '), details: [] } }), type: 'application/json' };
      let forwarded: string | undefined;
      if (v.verified && forwardTo) {
        try {
          const headers: Record<string, string> = {};
          for (const [k, val] of Object.entries(req.headers)) if (val !== undefined && !['host', 'content-length', 'connection'].includes(k)) headers[k] = Array.isArray(val) ? val.join(', ') : val;
          const r = await fetchFn(forwardTo, { method: req.method ?? 'POST', headers, body });
          answer = { status: r.status, body: await r.text(), type: r.headers.get('content-type') ?? 'text/plain' };
          forwarded = `forwarded to ${forwardTo}: ${r.status}`;
        } catch (err) {
          answer = { status: 502, body: jsonText({ error: { code: 'forward_failed', message: `${forwardTo}: ${(err as Error).message}`, details: [] } }), type: 'application/json' };
          forwarded = `forward to ${forwardTo} failed: ${(err as Error).message}`;
        }
      }
      if (json) io.out(JSON.stringify({ at: new Date().toISOString(), event_type: type, id, verified: v.verified, checks: v.checks, answered: answer.status, ...(forwarded ? { forwarded } : {}), body: (() => { try { return JSON.parse(body.toString('utf8')); } catch { return body.toString('utf8'); } })() }));
      else {
        io.out(`${new Date().toISOString()}  ${type}  ${id}  ${v.verified ? 'verified' : 'REJECTED'} (${v.checks.join(', ')})  -> ${answer.status}${forwarded ? `  ${forwarded}` : ''}`);
        io.out(pretty(body));
      }
      res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new CliError(`Cannot listen on 127.0.0.1:${port}: ${err.message}`, 1)));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  io.out(`Ready: ${url} (any path) verifies with ${secrets.length} secret(s), answers ${status}${forwardTo ? `, forwards verified deliveries to ${forwardTo}` : ''}. Ctrl-C stops.`);
  await new Promise<void>((resolve) => {
    if (io.signal?.aborted) return resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
