import { MISSING, resolvePath, splitPath } from '../commands/event-context';
import { parseTemplate, renderTemplate, TemplateError } from '../commands/template';

/**
 * A subscription's `body_template` (CONTRACT §4): a JSON value whose strings are mustache
 * templates (the command template syntax, shared/commands/template.ts) rendered against the
 * published event. Object keys, numbers, booleans and null are kept as written. A string that is
 * exactly one tag (`"{{data}}"`, `"{{ data.result }}"`, `"{{{data.n}}}"`) becomes that value with its
 * JSON type (an object, an array, a number); any other string renders to a string. The value is
 * serialized with `JSON.stringify`, so rendered text is JSON-escaped, never spliced into JSON.
 *
 * Names resolve in the event `{id, type, timestamp, data, subscription_id}` first, then in `data`
 * (so `{{data.tool_name}}` and `{{tool_name}}` are the same unless `data` has a key named like an
 * event field).
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** What a body template sees of one published event. */
export interface TemplateEvent {
  id: string;
  type: string;
  timestamp: string;
  data: unknown;
  subscription_id: string;
}

export interface RenderedBody {
  /** The rendered JSON value. */
  value: JsonValue;
  /** Variables that rendered empty or null because they were absent, as `path: name`, once each. */
  missing: string[];
}

// `{{name}}`, `{{{name}}}` or `{{& name}}` alone, spaces allowed inside the braces.
const SINGLE_TAG = /^\{\{(?:\{\s*([^{}\s]+)\s*\}|&?\s*([^{}#^/!>=&\s][^{}\s]*)\s*)\}\}$/;

function singleTag(s: string): string | null {
  const m = SINGLE_TAG.exec(s);
  return m ? (m[1] ?? m[2]) : null;
}

const where = (path: readonly (string | number)[]) => (path.length ? path.join('.') : '(root)');

/**
 * Problems of a template on save, each with its path inside `body_template`: a string that does
 * not parse as mustache, or a value that is not JSON (NaN, Infinity). Empty when it is valid.
 */
export function bodyTemplateIssues(template: unknown): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const walk = (v: unknown, path: (string | number)[]) => {
    if (typeof v === 'string') {
      try {
        parseTemplate(v);
      } catch (e) {
        out.push({ path, message: e instanceof TemplateError ? e.message : String(e) });
      }
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) out.push({ path, message: 'numbers must be finite' });
    } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    else if (v !== null && typeof v !== 'boolean') out.push({ path, message: 'not a JSON value' });
  };
  walk(template, []);
  return out;
}

function lookup(event: TemplateEvent, name: string): unknown {
  if (name === '.') return event;
  const segments = splitPath(name);
  const v = resolvePath(event, segments);
  return v !== MISSING ? v : resolvePath(event.data, segments);
}

/** Renders a (validated) body template for one event. */
export function renderBodyTemplate(template: JsonValue, event: TemplateEvent): RenderedBody {
  const missing: string[] = [];
  const note = (path: (string | number)[], name: string) => {
    const m = `${where(path)}: ${name}`;
    if (!missing.includes(m)) missing.push(m);
  };
  const view = event as unknown as Record<string, unknown>;
  const walk = (v: JsonValue, path: (string | number)[]): JsonValue => {
    if (typeof v === 'string') {
      const name = singleTag(v);
      if (name !== null) {
        const got = lookup(event, name);
        if (got === MISSING || got === undefined || got === null) {
          note(path, name);
          return null;
        }
        return got as JsonValue;
      }
      const r = renderTemplate(v, view, event.data);
      for (const m of r.missing) note(path, m);
      return r.text;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v !== null && typeof v === 'object') {
      const o: Record<string, JsonValue> = {};
      // defineProperty: a key named `__proto__` stays a key instead of setting the prototype.
      for (const [k, x] of Object.entries(v)) Object.defineProperty(o, k, { value: walk(x, [...path, k]), enumerable: true, writable: true, configurable: true });
      return o;
    }
    return v;
  };
  return { value: walk(template, []), missing };
}
