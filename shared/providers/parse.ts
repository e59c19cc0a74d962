import { PayloadParseError, type InboundRequest } from './types';

/** The media type of a request, lower-cased, without parameters. */
export function mediaType(req: InboundRequest): string {
  return (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** JSON body; a verified body that is not JSON is the sender's bug, not ours. */
export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new PayloadParseError(`body is not valid JSON: ${(err as Error).message}`);
  }
}

/** application/x-www-form-urlencoded body as a plain object (last value wins). */
export function parseForm(body: Buffer): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}
