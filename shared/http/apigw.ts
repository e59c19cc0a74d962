import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { errorBody, toHooklineError, type HooklineError } from '../errors';
import { jsonLogger } from '../log';
import type { Logger } from '../ports';

/** Exact request body bytes: API Gateway and Function URLs base64-encode non-text bodies. */
export function rawBody(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>): Buffer {
  if (event.body === undefined || event.body === null) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

/** Headers with lower-case names (API Gateway v2 already lower-cases; Function URLs too). */
export function lowerHeaders(headers: Record<string, string | undefined> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = v;
  return out;
}

/** A JSON response body: compact, ending with a newline (as curl users and line-based tools expect). */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode: status, headers: { 'content-type': 'application/json', ...headers }, body: jsonText(body) };
}

/** A JSON answer whose body is already JSON text (served as stored, never parsed and serialized again). */
export function jsonRaw(status: number, text: string, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode: status, headers: { 'content-type': 'application/json', ...headers }, body: `${text}\n` };
}

export function empty(status: number, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode: status, headers, body: '' };
}

/** The contract's error response for any thrown value; 5xx causes are logged, never sent. */
export function errorResponse(err: unknown, log?: (e: HooklineError) => void): APIGatewayProxyStructuredResultV2 {
  const e = toHooklineError(err);
  if (e.status >= 500) log?.(e);
  return json(e.status, errorBody(e), e.options.headers ?? {});
}

/** Logs a 5xx's cause (the client sees only the error body); before deps exist, as a JSON line. */
export function logServerError(log: Logger | undefined): (e: HooklineError) => void {
  return (e) => (log ?? jsonLogger()).error(e.message, { code: e.code, cause: String((e.cause as Error)?.stack ?? e.cause) });
}
