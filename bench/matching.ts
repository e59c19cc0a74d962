/**
 * Cost per event of command matching and template rendering (`npx tsx bench/matching.ts`,
 * `--json` for one JSON line): what the consumer spends per event between decoding the payload and
 * running actions, for a webhook with 1, 10 and 100 commands.
 *
 * Events: a mix of four real payloads, each a fresh context per iteration (nothing read from a
 * payload is reused across events): GitHub issues.opened (the 25 KB fixture, labels bug,
 * needs-triage), issue_comment.created mentioning @agent, a Slack slash command and a Sentry issue
 * alert. Commands: ten kinds, cycled (exact triggers, `issues.*`, `issue_comment.*`, `*`;
 * labels, label, body_contains, channel, users, min_severity, platforms, `all`/`any` with eq and
 * regex; templates with payload paths, sections and context variables); copies after the first ten
 * get their own labels, channels and patterns, as on a webhook where each command serves one case,
 * so about the same few commands match per event at every size and the growth is the matching.
 * CPU time (user + system) per round; the table shows the median round and the best. Rendered
 * text is left as V8 builds it (a rope over the payload's strings); whoever serializes it pays
 * for flattening it, as it would for the payload itself.
 */
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { matchCommands } from '../shared/commands/match';
import { contextVars, renderTemplate } from '../shared/commands/template';
import type { EventContext } from '../shared/commands/event-context';
import type { z } from 'zod';
import { WebhookCreate, type Command, type CommandInput } from '../shared/model/webhook';
import { median } from './lib/stats';

export interface MatchingRow {
  commands: number;
  /** `mixed`: the command set above; `all triggers *`: the same commands with every trigger `*`, so every condition runs on every event. */
  scenario: 'mixed' | 'all triggers *';
  /** Median round, CPU microseconds per event (matching + rendering the matched commands' templates). */
  us_per_event: number;
  /** Best round. */
  best_us: number;
  matched_per_event: number;
  rendered_chars_per_event: number;
  /** us_per_event divided by the 1-command row's. */
  ratio_to_1: number;
}

const ROOT = join(import.meta.dirname ?? __dirname, '..');
const fixture = (p: string) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures', p), 'utf8'));

function events(): Omit<EventContext, 'webhook_id'>[] {
  const opened = fixture('github/issues.opened.json');
  const comment = structuredClone(opened);
  comment.action = 'created';
  comment.comment = { id: 1, body: '@agent can you reproduce this on main? It fails on `Übersicht.csv` too.', user: opened.sender };
  const sentry = fixture('sentry/issue.created.json');
  return [
    { provider: 'github', event_type: 'issues.opened', payload: opened },
    { provider: 'github', event_type: 'issue_comment.created', payload: comment },
    { provider: 'slack', event_type: 'slash_command', payload: fixture('slack/slash_command.json') },
    { provider: 'sentry', event_type: 'issue.created', payload: sentry },
  ];
}

/** Command `i` of a webhook: kind i % 10; copies after the first ten serve other labels, channels, patterns. */
function command(i: number): z.input<typeof CommandInput> {
  const k = Math.floor(i / 10);
  const v = (first: string, other: string) => (k === 0 ? first : `${other}-${k}`);
  const base = { command_id: `cmd_${i}`, action: 'create_task' as const, agent: 'planning' };
  switch (i % 10) {
    case 0:
      return { ...base, trigger: 'issues.opened', conditions: { labels: [v('bug', 'team'), 'enhancement'] }, template: 'Analyze issue: {{issue.title}}\n\n{{issue.body}}' };
    case 1:
      return { ...base, action: 'ask', trigger: 'issue_comment.created', conditions: { body_contains: v('@agent', '@bot') }, template: 'User asked: {{comment.body}}' };
    case 2:
      return {
        ...base,
        trigger: 'issues.*',
        conditions: { all: [{ field: 'issue.title', op: 'regex', value: k === 0 ? '(?i)\\b(crash|fails)\\b' : `(?i)^\\[area-${k}\\]` }] },
        template: '{{issue.title}} ({{#issue.labels}}{{name}} {{/issue.labels}}) by {{sender}}',
      };
    case 3:
      return {
        ...base,
        action: 'respond',
        trigger: 'slash_command',
        conditions: { channel: v('#test', '#ops'), any: [{ field: 'command', op: 'eq', value: '/deploy' }, { field: 'command', op: 'eq', value: '/rollback' }] },
        template: '{{user_name}} ran {{command}} {{text}} in #{{channel_name}}',
      };
    case 4:
      return { ...base, trigger: 'issue.*', conditions: { min_severity: k === 0 ? 'error' : 'critical', platforms: ['javascript', 'node'] }, template: 'Sentry {{data.issue.shortId}}: {{data.issue.title}} ({{data.issue.level}})' };
    case 5:
      return { ...base, action: 'comment', trigger: '*', conditions: { users: [v('dependabot', 'bot'), 'renovate'] }, template: '{{event_type}} from {{provider}}' };
    case 6:
      return { ...base, trigger: 'pull_request.*', conditions: { labels: [v('needs-review', 'review')] }, template: 'Review {{pull_request.title}}' };
    case 7:
      return { ...base, trigger: 'issues.labeled', conditions: { label: v('urgent', 'p0') }, template: 'Urgent: {{issue.title}}' };
    case 8:
      return { ...base, action: 'comment', trigger: 'issue_comment.*', conditions: { all: [{ field: 'comment.body', op: 'regex', value: k === 0 ? '^/(retry|deploy)\\b' : `^/step-${k}\\b` }] }, template: 'Running {{comment.body}}' };
    default:
      return k === 0
        ? { ...base, action: 'forward', agent: undefined, trigger: '*', forward_url: 'https://hooks.example.com/audit', template: '{"event":"{{event_type}}","webhook":"{{webhook_id}}"}' }
        : { ...base, trigger: 'push', conditions: { all: [{ field: 'ref', op: 'eq', value: `refs/heads/release-${k}` }, { field: 'commits.length', op: 'gt', value: 0 }] } };
  }
}

