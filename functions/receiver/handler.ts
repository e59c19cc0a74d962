import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorResponse, json, logServerError } from '../../shared/http/apigw';
import { receiverInput } from '../../shared/http/receiver-request';
import { receiveEvent } from '../../shared/usecases/receive-event';
import { wire, type ReceiverDeps } from './wiring';
import { lambdaEntry } from '../../shared/log';

let deps: ReceiverDeps | undefined;

/** The receiver, behind API Gateway and a Function URL: signature check + one SQS send, then 202. */
async function handle(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    deps ??= wire();
    const out = await receiveEvent(deps, receiverInput(event));
    if (out.response) return { statusCode: out.response.status, headers: { 'content-type': out.response.contentType }, body: out.response.body };
    return json(202, { received: true, event_id: out.event_id });
  } catch (err) {
    return errorResponse(err, logServerError(deps?.log));
  }
}

export const handler = lambdaEntry(handle);
