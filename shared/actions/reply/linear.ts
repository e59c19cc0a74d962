import { rateLimited, rejected, unavailable, unreadable, type HttpAnswer, type ReplyError } from './errors';
import { withMarker } from './marker';
import { at, obj, str } from './read';
import { join, needToken, type ReplyTarget } from './target';

const COMMENT_CREATE = 'mutation CommentCreate($input: CommentCreateInput!) { commentCreate(input: $input) { success comment { id url } } }';

/** Linear: `linear:<issue uuid>` (Issue events: `data.id`; Comment events: `data.issueId`); answers with commentCreate. */
export const linear: ReplyTarget<'linear'> = {
  provider: 'linear',

  thread(payload) {
    const type = str(at(payload, 'type'));
    const data = at(payload, 'data');
    const issueId = type === 'Issue' ? str(at(data, 'id')) : type === 'Comment' ? (str(at(data, 'issueId')) ?? str(at(data, 'issue', 'id'))) : undefined;
    return issueId ? { provider: 'linear', key: `linear:${issueId}`, issue_id: issueId } : null;
  },

  request(reply, t, text) {
    const token = needToken('linear', reply);
    return {
      url: join(reply.api_base_url ?? 'https://api.linear.app', '/graphql'),
      // Personal API keys go bare; OAuth access tokens as Bearer (as @linear/sdk does).
      headers: { Authorization: token.startsWith('lin_api_') || /^bearer /i.test(token) ? token : `Bearer ${token}` },
      // Variables, not string interpolation: the text may contain quotes and braces.
      body: { query: COMMENT_CREATE, variables: { input: { issueId: t.issue_id, body: withMarker(text) } } },
    };
  },

  posted(answer, _t, _reply, now) {
    const created = obj(at(answer.body, 'data', 'commentCreate'));
    const commentId = str(at(created, 'comment', 'id'));
    // A created comment wins over any accompanying error: reporting failure would invite a duplicate.
    if (created?.success === true && commentId) {
      const url = str(at(created, 'comment', 'url'));
      return url ? { id: commentId, url } : { id: commentId };
    }
    const err = graphqlError(answer, now);
    if (err) throw err;
    if (created?.success === false) throw rejected('linear', answer, undefined, 'commentCreate answered success: false');
    throw unreadable('linear', answer, 'its answer has no created comment');
  },

  refused(answer, now) {
    return graphqlError(answer, now);
  },
};

// Linear's error types (extensions.type, as @linear/sdk reads them) that mean nothing was written.
const RETRYABLE_TYPES = new Set(['internal error', 'lock timeout', 'network error']);

/** The outcome of a GraphQL `errors` array (Linear answers them with HTTP 200 or 400), or undefined if none. */
function graphqlError(answer: HttpAnswer, now: Date): ReplyError | undefined {
  const errors = at(answer.body, 'errors');
  if (!Array.isArray(errors) || !errors.length) return undefined;
  const ext = obj(obj(errors[0])?.extensions);
  const code = str(ext?.code);
  const type = str(ext?.type)?.toLowerCase();
  const label = code ?? type ?? 'GRAPHQL_ERROR';
  if (answer.status === 429 || code === 'RATELIMITED' || type === 'ratelimited') return rateLimited('linear', answer, now, label);
  if (answer.status >= 500 || (type && RETRYABLE_TYPES.has(type))) return unavailable('linear', answer, now, label);
  return rejected('linear', answer, label);
}
