import { gunzipSync, gzipSync } from 'node:zlib';
import type { QueuedEvent } from '../../shared/model/queued-event';
import type { WebhookRecord } from '../../shared/model/webhook';
import { processEvents, type ProcessDeps } from '../../shared/usecases/process-events';
import { MemoryEventStore, MemoryIntentStore, MemoryQuestionStore, MemoryPayloadStore, MemoryTaskStore, MemoryTopic } from '../support/fakes';

const webhook = {
  webhook_id: 'gh',
  provider: 'github',
  commands: [{ command_id: 'cmd_task', trigger: 'issues.opened', action: 'create_task', agent: 'planning', priority: 0 }],
} as unknown as WebhookRecord;

function message(id: string, eventType = 'issues.opened', body = `{"n":"${id} ✓ 🚀"}`): { messageId: string; body: string; receiveCount: number } {
  const q: QueuedEvent = {
    v: 1,
    event_id: `evt_${id}`,
    webhook_id: 'gh',
    provider: 'github',
    event_type: eventType,
    delivery_id: id,
    received_at: '2026-11-23T12:00:00.000Z',
    content_type: 'application/json',
    body_bytes: Buffer.byteLength(body),
    body_gz: gzipSync(body).toString('base64'),
  };
  return { messageId: `m-${id}`, body: JSON.stringify(q), receiveCount: 1 };
}

function deps(): ProcessDeps & { events: MemoryEventStore; payloads: MemoryPayloadStore; runner: { tasks: MemoryTaskStore; topic: MemoryTopic } } {
  const clock = { now: () => new Date('2026-11-23T12:00:01Z') };
  return {
    loadWebhook: async (id) => (id === 'gh' ? webhook : null),
    events: new MemoryEventStore(),
    payloads: new MemoryPayloadStore(),
    clock,
    retentionDays: 30,
    questions: new MemoryQuestionStore(),
    runner: { tasks: new MemoryTaskStore(), topic: new MemoryTopic(), intents: new MemoryIntentStore(), clock, retentionDays: 30, effects: {} },
  };
}

describe('processEvents', () => {
  it('stores all payloads of a batch in one object and one small record per event', async () => {
    const d = deps();
    const failed = await processEvents(d, [message('a'), message('b', 'push'), message('c')], { maxReceiveCount: 5 });
    expect(failed).toEqual([]);
    expect(d.payloads.puts).toBe(1);
    const a = d.events.items.get('evt_a')!;
    expect(a).toMatchObject({ status: 'processed', matched_commands: ['cmd_task'], expires_at: Date.parse('2026-11-23T12:00:00Z') / 1000 + 30 * 86400 });
    expect(a.actions).toEqual([{ command_id: 'cmd_task', action: 'create_task', status: 'succeeded', task_id: expect.stringMatching(/^task_/) }]);
    expect(d.runner.tasks.items.size).toBe(2);
    expect(d.runner.topic.published.map((x) => x.agent)).toEqual(['planning', 'planning']);
    expect(d.events.items.get('evt_b')!.status).toBe('ignored');
    expect(gunzipSync(await d.payloads.getRange(d.events.items.get('evt_c')!.payload_ref)).toString()).toBe('{"n":"c ✓ 🚀"}');
    expect(Buffer.byteLength(JSON.stringify(a))).toBeLessThan(1024);
  });

  it('processes a redelivered message once: no second task, no second notification', async () => {
    const d = deps();
    await processEvents(d, [message('a')], { maxReceiveCount: 5 });
    const first = structuredClone(d.events.items.get('evt_a'));
    expect(await processEvents(d, [{ ...message('a'), messageId: 'm-again', receiveCount: 2 }], { maxReceiveCount: 5 })).toEqual([]);
    expect(d.events.items.get('evt_a')).toEqual(first);
    expect(d.runner.tasks.items.size).toBe(1);
    expect(d.runner.topic.published).toHaveLength(1);
  });

  it('finishes an event whose earlier attempt stopped after recording it, without repeating done work', async () => {
    const d = deps();
    // An earlier attempt stored the event as received, created the task and died before the end.
    await processEvents(d, [message('a')], { maxReceiveCount: 5 });
    const rec = d.events.items.get('evt_a')!;
    d.events.items.set('evt_a', { ...rec, status: 'received', actions: [] });
    await processEvents(d, [{ ...message('a'), receiveCount: 2 }], { maxReceiveCount: 5 });
    expect(d.events.items.get('evt_a')!.status).toBe('processed');
    expect(d.runner.tasks.items.size).toBe(1);
  });

  it('reports only the failing record and records it as failed on the last attempt', async () => {
    const d = deps();
    d.events.failNextPut = new Error('throttled');
    const failed = await processEvents(d, [{ ...message('a'), receiveCount: 5 }], { maxReceiveCount: 5 });
    expect(failed).toEqual(['m-a']);
    expect(d.events.items.get('evt_a')).toMatchObject({ status: 'failed', error: 'throttled' });

    const d2 = deps();
    d2.events.failNextPut = new Error('throttled');
    expect(await processEvents(d2, [{ ...message('x'), receiveCount: 1 }, message('y', 'push')], { maxReceiveCount: 5 })).toEqual(['m-x']);
    expect(d2.events.items.has('evt_x')).toBe(false);
    expect(d2.events.items.get('evt_y')!.status).toBe('ignored');
  });

  it('fails malformed messages so they reach the DLQ', async () => {
    const d = deps();
    expect(await processEvents(d, [{ messageId: 'bad', body: '{"v":2}', receiveCount: 1 }, message('ok')], { maxReceiveCount: 5 })).toEqual(['bad']);
    expect(d.events.items.has('evt_ok')).toBe(true);
  });

  it('never matches commands for handshakes', async () => {
    const d = deps();
    const m = message('p', 'issues.opened');
    m.body = JSON.stringify({ ...JSON.parse(m.body), handshake: true });
    await processEvents(d, [m], { maxReceiveCount: 5 });
    expect(d.events.items.get('evt_p')!.status).toBe('ignored');
  });
});
