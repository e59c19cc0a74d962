import type { InternalEvents } from '../ports';

/** The JSON a CloudWatch alarm action publishes to SNS (the fields Hookline uses). */
export interface AlarmNotification {
  AlarmName: string;
  AlarmDescription?: string | null;
  NewStateValue: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA';
  OldStateValue?: string;
  NewStateReason?: string;
  StateChangeTime?: string;
}

export type AlertOutcome = { published: 'alert.triggered' | 'alert.resolved'; alarm: string } | { published: null; reason: string };

/**
 * An alarm's state change as Hookline's own event: ALARM -> `alert.triggered`, OK -> `alert.resolved`,
 * so any subscription (a Slack incoming webhook, a pager) is an alert channel. INSUFFICIENT_DATA
 * publishes nothing (alarms treat missing data as not breaching).
 */
export async function publishAlarmChange(deps: { internal: InternalEvents }, message: string): Promise<AlertOutcome> {
  let n: AlarmNotification;
  try {
    n = JSON.parse(message) as AlarmNotification;
  } catch {
    return { published: null, reason: 'not a CloudWatch alarm notification (not JSON)' };
  }
  if (typeof n?.AlarmName !== 'string' || (n.NewStateValue !== 'ALARM' && n.NewStateValue !== 'OK')) return { published: null, reason: `state ${String(n?.NewStateValue)} is not reported` };
  const type = n.NewStateValue === 'ALARM' ? 'alert.triggered' : 'alert.resolved';
  await deps.internal.publish(type, {
    alarm: n.AlarmName,
    state: n.NewStateValue,
    previous_state: n.OldStateValue ?? null,
    reason: n.NewStateReason ?? null,
    description: n.AlarmDescription ?? null,
    at: n.StateChangeTime ?? null,
  });
  return { published: type, alarm: n.AlarmName };
}
