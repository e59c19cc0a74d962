/**
 * Hookline's marker on its own posts, where the provider renders Markdown and so hides an HTML
 * comment (GitHub, GitLab, Sentry, Linear, custom). The consumer's loop guard uses `carriesMarker`
 * from this module, so the two cannot drift.
 */
export const MARKER = '<!-- hookline -->';

/** `text` followed by the marker on its own paragraph (once, however often it is called). */
export function withMarker(text: string): string {
  return text.includes(MARKER) ? text : `${text}\n\n${MARKER}`;
}

// Rails' to_json (GitLab) and other HTML-safe encoders write `<` and `>` as \u003c and \u003e, so a
// raw-body search for the literal marker misses them.
const ESCAPED = /\\u003c!-- hookline --\\u003e/i;

/** Whether a raw event body carries the marker, literally or JSON-escaped. */
export function carriesMarker(raw: string): boolean {
  return raw.includes(MARKER) || ESCAPED.test(raw);
}
