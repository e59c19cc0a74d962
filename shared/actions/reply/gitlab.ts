import { unreadable } from './errors';
import { withMarker } from './marker';
import { at, id, obj, posInt, str } from './read';
import { join, needToken, type ReplyTarget } from './target';
import type { ThreadOf } from './thread';

/**
 * GitLab: `gitlab:<project id>#<issue iid>` or `gitlab:<project id>!<MR iid>` (GitLab's own
 * reference syntax); a note on an issue or MR has its noteable's key. Answers with a note.
 */
export const gitlab: ReplyTarget<'gitlab'> = {
  provider: 'gitlab',

  thread(payload) {
    const project = posInt(at(payload, 'project', 'id')) ?? posInt(at(payload, 'project_id')) ?? posInt(at(payload, 'object_attributes', 'project_id'));
    if (!project) return null;
    const kind = str(at(payload, 'object_kind'));
    const attrs = at(payload, 'object_attributes');
    if (kind === 'issue' || kind === 'merge_request') {
      const iid = posInt(at(attrs, 'iid'));
      return iid ? make(project, kind === 'issue' ? 'issues' : 'merge_requests', iid, str(at(attrs, 'url'))) : null;
    }
    if (kind === 'note') {
      // Notes on commits and snippets have no issue or MR thread to answer in.
      const type = str(at(attrs, 'noteable_type'));
      const noteUrl = str(at(attrs, 'url'))?.replace(/#.*$/, '');
      if (type === 'Issue') {
        const iid = posInt(at(payload, 'issue', 'iid'));
        return iid ? make(project, 'issues', iid, noteUrl) : null;
      }
      if (type === 'MergeRequest') {
        const iid = posInt(at(payload, 'merge_request', 'iid'));
        return iid ? make(project, 'merge_requests', iid, noteUrl) : null;
      }
    }
    return null;
  },

  request(reply, t, text) {
    const token = needToken('gitlab', reply);
    return {
      url: join(reply.api_base_url ?? 'https://gitlab.com', `/api/v4/projects/${encodeURIComponent(String(t.project_id))}/${t.noteable}/${t.iid}/notes`),
      headers: { 'PRIVATE-TOKEN': token },
      body: { body: withMarker(text) },
    };
  },

  posted(answer, t) {
    const noteId = id(obj(answer.body)?.id);
    if (!noteId) throw unreadable('gitlab', answer, 'its answer has no note id');
    // The notes API returns no web URL; the noteable's page plus the note anchor is GitLab's own link.
    return t.web_url ? { id: noteId, url: `${t.web_url}#note_${noteId}` } : { id: noteId };
  },
};

function make(project: number, noteable: 'issues' | 'merge_requests', iid: number, webUrl: string | undefined): ThreadOf<'gitlab'> {
  const key = `gitlab:${project}${noteable === 'issues' ? '#' : '!'}${iid}`;
  return webUrl ? { provider: 'gitlab', key, project_id: project, noteable, iid, web_url: webUrl } : { provider: 'gitlab', key, project_id: project, noteable, iid };
}
