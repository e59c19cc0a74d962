import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { documentClient, s3Client, sqsClient } from '../../shared/adapters/aws/clients';
import { DynamoWebhookStore } from '../../shared/adapters/aws/dynamo-config-store';
import { S3PayloadStore } from '../../shared/adapters/aws/s3-payload-store';
import { SqsEventQueue } from '../../shared/adapters/aws/sqs-event-queue';
import { randomIds, systemClock } from '../../shared/clock';
import { cachedLoader } from '../../shared/config-cache';
import { loadEnv } from '../../shared/env';
import { NotFoundError } from '../../shared/errors';
import { errorResponse, json, lowerHeaders, rawBody } from '../../shared/http/apigw';
import { TokenBuckets } from '../../shared/receiver-guards';
import { receiveEvent, type ReceiveDeps } from '../../shared/usecases/receive-event';

let deps: ReceiveDeps | undefined;

function init(): ReceiveDeps {
  const { resources, settings } = loadEnv('receiver');
  const store = new DynamoWebhookStore(documentClient(), resources.tables.config);
  const loadWebhook = cachedLoader((id) => store.get(id), settings.CONFIG_CACHE_SECONDS * 1000, systemClock);
  return {
    loadWebhook,
    reloadWebhook: loadWebhook.reload,
    queue: new SqsEventQueue(sqsClient(), resources.queues.events),
    payloads: new S3PayloadStore(s3Client(), resources.buckets.payloads),
    clock: systemClock,
    ids: randomIds,
    maxBodyBytes: settings.MAX_BODY_BYTES,
    buckets: new TokenBuckets(systemClock),
  };
}

const PATH = /^\/webhooks\/([^/]+)\/([^/]+)\/?$/;

/**
 * The receiver, behind API Gateway (`POST /webhooks/{provider}/{webhook_id}`) and a Function URL
 * (no path parameters: the path is parsed). Signature check + one SQS send, then 202.
 */
export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    deps ??= init();
    let provider = event.pathParameters?.provider;
    let webhookId = event.pathParameters?.webhook_id;
    if (!provider || !webhookId) {
      const m = PATH.exec(event.rawPath ?? '');
      if (!m || (event.requestContext?.http?.method ?? 'POST') !== 'POST') throw new NotFoundError('Route', event.rawPath ?? '/');
      [provider, webhookId] = [decodeURIComponent(m[1]), decodeURIComponent(m[2])];
    }
    const out = await receiveEvent(deps, {
      provider,
      webhookId,
      body: rawBody(event),
      text: event.isBase64Encoded ? undefined : (event.body ?? undefined),
      headers: lowerHeaders(event.headers),
      sourceIp: event.requestContext?.http?.sourceIp,
    });
    if (out.response) return { statusCode: out.response.status, headers: { 'content-type': out.response.contentType }, body: out.response.body };
    return json(202, { received: true, event_id: out.event_id });
  } catch (err) {
    return errorResponse(err, (e) =>
      console.error(JSON.stringify({ level: 'ERROR', message: e.message, code: e.code, cause: String((e.cause as Error)?.stack ?? e.cause) })),
    );
  }
}
