import { version } from '../../version';
import { fromNetwork, unreadable, type HttpAnswer } from './errors';
import type { HttpRequest } from './target';

/** The fetch this module calls: global fetch, or one wrapped by the caller (SSRF guard, tracing). */
export type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** How long a provider gets to answer before the reply counts as ambiguous. */
export const REPLY_TIMEOUT_MS = 10_000;

/**
 * POSTs JSON and reads the answer. Network failures become ReplyErrors (ambiguous once the
 * request may have left); HTTP statuses are the caller's to interpret.
 */
export async function send(provider: string, req: HttpRequest, fetchFn: Fetch, timeoutMs: number): Promise<HttpAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response;
  try {
    res = await fetchFn(req.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': `Hookline-Webhooks/${version}`, ...req.headers },
      body: JSON.stringify(req.body),
      // Not followed: a 301/302 would turn the POST into a GET and carry the credential along.
      redirect: 'manual',
      signal,
    });
  } catch (err) {
    throw fromNetwork(provider, err, timeoutMs);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    const answer = { status: res.status, headers: res.headers, body: undefined, text: '' };
    // A 2xx whose body got lost has posted; anything else failed whatever the body said.
    if (res.ok) throw unreadable(provider, answer, 'the answer body could not be read', err);
    return answer;
  }
  return { status: res.status, headers: res.headers, body: parse(text), text };
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
