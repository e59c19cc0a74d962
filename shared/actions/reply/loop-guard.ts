import { carriesMarker } from './marker';

/**
 * Why an event must not trigger commands or answer questions, or null: Hookline's own posts (its
 * marker in the raw body, or the bot account it posts as). The consumer and the command preview
 * both ask this, so what the preview reports is what the consumer does.
 */
export function loopGuard(reply: { bot_user?: string } | undefined, sender: string | undefined, raw: string): string | null {
  if (carriesMarker(raw)) return "loop guard: the event carries Hookline's own marker";
  if (reply?.bot_user && sender === reply.bot_user) return `loop guard: sent by the bot account ${reply.bot_user}`;
  return null;
}

/** Why a handshake (GitHub ping, Slack url_verification) never runs commands. */
export const HANDSHAKE_REASON = 'handshake: the event is a provider handshake (e.g. a GitHub ping) and never runs commands';
