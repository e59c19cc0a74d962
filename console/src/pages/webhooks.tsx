/** Webhooks: every inbound webhook with its endpoint, status, last event and an enable switch. */
import { useState } from 'preact/hooks';
import { get, type Res } from '../api';
import { navigate, seg, setQuery } from '../router';
import { useCan } from '../session-context';
import { Async, Badge, CopyButton, ErrorBox, Page, Time } from '../ui/page';
import { Pager, Table } from '../ui/table';
import { useAction, useCursor, useLoad } from '../ui/hooks';
import { Switch } from '../ui/switch';

export type Webhook = Res<'getWebhook'>;

/** The webhook's newest event time (one `limit=1` read per visible row). */
function LastEvent({ id }: { id: string }) {
  const s = useLoad(() => get('listEvents', { params: { id }, query: { limit: 1 } }), [id]);
  if (s.error) return <span class="muted">unavailable</span>;
  if (!s.data) return <span class="muted">…</span>;
  return <Time iso={s.data.items[0]?.received_at ?? null} />;
}

/** The enable switch: changes at once, reverts and says why when the API refuses. */
export function EnabledSwitch({ webhook, onChange }: { webhook: Webhook; onChange: (w: Webhook) => void }) {
  const canWrite = useCan('write');
  const [on, setOn] = useState(webhook.enabled);
  const act = useAction(async (next: boolean) => {
    setOn(next);
    try {
      onChange(await get(next ? 'enableWebhook' : 'disableWebhook', { params: { id: webhook.webhook_id } }));
    } catch (e) {
      setOn(!next);
      throw e;
    }
  });
  return (
    <span class="switch-cell">
      <Switch label="Enabled" checked={on} busy={act.busy} disabled={!canWrite} onChange={(n) => void act.run(n)} />
      {act.error && <ErrorBox error={act.error} title={`Could not ${on ? 'disable' : 'enable'} ${webhook.name}`} />}
    </span>
  );
}

async function searchAll(q: string): Promise<Res<'listWebhooks'>> {
  // The API lists by id; a name search reads every page (bounded) and filters here.
  const needle = q.toLowerCase();
  const items: Webhook[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await get('listWebhooks', { query: { limit: 100, cursor } });
    items.push(...page.items.filter((w) => w.name.toLowerCase().includes(needle) || w.webhook_id.includes(needle)));
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return { items, next_cursor: null };
}

export function WebhooksPage({ q }: { q: string }) {
  const canWrite = useCan('write');
  const pager = useCursor(q);
  const list = useLoad(() => (q ? searchAll(q) : get('listWebhooks', { query: { limit: 25, cursor: pager.cursor } })), [q, pager.cursor]);
  const [draft, setDraft] = useState(q);
  return (
    <Page
      title="Webhooks"
      actions={
        canWrite && (
          <a class="button primary" href="/webhooks/new">
            Create webhook
          </a>
        )
      }
    >
      <form
        role="search"
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: draft.trim() || undefined });
        }}
      >
        <label for="wh-search">Search by name</label>
        <input id="wh-search" type="search" value={draft} onInput={(e) => setDraft((e.target as HTMLInputElement).value)} />
        <button type="submit">Search</button>
        {q && (
          <button type="button" onClick={() => (setDraft(''), setQuery({ q: undefined }))}>
            Clear
          </button>
        )}
      </form>
      <Async state={list} label="webhooks">
        {(page) => (
          <>
            <Table
              caption="Webhooks"
              rows={page.items}
              rowKey={(w) => w.webhook_id}
              empty={
                q ? (
                  <p>No webhook's name contains “{q}”.</p>
                ) : (
                  <p>
                    No webhooks yet. {canWrite ? <a href="/webhooks/new">Create a webhook</a> : 'Ask someone with the write scope to create one'}, or drop a JSON
                    config into the config inbox.
                  </p>
                )
              }
              columns={[
                { header: 'Name', cell: (w) => <a href={`/webhooks/${seg(w.webhook_id)}`}>{w.name}</a> },
                { header: 'Provider', cell: (w) => w.provider },
                {
                  header: 'Endpoint URL',
                  wide: true,
                  cell: (w) => (
                    <span class="url">
                      <code>{w.url}</code> <CopyButton text={w.url} label={`Copy endpoint URL of ${w.name}`} />
                    </span>
                  ),
                },
                { header: 'Status', cell: (w) => <Badge status={w.enabled ? 'enabled' : 'disabled'} /> },
                { header: 'Last event', cell: (w) => <LastEvent id={w.webhook_id} /> },
                {
                  header: 'Enabled',
                  cell: (w) => (
                    <EnabledSwitch
                      webhook={w}
                      onChange={(nw) => list.set({ ...page, items: page.items.map((x) => (x.webhook_id === nw.webhook_id ? nw : x)) })}
                    />
                  ),
                },
              ]}
            />
            <Pager label="Webhooks" page={pager.page} nextCursor={page.next_cursor} onPrev={pager.prev} onNext={pager.next} />
          </>
        )}
      </Async>
    </Page>
  );
}

export const goWebhook = (id: string) => navigate(`/webhooks/${seg(id)}`);
