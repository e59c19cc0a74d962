import { notConfigured } from './errors';
import { withMarker } from './marker';
import { at, id, obj, str } from './read';
import { join, type ReplyTarget } from './target';

/** Custom: `custom:<thread_id ?? id>`; answers with POST {reply.api_base_url}/comments {"thread","text"}. */
export const custom: ReplyTarget<'custom'> = {
  provider: 'custom',

  thread(payload) {
    const threadId = id(at(payload, 'thread_id')) ?? id(at(payload, 'id'));
    return threadId ? { provider: 'custom', key: `custom:${threadId}`, thread_id: threadId } : null;
  },

  request(reply, t, text) {
    const headers: Record<string, string> = reply.token ? { Authorization: `Bearer ${reply.token}` } : {};
    if (!reply.api_base_url) throw notConfigured('custom', 'api_base_url', 'a custom source has no public API to default to');
    return {
      url: join(reply.api_base_url, '/comments'),
      headers,
      body: { thread: t.thread_id, text: withMarker(text) },
    };
  },

  // Any 2xx is a post; a custom API need not answer with an id (204 is fine).
  posted(answer) {
    const b = obj(answer.body);
    const url = str(b?.url);
    const postId = id(b?.id) ?? '';
    return url ? { id: postId, url } : { id: postId };
  },
};
