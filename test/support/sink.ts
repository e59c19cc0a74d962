import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Hit = { at: number; headers: Record<string, string>; body: string };

/**
 * A subscriber endpoint on loopback that answers as scripted and records every request. Hookline's
 * `hookline.verification` requests (sent on create and on a URL change) are kept apart in
 * `verifications` and answered `verificationAnswer` (200), so the scripted answers and `hits` are
 * about the other deliveries only.
 */
export interface Sink {
  url: string;
  hits: Hit[];
  /** Answers for the next requests, in order; then 200. */
  answers: { status: number; headers?: Record<string, string> }[];
  verifications: Hit[];
  verificationAnswer: { status: number };
  server: Server;
  close(): void;
}

export async function startSink(answers: Sink['answers'] = [], path = '/hooks'): Promise<Sink> {
  const k: Sink = { url: '', hits: [], answers: [...answers], verifications: [], verificationAnswer: { status: 200 }, server: undefined as never, close: () => k.server.close() };
  k.server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const hit = { at: Date.now(), headers: req.headers as Record<string, string>, body };
      if (req.headers['x-hookline-event'] === 'hookline.verification') {
        k.verifications.push(hit);
        return res.writeHead(k.verificationAnswer.status).end('{"ok":true}');
      }
      k.hits.push(hit);
      const a = k.answers.shift() ?? { status: 200 };
      res.writeHead(a.status, a.headers ?? {}).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => k.server.listen(0, '127.0.0.1', () => r()));
  k.url = `http://127.0.0.1:${(k.server.address() as AddressInfo).port}${path}`;
  return k;
}
