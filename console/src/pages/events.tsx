/** A webhook's event log (filter, newest first, follows new events) and one event's detail. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, type Res } from '../api';
import { seg, setQuery } from '../router';
import { useCan } from '../session-context';
import { ms, utc } from '../ui/format';
import { useAction, useCursor, useLoad } from '../ui/hooks';
import { JsonViewer } from '../ui/json-viewer';
import { Async, Badge, Busy, Empty, ErrorBox, Facts, Page, Panel, Time } from '../ui/page';
import { SelectField } from '../ui/field';
import { Pager, Table } from '../ui/table';

type EventSummary = Res<'listEvents'>['items'][number];
const STATUSES = ['received', 'processed', 'ignored', 'failed'] as const satisfies readonly EventSummary['status'][];

export function EventsTable({ webhookId, events }: { webhookId: string; events: EventSummary[] }) {
  return (
    <Table
      caption="Events, newest first"
      rows={events}
      rowKey={(e) => e.event_id}
      empty={<p>No events yet: send a test event with “Test” on the webhook, or point the provider at its endpoint URL.</p>}
      columns={[
        { header: 'Received', cell: (e) => <Time iso={e.received_at} /> },
        {
          header: 'Event',
          cell: (e) => (
            <a href={`/webhooks/${seg(webhookId)}/events/${seg(e.event_id)}`} aria-label={`${e.event_type} ${e.event_id}`}>
              {e.event_type}
            </a>
          ),
        },
        { header: 'Status', cell: (e) => <Badge status={e.status} /> },
        { header: 'Matched commands', cell: (e) => (e.matched_commands.length ? e.matched_commands.join(', ') : <span class="muted">none</span>) },
        { header: 'Latency', wide: true, cell: (e) => ms(e.timings.latency_ms) },
      ]}
    />
  );
}

/** How long the events page follows new events before it stops polling (resumable). */
const FOLLOW_MS = 10 * 60_000;
const EVERY_MS = 2_000;

export function EventsPage({ id, status }: { id: string; status: string }) {
  const pager = useCursor(status);
  const [tick, setTick] = useState(0);
  const [followUntil, setFollowUntil] = useState(() => Date.now() + FOLLOW_MS);
  const following = pager.page === 1 && followUntil > Date.now();
  const list = useLoad(
    () => get('listEvents', { params: { id }, query: { limit: 25, cursor: pager.cursor, status: (status || undefined) as EventSummary['status'] | undefined } }),
    [id, status, pager.cursor, tick],
  );
  useEffect(() => {
    if (!following) return;
    // Polls while the page is open, up to a deadline, so a forgotten tab stops costing requests.
    const t = setInterval(() => {
      if (Date.now() > followUntil) setFollowUntil(0);
      else if (document.visibilityState === 'visible') setTick((n) => n + 1);
    }, EVERY_MS);
    return () => clearInterval(t);
  }, [following, followUntil]);
  return (
    <Page title="Events" crumbs={[{ href: '/webhooks', label: 'Webhooks' }, { href: `/webhooks/${seg(id)}`, label: id }]}>
      <div class="toolbar">
        <SelectField label="Status" value={status} onValue={(v) => setQuery({ status: v || undefined })} options={[['', 'Any status'], ...STATUSES.map((s): [string, string] => [s, s])]} />
        <span role="status" class="muted">
          {following ? 'Following new events (refreshes every 2 s).' : pager.page === 1 ? 'Stopped following new events.' : 'Not following while on an older page.'}
        </span>
        {!following && pager.page === 1 && (
          <button type="button" onClick={() => (setFollowUntil(Date.now() + FOLLOW_MS), setTick((n) => n + 1))}>
            Follow new events
          </button>
        )}
      </div>
      <Async state={list} label="events">
        {(p) => (
          <>
            <EventsTable webhookId={id} events={p.items} />
            <Pager label="Events" page={pager.page} nextCursor={p.next_cursor} onPrev={pager.prev} onNext={pager.next} />
          </>
        )}
      </Async>
    </Page>
  );
}

