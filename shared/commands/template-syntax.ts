import Mustache from 'mustache';

/**
 * Template syntax only: parsing and its error messages, with no rendering. Kept apart from
 * template.ts so the webhook model can validate templates without importing the renderer (which
 * knows the providers' field aliases: that import closed a cycle model -> commands -> providers -> model).
 */
const TAGS: [string, string] = ['{{', '}}'];
const CACHE_LIMIT = 1000;

/** A template that failed to parse, with a message that names the place. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

export type Token = [string, string, number, number, Token[]?, number?];

// A private writer: its cache is off (ours below is bounded) and the global `Mustache.tags`,
// `escape` and `templateCache` other code may set stay untouched.
const writer = new Mustache.Writer();
(writer as unknown as { templateCache: undefined }).templateCache = undefined;
const parsed = new Map<string, Token[]>();

/** Parses a template (cached), or throws a {@link TemplateError} naming the line and column. */
export function parseTemplate(template: string): Token[] {
  const hit = parsed.get(template);
  if (hit) return hit;
  let tokens: Token[];
  try {
    tokens = writer.parse(template, TAGS) as Token[];
  } catch (e) {
    throw new TemplateError(describeParseError(template, (e as Error).message));
  }
  const partial = findPartial(tokens);
  if (partial) throw new TemplateError(`partials such as {{> ${partial[1]}}} are not supported (${where(template, partial[2])})`);
  if (parsed.size >= CACHE_LIMIT) parsed.delete(parsed.keys().next().value!);
  parsed.set(template, tokens);
  return tokens;
}

function findPartial(tokens: Token[]): Token | null {
  for (const t of tokens) {
    if (t[0] === '>') return t;
    if ((t[0] === '#' || t[0] === '^') && t[4]) {
      const inner = findPartial(t[4]);
      if (inner) return inner;
    }
  }
  return null;
}

/** `line 2, column 5` of a character offset. */
function where(template: string, offset: number): string {
  const before = template.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

function describeParseError(template: string, message: string): string {
  const m = /^(.*?) at (\d+)$/.exec(message);
  if (!m) return `invalid template: ${message}`;
  const [, what, at] = m;
  const offset = Number(at);
  const section = /^(Unclosed|Unopened) section "(.*)"$/.exec(what);
  if (what === 'Unclosed tag') {
    const open = template.lastIndexOf('{{', offset);
    return `invalid template: a tag is not closed with }} (${where(template, open >= 0 ? open : offset)})`;
  }
  if (section?.[1] === 'Unclosed')
    return `invalid template: section {{#${section[2]}}} is not closed with {{/${section[2]}}} (${where(template, offset)})`;
  if (section?.[1] === 'Unopened') return `invalid template: {{/${section[2]}}} closes a section that is not open (${where(template, offset)})`;
  return `invalid template: ${what} (${where(template, offset)})`;
}
