/**
 * A labelled form control with its hint and its error. Errors come from the API's details by field
 * path (`commands.0.trigger`): a form provides them through `FieldErrors` and each field shows the
 * one for its `path`, so a 400 lands next to the input it names.
 */
import { createContext, type ComponentChildren, type JSX } from 'preact';
import { useContext, useId } from 'preact/hooks';
import { ApiError } from '../api';

export const FieldErrors = createContext<Record<string, string>>({});

/** `{path: message}` of an API error's details (first message per path). */
export function errorsByPath(e: Error | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (e instanceof ApiError) for (const d of e.details) out[d.path] ??= d.message;
  return out;
}

/** The error for `path`; a path ending in `*` takes the first error under that prefix (a JSON field). */
export function lookup(errors: Record<string, string>, path: string): string | undefined {
  if (!path.endsWith('*')) return errors[path];
  const prefix = path.slice(0, -1);
  const hit = Object.keys(errors).find((k) => k === prefix.replace(/\.$/, '') || k.startsWith(prefix));
  return hit === undefined ? undefined : `${hit}: ${errors[hit]}`;
}

interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
}

/** Label + control + hint + error; `children` renders the control with the ids it must carry. */
export function Field(p: { label: string; path?: string; hint?: ComponentChildren; error?: string; children: (c: ControlProps) => ComponentChildren; class?: string }) {
  const id = useId();
  const errors = useContext(FieldErrors);
  const error = p.error ?? (p.path ? lookup(errors, p.path) : undefined);
  const described = [p.hint ? `${id}-hint` : '', error ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${error ? ' invalid' : ''}${p.class ? ` ${p.class}` : ''}`}>
      <label for={id}>{p.label}</label>
      {p.children({ id, 'aria-describedby': described, 'aria-invalid': error ? true : undefined })}
      {p.hint && (
        <small id={`${id}-hint`} class="hint">
          {p.hint}
        </small>
      )}
      {error && (
        <small id={`${id}-err`} class="field-error">
          <span aria-hidden="true">⚠ </span>
          {error}
        </small>
      )}
    </div>
  );
}

type InputAttrs = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'value' | 'onInput' | 'label'>;

/** A text input field bound to a string value. */
export function TextField(p: { label: string; path?: string; hint?: ComponentChildren; value: string; onValue: (v: string) => void } & InputAttrs) {
  const { label, path, hint, value, onValue, ...rest } = p;
  return (
    <Field label={label} path={path} hint={hint}>
      {(c) => <input {...rest} {...c} value={value} onInput={(e) => onValue((e.target as HTMLInputElement).value)} />}
    </Field>
  );
}

/** A select bound to a string value. */
export function SelectField(p: { label: string; path?: string; hint?: ComponentChildren; value: string; onValue: (v: string) => void; options: (string | [string, string])[] }) {
  return (
    <Field label={p.label} path={p.path} hint={p.hint}>
      {(c) => (
        <select {...c} value={p.value} onChange={(e) => p.onValue((e.target as HTMLSelectElement).value)}>
          {p.options.map((o) => {
            const [v, l] = Array.isArray(o) ? o : [o, o];
            return (
              <option key={v} value={v}>
                {l}
              </option>
            );
          })}
        </select>
      )}
    </Field>
  );
}

/** A textarea bound to a string value. */
export function TextAreaField(p: { label: string; path?: string; hint?: ComponentChildren; value: string; onValue: (v: string) => void; rows?: number; mono?: boolean }) {
  return (
    <Field label={p.label} path={p.path} hint={p.hint}>
      {(c) => <textarea {...c} rows={p.rows ?? 3} class={p.mono ? 'mono' : undefined} value={p.value} onInput={(e) => p.onValue((e.target as HTMLTextAreaElement).value)} />}
    </Field>
  );
}

/** A checkbox with its label after it. */
export function CheckField(p: { label: string; path?: string; checked: boolean; onValue: (v: boolean) => void; hint?: ComponentChildren }) {
  const id = useId();
  const errors = useContext(FieldErrors);
  const error = p.path ? errors[p.path] : undefined;
  return (
    <div class="field check">
      <input type="checkbox" id={id} checked={p.checked} onChange={(e) => p.onValue((e.target as HTMLInputElement).checked)} aria-describedby={p.hint ? `${id}-hint` : undefined} />
      <label for={id}>{p.label}</label>
      {p.hint && (
        <small id={`${id}-hint`} class="hint">
          {p.hint}
        </small>
      )}
      {error && <small class="field-error">⚠ {error}</small>}
    </div>
  );
}
