import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { NotFoundError } from '../errors';
import type { ReceiveInput } from '../usecases/receive-event';
import { lowerHeaders, rawBody } from './apigw';

// Leading slashes are collapsed: `<function url>/` + `/webhooks/...` still names the webhook.
const PATH = /^\/+webhooks\/([^/]+)\/([^/]+)\/?$/;

/**
 * A provider's request as the receive use case takes it, from API Gateway
 * (`POST /webhooks/{provider}/{webhook_id}`) or a Function URL (no path parameters: the path is parsed).
 */
export function receiverInput(event: APIGatewayProxyEventV2): ReceiveInput {
  let provider = event.pathParameters?.provider;
  let webhookId = event.pathParameters?.webhook_id;
  if (!provider || !webhookId) {
    const m = PATH.exec(event.rawPath ?? '');
    if (!m || (event.requestContext?.http?.method ?? 'POST') !== 'POST') throw new NotFoundError('Route', event.rawPath ?? '/');
    [provider, webhookId] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
  }
  return {
    provider,
    webhookId,
    body: rawBody(event),
    text: event.isBase64Encoded ? undefined : (event.body ?? undefined),
    headers: lowerHeaders(event.headers),
    sourceIp: event.requestContext?.http?.sourceIp,
  };
}
