import type { SNSEvent } from 'aws-lambda';
import { publishAlarmChange, type AlertOutcome } from '../../shared/usecases/alerts';
import { wire, type AlerterDeps } from './wiring';

let deps: AlerterDeps | undefined;

/** The alerts topic's subscriber: each alarm state change becomes alert.triggered / alert.resolved. */
export async function handler(event: SNSEvent): Promise<AlertOutcome[]> {
  deps ??= wire();
  const out: AlertOutcome[] = [];
  for (const r of event.Records) {
    const result = await publishAlarmChange(deps, r.Sns.Message);
    deps.log.info(result.published ? 'alert published' : 'alert skipped', { ...result });
    out.push(result);
  }
  return out;
}
