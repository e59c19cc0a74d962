/** The GitHub delivery the benchmark and the AWS-call test send: body, signature and events. */
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const FIXTURE_PATH = fileURLToPath(new URL('../../test/fixtures/github/issues.opened.json', import.meta.url));

/** The exact delivery body (UTF-8 text, as GitHub sends it). */
export function fixtureBody(): string {
  return readFileSync(FIXTURE_PATH, 'utf8');
}

/** `X-Hub-Signature-256` of a body. */
export function githubSignature(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** The headers GitHub sends with a delivery (lower case, as API Gateway v2 passes them). */
export function githubHeaders(secret: string, body: string, deliveryId: string = randomUUID(), event = 'issues'): Record<string, string> {
  return {
    accept: '*/*',
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/7d2ba9f',
    'x-github-delivery': deliveryId,
    'x-github-event': event,
    'x-github-hook-id': '496143231',
    'x-github-hook-installation-target-id': '17273051',
    'x-github-hook-installation-target-type': 'repository',
    'x-hub-signature': `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`,
    'x-hub-signature-256': githubSignature(secret, body),
    'content-length': String(Buffer.byteLength(body)),
  };
}

/** An API Gateway HTTP API (payload 2.0) event for `POST /webhooks/github/{webhookId}`. */
export function apiGatewayEvent(webhookId: string, body: string, headers: Record<string, string>): APIGatewayProxyEventV2 {
  const now = Date.now();
  const path = `/webhooks/github/${webhookId}`;
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/{provider}/{webhook_id}',
    rawPath: path,
    rawQueryString: '',
    headers: { host: 'abc123.execute-api.us-east-1.amazonaws.com', 'x-forwarded-for': '140.82.115.12', 'x-forwarded-proto': 'https', ...headers },
    pathParameters: { provider: 'github', webhook_id: webhookId },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '140.82.115.12', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: 'POST /webhooks/{provider}/{webhook_id}',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    body,
    isBase64Encoded: false,
  };
}
