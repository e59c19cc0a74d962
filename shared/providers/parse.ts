import { PayloadParseError, type InboundRequest } from './types';

/** The media type of a request, lower-cased, without parameters. */
export function mediaType(req: InboundRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** JSON body; a verified body that is not JSON is the sender's bug, not ours. */
export function parseJson(body: Buffer | string): unknown {
  try {
    return JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (err) {
    throw new PayloadParseError(`body is not valid JSON: ${(err as Error).message}`);
  }
}

/** application/x-www-form-urlencoded body as a plain object (last value wins). */
export function parseForm(body: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

/** The request body as JSON, from the text API Gateway delivered when there is one (no second decode). */
export function requestJson(req: InboundRequest): unknown {
  return parseJson(req.text ?? req.body);
}
