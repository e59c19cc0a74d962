import type { Command } from '../model/webhook';
import { compileConditions, factsFor, type CompiledConditions } from './evaluate-conditions';
import type { EventContext } from './event-context';

/** `issues.opened` matches `issues.opened`, `issues.*` and `*`; `agent:complete` also matches `agent:*`. */
export function triggerMatches(trigger: string, eventType: string): boolean {
  if (trigger === '*' || trigger === eventType) return true;
  if (trigger.endsWith('.*') || trigger.endsWith(':*')) return eventType.startsWith(trigger.slice(0, -1));
  return false;
}

/**
 * Whether any command's trigger matches, before conditions: lets the consumer skip fetching and
 * decoding a payload (conditions need it) when no command could run.
 */
export function anyTriggerMatches(commands: readonly Command[], eventType: string): boolean {
  for (let i = 0; i < commands.length; i++) if (triggerMatches(commands[i].trigger, eventType)) return true;
  return false;
}

/** A command prepared once: its trigger split into a kind and its conditions compiled (regexes included). */
interface Prepared {
  command: Command;
  trigger: string;
  /** 0: `*`; 1: exact; 2: prefix (`issues.` for `issues.*`). */
  kind: 0 | 1 | 2;
  prefix: string;
  conditions: Command['conditions'];
  compiled: CompiledConditions | null;
  priority: number;
}

const prepared = new WeakMap<Command, Prepared>();

function prepare(c: Command): Prepared {
  const hit = prepared.get(c);
  // Rebuilt if the trigger, conditions object or priority was replaced on the same command object.
  if (hit && hit.trigger === c.trigger && hit.conditions === c.conditions && hit.priority === (c.priority ?? 0)) return hit;
  const t = c.trigger;
  const p: Prepared = {
    command: c,
    trigger: t,
    kind: t === '*' ? 0 : t.endsWith('.*') ? 2 : 1,
    prefix: t.endsWith('.*') ? t.slice(0, -1) : t,
    conditions: c.conditions,
    compiled: c.conditions ? compileConditions(c.conditions) : null,
    priority: c.priority ?? 0,
  };
  prepared.set(c, p);
  return p;
}

/** The commands of one list in run order, cached by list; checked against the list on every call. */
const orders = new WeakMap<readonly Command[], { snapshot: Command[]; order: Prepared[] }>();

function runOrder(commands: readonly Command[]): Prepared[] {
  const hit = orders.get(commands);
  if (hit && hit.snapshot.length === commands.length) {
    let same = true;
    for (let i = 0; i < commands.length && same; i++) {
      const p = hit.order[i];
      const c = p.command;
      same = hit.snapshot[i] === commands[i] && p.trigger === c.trigger && p.conditions === c.conditions && p.priority === (c.priority ?? 0);
    }
    if (same) return hit.order;
  }
  const order = commands.map((c, i) => ({ p: prepare(c), i }));
  order.sort((a, b) => b.p.priority - a.p.priority || a.i - b.i);
  const entry = { snapshot: [...commands], order: order.map((x) => x.p) };
  orders.set(commands, entry);
  return entry.order;
}

/**
 * Commands that match an event, in the order they run: higher priority first (ties keep the
 * configured order); a command matches when its trigger matches `ctx.event_type` and its
 * conditions hold (see evaluateConditions); a matching command with `stop: true` ends the list.
 * Commands are prepared once and cached by object: treat them as immutable (a replaced trigger,
 * conditions object or priority is noticed; an edit inside a conditions object is not).
 */
export function matchCommands(commands: readonly Command[], ctx: EventContext): Command[] {
  const out: Command[] = [];
  if (!commands.length) return out;
  const order = runOrder(commands);
  const eventType = ctx.event_type;
  const facts = factsFor(ctx);
  for (let i = 0; i < order.length; i++) {
    const p = order[i];
    if (!preparedTriggerHolds(p, eventType)) continue;
    if (p.compiled && !p.compiled.test(facts)) continue;
    out.push(p.command);
    if (p.command.stop) break;
  }
  return out;
}

function preparedTriggerHolds(p: Prepared, eventType: string): boolean {
  return p.kind === 0 || (p.kind === 1 ? p.prefix === eventType : eventType.startsWith(p.prefix));
}

/** Whether one command matches an event, and if not, every reason why (for previews). */
export interface MatchExplanation {
  matched: boolean;
  /** Empty when matched: the trigger that does not fit, then each failing condition key. */
  reasons: string[];
}

/**
 * The same decision {@link matchCommands} makes for one command (same prepared trigger and
 * compiled conditions), with the reasons a non-match has: the command preview shows what the
 * consumer will do. Unlike the consumer it reports every failing condition, not the first.
 */
export function explainCommand(command: Command, ctx: EventContext): MatchExplanation {
  const p = prepare(command);
  const reasons: string[] = [];
  if (!preparedTriggerHolds(p, ctx.event_type)) reasons.push(`trigger: ${JSON.stringify(p.trigger)} does not match the event type ${JSON.stringify(ctx.event_type)}`);
  if (p.compiled) {
    const facts = factsFor(ctx);
    for (const i of p.compiled.failures(facts)) reasons.push(p.compiled.explain(i, facts));
  }
  return { matched: reasons.length === 0, reasons };
}