/** Commands as the API would store them (validated by the same schema). */
export function webhookCommands(n: number, allTriggers = false): Command[] {
  const inputs = Array.from({ length: n }, (_, i) => ({ ...command(i), ...(allTriggers ? { trigger: '*' } : {}) }));
  const w = WebhookCreate.parse({ name: 'bench', provider: 'github', commands: inputs });
  return w.commands as Command[];
}

function onePass(commands: Command[], mix: Omit<EventContext, 'webhook_id'>[], tally?: { matched: number; chars: number }): void {
  for (const e of mix) {
    const ctx: EventContext = { ...e, webhook_id: 'bench-001' };
    const matched = matchCommands(commands, ctx);
    let vars: Record<string, string> | undefined;
    for (const c of matched) {
      if (!c.template) continue;
      const r = renderTemplate(c.template, (vars ??= contextVars(ctx)), ctx.payload);
      if (tally) tally.chars += r.text.length;
    }
    if (tally) tally.matched += matched.length;
  }
}

const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Runs the benchmark; rows for 1, 10 and 100 commands, then 100 commands whose triggers all match. */
export function runMatchingBench(opts: { rounds?: number; iterations?: number; sizes?: number[] } = {}): MatchingRow[] {
  const rounds = opts.rounds ?? 21;
  const iterations = opts.iterations ?? 500;
  const sizes = opts.sizes ?? [1, 10, 100];
  const mix = events();
  const webhooks = [
    ...sizes.map((n) => ({ n, scenario: 'mixed' as const, commands: webhookCommands(n), samples: [] as number[] })),
    { n: sizes[sizes.length - 1], scenario: 'all triggers *' as const, commands: webhookCommands(sizes[sizes.length - 1], true), samples: [] as number[] },
  ];
  for (const w of webhooks) for (let i = 0; i < 2000; i++) onePass(w.commands, mix);
  for (let r = 0; r < rounds; r++) {
    // Rotate which size goes first so drift on a shared machine spreads evenly.
    for (let j = 0; j < webhooks.length; j++) {
      const w = webhooks[(r + j) % webhooks.length];
      const t0 = cpuMicros();
      for (let i = 0; i < iterations; i++) onePass(w.commands, mix);
      w.samples.push((cpuMicros() - t0) / (iterations * mix.length));
    }
  }
  const rows = webhooks.map((w) => {
    const tally = { matched: 0, chars: 0 };
    onePass(w.commands, mix, tally);
    return {
      commands: w.n,
      scenario: w.scenario,
      us_per_event: median(w.samples),
      best_us: Math.min(...w.samples),
      matched_per_event: tally.matched / mix.length,
      rendered_chars_per_event: Math.round(tally.chars / mix.length),
      ratio_to_1: 0,
    };
  });
  for (const row of rows) row.ratio_to_1 = row.us_per_event / rows[0].us_per_event;
  return rows;
}

/** The rows as a Markdown table, with the marginal cost per added command. */
export function formatMatchingTable(rows: MatchingRow[]): string {
  const lines = [
    '| Commands | µs per event (median) | best round | matched per event | rendered chars per event | vs 1 command |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.commands}${r.scenario === 'mixed' ? '' : ` (${r.scenario})`} | ${r.us_per_event.toFixed(1)} | ${r.best_us.toFixed(1)} | ${r.matched_per_event.toFixed(2)} | ${r.rendered_chars_per_event} | ${r.ratio_to_1.toFixed(2)}x |`,
    ),
  ];
  const mixed = rows.filter((r) => r.scenario === 'mixed');
  const marginal = mixed.slice(1).map((r, i) => {
    const prev = mixed[i];
    return `${prev.commands}→${r.commands}: ${((r.us_per_event - prev.us_per_event) / (r.commands - prev.commands)).toFixed(2)} µs per added command`;
  });
  const worst = Math.max(...rows.filter((r) => r.commands === 100).map((r) => r.us_per_event));
  const goal = `Goal: under 100 µs per event at 100 commands (${worst < 100 ? 'met' : 'NOT met'}: ${worst.toFixed(1)} µs at worst), growing linearly.`;
  return `${lines.join('\n')}\n\n${marginal.join('; ')}. ${goal}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = runMatchingBench();
  if (process.argv.includes('--json')) console.log(JSON.stringify({ node: process.version, rows }));
  else {
    const [r1, r10, r100] = rows.filter((r) => r.scenario === 'mixed');
    console.log(`Command matching + template rendering per event, Node ${process.version} (median of 21 rounds × 500 iterations × 4 events)\n`);
    console.log(formatMatchingTable(rows));
    if (r10 && r100) console.log(`Ratios: 10/1 = ${(r10.us_per_event / r1.us_per_event).toFixed(2)}x, 100/1 = ${(r100.us_per_event / r1.us_per_event).toFixed(2)}x`);
  }
}
