/** Outbound subscriptions: list, create/edit, detail with stats and the delivery log, one delivery. */
import { useState } from 'preact/hooks';
import { get, type Body, type Res } from '../api';
import { navigate, seg, setQuery } from '../router';
import { useCan } from '../session-context';
import { BarChart } from '../ui/chart';
import { ConfirmButton } from '../ui/confirm';
import { CheckField, errorsByPath, Field, FieldErrors, SelectField, TextAreaField, TextField } from '../ui/field';
import { ms, pct, utc } from '../ui/format';
import { useAction, useLoad } from '../ui/hooks';
import { PagedTable } from '../ui/paged-table';
import { Async, Badge, Busy, CopyButton, Empty, ErrorBox, Facts, Page, Panel, Time } from '../ui/page';
import { revealOnce, SecretOnce, takeRevealed } from '../ui/secret';
import { Table } from '../ui/table';

type Subscription = Res<'getSubscription'>;
type SubscriptionBody = Body<'createSubscription'>;
type Delivery = Res<'listDeliveries'>['items'][number];
const DELIVERY_STATUSES = ['pending', 'sending', 'success', 'retrying', 'failed', 'paused'] as const satisfies readonly Delivery['status'][];

const subStatus = (s: Subscription) => <Badge status={s.enabled ? 'enabled' : 'disabled'} label={s.enabled ? 'enabled' : `disabled${s.disabled_reason ? `: ${s.disabled_reason}` : ''}`} />;

