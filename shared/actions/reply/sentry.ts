import { ReplyError, saying, unreadable } from './errors';
import { withMarker } from './marker';
import { at, id, obj, str } from './read';
import { join, needToken, type ReplyTarget } from './target';

/** Sentry: `sentry:<issue id>`; answers with an issue comment (a "note"). */
export const sentry: ReplyTarget<'sentry'> = {
  provider: 'sentry',

  thread(payload) {
    const data = at(payload, 'data');
    // issue.* events carry the issue; comment.* carry issue_id; error.* and event_alert.* name the issue of their event.
    const issueId = id(at(data, 'issue', 'id')) ?? id(at(data, 'issue_id')) ?? id(at(data, 'error', 'issue_id')) ?? id(at(data, 'event', 'issue_id'));
    if (!issueId) return null;
    const org =
      orgIn(at(data, 'issue', 'url')) ??
      orgIn(at(data, 'issue', 'web_url')) ??
      orgIn(at(data, 'error', 'issue_url')) ??
      orgIn(at(data, 'event', 'issue_url')) ??
      str(at(data, 'installation', 'organization', 'slug')) ??
      str(at(payload, 'installation', 'organization', 'slug'));
    const key = `sentry:${issueId}`;
    return org ? { provider: 'sentry', key, issue_id: issueId, org } : { provider: 'sentry', key, issue_id: issueId };
  },

  request(reply, t, text) {
    const token = needToken('sentry', reply);
    // The organization route is current; /api/0/issues/{id}/comments/ is the deprecated alias.
    const path = t.org
      ? `/api/0/organizations/${encodeURIComponent(t.org)}/issues/${encodeURIComponent(t.issue_id)}/comments/`
      : `/api/0/issues/${encodeURIComponent(t.issue_id)}/comments/`;
    return { url: join(reply.api_base_url ?? 'https://sentry.io', path), headers: { Authorization: `Bearer ${token}` }, body: { text: withMarker(text) } };
  },

  posted(answer) {
    const noteId = id(obj(answer.body)?.id);
    if (!noteId) throw unreadable('sentry', answer, 'its answer has no comment id');
    return { id: noteId };
  },

  // Sentry refuses the same text from the same user within an hour with a 400 "already posted".
  refused(answer) {
    if (answer.status !== 400 || !/already posted/i.test(saying(answer))) return undefined;
    return new ReplyError(
      'reply_duplicate',
      'Sentry refused the comment: the same text was already posted on this issue by this user within the last hour.',
      { status: 409, provider: 'sentry', providerStatus: 400, providerError: 'already_posted' },
    );
  },
};

/** `example` from `https://sentry.io/api/0/organizations/example/issues/1/` or `.../organizations/example/issues/1/`. */
function orgIn(url: unknown): string | undefined {
  const m = str(url)?.match(/\/organizations\/([^/?#]+)\//);
  return m ? decodeURIComponent(m[1]) : undefined;
}
