/** One webhook: status, endpoint, secrets, settings, commands, recent events, backups and actions. */
import { useState } from 'preact/hooks';
import { get, type Res } from '../api';
import { navigate, seg } from '../router';
import { useCan } from '../session-context';
import { ConfirmButton } from '../ui/confirm';
import { Field } from '../ui/field';
import { useAction, useLoad } from '../ui/hooks';
import { Async, Badge, Busy, CopyButton, Empty, ErrorBox, Facts, Page, Panel, Time } from '../ui/page';
import { revealOnce, SecretOnce, takeRevealed } from '../ui/secret';
import { Table } from '../ui/table';
import { EnabledSwitch, type Webhook } from './webhooks';
import { EventsTable } from './events';

type Cmd = Webhook['commands'][number];

/** `issues.opened -> create_task (planning)`, as the design writes commands. */
export function describeCommand(c: Pick<Cmd, 'trigger' | 'action' | 'agent' | 'forward_url'>): string {
  const who = c.action === 'forward' ? c.forward_url : c.agent;
  return `${c.trigger} -> ${c.action}${who ? ` (${who})` : ''}`;
}

function conditionsText(c: Cmd['conditions']): string {
  if (!c) return '';
  return Object.entries(c)
    .map(([k, v]) => {
      if (k === 'all' || k === 'any') return `${k}: ${(v as { field: string; op: string; value?: unknown }[]).map((f) => `${f.field} ${f.op}${f.value === undefined ? '' : ` ${JSON.stringify(f.value)}`}`).join(k === 'all' ? ' and ' : ' or ')}`;
      return `${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`;
    })
    .join('; ');
}

function RotateSecret({ webhook, onDone }: { webhook: Webhook; onDone: (w: Webhook) => void }) {
  const [grace, setGrace] = useState('86400');
  return (
    <ConfirmButton
      label="Rotate secret"
      title={`Rotate the secret of ${webhook.name}`}
      confirm="Rotate now"
      onConfirm={async () => {
        const w = await get('rotateWebhookSecret', { params: { id: webhook.webhook_id }, body: { grace_seconds: Number(grace) } });
        revealOnce(webhook.webhook_id, 'New signing secret', w.secret);
        onDone(w);
      }}
    >
      <p>A new secret is generated and shown once. The current one keeps verifying for the grace period, so you can update the provider in the meantime.</p>
      <Field label="Grace period (seconds)" hint="0 stops the current secret at once; at most 30 days.">
        {(c) => <input {...c} type="number" min={0} max={2592000} value={grace} onInput={(e) => setGrace((e.target as HTMLInputElement).value)} />}
      </Field>
    </ConfirmButton>
  );
}

function Backups({ id, onRestored }: { id: string; onRestored: (w: Webhook) => void }) {
  const canWrite = useCan('write');
  const list = useLoad(() => get('listBackups', { params: { id } }), [id]);
  return (
    <Panel title="Config backups">
      <Async state={list} label="backups">
        {(b) => (
          <Table
            caption="Config backups, newest first"
            rows={b.items}
            rowKey={(x) => String(x.version)}
            empty={<p>No backups yet: every change to this webhook is backed up.</p>}
            columns={[
              { header: 'Version', cell: (x) => `v${x.version}` },
              { header: 'Saved', cell: (x) => <Time iso={x.at} /> },
              { header: 'Size', cell: (x) => `${x.bytes} bytes` },
              {
                header: 'Restore',
                cell: (x) => (
                  <ConfirmButton
                    label="Restore"
                    class="small"
                    disabled={!canWrite}
                    title={`Restore version ${x.version}`}
                    confirm={`Restore v${x.version}`}
                    onConfirm={async () => onRestored(await get('restoreWebhook', { params: { id }, body: { version: x.version } }))}
                  >
                    <p>The webhook's whole config (commands, settings) becomes version {x.version}'s again. The current config is backed up first.</p>
                  </ConfirmButton>
                ),
              },
            ]}
          />
        )}
      </Async>
    </Panel>
  );
}

function TestButton({ id, onSent }: { id: string; onSent: () => void }) {
  const [result, setResult] = useState<Res<'testWebhook'> | null>(null);
  const act = useAction(async () => {
    setResult(await get('testWebhook', { params: { id } }));
    onSent();
  });
  return (
    <>
      <Busy busy={act.busy} onClick={() => void act.run()}>
        Test
      </Busy>
      <span role="status" class="inline-status">
        {result && (
          <>
            Sample event sent (receiver answered {result.receiver_status}): <a href={`/webhooks/${seg(id)}/events/${seg(result.event_id)}`}>{result.event_id}</a>
          </>
        )}
      </span>
      <ErrorBox error={act.error} title="Test failed" />
    </>
  );
}

