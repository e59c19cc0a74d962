/**
 * A busy webhook's event log spread over N index keys (`event_log_shards`) and read back merged:
 * the events land on N distinct by_webhook keys (no key takes more than its share of the writes),
 * and the list is newest first, complete and without repeats across pages, whatever the insert
 * times, page sizes and status filter (fast-check, on the emulators; CI runs it again on Amazon
 * DynamoDB Local). Also end to end: signed deliveries through the consumer land on the shards and
 * the events API lists them, and the shard count can be raised but never lowered.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/adapters/aws/clients';
import { DynamoEventStore } from '../../shared/adapters/aws/dynamo-event-store';
import { eventLogShard } from '../../shared/event-log-shard';
import { EVENT_STATUSES, type EventRecord, type EventStatus } from '../../shared/model/event';
import { startTestStack } from '../support/in-process-stack';
import { pollUntil } from '../support/poll';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
let store: DynamoEventStore;
const BASE_MS = Date.parse('2026-11-01T00:00:00.000Z');

// The consumer logs a JSON line per stored event; keep the output to the test results.
const log = console.log.bind(console);
const quiet = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
  if (typeof args[0] === 'string' && (args[0].startsWith('{"level"') || args[0].startsWith('{"_aws"'))) return;
  log(...args);
});

beforeAll(async () => {
  s = await startTestStack();
  store = new DynamoEventStore(documentClient(), s.env.EVENTS_TABLE);
});
afterAll(async () => {
  await s.stop();
  quiet.mockRestore();
});

function record(webhookId: string, shards: number, ms: number, status: EventStatus): EventRecord {
  const eventId = `evt_${randomBytes(8).toString('hex')}`;
  const receivedAt = new Date(ms).toISOString();
  const shard = eventLogShard(eventId, shards);
  return {
    event_id: eventId,
    webhook_id: webhookId,
    provider: 'github',
    event_type: 'issues.opened',
    delivery_id: randomUUID(),
    status,
    received_at: receivedAt,
    processed_at: receivedAt,
    received_key: `${receivedAt}#${eventId}`,
    ...(shard ? { log_shard: shard } : {}),
    matched_commands: [],
    actions: [],
    response_sent: false,
    payload_ref: { key: 'events/x.gz', offset: 0, length: 10 },
    payload_bytes: 10,
    expires_at: Math.floor(ms / 1000) + 86_400,
  };
}

/** Every by_webhook key of a webhook's shards, with the event ids under each. */
async function idsPerIndexKey(webhookId: string, shards: number): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let shard = 0; shard < shards; shard++) {
    const key = shard ? `${webhookId}#${shard}` : webhookId;
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await documentClient().send(
        new QueryCommand({ TableName: s.env.EVENTS_TABLE, IndexName: 'by_webhook', KeyConditionExpression: 'webhook_id = :w', ExpressionAttributeValues: { ':w': key }, ExclusiveStartKey: start }),
      );
      ids.push(...(r.Items ?? []).map((i) => i.event_id as string));
      start = r.LastEvaluatedKey;
    } while (start);
    if (ids.length) out.set(key, ids);
  }
  return out;
}

/** Reads the whole list page by page (bounded: more pages than items means a cursor that never ends). */
async function readAll(webhookId: string, shards: number, pageSize: number, status: EventStatus | undefined, expected: number) {
  const seen: EventRecord[] = [];
  const pages: number[] = [];
  let cursor: string | undefined;
  for (let i = 0; i <= expected + 1; i++) {
    const page = await store.listByWebhook(webhookId, pageSize, cursor, status, shards);
    expect(page.items.length).toBeLessThanOrEqual(pageSize);
    seen.push(...page.items);
    pages.push(page.items.length);
    if (!page.next_cursor) return { seen, pages };
    cursor = page.next_cursor;
  }
  throw new Error(`the list of ${expected} items did not end after ${expected + 2} pages`);
}

