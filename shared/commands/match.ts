import type { Command } from '../model/webhook';

/** `issues.opened` matches `issues.opened`, `issues.*` and `*`. */
export function triggerMatches(trigger: string, eventType: string): boolean {
  if (trigger === '*' || trigger === eventType) return true;
  if (trigger.endsWith('.*')) return eventType.startsWith(trigger.slice(0, -1));
  return false;
}

/**
 * Commands that match an event, in the order they run: higher priority first (ties keep the
 * configured order); a matching command with `stop: true` ends the list.
 */
export function matchCommands(commands: Command[], eventType: string): Command[] {
  const ordered = commands.map((c, i) => ({ c, i })).sort((a, b) => (b.c.priority ?? 0) - (a.c.priority ?? 0) || a.i - b.i);
  const out: Command[] = [];
  for (const { c } of ordered) {
    if (!triggerMatches(c.trigger, eventType)) continue;
    out.push(c);
    if (c.stop) break;
  }
  return out;
}
