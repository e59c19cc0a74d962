/** What an event is about, as a default prompt tells an agent (see commands/default-prompt.ts). */
export interface EventSubject {
  /** `issue`, `pull request`, `comment on issue`, `ticket`, `message` … */
  kind?: string;
  /** Number or key: `#7`, `ENG-1`. */
  ref?: string;
  title?: string;
  body?: string;
  author?: string;
  /** A link to it on the provider: `https://github.com/o/r/issues/7`, the Jira browse URL, a Slack permalink. */
  url?: string;
  /** Repository, project or channel. */
  where?: string;
}

/** A non-empty string (or a number as text) at a dotted path of an untyped payload. */
export function text(v: unknown, path: string): string | undefined {
  let cur = v;
  for (const k of path.split('.')) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  if (typeof cur === 'number' && Number.isFinite(cur)) return String(cur);
  return typeof cur === 'string' && cur.trim() !== '' ? cur : undefined;
}

/** The first of `paths` present. */
export function first(v: unknown, ...paths: string[]): string | undefined {
  for (const p of paths) {
    const t = text(v, p);
    if (t !== undefined) return t;
  }
  return undefined;
}

/** The plain text of an Atlassian Document Format value (Jira Cloud v3 descriptions and comments), or the string itself. */
export function plainText(v: unknown, max = 10_000): string | undefined {
  if (typeof v === 'string') return v.trim() ? v : undefined;
  const out: string[] = [];
  let size = 0;
  const walk = (n: unknown, depth: number): void => {
    if (size > max || depth > 20 || typeof n !== 'object' || n === null) return;
    const node = n as { type?: unknown; text?: unknown; content?: unknown };
    if (typeof node.text === 'string') {
      out.push(node.text);
      size += node.text.length;
    }
    if (Array.isArray(node.content)) for (const c of node.content) walk(c, depth + 1);
    if (node.type === 'paragraph' || node.type === 'heading' || node.type === 'listItem') out.push('\n');
  };
  walk(v, 0);
  const s = out.join('').trim();
  return s || undefined;
}
