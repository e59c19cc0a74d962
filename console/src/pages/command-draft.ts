/**
 * The command builder's model: a command as the form holds it (strings for inputs) and the
 * conversions to and from the API's CommandInput. Pure, so it is unit-tested without a browser.
 */
import type { Body } from '../api';
import { triggerSuggestions } from '../../../shared/model/provider-events';
import type { ProviderId } from '../../../shared/model/webhook-providers';

export type CommandInput = NonNullable<Body<'createWebhook'>['commands']>[number];
type Conditions = NonNullable<CommandInput['conditions']>;
type FieldCond = NonNullable<Conditions['all']>[number];
export const ACTIONS = ['create_task', 'comment', 'ask', 'respond', 'forward'] as const satisfies readonly CommandInput['action'][];
export const OPS = ['eq', 'ne', 'in', 'contains', 'regex', 'exists', 'gt', 'lt'] as const satisfies readonly FieldCond['op'][];

/** One field condition as typed in the form (value as text). */
export interface FieldDraft {
  field: string;
  op: FieldCond['op'];
  value: string;
}

/** A command as the form holds it: strings for inputs, parsed on save. */
export interface CommandDraft {
  key: string;
  command_id?: string;
  trigger: string;
  action: CommandInput['action'];
  agent: string;
  priority: string;
  template: string;
  forward_url: string;
  stop: boolean;
  labels: string;
  body_contains: string;
  channel: string;
  mode: 'all' | 'any';
  fields: FieldDraft[];
  /** Condition keys the builder has no input for (label, users, platforms, min_severity): kept as they are. */
  rest: Partial<Conditions>;
}

let seq = 0;
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

export function newCommand(provider: ProviderId): CommandDraft {
  return {
    key: `c${++seq}`,
    trigger: triggerSuggestions(provider)[0] ?? '*',
    action: 'create_task',
    agent: '',
    priority: '0',
    template: '',
    forward_url: '',
    stop: false,
    labels: '',
    body_contains: '',
    channel: '',
    mode: 'all',
    fields: [],
    rest: {},
  };
}

function valueText(v: unknown): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.map(String).join(', ');
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function draftOf(c: CommandInput): CommandDraft {
  const { labels, body_contains, channel, all, any, ...rest } = c.conditions ?? {};
  const fields = (all ?? any ?? []).map((f) => ({ field: f.field, op: f.op, value: valueText(f.value) }));
  return {
    key: `c${++seq}`,
    command_id: c.command_id,
    trigger: c.trigger,
    action: c.action,
    agent: c.agent ?? '',
    priority: String(c.priority ?? 0),
    template: c.template ?? '',
    forward_url: c.forward_url ?? '',
    stop: Boolean(c.stop),
    labels: (labels ?? []).join(', '),
    body_contains: body_contains ?? '',
    channel: channel ?? '',
    mode: any ? 'any' : 'all',
    fields,
    rest,
  };
}

export function parseValue(op: FieldCond['op'], s: string): unknown {
  if (op === 'in') return list(s);
  if (op === 'exists') return s.trim() === '' ? undefined : s.trim() !== 'false';
  if (op === 'regex' || op === 'contains') return s;
  if (op === 'gt' || op === 'lt') return s.trim() !== '' && !Number.isNaN(Number(s)) ? Number(s) : s;
  // eq / ne: JSON when it parses (3, true, null), else the text itself.
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** The command the API takes, from the form's strings (the API validates; errors come back by path). */
export function commandOf(d: CommandDraft): CommandInput {
  const conditions: Conditions = { ...d.rest };
  if (d.labels.trim()) conditions.labels = list(d.labels);
  if (d.body_contains) conditions.body_contains = d.body_contains;
  if (d.channel.trim()) conditions.channel = d.channel.trim();
  const fields = d.fields.filter((f) => f.field.trim()).map((f): FieldCond => {
    const value = parseValue(f.op, f.value);
    return { field: f.field.trim(), op: f.op, ...(value === undefined ? {} : { value }) };
  });
  if (fields.length) conditions[d.mode] = fields;
  return {
    ...(d.command_id ? { command_id: d.command_id } : {}),
    trigger: d.trigger.trim(),
    action: d.action,
    ...(d.agent.trim() ? { agent: d.agent.trim() } : {}),
    ...(d.template ? { template: d.template } : {}),
    ...(Object.keys(conditions).length ? { conditions } : {}),
    priority: Number(d.priority) || 0,
    ...(d.stop ? { stop: true } : {}),
    ...(d.action === 'forward' && d.forward_url.trim() ? { forward_url: d.forward_url.trim() } : {}),
  };
}
