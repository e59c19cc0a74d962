import { createHash } from 'node:crypto';
import type { Clock } from '../../clock';
import type { ChannelDirectory } from '../../ports';

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

/** Channel names change rarely; a rename reaches conditions within this time. */
export const CHANNEL_NAME_TTL_MS = 10 * 60_000;
/** A failed lookup is not repeated for every event of a busy channel. */
export const CHANNEL_FAILURE_TTL_MS = 60_000;
const MAX_ENTRIES = 5_000;

/**
 * Slack's `conversations.info` (POST, form-encoded, `Authorization: Bearer <bot token>`; scope
 * `channels:read`, `groups:read` for private channels), cached per container: names for
 * {@link CHANNEL_NAME_TTL_MS}, failures for {@link CHANNEL_FAILURE_TTL_MS}. Keyed by API base,
 * token (hashed) and channel id, so two workspaces never share an entry.
 */
export function slackChannelDirectory(deps: { fetch: Fetch; clock: Clock; timeoutMs?: number }): ChannelDirectory {
  const cache = new Map<string, { name?: string; error?: string; until: number }>();
  return {
    async channelName(channelId, auth) {
      const base = (auth.api_base_url ?? 'https://slack.com').replace(/\/$/, '');
      const key = `${base}\n${createHash('sha256').update(auth.token).digest('base64url').slice(0, 16)}\n${channelId}`;
      const now = deps.clock.now().getTime();
      const hit = cache.get(key);
      if (hit && hit.until > now) {
        if (hit.name !== undefined) return hit.name;
        throw new Error(hit.error);
      }
      const remember = (v: { name?: string; error?: string }, ttl: number) => {
        if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
        cache.set(key, { ...v, until: now + ttl });
      };
      let name: string | undefined;
      let error: string;
      try {
        const res = await deps.fetch(`${base}/api/conversations.info`, {
          method: 'POST',
          headers: { authorization: `Bearer ${auth.token}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ channel: channelId }).toString(),
          signal: AbortSignal.timeout(deps.timeoutMs ?? 3_000),
        });
        const body = (await res.json().catch(() => null)) as { ok?: boolean; error?: string; channel?: { name?: unknown } } | null;
        if (res.ok && body?.ok === true && typeof body.channel?.name === 'string') name = body.channel.name;
        error = `conversations.info answered ${body?.error ?? `HTTP ${res.status}`}`;
      } catch (err) {
        error = `conversations.info failed: ${(err as Error).message}`;
      }
      if (name !== undefined) {
        remember({ name }, CHANNEL_NAME_TTL_MS);
        return name;
      }
      remember({ error }, CHANNEL_FAILURE_TTL_MS);
      throw new Error(error);
    },
  };
}
