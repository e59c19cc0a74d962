import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { errorResponse, json, logServerError } from '../../shared/http/apigw';
import { receiverInput } from '../../shared/http/receiver-request';
import { receiveEvent } from '../../shared/usecases/receive-event';
import { wire, type ReceiverDeps } from './wiring';

let deps: ReceiverDeps | undefined;

/** The receiver, behind API Gateway and a Function URL: signature check + one SQS send, then 202. */
export async function handler(event: APIGatewayProxyEventV2, context?: Context): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    deps ??= wire();
    if (context) deps.lambda.addContext(context);
    const out = await receiveEvent(deps, receiverInput(event));
    if (out.response) return { statusCode: out.response.status, headers: { 'content-type': out.response.contentType }, body: out.response.body };
    return json(202, { received: true, event_id: out.event_id });
  } catch (err) {
    return errorResponse(err, logServerError(deps?.log));
  }
}
