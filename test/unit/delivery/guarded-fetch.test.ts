import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  closeGuardedConnections,
  guardedFetch,
  TargetTimeoutError,
  TargetUnreachableError,
  UnsafeTargetError,
  type Resolver,
} from '../../../shared/delivery/ssrf';
import { pollUntil } from '../../support/poll';

// Every test talks to this loopback server only; `seen` records what reached it.
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
let handler: Handler;
let seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[];
let connections: number;
let closed: number;
let generation = 0;
let server: http.Server;
let base: string;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      handler(req, res);
    });
  });
  server.on('connection', (socket) => {
    connections++;
    // Only connections opened during the current test count.
    const test = generation;
    socket.on('close', () => {
      if (test === generation) closed++;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  connections = 0;
  closed = 0;
  generation++;
  handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
});

const allow = { allowPrivate: true, timeoutMs: 2000 };
const deny = { allowPrivate: false, timeoutMs: 2000 };
// A name the fake DNS maps to the loopback server: the check must happen on the resolved address.
const resolveToLoopback: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];

describe('guardedFetch', () => {
  it('sends the request to a loopback target when private targets are allowed', async () => {
    const res = await guardedFetch(`${base}/hook?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-custom': 'a' }, body: '{"a":1}' }, allow);
    expect(res).toMatchObject({ status: 200, bodyExcerpt: 'ok', bodyBytes: 2, bodyTruncated: false });
    expect(res.headers['content-type']).toBe('text/plain');
    expect(res.durationMs).toBeGreaterThanOrEqual(0);
    expect(seen).toEqual([expect.objectContaining({ method: 'POST', url: '/hook?x=1', body: '{"a":1}' })]);
    expect(seen[0].headers).toMatchObject({ 'x-custom': 'a', 'content-length': '7', 'user-agent': expect.stringMatching(/^Hookline-Webhooks\//) });
  });

  it.each([
    ['an IPv4 literal', () => `${base}/`],
    ['localhost', () => `http://localhost:${port}/`],
    ['a decimal IPv4 literal', () => `http://2130706433:${port}/`],
    ['an IPv6 loopback literal', () => `http://[::1]:${port}/`],
  ])('refuses %s when private targets are not allowed, without connecting', async (_what, url) => {
    await expect(guardedFetch(url(), { body: 'x' }, deny)).rejects.toMatchObject({ name: 'UnsafeTargetError', kind: 'refused', reason: 'private', retryable: false });
    expect(connections).toBe(0);
  });

  it('refuses a DNS name that resolves to loopback at connect time, without connecting', async () => {
    const err = await guardedFetch(`http://hooks.example.com:${port}/`, { body: 'x' }, { ...deny, resolver: resolveToLoopback }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsafeTargetError);
    expect((err as UnsafeTargetError).message).toMatch(/hooks\.example\.com resolves to 127\.0\.0\.1/);
    expect(connections).toBe(0);
  });

  it('connects to the address the guarded lookup returned', async () => {
    const res = await guardedFetch(`http://hooks.example.com:${port}/via-dns`, {}, { ...allow, resolver: resolveToLoopback });
    expect(res.status).toBe(200);
    expect(seen[0]).toMatchObject({ url: '/via-dns', headers: expect.objectContaining({ host: `hooks.example.com:${port}` }) });
  });

  it('refuses a metadata endpoint even when private targets are allowed', async () => {
    await expect(guardedFetch('http://169.254.169.254/latest/meta-data/', {}, allow)).rejects.toMatchObject({ reason: 'forbidden' });
    const toMetadata: Resolver = async () => [{ address: 'fd00:ec2::254', family: 6 }];
    await expect(guardedFetch('http://evil.example.com/', {}, { ...allow, resolver: toMetadata })).rejects.toMatchObject({ reason: 'forbidden' });
  });

  it('returns a redirect as is, without following it', async () => {
    handler = (req, res) => res.writeHead(302, { location: `${base}/elsewhere` }).end();
    const res = await guardedFetch(`${base}/start`, {}, allow);
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${base}/elsewhere`);
    expect(seen.map((s) => s.url)).toEqual(['/start']);
  });

  it('times out when the target does not answer', async () => {
    handler = () => {}; // never responds
    const started = Date.now();
    const err = await guardedFetch(`${base}/slow`, {}, { ...allow, timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetTimeoutError);
    expect(err).toMatchObject({ kind: 'timeout', code: 'target_timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('times out when the body never ends', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('partial');
    };
    await expect(guardedFetch(`${base}/stall`, {}, { ...allow, timeoutMs: 200 })).rejects.toBeInstanceOf(TargetTimeoutError);
  });

  it('reads at most maxBodyBytes and keeps the first excerptBytes as the excerpt', async () => {
    const big = 'a'.repeat(3000) + 'é'.repeat(1000) + 'z'.repeat(200_000); // é is 2 bytes
    handler = (_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end(big);
    const res = await guardedFetch(`${base}/big`, {}, allow);
    expect(res).toMatchObject({ status: 500, bodyBytes: 64 * 1024, bodyTruncated: true });
    // 4096 bytes = 3000 + 548 × 2: the excerpt ends on a whole character.
    expect(res.bodyExcerpt).toBe('a'.repeat(3000) + 'é'.repeat(548));
  });

  it('cuts an excerpt inside a multi-byte character before that character', async () => {
    handler = (_req, res) => res.writeHead(200).end('abé');
    const res = await guardedFetch(`${base}/`, {}, { ...allow, excerptBytes: 3 });
    expect(res).toMatchObject({ bodyExcerpt: 'ab', bodyBytes: 4, bodyTruncated: false });
  });

  it('reports a refused connection as unreachable (retryable)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await guardedFetch(`http://127.0.0.1:${closedPort}/`, {}, allow).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetUnreachableError);
    expect(err).toMatchObject({ kind: 'unreachable', code: 'target_unreachable', retryable: true });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('reports a DNS failure as unreachable', async () => {
    const nx: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nx.example.com'), { code: 'ENOTFOUND' });
    };
    await expect(guardedFetch('http://nx.example.com/', {}, { ...deny, resolver: nx })).rejects.toMatchObject({ kind: 'unreachable', message: expect.stringContaining('ENOTFOUND') });
  });

  it('reports a connection dropped mid-response as unreachable', async () => {
    handler = (req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('short');
      setTimeout(() => req.socket.destroy(), 20);
    };
    await expect(guardedFetch(`${base}/drop`, {}, allow)).rejects.toBeInstanceOf(TargetUnreachableError);
  });

  it('drops headers that would reshape the request', async () => {
    await guardedFetch(`${base}/`, { headers: { Host: 'internal.example', 'Transfer-Encoding': 'chunked', 'Content-Length': '1' }, body: 'hello' }, allow);
    expect(seen[0].headers).toMatchObject({ host: `127.0.0.1:${port}`, 'content-length': '5' });
    expect(seen[0].headers['transfer-encoding']).toBeUndefined();
    expect(seen[0].body).toBe('hello');
  });
});

describe('guardedFetch connection reuse', () => {
  // Each test has its own resolver, so its own pool: connections counted here are its own.
  let resolver: Resolver;
  let answer: { address: string; family: number };
  let lookups: number;
  beforeEach(() => {
    answer = { address: '127.0.0.1', family: 4 };
    lookups = 0;
    resolver = async () => {
      lookups++;
      return [answer];
    };
  });
  afterEach(() => closeGuardedConnections(resolver));
  const hook = () => `http://hooks.example.com:${port}/hook`;

  it('sends sequential deliveries to the same origin over one kept-alive connection', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await guardedFetch(hook(), { body: `{"n":${i}}` }, { ...allow, resolver });
      expect(res.status).toBe(200);
    }
    expect(seen).toHaveLength(10);
    expect(connections).toBe(1);
    // The address is checked once per connection, not per request.
    expect(lookups).toBe(1);
  });

  it('never connects to a refused address after the DNS answer changes, while the checked connection is reused', async () => {
    await guardedFetch(hook(), { body: 'first' }, { ...allow, resolver });
    expect(connections).toBe(1);
    // The name now points at the metadata endpoint (refused even with private targets allowed).
    answer = { address: '169.254.169.254', family: 4 };
    // Two at once: one takes the pooled connection (pinned to the checked 127.0.0.1), the other
    // needs a new connection, whose lookup sees the new answer and refuses it.
    const [a, b] = await Promise.allSettled([
      guardedFetch(hook(), { body: 'second' }, { ...allow, resolver }),
      guardedFetch(hook(), { body: 'third' }, { ...allow, resolver }),
    ]);
    const outcomes = [a, b].map((r) => (r.status === 'fulfilled' ? r.value.status : (r.reason as UnsafeTargetError).reason));
    expect(outcomes.sort()).toEqual([200, 'forbidden'].sort());
    expect(connections).toBe(1);
    expect(seen.map((s) => s.body)).toEqual(['first', expect.stringMatching(/^(second|third)$/)]);
    // Once the pinned connection is gone, every request is refused.
    closeGuardedConnections(resolver);
    await expect(guardedFetch(hook(), { body: 'fourth' }, { ...allow, resolver })).rejects.toBeInstanceOf(UnsafeTargetError);
    expect(connections).toBe(1);
  });

  it('closes an idle connection after idleSocketMs and opens (and checks) a new one afterwards', async () => {
    await guardedFetch(hook(), { body: 'x' }, { ...allow, resolver, idleSocketMs: 150 });
    expect(connections).toBe(1);
    await pollUntil(async () => closed === 1, 'the idle connection to close', 5000, 20);
    await guardedFetch(hook(), { body: 'y' }, { ...allow, resolver, idleSocketMs: 150 });
    expect(connections).toBe(2);
    expect(lookups).toBe(2);
  });

  it('with resendOnStaleConnection, sends once more on a fresh connection when a reused one is closed before any answer', async () => {
    await guardedFetch(hook(), { body: 'x' }, { ...allow, resolver });
    // The server drops the kept-alive connection as the next request arrives (as a server does
    // whose own keep-alive timeout just expired), then answers the resend normally.
    let drops = 1;
    handler = (req, res) => {
      if (drops-- > 0) req.socket.destroy();
      else res.writeHead(200).end('ok');
    };
    const res = await guardedFetch(hook(), { body: 'y' }, { ...allow, resolver, resendOnStaleConnection: true });
    expect(res.status).toBe(200);
    expect(connections).toBe(2);
    expect(seen.map((s) => s.body)).toEqual(['x', 'y', 'y']);
  });

  it('without resendOnStaleConnection, reports a reused connection closed before any answer as possibly sent, without resending', async () => {
    await guardedFetch(hook(), { body: 'x' }, { ...allow, resolver });
    handler = (req) => req.socket.destroy();
    await expect(guardedFetch(hook(), { body: 'y' }, { ...allow, resolver })).rejects.toMatchObject({ kind: 'unreachable', sent: true });
    expect(seen.map((s) => s.body)).toEqual(['x', 'y']);
  });

  it('does not resend when the reused connection fails after the response started', async () => {
    await guardedFetch(hook(), { body: 'x' }, { ...allow, resolver });
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': '100' }).write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    await expect(guardedFetch(hook(), { body: 'y' }, { ...allow, resolver, resendOnStaleConnection: true })).rejects.toMatchObject({ kind: 'unreachable', sent: true });
    expect(seen).toHaveLength(2);
  });
});