export function SubscriptionsPage() {
  const canWrite = useCan('write');
  return (
    <Page
      title="Subscriptions"
      actions={
        canWrite && (
          <a class="button primary" href="/subscriptions/new">
            Create subscription
          </a>
        )
      }
    >
            <PagedTable
              load={(cursor) => get('listSubscriptions', { query: { limit: 25, cursor } })}
              deps={[]}
              label="subscriptions"
              caption="Subscriptions"
              rowKey={(s) => s.subscription_id}
              empty={<p>No subscriptions yet: {canWrite ? <a href="/subscriptions/new">subscribe a URL</a> : 'one with the write scope can subscribe a URL'} to Hookline's events.</p>}
              columns={[
                { header: 'Endpoint', cell: (s) => <a href={`/subscriptions/${seg(s.subscription_id)}`}>{s.description || s.url}</a> },
                { header: 'URL', wide: true, cell: (s) => <code class="url">{s.url}</code> },
                { header: 'Events', cell: (s) => s.events.join(', ') },
                { header: 'Status', cell: subStatus },
                { header: 'Created', cell: (s) => <Time iso={s.created_at} /> },
              ]}
            />
    </Page>
  );
}

interface Draft {
  url: string;
  description: string;
  events: string[];
  filters: string;
  headers: [string, string][];
  max_attempts: string;
  initial_delay: string;
  backoff_multiplier: string;
  max_delay: string;
  timeout_seconds: string;
  enabled: boolean;
}

function draftOf(s?: Subscription): Draft {
  const r = s?.retry_policy;
  return {
    url: s?.url ?? '',
    description: s?.description ?? '',
    events: s?.events.length ? [...s.events] : [''],
    filters: s?.filters ? JSON.stringify(s.filters, null, 2) : '',
    headers: Object.entries(s?.headers ?? {}),
    max_attempts: String(r?.max_attempts ?? 8),
    initial_delay: String(r?.initial_delay ?? 10),
    backoff_multiplier: String(r?.backoff_multiplier ?? 2),
    max_delay: String(r?.max_delay ?? 3600),
    timeout_seconds: String(s?.timeout_seconds ?? 15),
    enabled: s?.enabled ?? true,
  };
}

function bodyOf(d: Draft, existing?: Subscription): SubscriptionBody {
  let filters: SubscriptionBody['filters'];
  if (d.filters.trim()) {
    try {
      filters = JSON.parse(d.filters);
    } catch (e) {
      throw Object.assign(new Error(`Filters are not valid JSON: ${(e as Error).message}`), {});
    }
  }
  return {
    url: d.url.trim(),
    events: d.events.map((e) => e.trim()).filter(Boolean),
    ...(d.description.trim() ? { description: d.description.trim() } : {}),
    headers: Object.fromEntries(d.headers.filter(([k]) => k.trim()).map(([k, v]) => [k.trim(), v])),
    ...(filters ? { filters } : {}),
    retry_policy: {
      max_attempts: Number(d.max_attempts),
      initial_delay: Number(d.initial_delay),
      backoff_multiplier: Number(d.backoff_multiplier),
      max_delay: Number(d.max_delay),
      retry_on_4xx: (existing?.retry_policy.retry_on_4xx as number[] | undefined) ?? [408],
    },
    timeout_seconds: Number(d.timeout_seconds),
    enabled: d.enabled,
  };
}

function SubscriptionForm({ existing }: { existing?: Subscription }) {
  const [d, setD] = useState(() => draftOf(existing));
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const types = useLoad(() => get('listEventTypes'), []);
  const save = useAction(async () => {
    const body = bodyOf(d, existing);
    if (existing) {
      await get('replaceSubscription', { params: { id: existing.subscription_id }, body, ifMatch: existing.version });
      navigate(`/subscriptions/${seg(existing.subscription_id)}`);
    } else {
      const s = await get('createSubscription', { body });
      revealOnce(s.subscription_id, 'Signing secret', s.secret);
      navigate(`/subscriptions/${seg(s.subscription_id)}`);
    }
  });
  const suggestions = [...(types.data?.items.map((t) => t.type) ?? []), '*'];
  return (
    <FieldErrors.Provider value={errorsByPath(save.error)}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <ErrorBox error={save.error} title="Not saved" />
        <Panel title="Endpoint">
          <TextField label="URL" path="url" type="url" value={d.url} onValue={(v) => set({ url: v })} required hint="Where Hookline POSTs each event (https in production)." />
          <TextField label="Description" path="description" value={d.description} onValue={(v) => set({ description: v })} />
          <CheckField label="Enabled" path="enabled" checked={d.enabled} onValue={(v) => set({ enabled: v })} />
        </Panel>
        <Panel title="Events">
          <datalist id="event-types">
            {suggestions.map((t) => (
              <option key={t} value={t}>
                {types.data?.items.find((x) => x.type === t)?.description}
              </option>
            ))}
          </datalist>
          {d.events.map((ev, i) => (
            <div class="cond-row" key={i}>
              <TextField
                label={`Event pattern ${i + 1}`}
                path={`events.${i}`}
                list="event-types"
                autoComplete="off"
                value={ev}
                onValue={(v) => set({ events: d.events.map((x, j) => (j === i ? v : x)) })}
                hint={i === 0 ? 'An event type, a prefix wildcard (project.*, agent:*) or *.' : undefined}
              />
              {d.events.length > 1 && (
                <button type="button" class="small" onClick={() => set({ events: d.events.filter((_, j) => j !== i) })} aria-label={`Remove pattern ${i + 1}`}>
                  Remove
                </button>
              )}
            </div>
          ))}
          {lookupEvents(save.error)}
          <button type="button" class="small" onClick={() => set({ events: [...d.events, ''] })}>
            Add event pattern
          </button>
          <TextAreaField
            label="Filters (JSON)"
            path="filters.*"
            value={d.filters}
            onValue={(v) => set({ filters: v })}
            rows={4}
            mono
            hint='Conditions on the event, e.g. {"platforms": ["web"], "min_severity": "warning"} or {"all": [{"field": "data.amount", "op": "gt", "value": 100}]}'
          />
        </Panel>
        <div class="grid2">
          <Panel title="Retry policy">
            <div class="row">
              <TextField label="Max attempts" path="retry_policy.max_attempts" type="number" value={d.max_attempts} onValue={(v) => set({ max_attempts: v })} />
              <TextField label="Initial delay (s)" path="retry_policy.initial_delay" type="number" value={d.initial_delay} onValue={(v) => set({ initial_delay: v })} />
              <TextField label="Backoff multiplier" path="retry_policy.backoff_multiplier" type="number" value={d.backoff_multiplier} onValue={(v) => set({ backoff_multiplier: v })} />
              <TextField label="Max delay (s)" path="retry_policy.max_delay" type="number" value={d.max_delay} onValue={(v) => set({ max_delay: v })} />
              <TextField label="Timeout (s)" path="timeout_seconds" type="number" value={d.timeout_seconds} onValue={(v) => set({ timeout_seconds: v })} />
            </div>
          </Panel>
          <Panel title="Headers">
            {d.headers.map(([k, v], i) => (
              <div class="cond-row" key={i}>
                <TextField label={`Header name ${i + 1}`} path="headers" value={k} onValue={(x) => set({ headers: d.headers.map((h, j) => (j === i ? [x, h[1]] : h)) })} />
                <TextField label={`Header value ${i + 1}`} value={v} onValue={(x) => set({ headers: d.headers.map((h, j) => (j === i ? [h[0], x] : h)) })} />
                <button type="button" class="small" onClick={() => set({ headers: d.headers.filter((_, j) => j !== i) })} aria-label={`Remove header ${i + 1}`}>
                  Remove
                </button>
              </div>
            ))}
            {!d.headers.length && <p class="muted">No extra headers.</p>}
            <button type="button" class="small" onClick={() => set({ headers: [...d.headers, ['', '']] })}>
              Add header
            </button>
          </Panel>
        </div>
        <div class="actions">
          <Busy type="submit" class="primary" busy={save.busy}>
            {existing ? 'Save changes' : 'Create subscription'}
          </Busy>
          <a class="button" href={existing ? `/subscriptions/${seg(existing.subscription_id)}` : '/subscriptions'}>
            Cancel
          </a>
        </div>
      </form>
    </FieldErrors.Provider>
  );
}

function lookupEvents(e: Error | undefined) {
  const msg = errorsByPath(e).events;
  return msg ? <p class="field-error">⚠ events: {msg}</p> : null;
}

export function SubscriptionCreatePage() {
  return (
    <Page title="Create subscription" crumbs={[{ href: '/subscriptions', label: 'Subscriptions' }]}>
      <SubscriptionForm />
    </Page>
  );
}

export function SubscriptionEditPage({ id }: { id: string }) {
  const s = useLoad(() => get('getSubscription', { params: { id } }), [id]);
  return (
    <Page title="Edit subscription" crumbs={[{ href: '/subscriptions', label: 'Subscriptions' }, { href: `/subscriptions/${seg(id)}`, label: id }]}>
      <Async state={s} label="the subscription">
        {(x) => <SubscriptionForm existing={x} />}
      </Async>
    </Page>
  );
}

const WINDOWS: [string, string][] = [
  ['1', 'Last hour'],
  ['24', 'Last 24 hours'],
  ['168', 'Last 7 days'],
  ['720', 'Last 30 days'],
];

function Stats({ id, tick }: { id: string; tick: number }) {
  const [hours, setHours] = useState('24');
  const stats = useLoad(() => get('subscriptionStats', { params: { id }, query: { window_hours: Number(hours) } }), [id, hours, tick]);
  return (
    <Panel title="Delivery stats" actions={<SelectField label="Window" value={hours} onValue={setHours} options={WINDOWS} />}>
      <Async state={stats} label="stats">
        {(s) =>
          s.deliveries === 0 ? (
            <Empty>No deliveries in this window: send a test event.</Empty>
          ) : (
            <div class="grid2">
              <BarChart
                title={`Success rate and outcomes since ${utc(s.since)} (${s.deliveries} deliveries, ${s.retries} retries)`}
                max={1}
                bars={[
                  { label: 'Success rate', value: s.success_rate, text: pct(s.success_rate), tone: 'ok' },
                  { label: 'Succeeded', value: s.by_status.success / s.deliveries, text: String(s.by_status.success), tone: 'ok' },
                  { label: 'Failed', value: s.by_status.failed / s.deliveries, text: String(s.by_status.failed), tone: 'bad' },
                  { label: 'Retrying', value: s.by_status.retrying / s.deliveries, text: String(s.by_status.retrying), tone: 'warn' },
                ]}
              />
              <BarChart
                title={`Latency over ${s.attempts} attempts`}
                bars={[
                  { label: 'p50', value: s.latency_ms.p50, text: ms(s.latency_ms.p50) },
                  { label: 'p95', value: s.latency_ms.p95, text: ms(s.latency_ms.p95) },
                ]}
              />
            </div>
          )
        }
      </Async>
    </Panel>
  );
}

/** Sends one delivery again from the log (a new attempt after the earlier ones). */
function RetryButton({ delivery, onDone }: { delivery: Delivery; onDone: () => void }) {
  const act = useAction(async () => {
    await get('retryDelivery', { params: { delivery_id: delivery.delivery_id } });
    onDone();
  });
  return (
    <>
      <Busy class="small" busy={act.busy} onClick={() => void act.run()} aria-label={`Retry delivery ${delivery.delivery_id}`}>
        Retry
      </Busy>
      <ErrorBox error={act.error} title="Retry failed" />
    </>
  );
}

function Deliveries({ id, status, tick }: { id: string; status: string; tick: number }) {
  const canWrite = useCan('write');
  const [retried, setRetried] = useState(0);
  return (
    <Panel
      title="Delivery log"
      actions={
        <SelectField label="Delivery status" value={status} onValue={(v) => setQuery({ status: v || undefined }, { replace: true })} options={[['', 'Any status'], ...DELIVERY_STATUSES.map((s): [string, string] => [s, s])]} />
      }
    >
            <PagedTable
              load={(cursor) => get('listDeliveries', { params: { id }, query: { limit: 25, cursor, status: (status || undefined) as Delivery['status'] | undefined } })}
              deps={[id, status]}
              tick={tick + retried}
              label="deliveries"
              caption="Deliveries, newest first"
              rowKey={(x) => x.delivery_id}
              empty={<p>No deliveries yet: send a test event, or publish an event this subscription's patterns match.</p>}
              columns={[
                { header: 'Created', cell: (x) => <Time iso={x.created_at} /> },
                { header: 'Delivery', cell: (x) => <a href={`/deliveries/${seg(x.delivery_id)}`}>{x.event_type}</a> },
                { header: 'Status', cell: (x) => <Badge status={x.status} /> },
                { header: 'Attempts', cell: (x) => String(x.attempt_count) },
                { header: 'Last status code', cell: (x) => (x.last_status_code === null ? <span class="muted">none</span> : String(x.last_status_code)) },
                { header: 'Next attempt', wide: true, cell: (x) => (x.next_attempt_at ? <Time iso={x.next_attempt_at} /> : <span class="muted">none</span>) },
                ...(canWrite ? [{ header: 'Retry', cell: (x: Delivery) => (x.status === 'sending' ? <span class="muted">sending</span> : <RetryButton delivery={x} onDone={() => setTimeout(() => setRetried((n) => n + 1), 1000)} />) }] : []),
              ]}
            />
    </Panel>
  );
}

export function SubscriptionDetailPage({ id, status }: { id: string; status: string }) {
  const canWrite = useCan('write');
  const sub = useLoad(() => get('getSubscription', { params: { id } }), [id]);
  const [revealed, setRevealed] = useState(() => takeRevealed(id));
  const [tick, setTick] = useState(0);
  const [sent, setSent] = useState<Res<'testSubscription'> | null>(null);
  const test = useAction(async () => {
    setSent(await get('testSubscription', { params: { id } }));
    // Refresh the log and stats a moment later, and again after the first attempt had time to finish.
    setTimeout(() => setTick((t) => t + 1), 700);
    setTimeout(() => setTick((t) => t + 1), 2500);
  });
  const [grace, setGrace] = useState('86400');
  // Pause keeps every delivery (status paused); resume sends them oldest first, so the log refreshes a moment later.
  const pausing = useAction(async (pause: boolean) => {
    sub.set(pause ? await get('pauseSubscription', { params: { id } }) : await get('resumeSubscription', { params: { id } }));
    setTimeout(() => setTick((t) => t + 1), 1500);
  });
  // A new signed hookline.verification; its delivery shows how the endpoint answered, and the page reloads to show verified.
  const [verifying, setVerifying] = useState<Res<'verifySubscription'> | null>(null);
  const verify = useAction(async () => {
    setVerifying(await get('verifySubscription', { params: { id } }));
    setTimeout(() => void get('getSubscription', { params: { id } }).then(sub.set), 2000);
    setTimeout(() => setTick((t) => t + 1), 700);
  });
  return (
    <Async state={sub} label="the subscription">
      {(s) => (
        <Page
          title={s.description || s.url}
          crumbs={[{ href: '/subscriptions', label: 'Subscriptions' }]}
          actions={
            canWrite && (
              <>
                <Busy busy={test.busy} onClick={() => void test.run()}>
                  Send test event
                </Busy>
                <Busy busy={pausing.busy} onClick={() => void pausing.run(!s.paused)}>
                  {s.paused ? 'Resume' : 'Pause'}
                </Busy>
                <a class="button" href={`/subscriptions/${seg(id)}/edit`}>
                  Edit
                </a>
                <ConfirmButton
                  label="Delete"
                  danger
                  title="Delete this subscription?"
                  confirm="Delete subscription"
                  onConfirm={async () => {
                    await get('deleteSubscription', { params: { id } });
                    navigate('/subscriptions');
                  }}
                >
                  <p>No more events are delivered to {s.url}.</p>
                </ConfirmButton>
              </>
            )
          }
        >
          <ErrorBox error={test.error} title="Test event not sent" />
          <ErrorBox error={pausing.error} title={s.paused ? 'Not resumed' : 'Not paused'} />
          <ErrorBox error={verify.error} title="Verification not sent" />
          {verifying && (
            <p class="ok-box" role="status">
              Verification sent: <a href={`/deliveries/${seg(verifying.delivery_id)}`}>delivery {verifying.delivery_id}</a>
            </p>
          )}
          {sent && (
            <p class="ok-box" role="status">
              Test event {sent.event_id} queued: <a href={`/deliveries/${seg(sent.delivery_id)}`}>delivery {sent.delivery_id}</a>
            </p>
          )}
          {revealed && <SecretOnce label={revealed.label} value={revealed.value} />}
          <Panel title="Overview">
            <Facts
              rows={[
                ['Status', subStatus(s)],
                [
                  'Paused',
                  s.paused ? (
                    <span>
                      <Badge status="paused" label="paused" /> since <Time iso={s.paused_at} />: deliveries wait with status paused and are sent, oldest first, on resume
                    </span>
                  ) : (
                    <span class="muted">no</span>
                  ),
                ],
                [
                  'URL',
                  <span class="url">
                    <code>{s.url}</code> <CopyButton text={s.url} label="Copy URL" />
                  </span>,
                ],
                [
                  'Endpoint verification',
                  <span>
                    {s.verified ? <Badge status="success" label="verified" /> : <Badge status="pending" label="not verified" />}{' '}
                    {s.verification_delivery_id && <a href={`/deliveries/${seg(s.verification_delivery_id)}`}>latest check</a>}{' '}
                    {canWrite && (
                      <Busy busy={verify.busy} onClick={() => void verify.run()}>
                        Verify endpoint
                      </Busy>
                    )}
                  </span>,
                ],
                ['Rate limit', s.rate_limit ? `${s.rate_limit.per_second}/s, burst ${s.rate_limit.burst ?? 1}` : <span class="muted">none</span>],
                ['Events', s.events.join(', ')],
                ['Tenant', s.tenant_id ?? <span class="muted">none (receives events published without a tenant)</span>],
                ['Filters', s.filters ? <code>{JSON.stringify(s.filters)}</code> : <span class="muted">none</span>],
                ['Headers', Object.keys(s.headers).length ? Object.entries(s.headers).map(([k, v]) => `${k}: ${v}`).join('; ') : <span class="muted">none</span>],
                ['Retry policy', `${s.retry_policy.max_attempts} attempts, ${s.retry_policy.initial_delay} s × ${s.retry_policy.backoff_multiplier} up to ${s.retry_policy.max_delay} s; timeout ${s.timeout_seconds} s`],
                [
                  'Signing secret',
                  <span>
                    <code>{s.secret}</code>{' '}
                    {canWrite && (
                      <ConfirmButton
                        label="Rotate secret"
                        title="Rotate the signing secret"
                        confirm="Rotate now"
                        onConfirm={async () => {
                          const x = await get('rotateSubscriptionSecret', { params: { id }, body: { grace_seconds: Number(grace) } });
                          revealOnce(id, 'New signing secret', x.secret);
                          sub.set(x);
                          setRevealed(takeRevealed(id));
                        }}
                      >
                        <p>A new secret is generated and shown once. During the grace period every delivery carries two signatures, so receivers can switch over.</p>
                        <Field label="Grace period (seconds)">
                          {(c) => <input {...c} type="number" min={0} max={2592000} value={grace} onInput={(e) => setGrace((e.target as HTMLInputElement).value)} />}
                        </Field>
                      </ConfirmButton>
                    )}
                  </span>,
                ],
                ['Created', <Time iso={s.created_at} />],
              ]}
            />
          </Panel>
          <Stats id={id} tick={tick} />
          <Deliveries id={id} status={status} tick={tick} />
        </Page>
      )}
    </Async>
  );
}

export function DeliveryPage({ id }: { id: string }) {
  const canWrite = useCan('write');
  const d = useLoad(() => get('getDelivery', { params: { delivery_id: id } }), [id]);
  const retry = useAction(async () => {
    await get('retryDelivery', { params: { delivery_id: id } });
    setTimeout(d.reload, 1500);
  });
  return (
    <Async state={d} label="the delivery">
      {(x) => (
        <Page
          title={`Delivery of ${x.event_type}`}
          crumbs={[
            { href: '/subscriptions', label: 'Subscriptions' },
            { href: `/subscriptions/${seg(x.subscription_id)}`, label: x.subscription_id },
          ]}
          actions={
            <>
              {canWrite && (
                <Busy busy={retry.busy} onClick={() => void retry.run()}>
                  Retry
                </Busy>
              )}
              <button type="button" onClick={d.reload}>
                Refresh
              </button>
            </>
          }
        >
          <ErrorBox error={retry.error} title="Retry failed" />
          <Panel title="Summary">
            <Facts
              rows={[
                ['Status', <Badge status={x.status} />],
                ['Delivery id', <code>{x.delivery_id}</code>],
                ['Event id', <code>{x.event_id}</code>],
                ['Trace id', <code title="filter trace_id in the functions' logs to follow it">{x.trace_id}</code>],
                ['Attempts', String(x.attempt_count)],
                ['Next attempt', x.next_attempt_at ? utc(x.next_attempt_at) : <span class="muted">none</span>],
                ['Created', utc(x.created_at)],
              ]}
            />
          </Panel>
          <Panel title="Attempts">
            <Table
              caption="Attempts"
              rows={x.attempts}
              rowKey={(a) => String(a.attempt)}
              empty={<p>No attempt yet: the deliverer picks it up within seconds.</p>}
              columns={[
                { header: 'Attempt', cell: (a) => `#${a.attempt}` },
                { header: 'At', cell: (a) => utc(a.at) },
                { header: 'Status code', cell: (a) => (a.status_code === null ? <span class="muted">no answer</span> : <Badge status={a.status_code < 300 ? 'success' : 'failed'} label={String(a.status_code)} />) },
                { header: 'Latency', cell: (a) => ms(a.duration_ms) },
                { header: 'Response', cell: (a) => (a.error ? <span class="field-error">{a.error}</span> : <code>{a.response_excerpt ?? ''}</code>) },
              ]}
            />
          </Panel>
          <Panel title="Body sent">
            <pre class="json" tabIndex={0} aria-label="Body sent">{x.body}</pre>
          </Panel>
        </Page>
      )}
    </Async>
  );
}
