import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A subscriber endpoint on loopback that answers as scripted and records every request. */
export interface Sink {
  url: string;
  hits: { at: number; headers: Record<string, string>; body: string }[];
  /** Answers for the next requests, in order; then 200. */
  answers: { status: number; headers?: Record<string, string> }[];
  server: Server;
  close(): void;
}

export async function startSink(answers: Sink['answers'] = [], path = '/hooks'): Promise<Sink> {
  const k: Sink = { url: '', hits: [], answers: [...answers], server: undefined as never, close: () => k.server.close() };
  k.server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      k.hits.push({ at: Date.now(), headers: req.headers as Record<string, string>, body });
      const a = k.answers.shift() ?? { status: 200 };
      res.writeHead(a.status, a.headers ?? {}).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => k.server.listen(0, '127.0.0.1', () => r()));
  k.url = `http://127.0.0.1:${(k.server.address() as AddressInfo).port}${path}`;
  return k;
}
