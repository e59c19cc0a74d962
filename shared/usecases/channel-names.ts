import { at, str } from '../actions/reply/read';
import type { EventContext } from '../commands/event-context';
import { triggerMatches } from '../commands/match';
import type { ErrorDetail } from '../errors';
import type { Command, WebhookRecord } from '../model/webhook';
import type { ChannelDirectory } from '../ports';

/** Slack channel ids: public `C…`, private `G…`, direct messages `D…` (upper case letters and digits). */
const SLACK_CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;

/** The channel a `channel` condition names (`#engineering`, `engineering`), or undefined when it is absent or an id (`C024BE91L`). */
export function channelNameIn(conditions: Command['conditions']): string | undefined {
  const c = (conditions as { channel?: unknown } | undefined)?.channel;
  if (typeof c !== 'string') return undefined;
  return SLACK_CHANNEL_ID.test(c.replace(/^#/, '')) ? undefined : c;
}

/** Slash commands (`channel_name`) and interactivity (`channel.name`) carry channel names; Events API callbacks only ids. */
function triggerSeesNames(trigger: string): boolean {
  return trigger === 'slash_command' || trigger.startsWith('interactive.');
}

/**
 * Save-time check of Slack `channel` conditions written as names: Events API callbacks carry only
 * the channel id, so a name can match them only through a `conversations.info` lookup, which needs
 * the webhook's `reply.token`. Without one, each such condition is an error naming its path.
 */
export function channelNameProblems(w: Pick<WebhookRecord, 'provider' | 'reply' | 'commands'>): ErrorDetail[] {
  if (w.provider !== 'slack' || w.reply?.token) return [];
  const out: ErrorDetail[] = [];
  w.commands.forEach((c, i) => {
    const name = channelNameIn(c.conditions);
    if (name === undefined || triggerSeesNames(c.trigger)) return;
    out.push({
      path: `commands.${i}.conditions.channel`,
      message:
        `Slack's Events API sends channel ids (such as C024BE91L), never names, so ${JSON.stringify(name)} can only match after Hookline looks the id up with conversations.info: ` +
        'set reply.token to the app\'s bot token (xoxb-…, scopes channels:read and groups:read), or write the channel id instead (Slack: channel details, at the bottom)',
    });
  });
  return out;
}

/**
 * Before matching a Slack event: when a command that could run names a channel (`"channel":
 * "#engineering"`) and the payload carries only the channel id, looks the name up (cached per
 * container by the directory) and puts it on `ctx.channel_lookup`. A failed lookup leaves the
 * condition false (closed) with the reason, which the event's match reasons show.
 */
export async function resolveChannelNames(directory: ChannelDirectory | undefined, webhook: WebhookRecord, ctx: EventContext): Promise<void> {
  if (webhook.provider !== 'slack' || ctx.channel_lookup) return;
  if (!webhook.commands.some((c) => channelNameIn(c.conditions) !== undefined && triggerMatches(c.trigger, ctx.event_type))) return;
  const p = ctx.payload;
  if (str(at(p, 'channel_name')) || str(at(p, 'channel', 'name')) || str(at(p, 'event', 'channel', 'name'))) return;
  const id = str(at(p, 'event', 'channel')) ?? str(at(p, 'event', 'channel', 'id')) ?? str(at(p, 'channel', 'id')) ?? str(at(p, 'container', 'channel_id')) ?? str(at(p, 'channel_id'));
  if (!id) return;
  const token = webhook.reply?.token;
  if (!token) return void (ctx.channel_lookup = { names: [], error: 'the webhook has no reply.token to look channel names up with' });
  if (!directory) return void (ctx.channel_lookup = { names: [], error: 'channel names cannot be looked up here' });
  try {
    ctx.channel_lookup = { names: [await directory.channelName(id, { token, ...(webhook.reply?.api_base_url ? { api_base_url: webhook.reply.api_base_url } : {}) })] };
  } catch (err) {
    ctx.channel_lookup = { names: [], error: (err as Error).message };
  }
}
