import { aliasesFor, resolveWithAliases, type AliasTable } from './aliases';
import { child, CONTEXT_VARS, MISSING, type EventContext } from './event-context';
import { senderOf } from './sender';
import { parseTemplate, type Token } from './template-syntax';

export { parseTemplate, TemplateError } from './template-syntax';

/**
 * Command templates: mustache syntax (`{{issue.title}}`, sections `{{#issue.labels}}{{name}} {{/issue.labels}}`,
 * inverted sections `{{^issue.assignee}}unassigned{{/issue.assignee}}`, comments), parsed by the
 * `mustache` package and rendered here so that:
 * - nothing is HTML-escaped: the text goes to agents and APIs, not into HTML (`<b>&"x"` stays as is);
 * - names resolve to own properties only (`{{constructor}}` is nothing), and nothing is called;
 * - objects and arrays render as JSON, numbers and booleans as text;
 * - every variable that resolved to nothing (absent or null) is reported in `missing`;
 * - partials (`{{> name}}`) are refused: there is nothing to include.
 * Names are looked up like mustache: inside sections first, then `event_type`, `provider`,
 * `webhook_id` and `sender` (the event's context), then the payload; `sender.login` still reaches
 * GitHub's `sender` object because the context's `sender` is a string without `login`, and a
 * dotted name that stops short in one layer is looked up in the next.
 */
export interface Rendered {
  text: string;
  /** Variables that rendered empty because they were absent or null, in template order, once each. */
  missing: string[];
  /** Set when the output reached {@link MAX_RENDERED_CHARS} or the step budget and was cut. */
  truncated?: boolean;
}

/** Rendered text is cut at this length (DynamoDB items and SQS messages are limited to 400 KB and 256 KB). */
export const MAX_RENDERED_CHARS = 100_000;
/** Sections over large arrays nested in each other could otherwise render for a very long time. */
const MAX_STEPS = 200_000;

/**
 * Renders a template. Names resolve in `view` first, then in `payload`: pass the event's
 * {@link contextVars} as the view and its payload as `payload`, so `{{provider}}` is Hookline's
 * and `{{issue.title}}` the payload's without copying the payload. A flat view (payload fields and
 * context variables spread into one object) also works.
 */
export function renderTemplate(template: string, view: Record<string, unknown>, payload?: unknown, aliases?: AliasTable): Rendered {
  const tokens = parseTemplate(template);
  const stack = payload === undefined ? [view] : [payload, view];
  const state: State = { out: '', missing: [], steps: 0, truncated: false, aliases, root: stack[0], base: stack.length };
  render(tokens, stack, state);
  const result: Rendered = { text: state.out, missing: state.missing };
  if (state.truncated) {
    result.text = state.out.slice(0, MAX_RENDERED_CHARS);
    result.truncated = true;
  }
  return result;
}

/** The context variables templates see: `event_type`, `provider`, `webhook_id` and `sender` (when known). */
export function contextVars(ctx: EventContext): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const name of CONTEXT_VARS) {
    const v = name === 'sender' ? (ctx.sender ?? senderOf(ctx.provider, ctx.payload)) : ctx[name];
    if (v !== undefined) vars[name] = v;
  }
  return vars;
}

/** `renderTemplate(template, contextVars(ctx), ctx.payload)` with the provider's field aliases. */
export function renderForEvent(template: string, ctx: EventContext): Rendered {
  return renderTemplate(template, contextVars(ctx), ctx.payload, aliasesFor(ctx.provider));
}

interface State {
  out: string;
  missing: string[];
  steps: number;
  truncated: boolean;
  /** The provider's field aliases (Jira `issue.summary`), tried on the payload when a name resolves nowhere. */
  aliases?: AliasTable;
  root: unknown;
  /** Stack depth outside any section: override aliases (GitHub `issue.labels` as names) apply only there. */
  base: number;
}

/** A name's value: the mustache lookup, with the provider's aliases around it (see aliases.ts). */
function lookupName(stack: unknown[], name: string, s: State, inSection: boolean): unknown {
  const a = s.aliases;
  if (!a || name === '.') return lookup(stack, name);
  if (!inSection && stack.length === s.base && a.exact(name)?.override) {
    const v = resolveWithAliases(s.root, name.split('.'), a, name);
    if (v !== MISSING) return v;
  }
  const v = lookup(stack, name);
  return v !== MISSING ? v : a.fallback(s.root, name.split('.'), name);
}

function render(tokens: Token[], stack: unknown[], s: State): void {
  for (const t of tokens) {
    if (s.truncated) return;
    if (++s.steps > MAX_STEPS || s.out.length > MAX_RENDERED_CHARS) {
      s.truncated = true;
      return;
    }
    switch (t[0]) {
      case 'text':
        s.out += t[1];
        break;
      case 'name':
      case '&': {
        const v = lookupName(stack, t[1], s, false);
        if (v === MISSING || v === null || v === undefined) {
          if (!s.missing.includes(t[1])) s.missing.push(t[1]);
        } else s.out += typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
        break;
      }
      case '#': {
        const v = lookupName(stack, t[1], s, true);
        if (v === MISSING || !v) break;
        if (Array.isArray(v)) {
          for (const item of v) {
            stack.push(item);
            render(t[4]!, stack, s);
            stack.pop();
          }
        } else if (typeof v === 'object' || typeof v === 'string' || typeof v === 'number') {
          stack.push(v);
          render(t[4]!, stack, s);
          stack.pop();
        } else render(t[4]!, stack, s);
        break;
      }
      case '^': {
        const v = lookupName(stack, t[1], s, true);
        if (v === MISSING || !v || (Array.isArray(v) && v.length === 0)) render(t[4]!, stack, s);
        break;
      }
      // '!' comments and '=' delimiter changes render nothing; '>' partials are refused on parse.
    }
  }
}

/** Mustache's lookup with own properties only: innermost context first, a dotted name must reach its last part. */
function lookup(stack: unknown[], name: string): unknown {
  if (name === '.') return stack[stack.length - 1];
  const parts = name.indexOf('.') > 0 ? name.split('.') : null;
  for (let i = stack.length - 1; i >= 0; i--) {
    let v = stack[i];
    if (parts) {
      for (let k = 0; k < parts.length && v !== MISSING; k++) v = child(v, parts[k]);
    } else v = child(v, name);
    if (v !== MISSING) return v;
  }
  return MISSING;
}
