/**
 * An in-process stand-in for the HTTP request handler of AWS SDK clients: the SDK still builds,
 * serializes and signs every request and parses every response (MD5 check of SendMessage
 * included); only the network round trip is replaced. The stub's own work (the MD5 the server
 * would compute, building the response) is timed so a CPU benchmark can subtract it; it reads the
 * operation input from a capture middleware instead of parsing the request, unless `verify` is on.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { HttpResponse, type HttpRequest } from '@smithy/core/transport';

export interface StubRequestInfo {
  target: string;
  authorization: string;
  bodyBytes: number;
  input: Record<string, any>;
}

export interface StubHandler {
  metadata: { handlerProtocol: string };
  handle(req: HttpRequest): Promise<{ response: HttpResponse }>;
  updateHttpClientConfig(): void;
  httpHandlerConfigs(): Record<string, unknown>;
  destroy(): void;
  /** Nanoseconds spent inside `handle` (to subtract from CPU measurements). */
  stubNs: bigint;
  calls: Map<string, number>;
  /** Parse every request body and check it against the input (off in timed loops). */
  verify: boolean;
  /** The last request seen, parsed (when `verify` is on). */
  last?: StubRequestInfo;
  /** The input of the operation being sent (set by the middleware `useStub` adds). */
  input?: Record<string, any>;
  /** Requests without a SigV4 Authorization header (must stay 0). */
  unsigned: number;
}

type Answer = (input: Record<string, any>) => unknown;

/** A JSON-protocol (SQS, DynamoDB) stub answering each `X-Amz-Target` operation with `answers[op](input)`. */
export function jsonProtocolStub(answers: Record<string, Answer>, contentType = 'application/x-amz-json-1.0'): StubHandler {
  const stub: StubHandler = {
    metadata: { handlerProtocol: 'http/1.1' },
    stubNs: 0n,
    calls: new Map(),
    unsigned: 0,
    verify: true,
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
    async handle(req) {
      const t0 = process.hrtime.bigint();
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = target.slice(target.indexOf('.') + 1);
      const authorization = String(req.headers.authorization ?? '');
      if (!authorization.startsWith('AWS4-HMAC-SHA256 Credential=') || !authorization.includes('Signature=')) stub.unsigned++;
      let input = stub.input ?? {};
      if (stub.verify) {
        // The SDK serializes JSON straight into a Uint8Array; view its bytes without copying.
        const b = req.body as Uint8Array | string;
        const raw = typeof b === 'string' ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
        input = JSON.parse(raw) as Record<string, any>;
        stub.last = { target, authorization, bodyBytes: Buffer.byteLength(raw), input };
        if (stub.input && JSON.stringify(stub.input.MessageBody) !== JSON.stringify(input.MessageBody)) throw new Error('stub: the serialized request does not carry the input');
      }
      stub.calls.set(op, (stub.calls.get(op) ?? 0) + 1);
      const answer = answers[op];
      if (!answer) throw new Error(`stub: no answer for ${target}`);
      const payload = Buffer.from(JSON.stringify(answer(input)));
      const response = new HttpResponse({
        statusCode: 200,
        headers: { 'content-type': contentType, 'content-length': String(payload.length), 'x-amzn-requestid': randomUUID() },
        body: Readable.from([payload]),
      });
      stub.stubNs += process.hrtime.bigint() - t0;
      return { response };
    },
  };
  return stub;
}

/** SQS (JSON protocol): SendMessage answered with the MD5 of the body, as SQS computes it. */
export function sqsStub(): StubHandler {
  return jsonProtocolStub({
    SendMessage: (input) => ({ MD5OfMessageBody: createHash('md5').update(String(input.MessageBody ?? ''), 'utf8').digest('hex'), MessageId: randomUUID() }),
  });
}

/** DynamoDB: GetItem answers with `item` (DynamoDB JSON), any other operation is an error. */
export function dynamoStub(item: Record<string, unknown>): StubHandler {
  return jsonProtocolStub({ GetItem: () => ({ Item: item }) });
}

interface StubbableClient {
  config: { requestHandler: unknown };
  middlewareStack: { add(mw: any, opts: any): void };
}

/**
 * Swaps the request handler of a client: the smithy client reads `config.requestHandler` each
 * time it resolves a command's handler, so serialization, signing and response parsing all still
 * run. Adds a middleware that hands the operation input to the stub.
 */
export function useStub(client: StubbableClient, stub: StubHandler): void {
  client.config.requestHandler = stub;
  client.middlewareStack.add(
    (next: (a: any) => Promise<unknown>) => (args: { input: Record<string, any> }) => {
      stub.input = args.input;
      return next(args);
    },
    { step: 'initialize', name: 'benchStubInput', override: true },
  );
}