export function EventDetailPage({ id, eventId }: { id: string; eventId: string }) {
  const canWrite = useCan('write');
  const ev = useLoad(() => get('getEvent', { params: { id, event_id: eventId } }), [id, eventId]);
  const [replayed, setReplayed] = useState<string | null>(null);
  const replay = useAction(async () => setReplayed((await get('replayEvent', { params: { id, event_id: eventId } })).event_id));
  return (
    <Async state={ev} label="the event">
      {(e) => {
        return (
          <Page
            title={`${e.event_type} event`}
            crumbs={[
              { href: '/webhooks', label: 'Webhooks' },
              { href: `/webhooks/${seg(id)}`, label: id },
              { href: `/webhooks/${seg(id)}/events`, label: 'Events' },
            ]}
            actions={
              canWrite && (
                <Busy busy={replay.busy} onClick={() => void replay.run()}>
                  Replay
                </Busy>
              )
            }
          >
            <ErrorBox error={replay.error} title="Replay failed" />
            {replayed && (
              <p class="ok-box" role="status">
                Replayed as a new event: <a href={`/webhooks/${seg(id)}/events/${seg(replayed)}`}>{replayed}</a>
              </p>
            )}
            <Panel title="Summary">
              <Facts
                rows={[
                  ['Status', <Badge status={e.status} />],
                  ['Verdict', <Badge status="success" label={`signature ${e.verdict}`} />],
                  ['Event id', <code>{e.event_id}</code>],
                  ['Delivery id', e.delivery_id ? <code>{e.delivery_id}</code> : <span class="muted">none sent</span>],
                  ['Received', utc(e.timings.received_at)],
                  ['Processed', e.timings.processed_at ? utc(e.timings.processed_at) : <span class="muted">not yet</span>],
                  ['Latency', ms(e.timings.latency_ms)],
                  ['Payload size', `${e.payload_bytes} bytes`],
                  ...(e.in_reply_to ? ([['Answers question', <a href={`/questions/${seg(e.in_reply_to)}`}>{e.in_reply_to}</a>]] as [string, ComponentChildren][]) : []),
                  ...(e.error ? ([['Error', <span class="field-error">{e.error}</span>]] as [string, ComponentChildren][]) : []),
                ]}
              />
              <h3>Request</h3>
              <Facts
                rows={[
                  ['Content-Type', e.content_type ? <code>{e.content_type}</code> : <span class="muted">not recorded</span>],
                  ['Source address', e.source_ip ? <code>{e.source_ip}</code> : <span class="muted">not recorded</span>],
                  ['Provider', e.provider],
                  ['Reply sent', e.response_sent ? 'yes' : 'no'],
                ]}
              />
            </Panel>
            <Panel title="Matched commands and results">
              {e.actions.length ? (
                <Table
                  caption="Action results"
                  rows={e.actions}
                  rowKey={(a) => `${a.command_id}-${a.action}`}
                  empty={null}
                  columns={[
                    { header: 'Command', cell: (a) => <code>{a.command_id}</code> },
                    { header: 'Action', cell: (a) => a.action },
                    { header: 'Result', cell: (a) => <Badge status={a.status} /> },
                    {
                      header: 'Details',
                      cell: (a) => (
                        <>
                          {a.task_id && <a href={`/tasks/${seg(a.task_id)}`}>{a.task_id}</a>}
                          {a.error && <span class="field-error">{a.error}</span>}
                          {a.warnings?.map((w) => <div class="muted">{w}</div>)}
                        </>
                      ),
                    },
                  ]}
                />
              ) : (
                <Empty>
                  {e.matched_commands.length ? `Matched ${e.matched_commands.join(', ')}; no results yet.` : `No command matched this event. Add one whose trigger is ${e.event_type} on the webhook.`}
                  {e.match_reasons?.length ? (
                    <ul class="reasons">
                      {e.match_reasons.map((r) => (
                        <li key={r}>{r}</li>
                      ))}
                    </ul>
                  ) : null}
                </Empty>
              )}
            </Panel>
            <Panel title="Payload">
              <JsonViewer value={e.payload} label="event payload" />
            </Panel>
          </Page>
        );
      }}
    </Async>
  );
}
