/** Create and edit a webhook: settings plus the command builder; API errors land next to their field. */
import { useState } from 'preact/hooks';
import { get, type Body } from '../api';
import { PROVIDERS, type ProviderId } from '../../../shared/model/webhook-providers';
import { navigate, seg } from '../router';
import { errorsByPath, FieldErrors, SelectField, TextAreaField, TextField, CheckField } from '../ui/field';
import { useAction, useLoad } from '../ui/hooks';
import { Async, Busy, ErrorBox, Page, Panel } from '../ui/page';
import { revealOnce } from '../ui/secret';
import { CommandEditor, commandOf, draftOf, newCommand, type CommandDraft } from './command-builder';
import type { Webhook } from './webhooks';

type WebhookBody = Body<'createWebhook'>;
type Verification = NonNullable<WebhookBody['verification']>;

interface Draft {
  webhook_id: string;
  name: string;
  provider: ProviderId;
  enabled: boolean;
  reply_token: string;
  reply_api_base_url: string;
  reply_email: string;
  reply_bot_user: string;
  ip_allowlist: string;
  rate_per_second: string;
  rate_burst: string;
  verification: { header: string; algorithm: string; encoding: string; prefix: string; signed_payload: string; timestamp_header: string; id_header: string; tolerance_seconds: string };
  commands: CommandDraft[];
}

function draftOfWebhook(w?: Webhook): Draft {
  const v = (w?.verification ?? {}) as Record<string, unknown>;
  const s = (k: string, d = '') => (v[k] === undefined ? d : String(v[k]));
  return {
    webhook_id: w?.webhook_id ?? '',
    name: w?.name ?? '',
    provider: w?.provider ?? 'github',
    enabled: w?.enabled ?? true,
    // The token is write-only: the form starts empty and an empty token keeps the stored one.
    reply_token: '',
    reply_api_base_url: w?.reply?.api_base_url ?? '',
    reply_email: w?.reply?.email ?? '',
    reply_bot_user: w?.reply?.bot_user ?? '',
    ip_allowlist: (w?.ip_allowlist ?? []).join('\n'),
    rate_per_second: w?.rate_limit ? String(w.rate_limit.per_second) : '',
    rate_burst: w?.rate_limit ? String(w.rate_limit.burst) : '',
    verification: {
      header: s('header'),
      algorithm: s('algorithm', 'sha256'),
      encoding: s('encoding', 'hex'),
      prefix: s('prefix'),
      signed_payload: s('signed_payload', '{body}'),
      timestamp_header: s('timestamp_header'),
      id_header: s('id_header'),
      tolerance_seconds: s('tolerance_seconds', '300'),
    },
    commands: (w?.commands ?? []).map(draftOf),
  };
}

function bodyOf(d: Draft, existing?: Webhook): WebhookBody {
  const reply = {
    ...(d.reply_token ? { token: d.reply_token } : existing?.reply?.token ? { token: existing.reply.token } : {}),
    ...(d.reply_api_base_url.trim() ? { api_base_url: d.reply_api_base_url.trim() } : {}),
    ...(d.reply_email.trim() ? { email: d.reply_email.trim() } : {}),
    ...(d.reply_bot_user.trim() ? { bot_user: d.reply_bot_user.trim() } : {}),
  };
  const ips = d.ip_allowlist.split(/[\s,]+/).filter(Boolean);
  const v = d.verification;
  const verification = {
    header: v.header.trim(),
    algorithm: v.algorithm,
    encoding: v.encoding,
    prefix: v.prefix,
    signed_payload: v.signed_payload,
    ...(v.timestamp_header.trim() ? { timestamp_header: v.timestamp_header.trim() } : {}),
    ...(v.id_header.trim() ? { id_header: v.id_header.trim() } : {}),
    tolerance_seconds: Number(v.tolerance_seconds) || 300,
  } as Verification;
  return {
    ...(d.webhook_id.trim() ? { webhook_id: d.webhook_id.trim() } : {}),
    name: d.name.trim(),
    provider: d.provider,
    enabled: d.enabled,
    commands: d.commands.map(commandOf),
    ...(Object.keys(reply).length ? { reply } : {}),
    ...(ips.length ? { ip_allowlist: ips } : {}),
    ...(d.rate_per_second || d.rate_burst ? { rate_limit: { per_second: Number(d.rate_per_second), burst: Number(d.rate_burst) } } : {}),
    ...(d.provider === 'custom' ? { verification } : {}),
  };
}

