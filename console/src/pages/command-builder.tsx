/**
 * The command builder: trigger (with the provider's event names), action, agent, priority,
 * conditions (labels, body_contains, channel, field ops, regex) and template, with a live preview
 * from `POST /api/webhooks/{id}/commands/preview` (or `POST /api/commands/preview` on the create page, before
 * the webhook exists): the consumer's own matching and rendering, so what it shows is what will happen.
 */
import { useEffect, useId, useState } from 'preact/hooks';
import { useContext } from 'preact/hooks';
import { ApiError, get, type Body, type Res } from '../api';
import { triggerSuggestions } from '../../../shared/model/provider-events';
import type { ProviderId } from '../../../shared/model/webhook-providers';
import { CheckField, Field, FieldErrors, SelectField, TextAreaField, TextField } from '../ui/field';
import { ErrorBox } from '../ui/page';
import { ACTIONS, commandOf, OPS, type CommandDraft, type CommandInput, type FieldDraft } from './command-draft';

export { commandOf, draftOf, newCommand, type CommandDraft } from './command-draft';

type PreviewAnswer = Res<'previewCommand'>;
type PreviewBody = Body<'previewCommand'>;

/** The live preview: re-runs (debounced) whenever the command or the chosen event changes. */
function Preview({ webhookId, provider, command, events }: { webhookId?: string; provider: ProviderId; command: CommandInput; events: { event_id: string; event_type: string }[] }) {
  const [source, setSource] = useState('sample');
  const [payload, setPayload] = useState('');
  const [eventType, setEventType] = useState('');
  const [answer, setAnswer] = useState<PreviewAnswer | null>(null);
  const [error, setError] = useState<Error | undefined>();
  const [busy, setBusy] = useState(false);
  const body = JSON.stringify(command);
  useEffect(() => {
    let cancelled = false;
    const t = setTimeout(async () => {
      let req: PreviewBody = { command };
      if (source === 'payload') {
        try {
          req = { command, payload: JSON.parse(payload || '{}'), event_type: eventType.trim() || command.trigger };
        } catch (e) {
          setError(new Error(`The sample payload is not valid JSON: ${(e as Error).message}`));
          return;
        }
      } else if (source !== 'sample') req = { command, event_id: source };
      setBusy(true);
      try {
        // Before the webhook exists its provider stands in for it (payloads and samples only).
        const r = webhookId
          ? await get('previewCommand', { params: { id: webhookId }, body: req })
          : await get('previewUnsavedCommand', { body: { provider, command: req.command, ...('payload' in req ? { payload: req.payload, event_type: req.event_type } : {}) } });
        if (!cancelled) {
          setAnswer(r);
          setError(undefined);
        }
      } catch (e) {
        if (!cancelled) {
          setAnswer(null);
          setError(e as Error);
        }
      } finally {
        if (!cancelled) setBusy(false);
      }
    }, 400);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [webhookId, provider, body, source, payload, eventType]);
  return (
    <div class={`preview ${answer ? (answer.matched ? 'matched' : 'unmatched') : ''}`} aria-live="polite" aria-busy={busy}>
      <div class="row">
        <SelectField
          label="Preview against"
          value={source}
          onValue={setSource}
          options={[['sample', "The provider's sample event"], ...events.map((e): [string, string] => [e.event_id, `${e.event_type} · ${e.event_id}`]), ['payload', 'A payload I paste']]}
        />
      </div>
      {source === 'payload' && (
        <>
          <TextField label="Its event type" value={eventType} onValue={setEventType} placeholder={command.trigger} hint="Empty: the trigger." />
          <TextAreaField label="Sample payload (JSON)" value={payload} onValue={setPayload} rows={5} mono />
        </>
      )}
      <h4>
        Preview{busy && <span class="muted"> (updating…)</span>}
      </h4>
      {error && !(error instanceof ApiError && error.details.length && error.status === 400) && <ErrorBox error={error} title="Preview failed" />}
      {error instanceof ApiError && error.status === 400 && error.details.length > 0 && <ErrorBox error={error} title="The command is not valid yet" />}
      {answer && (
        <>
          <p>
            {answer.matched ? (
              <strong class="ok-text">✓ Matches{answer.event ? ` the ${answer.event.event_type} event` : ''}.</strong>
            ) : (
              <strong class="bad-text">✕ Does not match{answer.event ? ` the ${answer.event.event_type} event` : ''}:</strong>
            )}
          </p>
          {!answer.matched && (
            <ul>
              {answer.reasons.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
          {answer.rendered !== null && (
            <>
              <p class="muted">Rendered template:</p>
              <pre>{answer.rendered}</pre>
            </>
          )}
          {answer.missing.length > 0 && <p class="muted">Empty in this event: {answer.missing.join(', ')}</p>}
        </>
      )}
    </div>
  );
}

/** One command's editor. `path` is its field path in the API body (`commands.0`). */
export function CommandEditor(p: {
  draft: CommandDraft;
  index: number;
  provider: ProviderId;
  webhookId?: string;
  events: { event_id: string; event_type: string }[];
  onChange: (d: CommandDraft) => void;
  onRemove: () => void;
}) {
  const d = p.draft;
  const path = `commands.${p.index}`;
  const set = (patch: Partial<CommandDraft>) => p.onChange({ ...d, ...patch });
  const listId = useId();
  const errors = useContext(FieldErrors);
  const suggestions = triggerSuggestions(p.provider);
  const fieldsPath = `${path}.conditions.${d.mode}`;
  return (
    <fieldset class="builder">
      <legend>Command {p.index + 1}</legend>
      <div class="builder-head">
        <code>
          {d.trigger || '…'} -&gt; {d.action}
          {d.agent ? ` (${d.agent})` : ''}
        </code>
        <button type="button" class="small danger" onClick={p.onRemove} aria-label={`Remove command ${p.index + 1}`}>
          Remove
        </button>
      </div>
      <div class="row">
        <Field label="Trigger" path={`${path}.trigger`} hint="An event type, a wildcard such as issues.*, or *.">
          {(c) => (
            <>
              <input {...c} list={listId} value={d.trigger} onInput={(e) => set({ trigger: (e.target as HTMLInputElement).value })} autoComplete="off" />
              <datalist id={listId}>
                {suggestions.map((s) => (
                  <option key={s} value={s} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <SelectField label="Action" path={`${path}.action`} value={d.action} onValue={(v) => set({ action: v as CommandDraft['action'] })} options={[...ACTIONS]} />
        <TextField label="Agent" path={`${path}.agent`} value={d.agent} onValue={(v) => set({ agent: v })} hint={d.action === 'create_task' ? 'Required for create_task.' : 'Optional.'} />
        <TextField label="Priority" path={`${path}.priority`} type="number" value={d.priority} onValue={(v) => set({ priority: v })} hint="Higher runs first." />
      </div>
      {d.action === 'forward' && <TextField label="Forward URL" path={`${path}.forward_url`} type="url" value={d.forward_url} onValue={(v) => set({ forward_url: v })} />}
      <fieldset>
        <legend>Conditions (all must hold)</legend>
        <div class="row">
          <TextField label="Labels (any of)" path={`${path}.conditions.labels`} value={d.labels} onValue={(v) => set({ labels: v })} hint="Comma-separated, e.g. bug, urgent" />
          <TextField label="Body contains" path={`${path}.conditions.body_contains`} value={d.body_contains} onValue={(v) => set({ body_contains: v })} />
          <TextField label="Channel" path={`${path}.conditions.channel`} value={d.channel} onValue={(v) => set({ channel: v })} hint="Slack channel id or name" />
        </div>
        <SelectField
          label="Field conditions"
          value={d.mode}
          onValue={(v) => set({ mode: v as 'all' | 'any' })}
          options={[
            ['all', 'All of these (and)'],
            ['any', 'Any of these (or)'],
          ]}
        />
        {errors[fieldsPath] && <p class="field-error">⚠ {errors[fieldsPath]}</p>}
        {d.fields.map((f, i) => {
          const fp = `${fieldsPath}.${i}`;
          const upd = (patch: Partial<FieldDraft>) => set({ fields: d.fields.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
          return (
            <div class="cond-row" key={i}>
              <TextField label={`Field ${i + 1}`} path={`${fp}.field`} value={f.field} onValue={(v) => upd({ field: v })} placeholder="issue.title" />
              <SelectField label={`Operator ${i + 1}`} path={`${fp}.op`} value={f.op} onValue={(v) => upd({ op: v as FieldDraft['op'] })} options={[...OPS]} />
              <TextField
                label={`Value ${i + 1}`}
                path={`${fp}.value`}
                value={f.value}
                onValue={(v) => upd({ value: v })}
                placeholder={f.op === 'regex' ? '^\\[bug\\]' : f.op === 'in' ? 'a, b, c' : f.op === 'exists' ? 'true or false' : ''}
              />
              <button type="button" class="small" onClick={() => set({ fields: d.fields.filter((_, j) => j !== i) })} aria-label={`Remove field condition ${i + 1}`}>
                Remove
              </button>
            </div>
          );
        })}
        <button type="button" class="small" onClick={() => set({ fields: [...d.fields, { field: '', op: 'eq', value: '' }] })}>
          Add field condition
        </button>
      </fieldset>
      <TextAreaField
        label="Template"
        path={`${path}.template`}
        value={d.template}
        onValue={(v) => set({ template: v })}
        rows={3}
        mono
        hint="Mustache against the payload, e.g. Analyze issue: {{issue.title}}"
      />
      <CheckField label="Stop: run no lower-priority command after this one" path={`${path}.stop`} checked={d.stop} onValue={(v) => set({ stop: v })} />
      <Preview webhookId={p.webhookId} provider={p.provider} command={commandOf(d)} events={p.events} />
    </fieldset>
  );
}
