import { rateLimited, unreadable } from './errors';
import { withMarker } from './marker';
import { at, id, obj, posInt, str } from './read';
import { join, needToken, type ReplyTarget } from './target';

// Events whose payload names an issue or pull request; its conversation takes issue comments.
const EVENTS = new Set(['issues', 'issue_comment', 'pull_request', 'pull_request_review', 'pull_request_review_comment', 'pull_request_review_thread']);

/** GitHub: `github:owner/repo#12`; answers with an issue comment (PRs are issues for this). */
export const github: ReplyTarget<'github'> = {
  provider: 'github',

  thread(payload, header) {
    const event = header('x-github-event');
    if (event && !EVENTS.has(event)) return null;
    const fullName = str(at(payload, 'repository', 'full_name'));
    // issue_comment on a PR carries `issue` (with `issue.pull_request`): the same number as the PR's events.
    const number = posInt(at(payload, 'issue', 'number')) ?? posInt(at(payload, 'pull_request', 'number'));
    const slash = fullName?.indexOf('/') ?? -1;
    if (!fullName || slash <= 0 || slash === fullName.length - 1 || !number) return null;
    return { provider: 'github', key: `github:${fullName}#${number}`, owner: fullName.slice(0, slash), repo: fullName.slice(slash + 1), number };
  },

  request(reply, t, text) {
    const token = needToken('github', reply);
    return {
      url: join(reply.api_base_url ?? 'https://api.github.com', `/repos/${encodeURIComponent(t.owner)}/${encodeURIComponent(t.repo)}/issues/${t.number}/comments`),
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28' },
      body: { body: withMarker(text) },
    };
  },

  posted(answer) {
    const commentId = id(obj(answer.body)?.id);
    if (!commentId) throw unreadable('github', answer, 'its answer has no comment id');
    const url = str(obj(answer.body)?.html_url);
    return url ? { id: commentId, url } : { id: commentId };
  },

  // The primary rate limit answers 403 (or 429) with x-ratelimit-remaining: 0; secondary limits
  // answer 403 or 429 with Retry-After. Any other 403 is a permission problem.
  refused(answer, now) {
    if (answer.status !== 403 && answer.status !== 429) return undefined;
    if (answer.headers.get('x-ratelimit-remaining') === '0' || answer.headers.has('retry-after')) return rateLimited('github', answer, now);
    return undefined;
  },
};