function Form({ existing }: { existing?: Webhook }) {
  const [d, setD] = useState<Draft>(() => draftOfWebhook(existing));
  const [warnings, setWarnings] = useState<{ path: string; message: string }[]>([]);
  const set = (patch: Partial<Draft>) => setD((x) => ({ ...x, ...patch }));
  const setV = (patch: Partial<Draft['verification']>) => setD((x) => ({ ...x, verification: { ...x.verification, ...patch } }));
  const id = existing?.webhook_id;
  const events = useLoad(() => (id ? get('listEvents', { params: { id }, query: { limit: 10 } }).then((p) => p.items) : Promise.resolve([])), [id]);
  const save = useAction(async () => {
    const body = bodyOf(d, existing);
    const answer = existing
      ? await get('replaceWebhook', { params: { id: existing.webhook_id }, body, ifMatch: existing.version })
      : await get('createWebhook', { body });
    const w = answer as Webhook & { warnings?: { path: string; message: string }[] };
    if (!existing) revealOnce(w.webhook_id, 'Signing secret', w.secret);
    if (w.warnings?.length) {
      setWarnings(w.warnings);
      if (!existing) navigate(`/webhooks/${seg(w.webhook_id)}/edit`, { replace: true });
      return;
    }
    navigate(`/webhooks/${seg(w.webhook_id)}`);
  });
  const errors = errorsByPath(save.error);
  return (
    <FieldErrors.Provider value={errors}>
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save.run();
        }}
      >
        <ErrorBox error={save.error} title="Not saved" />
        {warnings.length > 0 && (
          <div class="notice" role="status">
            <strong>Saved, with warnings:</strong>
            <ul>
              {warnings.map((w) => (
                <li key={w.path + w.message}>
                  <code>{w.path}</code>: {w.message}
                </li>
              ))}
            </ul>
            <a href={`/webhooks/${seg(d.webhook_id || id || '')}`}>Go to the webhook</a>
          </div>
        )}
        <Panel title="Webhook">
          <div class="row">
            <TextField label="Name" path="name" value={d.name} onValue={(v) => set({ name: v })} required />
            {existing ? (
              <TextField label="Webhook id" value={existing.webhook_id} onValue={() => undefined} readOnly hint="Fixed once created." />
            ) : (
              <TextField label="Webhook id" path="webhook_id" value={d.webhook_id} onValue={(v) => set({ webhook_id: v })} hint="Optional: lower-case letters, digits, _ and -. Generated when empty." />
            )}
            <SelectField label="Provider" path="provider" value={d.provider} onValue={(v) => set({ provider: v as ProviderId })} options={[...PROVIDERS]} />
          </div>
          <CheckField label="Enabled (the endpoint accepts events)" path="enabled" checked={d.enabled} onValue={(v) => set({ enabled: v })} />
        </Panel>
        {d.provider === 'custom' && (
          <Panel title="Signature verification (custom provider)">
            <div class="row">
              <TextField label="Signature header" path="verification.header" value={d.verification.header} onValue={(v) => setV({ header: v })} />
              <SelectField label="Algorithm" path="verification.algorithm" value={d.verification.algorithm} onValue={(v) => setV({ algorithm: v })} options={['sha256', 'sha1', 'sha512']} />
              <SelectField label="Encoding" path="verification.encoding" value={d.verification.encoding} onValue={(v) => setV({ encoding: v })} options={['hex', 'base64']} />
              <TextField label="Prefix" path="verification.prefix" value={d.verification.prefix} onValue={(v) => setV({ prefix: v })} hint="e.g. sha256=" />
            </div>
            <div class="row">
              <SelectField
                label="Signed payload"
                path="verification.signed_payload"
                value={d.verification.signed_payload}
                onValue={(v) => setV({ signed_payload: v })}
                options={['{body}', '{timestamp}.{body}', '{id}.{timestamp}.{body}']}
              />
              <TextField label="Timestamp header" path="verification.timestamp_header" value={d.verification.timestamp_header} onValue={(v) => setV({ timestamp_header: v })} />
              <TextField label="Id header" path="verification.id_header" value={d.verification.id_header} onValue={(v) => setV({ id_header: v })} />
              <TextField label="Tolerance (seconds)" path="verification.tolerance_seconds" type="number" value={d.verification.tolerance_seconds} onValue={(v) => setV({ tolerance_seconds: v })} />
            </div>
          </Panel>
        )}
        <Panel title="Commands">
          {d.commands.length === 0 && <p class="muted">No commands yet: events will be logged but nothing runs. Add one below.</p>}
          {d.commands.map((c, i) => (
            <CommandEditor
              key={c.key}
              draft={c}
              index={i}
              provider={d.provider}
              webhookId={id}
              events={events.data ?? []}
              onChange={(nc) => setD((x) => ({ ...x, commands: x.commands.map((y) => (y.key === c.key ? nc : y)) }))}
              onRemove={() => setD((x) => ({ ...x, commands: x.commands.filter((y) => y.key !== c.key) }))}
            />
          ))}
          <button type="button" onClick={() => setD((x) => ({ ...x, commands: [...x.commands, newCommand(x.provider)] }))}>
            Add command
          </button>
        </Panel>
        <div class="grid2">
          <Panel title="Reply settings">
            <TextField
              label="Reply token"
              path="reply.token"
              type="password"
              autoComplete="off"
              value={d.reply_token}
              onValue={(v) => set({ reply_token: v })}
              hint={existing?.reply?.token ? `Stored: ${existing.reply.token}. Leave empty to keep it.` : 'Used by comment, ask and respond to answer the source.'}
            />
            <TextField label="API base URL" path="reply.api_base_url" type="url" value={d.reply_api_base_url} onValue={(v) => set({ reply_api_base_url: v })} hint="Defaults to the provider's public API." />
            <div class="row">
              <TextField label="Email (Jira)" path="reply.email" value={d.reply_email} onValue={(v) => set({ reply_email: v })} />
              <TextField label="Bot user" path="reply.bot_user" value={d.reply_bot_user} onValue={(v) => set({ reply_bot_user: v })} hint="Its own events never trigger commands." />
            </div>
          </Panel>
          <Panel title="Limits">
            <TextAreaField label="IP allowlist" path="ip_allowlist" value={d.ip_allowlist} onValue={(v) => set({ ip_allowlist: v })} hint="One CIDR per line (IPv4 or IPv6). Empty: any address." />
            <div class="row">
              <TextField label="Rate limit (per second)" path="rate_limit.per_second" type="number" value={d.rate_per_second} onValue={(v) => set({ rate_per_second: v })} />
              <TextField label="Burst" path="rate_limit.burst" type="number" value={d.rate_burst} onValue={(v) => set({ rate_burst: v })} />
            </div>
          </Panel>
        </div>
        <div class="actions">
          <Busy type="submit" class="primary" busy={save.busy}>
            {existing ? 'Save changes' : 'Create webhook'}
          </Busy>
          <a class="button" href={existing ? `/webhooks/${seg(existing.webhook_id)}` : '/webhooks'}>
            Cancel
          </a>
        </div>
      </form>
    </FieldErrors.Provider>
  );
}

export function WebhookCreatePage() {
  return (
    <Page title="Create webhook" crumbs={[{ href: '/webhooks', label: 'Webhooks' }]}>
      <Form />
    </Page>
  );
}

export function WebhookEditPage({ id }: { id: string }) {
  const w = useLoad(() => get('getWebhook', { params: { id } }), [id]);
  return (
    <Page title={`Edit ${w.data?.name ?? id}`} crumbs={[{ href: '/webhooks', label: 'Webhooks' }, { href: `/webhooks/${seg(id)}`, label: id }]}>
      <Async state={w} label="the webhook">
        {(x) => <Form existing={x} />}
      </Async>
    </Page>
  );
}
