import { notConfigured, unreadable } from './errors';
import { at, id, obj, str } from './read';
import { join, needToken, type ReplyTarget } from './target';

/**
 * Jira Cloud (REST v3): `jira:OPS-42`; answers with an ADF comment. No marker: Jira renders
 * neither Markdown nor HTML comments, and ADF has no invisible node, so the loop guard relies on
 * `reply.bot_user` (the account the token belongs to).
 */
export const jira: ReplyTarget<'jira'> = {
  provider: 'jira',

  thread(payload) {
    const issueKey = str(at(payload, 'issue', 'key'));
    if (!issueKey) return null;
    // The key, not the site, identifies the thread: comment events may lack every `self` link,
    // and one webhook belongs to one site anyway.
    const site = siteOf(at(payload, 'issue', 'self')) ?? siteOf(at(payload, 'comment', 'self')) ?? siteOf(at(payload, 'user', 'self'));
    return site ? { provider: 'jira', key: `jira:${issueKey}`, issue_key: issueKey, site } : { provider: 'jira', key: `jira:${issueKey}`, issue_key: issueKey };
  },

  request(reply, t, text) {
    const token = needToken('jira', reply);
    const base = reply.api_base_url ?? t.site;
    if (!base) throw notConfigured('jira', 'api_base_url', 'the event names no Jira site (issue.self) to derive it from');
    return {
      url: join(base, `/rest/api/3/issue/${encodeURIComponent(t.issue_key)}/comment`),
      // API tokens go with the account's email (basic auth); without an email the token is an OAuth bearer token.
      headers: { Authorization: reply.email ? `Basic ${Buffer.from(`${reply.email}:${token}`).toString('base64')}` : `Bearer ${token}` },
      body: { body: adf(text) },
    };
  },

  posted(answer, t, reply) {
    const commentId = id(obj(answer.body)?.id);
    if (!commentId) throw unreadable('jira', answer, 'its answer has no comment id');
    // A site (not the OAuth gateway api.atlassian.com) can link the comment on the issue page.
    const site = reply.api_base_url && !/\/\/api\.atlassian\.com\b/.test(reply.api_base_url) ? reply.api_base_url : t.site;
    return site ? { id: commentId, url: join(site, `/browse/${encodeURIComponent(t.issue_key)}?focusedCommentId=${commentId}`) } : { id: commentId };
  },
};

/** `https://x.atlassian.net` from `https://x.atlassian.net/rest/api/2/...` (keeps a Server context path). */
function siteOf(self: unknown): string | undefined {
  const s = str(self);
  if (!s) return undefined;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  const i = u.pathname.indexOf('/rest/');
  return i < 0 ? undefined : `${u.origin}${u.pathname.slice(0, i)}`;
}

type AdfInline = { type: 'text'; text: string } | { type: 'hardBreak' };

/**
 * Plain text as an Atlassian Document: blank lines separate paragraphs, single newlines become
 * hard breaks (v3 rejects a string body, and ADF text nodes must not be empty).
 */
export function adf(text: string): { type: 'doc'; version: 1; content: { type: 'paragraph'; content: AdfInline[] }[] } {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => {
      const content: AdfInline[] = [];
      for (const line of p.split('\n')) {
        if (content.length) content.push({ type: 'hardBreak' });
        if (line) content.push({ type: 'text', text: line });
      }
      while (content.length && content[content.length - 1].type === 'hardBreak') content.pop();
      while (content.length && content[0].type === 'hardBreak') content.shift();
      return { type: 'paragraph' as const, content };
    })
    .filter((p) => p.content.length > 0);
  return { type: 'doc', version: 1, content: paragraphs };
}
