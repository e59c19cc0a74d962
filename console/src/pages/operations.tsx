/** Operations (admin scope): queues and DLQs, API keys, the audit log and config-file imports. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { get, type Body, type Res } from '../api';
import type { Scope } from '../../../shared/model/api-key';
import { ConfirmButton } from '../ui/confirm';
import { Diff } from '../ui/diff';
import { errorsByPath, FieldErrors, TextField } from '../ui/field';
import { useAction, useLoad } from '../ui/hooks';
import { PagedTable } from '../ui/paged-table';
import { Async, Badge, Busy, ErrorBox, Page, Panel, Time } from '../ui/page';
import { SecretOnce } from '../ui/secret';
import { Table } from '../ui/table';

const TABS: [string, string][] = [
  ['/operations', 'Queues'],
  ['/operations/keys', 'API keys'],
  ['/operations/audit', 'Audit log'],
  ['/operations/imports', 'Config imports'],
];

function OpsPage({ path, children }: { path: string; children: ComponentChildren }) {
  const title = TABS.find(([p]) => p === path)?.[1] ?? 'Operations';
  return (
    <Page title={`Operations: ${title}`}>
      <nav aria-label="Operations" class="tabs">
        <ul>
          {TABS.map(([p, l]) => (
            <li key={p}>
              <a href={p} aria-current={p === path ? 'page' : undefined}>
                {l}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {children}
    </Page>
  );
}

type Queue = Res<'queueStats'>['items'][number];
type RedriveQueue = NonNullable<Body<'redriveDlq'>['queue']>;

function Redrive({ queue, depth, onDone }: { queue: RedriveQueue; depth: number | null; onDone: (moved: number) => void }) {
  return (
    <ConfirmButton
      label="Redrive"
      class="small"
      title={`Redrive the ${queue} dead-letter queue`}
      confirm="Redrive now"
      onConfirm={async () => onDone((await get('redriveDlq', { body: { queue } })).moved)}
    >
      <p>
        Moves {depth === null ? 'the' : depth} message{depth === 1 ? '' : 's'} of the {queue} DLQ back to the {queue} queue to be processed again.
      </p>
    </ConfirmButton>
  );
}

/** Which redrive target a queue row is (the route redrives the events and deliveries DLQs). */
function redriveTarget(q: Queue): RedriveQueue | null {
  return (['events', 'deliveries'] as const).find((x) => x === q.queue) ?? null;
}

export function QueuesPage() {
  const stats = useLoad(() => get('queueStats'), []);
  const [moved, setMoved] = useState<string | null>(null);
  return (
    <OpsPage path="/operations">
      {moved && (
        <p class="ok-box" role="status">
          {moved}
        </p>
      )}
      <Panel title="Queues and dead-letter queues" actions={<button type="button" onClick={stats.reload}>Refresh</button>}>
        <Async state={stats} label="queue depths">
          {(s) => (
            <Table
              caption="Queue depths"
              rows={s.items}
              rowKey={(q) => q.queue}
              empty={<p>No queues reported.</p>}
              columns={[
                { header: 'Queue', cell: (q) => <code>{q.queue}</code> },
                { header: 'Visible', cell: (q) => String(q.visible) },
                { header: 'In flight', cell: (q) => String(q.in_flight) },
                { header: 'Delayed', cell: (q) => String(q.delayed) },
                { header: 'DLQ', cell: (q) => (q.dlq === null ? <span class="muted">none</span> : <Badge status={q.dlq ? 'failed' : 'success'} label={`${q.dlq} in DLQ`} />) },
                {
                  header: 'Redrive',
                  cell: (q) => {
                    const t = redriveTarget(q);
                    return t && q.dlq !== null ? (
                      <Redrive
                        queue={t}
                        depth={q.dlq}
                        onDone={(n) => {
                          setMoved(`Redrive of ${t}: ${n} message${n === 1 ? '' : 's'} moved back.`);
                          stats.reload();
                        }}
                      />
                    ) : (
                      <span class="muted">–</span>
                    );
                  },
                },
              ]}
            />
          )}
        </Async>
      </Panel>
    </OpsPage>
  );
}

const SCOPES = ['read', 'write', 'admin', 'agent'] as const satisfies readonly Scope[];

