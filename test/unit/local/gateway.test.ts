import type { IncomingMessage } from 'node:http';
import { toApiGatewayEvent } from '../../../bin/local/gateway';
import { matchRoute, routes } from '../../../shared/routes';

/** The parts of a node:http request the local gateway reads. */
function request(method: string, url: string, headers: Record<string, string | string[]>): IncomingMessage {
  return { method, url, headers, httpVersion: '1.1', socket: { remoteAddress: '::ffff:127.0.0.1' } } as unknown as IncomingMessage;
}

describe('the local API Gateway event (payload 2.0)', () => {
  const receiver = matchRoute(routes, 'POST', '/webhooks/github/gh-1')!;

  it('passes a UTF-8 JSON body as the exact text, with the route, path parameters and headers', () => {
    const text = '{"title":"Ça plante 🚀","body":"日本語"}';
    const ev = toApiGatewayEvent(request('POST', '/webhooks/github/gh-1', { 'content-type': 'application/json', 'x-github-delivery': 'd-1' }), Buffer.from(text, 'utf8'), receiver.route, receiver.params);
    expect(ev).toMatchObject({
      version: '2.0',
      routeKey: 'POST /webhooks/{provider}/{webhook_id}',
      rawPath: '/webhooks/github/gh-1',
      rawQueryString: '',
      body: text,
      isBase64Encoded: false,
      pathParameters: { provider: 'github', webhook_id: 'gh-1' },
      headers: { 'content-type': 'application/json', 'x-github-delivery': 'd-1' },
      requestContext: { http: { method: 'POST', path: '/webhooks/github/gh-1', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' }, stage: '$default' },
    });
    expect(ev.queryStringParameters).toBeUndefined();
  });

  it('base64-encodes a body that is not valid UTF-8, even under a text content type, so the signed bytes survive', () => {
    const bytes = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d]);
    const ev = toApiGatewayEvent(request('POST', '/webhooks/github/gh-1', { 'content-type': 'application/json' }), bytes, receiver.route, receiver.params);
    expect(ev.isBase64Encoded).toBe(true);
    expect(Buffer.from(ev.body!, 'base64').equals(bytes)).toBe(true);
  });

  it('base64-encodes a binary content type and leaves an empty body out', () => {
    const bin = toApiGatewayEvent(request('POST', '/webhooks/github/gh-1', { 'content-type': 'application/octet-stream' }), Buffer.from('plain'), receiver.route, receiver.params);
    expect(bin).toMatchObject({ body: Buffer.from('plain').toString('base64'), isBase64Encoded: true });
    const empty = toApiGatewayEvent(request('GET', '/health', {}), Buffer.alloc(0), null, {});
    expect(empty).toMatchObject({ routeKey: '$default', isBase64Encoded: false });
    expect(empty.body).toBeUndefined();
  });

  it('joins repeated query parameters and header values with commas, as API Gateway does', () => {
    const list = matchRoute(routes, 'GET', '/api/webhooks/gh-1/events')!;
    const req = request('GET', '/api/webhooks/gh-1/events?status=ignored&limit=5&status=failed', { accept: 'application/json', 'x-forwarded-for': ['10.0.0.1', '10.0.0.2'] });
    const ev = toApiGatewayEvent(req, Buffer.alloc(0), list.route, list.params);
    expect(ev.rawQueryString).toBe('status=ignored&limit=5&status=failed');
    expect(ev.queryStringParameters).toEqual({ status: 'ignored,failed', limit: '5' });
    expect(ev.headers['x-forwarded-for']).toBe('10.0.0.1,10.0.0.2');
    // The caller's already parsed URL gives the same event.
    const again = toApiGatewayEvent(req, Buffer.alloc(0), list.route, list.params, new URL(req.url!, 'http://localhost'));
    expect({ ...again, requestContext: { ...again.requestContext, requestId: '', time: '', timeEpoch: 0 } }).toEqual({
      ...ev,
      requestContext: { ...ev.requestContext, requestId: '', time: '', timeEpoch: 0 },
    });
  });
});
