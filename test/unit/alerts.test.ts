import { publishAlarmChange } from '../../shared/usecases/alerts';

function deps() {
  const published: { type: string; data: unknown }[] = [];
  return { published, internal: { publish: async (type: string, data: unknown) => void published.push({ type, data }) } };
}

const alarm = (state: string) =>
  JSON.stringify({ AlarmName: 'hookline-prod-deliveries-dlq', AlarmDescription: 'Messages in the deliveries dead-letter queue', NewStateValue: state, OldStateValue: 'OK', NewStateReason: 'Threshold Crossed', StateChangeTime: '2026-12-01T09:00:00.000+0000' });

describe("alarms as Hookline's own events", () => {
  it('publishes alert.triggered when an alarm fires, with its name, states, reason and time', async () => {
    const d = deps();
    expect(await publishAlarmChange(d, alarm('ALARM'))).toEqual({ published: 'alert.triggered', alarm: 'hookline-prod-deliveries-dlq' });
    expect(d.published).toEqual([
      {
        type: 'alert.triggered',
        data: { alarm: 'hookline-prod-deliveries-dlq', state: 'ALARM', previous_state: 'OK', reason: 'Threshold Crossed', description: 'Messages in the deliveries dead-letter queue', at: '2026-12-01T09:00:00.000+0000' },
      },
    ]);
  });

  it('publishes alert.resolved when it recovers', async () => {
    const d = deps();
    await publishAlarmChange(d, alarm('OK'));
    expect(d.published.map((p) => p.type)).toEqual(['alert.resolved']);
  });

  it('publishes nothing for INSUFFICIENT_DATA or a message that is not an alarm', async () => {
    const d = deps();
    expect(await publishAlarmChange(d, alarm('INSUFFICIENT_DATA'))).toMatchObject({ published: null });
    expect(await publishAlarmChange(d, 'hello')).toMatchObject({ published: null });
    expect(d.published).toEqual([]);
  });
});
