import { ConflictError, HooklineError, ValidationError } from '../errors';
import { providerAdapter } from '../providers';
import type { ManagementDeps } from '../ports';
import { getWebhook } from './webhooks';

export interface TestResult {
  event_id: string;
  receiver_status: number;
}

/**
 * Sends a correctly signed sample delivery of the webhook's provider to its public URL, so it
 * takes the real receiver path (signature check, queue, consumer, event log), and returns the
 * event id the receiver answered with.
 */
export async function sendTestDelivery(deps: Pick<ManagementDeps, 'webhooks' | 'clock' | 'receiverUrl' | 'fetch'>, id: string): Promise<TestResult> {
  const w = await getWebhook(deps, id);
  if (!w.enabled) throw new ConflictError(`Webhook "${id}" is disabled; enable it to test it.`, 'webhook_disabled');
  const adapter = providerAdapter(w.provider);
  if (!adapter?.sample) throw new ValidationError(`The ${w.provider} provider has no sample event.`, [{ path: 'provider', message: 'no sample event' }]);
  const { body, headers } = adapter.sample(w, w.secret, deps.clock.now());
  const url = `${deps.receiverUrl.replace(/\/$/, '')}/webhooks/${w.provider}/${w.webhook_id}`;
  let res: Response;
  try {
    res = await deps.fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  } catch (err) {
    throw new HooklineError('test_delivery_failed', `The receiver at ${url} could not be reached.`, 502, { cause: err, retryable: true });
  }
  const text = await res.text();
  let answer: { event_id?: string; error?: { code?: string; message?: string } } = {};
  try {
    answer = JSON.parse(text);
  } catch {
    // Handshake answers (Slack) are not JSON.
  }
  if (res.status >= 300 || !answer.event_id)
    throw new HooklineError(
      'test_delivery_failed',
      `The receiver answered ${res.status}${answer.error ? ` ${answer.error.code}: ${answer.error.message}` : ''}.`,
      502,
    );
  return { event_id: answer.event_id, receiver_status: res.status };
}
