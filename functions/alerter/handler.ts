import type { SNSEvent } from 'aws-lambda';
import { publishAlarmChange, type AlertOutcome } from '../../shared/usecases/alerts';
import { wire, type AlerterDeps } from './wiring';
import { lambdaEntry } from '../../shared/log';

let deps: AlerterDeps | undefined;

/** The alerts topic's subscriber: each alarm state change becomes alert.triggered / alert.resolved. */
async function handle(event: SNSEvent): Promise<AlertOutcome[]> {
  deps ??= wire();
  const out: AlertOutcome[] = [];
  for (const r of event.Records) {
    const result = await publishAlarmChange(deps, r.Sns.Message);
    deps.log.info(result.published ? 'alert published' : 'alert skipped', { ...result });
    out.push(result);
  }
  return out;
}

export const handler = lambdaEntry(handle);