describe('event log spread over shards', () => {
  it('puts a busy webhook’s events on N distinct index keys, evenly, and lists all of them newest first', async () => {
    const webhookId = `spread-${randomBytes(3).toString('hex')}`;
    const shards = 8;
    const events = Array.from({ length: 240 }, (_, i) => record(webhookId, shards, BASE_MS + i * 7, 'ignored'));
    for (const e of events) expect(await store.putIfAbsent(e)).toBe(true);

    const perKey = await idsPerIndexKey(webhookId, shards);
    expect([...perKey.keys()].sort()).toEqual([webhookId, ...Array.from({ length: shards - 1 }, (_, i) => `${webhookId}#${i + 1}`)].sort());
    // Even: no key holds more than twice its share (240 / 8 = 30), so no key takes more than 1/4 of the write rate.
    for (const ids of perKey.values()) expect(ids.length).toBeLessThanOrEqual(60);
    expect([...perKey.values()].flat().sort()).toEqual(events.map((e) => e.event_id).sort());

    const { seen } = await readAll(webhookId, shards, 25, undefined, events.length);
    expect(seen.map((e) => e.event_id)).toEqual([...events].reverse().map((e) => e.event_id));
    // Records read back carry the webhook's own id, never the shard's index key.
    expect(new Set(seen.map((e) => e.webhook_id))).toEqual(new Set([webhookId]));
    // A redelivery (same event id) is still refused: dedup stays on the table key.
    expect(await store.putIfAbsent(events[5])).toBe(false);
  });

  it('merged pages are ordered, complete and never repeat, for any insert times, page size, shard count and status filter', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 3_600_000 }), status: fc.constantFrom(...EVENT_STATUSES) }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        fc.option(fc.constantFrom(...EVENT_STATUSES), { nil: undefined }),
        async (shards, inserts, pageSize, status) => {
          const webhookId = `prop-${run++}-${randomBytes(3).toString('hex')}`;
          const events = inserts.map((i) => record(webhookId, shards, BASE_MS + i.at, i.status));
          // Stored in random order (not time order), as concurrent consumers would.
          for (const e of [...events].sort((a, b) => (a.event_id < b.event_id ? -1 : 1))) await store.putIfAbsent(e);
          const want = events
            .filter((e) => !status || e.status === status)
            .sort((a, b) => (a.received_key < b.received_key ? 1 : -1))
            .map((e) => e.event_id);
          const { seen, pages } = await readAll(webhookId, shards, pageSize, status, want.length);
          expect(seen.map((e) => e.event_id)).toEqual(want);
          // Only the last page may be short.
          expect(pages.slice(0, -1).every((n) => n === pageSize)).toBe(true);
        },
      ),
      { numRuns: 30 },
    );
  });

  it('answers 400 invalid_cursor to a cursor of another webhook, shard count or filter', async () => {
    const a = `cur-a-${randomBytes(3).toString('hex')}`;
    for (let i = 0; i < 5; i++) await store.putIfAbsent(record(a, 4, BASE_MS + i, 'ignored'));
    const page = await store.listByWebhook(a, 2, undefined, undefined, 4);
    expect(page.next_cursor).toEqual(expect.any(String));
    for (const other of [
      () => store.listByWebhook(`cur-b`, 2, page.next_cursor!, undefined, 4),
      () => store.listByWebhook(a, 2, page.next_cursor!, undefined, 5),
      () => store.listByWebhook(a, 2, page.next_cursor!, 'failed', 4),
      () => store.listByWebhook(a, 2, page.next_cursor!, undefined, 1),
    ])
      await expect(other()).rejects.toMatchObject({ code: 'invalid_cursor', status: 400 });
  });
});

describe('event_log_shards end to end', () => {
  const secret = 'shards-secret-0123';
  const body = JSON.stringify({ action: 'opened', issue: { number: 1, title: 'spread' }, repository: { full_name: 'o/r' } });
  const deliver = (webhookId: string) =>
    fetch(`${s.url}/webhooks/github/${webhookId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'issues',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
      body,
    });

  it('the consumer spreads a webhook’s events over its shards and GET /events pages through all of them', async () => {
    const webhookId = `e2e-${randomBytes(3).toString('hex')}`;
    const created = await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify({ webhook_id: webhookId, name: 'spread', provider: 'github', secret, event_log_shards: 4 }) });
    expect(created.status).toBe(201);
    expect(((await created.json()) as { event_log_shards?: number }).event_log_shards).toBe(4);

    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const r = await deliver(webhookId);
      expect(r.status).toBe(202);
      ids.push(((await r.json()) as { event_id: string }).event_id);
    }
    const perKey = await pollUntil(async () => {
      const m = await idsPerIndexKey(webhookId, 4);
      return [...m.values()].flat().length === ids.length ? m : undefined;
    }, 'the 24 events to be stored');
    expect(perKey.size).toBe(4);
    for (const [key, list] of perKey) for (const id of list) expect(key).toBe(eventLogShard(id, 4) ? `${webhookId}#${eventLogShard(id, 4)}` : webhookId);

    const listed: { event_id: string; received_at: string; webhook_id: string }[] = [];
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const r = await s.admin(`/api/webhooks/${webhookId}/events?limit=5&status=ignored${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(r.status).toBe(200);
      const page = (await r.json()) as { items: typeof listed; next_cursor: string | null };
      listed.push(...page.items);
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    expect(listed.map((e) => e.event_id).sort()).toEqual([...ids].sort());
    expect(listed.map((e) => e.received_at)).toEqual(listed.map((e) => e.received_at).sort().reverse());
    expect(new Set(listed.map((e) => e.webhook_id))).toEqual(new Set([webhookId]));
    const detail = await s.admin(`/api/webhooks/${webhookId}/events/${ids[3]}`);
    expect(detail.status).toBe(200);
  });

  it('event_log_shards can be raised, is kept when a PUT leaves it out, and is never lowered (400 naming the field)', async () => {
    const webhookId = `raise-${randomBytes(3).toString('hex')}`;
    const base = { name: 'raise', provider: 'github', secret };
    expect((await s.admin('/api/webhooks', { method: 'POST', body: JSON.stringify({ webhook_id: webhookId, ...base }) })).status).toBe(201);
    const put = (extra: object) => s.admin(`/api/webhooks/${webhookId}`, { method: 'PUT', body: JSON.stringify({ ...base, ...extra }) });
    const raised = await put({ event_log_shards: 6 });
    expect(raised.status).toBe(200);
    const kept = await put({});
    expect(((await kept.json()) as { event_log_shards?: number }).event_log_shards).toBe(6);
    const lowered = await put({ event_log_shards: 2 });
    expect(lowered.status).toBe(400);
    const err = (await lowered.json()) as { error: { details: { path: string }[] } };
    expect(err.error.details.map((d) => d.path)).toContain('event_log_shards');
    const tooMany = await put({ event_log_shards: 33 });
    expect(tooMany.status).toBe(400);
  });
});