export function WebhookDetailPage({ id }: { id: string }) {
  const canWrite = useCan('write');
  const wh = useLoad(() => get('getWebhook', { params: { id } }), [id]);
  const [revealed, setRevealed] = useState(() => takeRevealed(id));
  const [eventsTick, setEventsTick] = useState(0);
  const events = useLoad(() => get('listEvents', { params: { id }, query: { limit: 10 } }), [id, eventsTick]);
  const update = (w: Webhook) => {
    wh.set(w);
    setRevealed(takeRevealed(id));
  };
  return (
    <Async state={wh} label="the webhook">
      {(w) => (
        <Page
          title={w.name}
          crumbs={[{ href: '/webhooks', label: 'Webhooks' }]}
          actions={
            <>
              {canWrite && <TestButton id={id} onSent={() => setTimeout(() => setEventsTick((t) => t + 1), 800)} />}
              {canWrite && (
                <a class="button" href={`/webhooks/${seg(id)}/edit`}>
                  Edit
                </a>
              )}
              {canWrite && (
                <ConfirmButton
                  label="Delete"
                  danger
                  title={`Delete ${w.name}?`}
                  confirm="Delete webhook"
                  onConfirm={async () => {
                    await get('deleteWebhook', { params: { id } });
                    navigate('/webhooks');
                  }}
                >
                  <p>
                    Its endpoint stops accepting events at once (404). The config stays in the backups, so it can be restored with the same id and secret.
                  </p>
                </ConfirmButton>
              )}
            </>
          }
        >
          {revealed && <SecretOnce label={revealed.label} value={revealed.value} />}
          <Panel title="Overview">
            <Facts
              rows={[
                [
                  'Status',
                  <span class="status-line">
                    <Badge status={w.enabled ? 'enabled' : 'disabled'} /> <EnabledSwitch key={`${w.version}`} webhook={w} onChange={update} />
                  </span>,
                ],
                ['Provider', w.provider],
                [
                  'Endpoint URL',
                  <span class="url">
                    <code>{w.url}</code> <CopyButton text={w.url} label="Copy endpoint URL" />
                  </span>,
                ],
                [
                  'Signing secret',
                  <span>
                    <code>{w.secret}</code> {canWrite && <RotateSecret webhook={w} onDone={update} />}
                    {w.previous_secret_expires_at && (
                      <small class="hint">
                        {' '}
                        The previous secret verifies until <Time iso={w.previous_secret_expires_at} />.
                      </small>
                    )}
                  </span>,
                ],
                ['Created', <span><Time iso={w.created_at} /> by {w.created_by}</span>],
                ['Updated', <span><Time iso={w.updated_at} /> (version {w.version})</span>],
              ]}
            />
          </Panel>
          <div class="grid2">
            <Panel title="Reply settings">
              {w.reply ? (
                <Facts
                  rows={[
                    ['Token', w.reply.token ? <code>{w.reply.token}</code> : <span class="muted">not set</span>],
                    ['API base URL', w.reply.api_base_url ?? <span class="muted">the provider's public API</span>],
                    ['Email', w.reply.email ?? <span class="muted">not set</span>],
                    ['Bot user', w.reply.bot_user ?? <span class="muted">not set</span>],
                  ]}
                />
              ) : (
                <p class="muted">No reply settings: comment, ask and respond cannot answer the source. Add a token with Edit.</p>
              )}
            </Panel>
            <Panel title="Limits">
              <Facts
                rows={[
                  ['IP allowlist', w.ip_allowlist?.length ? w.ip_allowlist.join(', ') : <span class="muted">any address</span>],
                  ['Rate limit', w.rate_limit ? `${w.rate_limit.per_second}/s, burst ${w.rate_limit.burst}` : <span class="muted">none</span>],
                ]}
              />
            </Panel>
          </div>
          <Panel title={`Commands (${w.commands.length})`}>
            {w.commands.length ? (
              <ul class="cmds">
                {[...w.commands]
                  .sort((a, b) => (b.priority ?? 0) - (a.priority ?? 0))
                  .map((c) => (
                    <li key={c.command_id}>
                      <code>{describeCommand(c)}</code>
                      {c.priority ? <span class="muted"> · priority {c.priority}</span> : null}
                      {c.conditions && <div class="muted">when {conditionsText(c.conditions)}</div>}
                    </li>
                  ))}
              </ul>
            ) : (
              <Empty>No commands: events are logged but nothing runs. {canWrite && <a href={`/webhooks/${seg(id)}/edit`}>Add a command</a>}</Empty>
            )}
          </Panel>
          <Panel
            title="Recent events"
            actions={
              <a href={`/webhooks/${seg(id)}/events`} class="button">
                All events
              </a>
            }
          >
            <Async state={events} label="events">
              {(p) => <EventsTable webhookId={id} events={p.items} />}
            </Async>
          </Panel>
          <Backups id={id} onRestored={update} />
        </Page>
      )}
    </Async>
  );
}