function CreateKey({ onCreated }: { onCreated: () => void }) {
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Scope[]>(['read']);
  const [created, setCreated] = useState<Res<'createKey'> | null>(null);
  const act = useAction(async () => {
    setCreated(await get('createKey', { body: { name: name.trim(), scopes } }));
    setName('');
    onCreated();
  });
  return (
    <Panel title="Create an API key">
      {created && <SecretOnce label={`API key “${created.name}” (${created.scopes.join(', ')})`} value={created.key} />}
      <FieldErrors.Provider value={errorsByPath(act.error)}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act.run();
          }}
        >
          <ErrorBox error={act.error} title="Key not created" />
          <TextField label="Key name" path="name" value={name} onValue={setName} required hint="Shown in the audit log as who made each change." />
          <fieldset>
            <legend>Scopes</legend>
            {SCOPES.map((s) => (
              <label key={s} class="check-inline">
                <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes((e.target as HTMLInputElement).checked ? [...scopes, s] : scopes.filter((x) => x !== s))} /> {s}
              </label>
            ))}
            {errorsByPath(act.error).scopes && <p class="field-error">⚠ {errorsByPath(act.error).scopes}</p>}
          </fieldset>
          <Busy type="submit" class="primary" busy={act.busy}>
            Create key
          </Busy>
        </form>
      </FieldErrors.Provider>
    </Panel>
  );
}

export function KeysPage() {
  const [tick, setTick] = useState(0);
  const reload = () => setTick((t) => t + 1);
  return (
    <OpsPage path="/operations/keys">
      <CreateKey onCreated={reload} />
      <Panel title="API keys">
              <PagedTable
                load={(cursor) => get('listKeys', { query: { limit: 25, cursor } })}
                deps={[]}
                tick={tick}
                label="API keys"
                caption="API keys"
                rowKey={(k) => k.key_id}
                empty={<p>No API keys besides the admin key: create one above for each person or program.</p>}
                columns={[
                  { header: 'Name', cell: (k) => k.name },
                  { header: 'Key', cell: (k) => <code>{k.key}</code> },
                  { header: 'Scopes', cell: (k) => k.scopes.join(', ') },
                  { header: 'Created', cell: (k) => <Time iso={k.created_at} /> },
                  {
                    header: 'Revoke',
                    cell: (k) => (
                      <ConfirmButton label="Revoke" class="small danger" danger title={`Revoke “${k.name}”?`} confirm="Revoke key" onConfirm={async () => (await get('deleteKey', { params: { key_id: k.key_id } }), reload())}>
                        <p>Requests with this key fail at once (401). This cannot be undone.</p>
                      </ConfirmButton>
                    ),
                  },
                ]}
              />
      </Panel>
    </OpsPage>
  );
}

export function AuditPage({ resourceId }: { resourceId: string }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <OpsPage path="/operations/audit">
            <PagedTable
              load={(cursor) => get('listAudit', { query: { limit: 25, cursor, resource_id: resourceId || undefined } })}
              deps={[resourceId]}
              label="the audit log"
              caption="Audit log, newest first"
              rowKey={(a) => a.audit_id}
              empty={<p>Nothing changed yet: every create, update, delete and key change is recorded here.</p>}
              columns={[
                { header: 'When', cell: (a) => <Time iso={a.at} /> },
                { header: 'Who', cell: (a) => a.actor },
                { header: 'What', cell: (a) => <code>{a.action}</code> },
                { header: 'Resource', cell: (a) => `${a.resource_type} ${a.resource_id}` },
                {
                  header: 'Changes',
                  cell: (a) => (
                    <>
                      <button type="button" class="small" aria-expanded={open === a.audit_id} onClick={() => setOpen(open === a.audit_id ? null : a.audit_id)}>
                        {open === a.audit_id ? 'Hide diff' : 'Show diff'}
                      </button>
                      {open === a.audit_id && <Diff before={a.before} after={a.after} />}
                    </>
                  ),
                },
              ]}
            />
    </OpsPage>
  );
}

export function ImportsPage() {
  return (
    <OpsPage path="/operations/imports">
            <PagedTable
              load={(cursor) => get('listImports', { query: { limit: 25, cursor } })}
              deps={[]}
              label="config imports"
              caption="Config-file imports, newest first"
              rowKey={(i) => `${i.file}-${i.at}`}
              empty={<p>No config files imported yet: write a webhook's JSON into the config inbox (npm start prints where) and it is applied here.</p>}
              columns={[
                { header: 'When', cell: (i) => <Time iso={i.at} /> },
                { header: 'File', cell: (i) => <code>{i.file}</code> },
                { header: 'Result', cell: (i) => <Badge status={i.status} /> },
                { header: 'Webhook', cell: (i) => (i.webhook_id ? <a href={`/webhooks/${encodeURIComponent(i.webhook_id)}`}>{i.webhook_id}</a> : <span class="muted">none</span>) },
                {
                  header: 'Errors',
                  cell: (i) =>
                    i.errors.length ? (
                      <ul class="errors">
                        {i.errors.map((e) => (
                          <li key={e.path + e.message}>
                            <code>{e.path}</code>: {e.message}
                          </li>
                        ))}
                      </ul>
                    ) : (
                      <span class="muted">{i.changed ? 'none' : 'none (unchanged)'}</span>
                    ),
                },
              ]}
            />
    </OpsPage>
  );
}
