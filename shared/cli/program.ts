import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import * as z from 'zod';
import { SubscriptionCreate } from '../model/subscription';
import { SUBSCRIPTION_SERVER_FIELDS } from '../model/ids';
import { WebhookCreate } from '../model/webhook';
import { version } from '../version';
import { all, apiClient, claimTask, CliError, table, type Api } from './client';
import { listenCommand } from './listen';
import type { CliIo } from './io';
import { comparable, formatPlan, plan, readConfigs } from './plan';

/** Where output goes and how the CLI reaches the API (tests inject their own). */
export type { CliIo } from './io';

/** Operations of the route table the CLI deliberately has no command for, and why. */
export const CLI_EXCLUDED_OPERATIONS: Record<string, string> = {
  receiveWebhook: "the receiver is called by providers with their own signature; `webhooks test` sends a correctly signed sample through it",
  notFound: 'the catch-all 404 for unknown /api paths is not an operation',
};

const EXIT_CODES = `
Exit codes:
  0  done
  1  the API refused (the message names the status, code and every field path) or could not be reached
  2  bad usage (unknown option, missing argument, no URL or key) or a plan with errors (nothing applied)

Environment: HOOKLINE_URL (e.g. http://127.0.0.1:3000) and HOOKLINE_KEY, or --url and --key.`;

const enc = encodeURIComponent;

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`${what} is not valid JSON: ${(err as Error).message}`, 2);
  }
}

/** `--data '{...}'` or `--file path.json` (either; `-` reads stdin is not supported: pass a file). */
function jsonInput(o: { data?: string; file?: string }, what = 'the body'): Record<string, unknown> | undefined {
  if (o.data !== undefined && o.file !== undefined) throw new CliError('Give --data or --file, not both.', 2);
  if (o.data !== undefined) return parseJson(o.data, `--data (${what})`) as Record<string, unknown>;
  if (o.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(o.file, 'utf8');
    } catch (err) {
      throw new CliError(`Cannot read ${o.file}: ${(err as Error).message}`, 2);
    }
    return parseJson(text, o.file) as Record<string, unknown>;
  }
  return undefined;
}

/** A value given on the command line: JSON when it parses, else the text itself. */
function jsonOrText(v: string | undefined): unknown {
  if (v === undefined) return undefined;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

const shapeKeys = (s: z.ZodType): string[] => (s instanceof z.ZodObject ? Object.keys(s.shape) : []);
const pick = (o: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k, v]) => keys.includes(k) && v !== undefined));

function positiveInt(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`${name} must be a whole number, got "${v}".`, 2);
  return n;
}

/** `--rate-limit 50` or `50:10` as `{"per_second","burst"?}`; the API checks the ranges (400 at rate_limit.*). */
function rateLimitFlag(v: string | undefined): { per_second: number; burst?: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^([0-9.]+)(?::([0-9]+))?$/.exec(v.trim());
  if (!m) throw new CliError(`--rate-limit must be per_second or per_second:burst (e.g. 50 or 50:10), got "${v}".`, 2);
  return { per_second: Number(m[1]), ...(m[2] ? { burst: Number(m[2]) } : {}) };
}

const query = (o: Record<string, string | undefined>) => {
  const q = new URLSearchParams(Object.entries(o).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return q ? `?${q}` : '';
};

/** The whole `hookline` program, and which route-table operation each command uses. */
export function buildProgram(io: CliIo, setCode: (c: number) => void = () => undefined, listen?: (api: () => Api, o: Record<string, unknown>) => Promise<void>) {
  const covered = new Map<string, string[]>();
  const examples = new Map<string, string>();
  const program = new Command('hookline')
    .version(version)
    .description('Manage Hookline webhooks, commands, events, tasks, questions, subscriptions, deliveries, keys and queues through its API')
    .option('--url <url>', 'API base URL (env HOOKLINE_URL)')
    .option('--key <key>', 'API key (env HOOKLINE_KEY)')
    .option('--json', 'machine-readable JSON output (every command)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    .addHelpText('after', EXIT_CODES);

  const api = (): Api => {
    const o = program.opts();
    return apiClient(o.url ?? io.env.HOOKLINE_URL, o.key ?? io.env.HOOKLINE_KEY, io.fetch);
  };
  const json = () => Boolean(program.opts().json);
  /** Objects print as JSON; lists as a table of `columns` (free-text columns in `text` may be shortened). */
  const show = (value: unknown, rows?: Record<string, unknown>[], columns?: string[], text: string[] = []) =>
    io.out(json() || !rows || !columns ? JSON.stringify(value, null, 2) : table(rows, columns, text));

  /** One command: its description, an example for its help, and the operations it uses. */
  const cmd = (parent: Command, spec: string, description: string, example: string, ...operations: string[]) => {
    const c = parent.command(spec).description(description).addHelpText('after', `\nExample:\n  $ ${example}`);
    const name = `${parent === program ? '' : `${parent.name()} `}${c.name()}`;
    examples.set(name, example);
    for (const op of operations) covered.set(op, [...(covered.get(op) ?? []), name]);
    return c;
  };
  const group = (name: string, description: string) => program.command(name).description(description);

  // Config as files
  cmd(program, 'apply', 'create, update and (with --prune) delete webhooks to match config files', 'hookline apply -f config/webhooks --dry-run', 'listWebhooks', 'createWebhook', 'replaceWebhook', 'deleteWebhook')
    .requiredOption('-f, --file <path>', 'a config file or a folder of *.json files')
    .option('--dry-run', 'print the plan only')
    .option('--prune', 'delete webhooks that have no file')
    .action(async (o: { file: string; dryRun?: boolean; prune?: boolean }) => {
      const a = api();
      const steps = plan(readConfigs(o.file), await all(a, '/api/webhooks'), Boolean(o.prune));
      const errors = steps.filter((s) => s.kind === 'error');
      if (json()) io.out(JSON.stringify({ plan: steps.map(({ ...s }) => ('config' in s ? { kind: s.kind, id: s.id, ...('changes' in s ? { changes: s.changes } : {}), warnings: s.warnings } : s)), applied: !errors.length && !o.dryRun }, null, 2));
      else io.out(formatPlan(steps) || '(no config files)');
      if (errors.length) {
        setCode(2);
        if (!json()) io.err(`${errors.length} file(s) with errors: nothing applied.`);
        return;
      }
      if (o.dryRun) return;
      for (const s of steps) {
        if (s.kind === 'create') await a.call('POST', '/api/webhooks', { ...s.config, webhook_id: s.id });
        if (s.kind === 'update') await a.call('PUT', `/api/webhooks/${s.id}`, s.config);
        if (s.kind === 'delete') await a.call('DELETE', `/api/webhooks/${s.id}`);
      }
    });

  cmd(program, 'export', 'write every webhook as a config file that apply accepts unchanged', 'hookline export --dir config/webhooks', 'listWebhooks')
    .option('--dir <dir>', 'folder to write <webhook_id>.json files into (default: print)')
    .action(async (o: { dir?: string }) => {
      const hooks = await all<Record<string, unknown>>(api(), '/api/webhooks');
      const files = hooks.map((w) => ({ id: String(w.webhook_id), config: comparable(w) }));
      if (!o.dir) return io.out(JSON.stringify(Object.fromEntries(files.map((f) => [f.id, f.config])), null, 2));
      mkdirSync(o.dir, { recursive: true });
      for (const f of files) writeFileSync(join(o.dir, `${f.id}.json`), `${JSON.stringify(f.config, null, 2)}\n`);
      io.out(json() ? JSON.stringify({ written: files.map((f) => f.id) }) : `wrote ${files.length} file(s) to ${o.dir}`);
    });

  // Keys
  const keys = group('keys', 'API keys (admin scope)');
  cmd(keys, 'create', 'create a key; the full key is printed once', 'hookline keys create --name ci-bot --scopes read,write', 'createKey')
    .requiredOption('--name <name>')
    .requiredOption('--scopes <list>', 'comma-separated: read,write,admin,agent')
    .option('--tenant <tenant_id>', "bind the key to a tenant: only that tenant's subscriptions and deliveries (scopes read,write only)")
    .action(async (o: { name: string; scopes: string; tenant?: string }) => {
      const k = await api().call('POST', '/api/keys', { name: o.name, scopes: o.scopes.split(',').map((s) => s.trim()).filter(Boolean), ...(o.tenant ? { tenant_id: o.tenant } : {}) });
      show(k, [k], ['key_id', 'name', 'scopes', 'tenant_id', 'key']);
      if (!json()) io.err('The key is shown once: store it now.');
    });
  cmd(keys, 'list', 'list keys (masked)', 'hookline keys list', 'listKeys').action(async () => {
    const items = await all<Record<string, unknown>>(api(), '/api/keys');
    show(items, items, ['key_id', 'name', 'kind', 'scopes', 'tenant_id', 'key', 'expires_at', 'created_at']);
  });
  cmd(keys, 'revoke <key_id>', 'revoke a key or a portal token', 'hookline keys revoke key_3k2j4h5g6f7d8s9a', 'deleteKey').action(async (id: string) => {
    await api().call('DELETE', `/api/keys/${enc(id)}`);
    show({ revoked: id }, [{ revoked: id }], ['revoked']);
  });

  // Webhooks
  const webhooks = group('webhooks', 'inbound webhooks');
  const webhookRow = (w: Record<string, unknown>) => ({ ...w, commands: Array.isArray(w.commands) ? w.commands.length : w.commands });
  const webhookCols = ['webhook_id', 'provider', 'enabled', 'commands', 'version', 'url'];
  cmd(webhooks, 'list', 'list webhooks', 'hookline webhooks list', 'listWebhooks').action(async () => {
    const items = await all<Record<string, unknown>>(api(), '/api/webhooks');
    show(items, items.map(webhookRow), webhookCols);
  });
  cmd(webhooks, 'show <id>', 'one webhook (secrets masked)', 'hookline webhooks show github-issues-001', 'getWebhook').action(async (id: string) => show(await api().call('GET', `/api/webhooks/${enc(id)}`)));
  cmd(webhooks, 'create', 'create a webhook from flags or a JSON config (the secret is printed in full once)', "hookline webhooks create --provider github --name 'GitHub issues' --id github-issues-001", 'createWebhook')
    .option('--provider <provider>', 'github, gitlab, jira, slack, sentry, stripe, clerk, standard, linear, shopify or custom')
    .option('--name <name>')
    .option('--id <webhook_id>', 'default: generated')
    .option('--secret <secret>', 'default: generated')
    .option('--data <json>', 'the whole config as JSON (flags override its fields)')
    .option('--file <path>', 'the whole config from a JSON file (flags override its fields)')
    .action(async (o: { provider?: string; name?: string; id?: string; secret?: string; data?: string; file?: string }) => {
      const body = { ...(jsonInput(o, 'the webhook config') ?? {}), ...pick({ provider: o.provider, name: o.name, webhook_id: o.id, secret: o.secret }, ['provider', 'name', 'webhook_id', 'secret']) };
      const w = await api().call('POST', '/api/webhooks', body);
      show(w, [webhookRow(w)], [...webhookCols, 'secret']);
      if (!json()) io.err('The secret is shown once: configure it at the provider now.');
    });
  cmd(webhooks, 'edit <id>', "change a webhook's fields (top-level fields of --data/--file replace the current ones); refused if it changed meanwhile (If-Match)", "hookline webhooks edit github-issues-001 --name 'GitHub (prod)'", 'getWebhook', 'replaceWebhook')
    .option('--name <name>')
    .option('--data <json>', 'fields to set, as JSON')
    .option('--file <path>', 'fields to set, from a JSON file')
    .action(async (id: string, o: { name?: string; data?: string; file?: string }) => {
      const a = api();
      const cur = await a.request<Record<string, unknown>>('GET', `/api/webhooks/${enc(id)}`);
      const fields = shapeKeys(WebhookCreate).filter((k) => k !== 'secret');
      const patch = { ...(jsonInput(o, 'the fields') ?? {}), ...pick({ name: o.name }, ['name']) };
      if (!Object.keys(patch).length) throw new CliError('Nothing to change: pass --name, --data or --file.', 2);
      const w = await a.call('PUT', `/api/webhooks/${enc(id)}`, { ...pick(cur.body, fields), ...patch }, { 'if-match': `"${cur.body.version}"` });
      show(w, [webhookRow(w)], webhookCols);
    });
  cmd(webhooks, 'delete <id>', 'delete a webhook (its backups stay; see restore)', 'hookline webhooks delete github-issues-001', 'deleteWebhook').action(async (id: string) => {
    await api().call('DELETE', `/api/webhooks/${enc(id)}`);
    show({ deleted: id }, [{ deleted: id }], ['deleted']);
  });
  /** `rotate-secret` of webhooks and subscriptions: the same body, the new secret printed once. */
  const rotateSecret = (parent: Command, base: string, idColumn: string, what: string, example: string, op: string, who: string) =>
    cmd(parent, 'rotate-secret <id>', what, example, op)
      .option('--grace <seconds>', 'how long the old secret keeps working', '86400')
      .option('--secret <secret>', 'the new secret (default: generated)')
      .action(async (id: string, o: { grace: string; secret?: string }) => {
        const r = await api().call('POST', `${base}/${enc(id)}/rotate-secret`, { grace_seconds: positiveInt(o.grace, '--grace'), ...(o.secret ? { secret: o.secret } : {}) });
        show(r, [r], [idColumn, 'secret', 'previous_secret_expires_at', 'version']);
        if (!json()) io.err(`The new secret is shown once: ${who} now.`);
      });
  rotateSecret(webhooks, '/api/webhooks', 'webhook_id', 'new secret (printed once); the old one stays valid for --grace seconds', 'hookline webhooks rotate-secret github-issues-001 --grace 3600', 'rotateWebhookSecret', 'configure it at the provider');
  for (const [verb, op, what] of [
    ['enable', 'enableWebhook', 'enable a webhook'],
    ['disable', 'disableWebhook', 'disable a webhook (its receiver answers 404 webhook_disabled)'],
    ['test', 'testWebhook', "send a correctly signed sample event of the webhook's provider through the real receiver"],
  ] as const)
    cmd(webhooks, `${verb} <id>`, what, `hookline webhooks ${verb} github-issues-001`, op).action(async (id: string) => {
      const r = await api().call('POST', `/api/webhooks/${enc(id)}/${verb}`);
      show(r, [{ webhook_id: id, ...r }], verb === 'test' ? ['webhook_id', 'event_id', 'receiver_status'] : ['webhook_id', 'enabled', 'version']);
    });
  cmd(webhooks, 'backups <id>', 'backed-up versions, newest first', 'hookline webhooks backups github-issues-001', 'listBackups').action(async (id: string) => {
    const page = await api().call('GET', `/api/webhooks/${enc(id)}/backups`);
    show(page.items, page.items, ['version', 'at', 'bytes']);
  });
  cmd(webhooks, 'restore <id>', 'restore a backed-up version (brings back a deleted webhook with its secret)', 'hookline webhooks restore github-issues-001 --backup 3', 'restoreWebhook')
    .requiredOption('--backup <version>', 'the backed-up version to restore')
    .action(async (id: string, o: { backup: string }) => {
      const w = await api().call('POST', `/api/webhooks/${enc(id)}/restore`, { version: positiveInt(o.backup, '--backup') });
      show(w, [w], ['webhook_id', 'name', 'enabled', 'version']);
    });

  // Commands
  const commands = group('commands', "a webhook's commands");
  const commandCols = ['command_id', 'trigger', 'action', 'agent', 'priority', 'template'];
  const commandBody = (o: { data?: string; file?: string; trigger?: string; action?: string; agent?: string; template?: string; priority?: string; forwardUrl?: string }) => ({
    ...(jsonInput(o, 'the command') ?? {}),
    ...pick({ trigger: o.trigger, action: o.action, agent: o.agent, template: o.template, forward_url: o.forwardUrl, priority: o.priority === undefined ? undefined : Number(o.priority) }, ['trigger', 'action', 'agent', 'template', 'forward_url', 'priority']),
  });
  const commandOptions = (c: Command) =>
    c
      .option('--trigger <type>', 'an event type (issues.opened), a wildcard (issues.*) or *')
      .option('--action <action>', 'create_task, comment, ask, respond or forward')
      .option('--agent <agent>')
      .option('--template <text>', 'mustache template, e.g. "Analyze issue: {{issue.title}}"')
      .option('--priority <n>', 'higher runs first')
      .option('--forward-url <url>', 'for forward')
      .option('--data <json>', 'the command as JSON (conditions and all); flags override its fields')
      .option('--file <path>', 'the command from a JSON file; flags override its fields');
  cmd(commands, 'list <webhook_id>', "list a webhook's commands", 'hookline commands list github-issues-001', 'listCommands').action(async (id: string) => {
    const page = await api().call('GET', `/api/webhooks/${enc(id)}/commands`);
    show(page.items, page.items, commandCols, ['template']);
  });
  commandOptions(cmd(commands, 'add <webhook_id>', 'add a command', "hookline commands add github-issues-001 --trigger issues.opened --action create_task --agent planning --template 'Analyze: {{issue.title}}'", 'addCommand')).action(async (id: string, o) => {
    const c = await api().call('POST', `/api/webhooks/${enc(id)}/commands`, commandBody(o));
    show(c, [c], commandCols, ['template']);
  });
  commandOptions(cmd(commands, 'edit <webhook_id> <command_id>', 'change a command (given fields replace the current ones)', "hookline commands edit github-issues-001 cmd_1a2b --template 'Urgent: {{issue.title}}'", 'listCommands', 'updateCommand')).action(async (id: string, cmdId: string, o) => {
    const a = api();
    const page = await a.request<{ items: Record<string, unknown>[] }>('GET', `/api/webhooks/${enc(id)}/commands`);
    const cur = page.body.items.find((c) => c.command_id === cmdId);
    if (!cur) throw new CliError(`404 not_found: Command "${cmdId}" was not found on webhook "${id}".`, 1, 404);
    const etag = page.headers.get('etag');
    const c = await a.call('PUT', `/api/webhooks/${enc(id)}/commands/${enc(cmdId)}`, { ...cur, ...commandBody(o) }, etag ? { 'if-match': etag } : {});
    show(c, [c], commandCols, ['template']);
  });
  cmd(commands, 'delete <webhook_id> <command_id>', 'delete a command', 'hookline commands delete github-issues-001 cmd_1a2b', 'deleteCommand').action(async (id: string, cmdId: string) => {
    await api().call('DELETE', `/api/webhooks/${enc(id)}/commands/${enc(cmdId)}`);
    show({ deleted: cmdId }, [{ deleted: cmdId }], ['deleted']);
  });
  commandOptions(
    cmd(commands, 'preview <webhook_id>', "try a command (an existing one with --command-id, or one given by flags/--data) on a stored event, a payload or the provider's sample; changes nothing", 'hookline commands preview github-issues-001 --command-id cmd_1a2b --event evt_8f14e45fceea', 'listCommands', 'previewCommand'),
  )
    .option('--command-id <id>', 'preview this existing command (flags override its fields)')
    .option('--event <event_id>', 'a stored event of this webhook')
    .option('--payload <path>', 'a JSON payload file (needs --event-type)')
    .option('--event-type <type>', "the payload's event type, e.g. issues.opened")
    .action(async (id: string, o: Record<string, string | undefined>) => {
      const a = api();
      let base: Record<string, unknown> = {};
      if (o.commandId) {
        const page = await a.call<{ items: Record<string, unknown>[] }>('GET', `/api/webhooks/${enc(id)}/commands`);
        const found = page.items.find((c) => c.command_id === o.commandId);
        if (!found) throw new CliError(`404 not_found: Command "${o.commandId}" was not found on webhook "${id}".`, 1, 404);
        base = found;
      }
      const payload = o.payload === undefined ? undefined : jsonInput({ file: o.payload }, 'the payload');
      const r = await a.call('POST', `/api/webhooks/${enc(id)}/commands/preview`, {
        command: { ...base, ...commandBody(o) },
        ...(o.event ? { event_id: o.event } : {}),
        ...(payload ? { payload } : {}),
        ...(o.eventType ? { event_type: o.eventType } : {}),
      });
      printPreview(r);
    });
  commandOptions(
    cmd(commands, 'preview-unsaved', "try a command for a webhook that does not exist yet (only its provider) on a payload or the provider's sample; changes nothing", 'hookline commands preview-unsaved --provider jira --trigger jira:issue_created --action create_task --agent planning --template "New Jira ticket: {{issue.key}}"', 'previewUnsavedCommand'),
  )
    .requiredOption('--provider <provider>', 'github, gitlab, jira, slack, sentry, stripe, clerk, standard, linear, shopify or custom')
    .option('--payload <path>', 'a JSON payload file (needs --event-type)')
    .option('--event-type <type>', "the payload's event type, e.g. issues.opened")
    .action(async (o: Record<string, string | undefined>) => {
      const payload = o.payload === undefined ? undefined : jsonInput({ file: o.payload }, 'the payload');
      printPreview(
        await api().call('POST', '/api/commands/preview', {
          provider: o.provider,
          command: commandBody(o),
          ...(payload ? { payload } : {}),
          ...(o.eventType ? { event_type: o.eventType } : {}),
        }),
      );
    });
  function printPreview(r: any) {
    if (json()) return show(r);
    io.out(`${r.matched ? 'MATCHES' : 'DOES NOT MATCH'} (${r.event?.source ?? 'event'} ${r.event?.event_type ?? ''}${r.event?.event_id ? ` ${r.event.event_id}` : ''})`);
    for (const reason of r.reasons ?? []) io.out(`  - ${reason}`);
    if (r.rendered !== null && r.rendered !== undefined) io.out(`rendered:\n${r.rendered}`);
    if (r.missing?.length) io.out(`empty variables: ${r.missing.join(', ')}`);
  }

  // Events
  const events = group('events', 'event log and interactive answers');
  const eventCols = ['event_id', 'event_type', 'status', 'received_at', 'delivery_id'];
  cmd(events, 'list <webhook_id>', "a webhook's event log, newest first", 'hookline events list github-issues-001 --status failed', 'listEvents')
    .option('--status <status>', 'received, processed, ignored or failed')
    .option('--limit <n>', 'at most this many (default: all)')
    .action(async (id: string, o: { status?: string; limit?: string }) => {
      const path = `/api/webhooks/${enc(id)}/events${query({ status: o.status })}`;
      const items = o.limit ? (await api().call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=${positiveInt(o.limit, '--limit')}`)).items : await all<Record<string, unknown>>(api(), path);
      show(items, items, eventCols);
    });
  cmd(events, 'show <webhook_id> <event_id>', 'one event with its payload and action results', 'hookline events show github-issues-001 evt_8f14e45fceea', 'getEvent').action(async (id: string, ev: string) =>
    show(await api().call('GET', `/api/webhooks/${enc(id)}/events/${enc(ev)}`)),
  );
  cmd(events, 'replay <webhook_id> <event_id>', 'run the commands again on a stored event (as a new event)', 'hookline events replay github-issues-001 evt_8f14e45fceea', 'replayEvent').action(async (id: string, ev: string) => {
    const r = await api().call('POST', `/api/webhooks/${enc(id)}/events/${enc(ev)}/replay`);
    show(r, [r], ['event_id']);
  });
  for (const [verb, op, field, what] of [
    ['comment', 'commentOnEvent', 'message', "post a comment to the event's source thread"],
    ['ask', 'askOnEvent', 'question', "ask the source's human; the next human reply on the thread answers it"],
    ['respond', 'respondToEvent', 'response', 'answer the source immediately (Slack response_url, else the thread)'],
  ] as const) {
    const c = cmd(events, `${verb} <webhook_id> <event_id> <text>`, what, `hookline events ${verb} github-issues-001 evt_8f14e45fceea 'On it.'`, op);
    if (verb === 'ask') c.option('--agent <agent>', 'who asks (the answer is published with it)');
    c.action(async (id: string, ev: string, text: string, o: { agent?: string }) => {
      const r = await api().call('POST', `/api/webhooks/${enc(id)}/${verb}`, { event_id: ev, [field]: text, ...(o.agent ? { agent: o.agent } : {}) });
      show(r, [r], verb === 'ask' ? ['question_id', 'status', 'question'] : ['command_id', 'action', 'status', 'error'], ['question', 'error']);
    });
  }
  cmd(events, 'tail <webhook_id>', 'print new events as they arrive (Ctrl-C stops)', 'hookline events tail github-issues-001 --interval 1', 'listEvents')
    .option('--interval <seconds>', 'poll interval', '2')
    .action(async (id: string, o: { interval: string }) => {
      const a = api();
      const seen = new Set<string>();
      while (!io.signal?.aborted) {
        const page = await a.call('GET', `/api/webhooks/${enc(id)}/events?limit=50`);
        const fresh = (page.items as Record<string, unknown>[]).filter((e) => !seen.has(String(e.event_id))).reverse();
        for (const e of fresh) {
          seen.add(String(e.event_id));
          io.out(json() ? JSON.stringify(e) : `${e.received_at}  ${e.event_type}  ${e.status}  ${e.event_id}`);
        }
        await new Promise<void>((r) => {
          const t = setTimeout(r, Number(o.interval) * 1000);
          io.signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
        });
      }
    });

  // Tasks
  const tasks = group('tasks', 'agent tasks');
  const taskCols = ['task_id', 'agent', 'status', 'version', 'created_at', 'prompt'];
  cmd(tasks, 'list', 'tasks, newest first', 'hookline tasks list --agent planning --status pending', 'listTasks')
    .option('--agent <agent>')
    .option('--status <status>', 'pending, claimed, done or failed')
    .action(async (o: { agent?: string; status?: string }) => {
      const items = await all<Record<string, unknown>>(api(), `/api/tasks${query({ agent: o.agent, status: o.status })}`);
      show(items, items, taskCols, ['prompt']);
    });
  cmd(tasks, 'show <task_id>', 'one task', 'hookline tasks show task_3f2a9c', 'getTask').action(async (id: string) => show(await api().call('GET', `/api/tasks/${enc(id)}`)));
  cmd(tasks, 'claim <task_id>', 'claim a pending task; exclusive: if someone else claimed it first, exit 1 with a clear message', 'hookline tasks claim task_3f2a9c', 'getTask', 'patchTask').action(async (id: string) => {
    const t = await claimTask(api(), id);
    show(t, [t], ['task_id', 'agent', 'status', 'version']);
  });
  for (const [verb, status] of [
    ['done', 'done'],
    ['fail', 'failed'],
  ] as const)
    cmd(tasks, `${verb} <task_id>`, `mark a task ${status}, with a result`, `hookline tasks ${verb} task_3f2a9c --result '{"summary":"${verb === 'done' ? 'Fixed in #42' : 'Cannot reproduce'}"}'`, 'patchTask')
      .option('--result <json>', 'the result, as JSON or text')
      .option('--if-match <version>', 'refuse if the task changed since this version')
      .action(async (id: string, o: { result?: string; ifMatch?: string }) => {
        const result = jsonOrText(o.result);
        const t = await api().call('PATCH', `/api/tasks/${enc(id)}`, { status, ...(result !== undefined ? { result } : {}) }, o.ifMatch ? { 'if-match': `"${positiveInt(o.ifMatch, '--if-match')}"` } : {});
        show(t, [t], ['task_id', 'agent', 'status', 'version']);
      });

  // Questions
  const questions = group('questions', "agents' questions and humans' answers");
  cmd(questions, 'list', 'questions, newest first', 'hookline questions list --status open', 'listQuestions')
    .option('--webhook <id>')
    .option('--status <status>', 'open, answered or expired')
    .action(async (o: { webhook?: string; status?: string }) => {
      const items = await all<Record<string, unknown>>(api(), `/api/questions${query({ webhook_id: o.webhook, status: o.status })}`);
      show(items, items, ['question_id', 'webhook_id', 'agent', 'status', 'question', 'answer'], ['question', 'answer']);
    });
  cmd(questions, 'show <question_id>', 'one question and its answer', 'hookline questions show q_fee3169415bb', 'getQuestion').action(async (id: string) => show(await api().call('GET', `/api/questions/${enc(id)}`)));

  // Tenants
  const tenants = group('tenants', 'tenants: customers whose subscriptions receive only their own events (admin scope)');
  const tenantCols = ['tenant_id', 'name', 'version', 'created_at'];
  cmd(tenants, 'list', 'list tenants', 'hookline tenants list', 'listTenants').action(async () => {
    const items = await all<Record<string, unknown>>(api(), '/api/tenants');
    show(items, items, tenantCols);
  });
  cmd(tenants, 'create <tenant_id>', 'create a tenant', "hookline tenants create acme --name 'Acme Inc.' --data '{\"rate_limit\":{\"per_second\":50}}'", 'createTenant')
    .option('--name <name>', 'display name (default: the id)')
    .option('--data <json>', 'other fields (rate_limit, metadata) as JSON')
    .option('--file <path>', 'other fields from a JSON file')
    .action(async (id: string, o: { name?: string; data?: string; file?: string }) => {
      const input = jsonInput(o, 'the tenant') ?? {};
      const t = await api().call('POST', '/api/tenants', { name: id, ...input, ...(o.name ? { name: o.name } : {}), tenant_id: id });
      show(t, [t], tenantCols);
    });
  cmd(tenants, 'show <tenant_id>', 'one tenant', 'hookline tenants show acme', 'getTenant').action(async (id: string) => show(await api().call('GET', `/api/tenants/${enc(id)}`)));
  cmd(tenants, 'edit <tenant_id>', "change a tenant's fields (top-level fields of --data/--file replace the current ones); refused if it changed meanwhile (If-Match)", "hookline tenants edit acme --name 'Acme Corp.'", 'getTenant', 'replaceTenant')
    .option('--name <name>')
    .option('--data <json>', 'fields to set (rate_limit, metadata), as JSON')
    .option('--file <path>', 'fields to set, from a JSON file')
    .action(async (id: string, o: { name?: string; data?: string; file?: string }) => {
      const patch = { ...(jsonInput(o, 'the fields') ?? {}), ...(o.name ? { name: o.name } : {}) };
      if (!Object.keys(patch).length) throw new CliError('Nothing to change: pass --name, --data or --file.', 2);
      const a = api();
      const cur = await a.call<Record<string, unknown>>('GET', `/api/tenants/${enc(id)}`);
      const t = await a.call('PUT', `/api/tenants/${enc(id)}`, { ...pick(cur, ['name', 'rate_limit', 'metadata']), ...patch }, { 'if-match': `"${cur.version}"` });
      show(t, [t], tenantCols);
    });
  cmd(tenants, 'delete <tenant_id>', 'delete a tenant (refused while subscriptions refer to it)', 'hookline tenants delete acme', 'deleteTenant').action(async (id: string) => {
    await api().call('DELETE', `/api/tenants/${enc(id)}`);
    show({ deleted: id }, [{ deleted: id }], ['deleted']);
  });
  cmd(tenants, 'portal-link <tenant_id>', "a subscriber-portal link: the console showing only this tenant's subscriptions and deliveries, with a short-lived token (revoke it with keys revoke <key_id>)", 'hookline tenants portal-link acme --expires-in 7200', 'createPortalLink')
    .option('--expires-in <seconds>', 'lifetime of the link, 60 to 86400 seconds (default 3600)')
    .action(async (id: string, o: { expiresIn?: string }) => {
      const link = await api().call('POST', `/api/tenants/${enc(id)}/portal-link`, o.expiresIn !== undefined ? { expires_in_seconds: Number(o.expiresIn) } : {});
      show(link, [link], ['url', 'expires_at', 'key_id']);
      if (!json()) io.err('The link carries the token: hand it to the tenant only.');
    });

  // Subscriptions and deliveries
  const subs = group('subscriptions', 'outbound subscriptions');
  const subCols = ['subscription_id', 'enabled', 'verified', 'events', 'rate_limit', 'version', 'url'];
  const subRow = (s: Record<string, unknown>) => {
    const rl = s.rate_limit as { per_second: number; burst?: number } | undefined;
    return { ...s, events: Array.isArray(s.events) ? s.events.join(',') : s.events, rate_limit: rl ? `${rl.per_second}/s${rl.burst ? ` burst ${rl.burst}` : ''}` : '' };
  };
  const deliveryCols = ['delivery_id', 'event_type', 'status', 'attempt_count', 'last_status_code', 'rate_limited_until', 'created_at', 'event_id'];
  cmd(subs, 'list', 'list subscriptions (secrets masked)', 'hookline subscriptions list --tenant acme', 'listSubscriptions')
    .option('--tenant <tenant_id>', "only this tenant's subscriptions")
    .action(async (o: { tenant?: string }) => {
      const items = await all<Record<string, unknown>>(api(), `/api/subscriptions${query({ tenant_id: o.tenant })}`);
      show(items, items.map(subRow), subCols);
    });
  cmd(subs, 'create', 'subscribe a URL to event patterns (the secret is printed in full once)', "hookline subscriptions create --endpoint https://example.com/hooks --events 'agent:complete,project.*'", 'createSubscription')
    .option('--endpoint <url>', "the subscriber's URL (the subscription's url field)")
    .option('--events <patterns>', 'comma-separated event types or prefix wildcards (project.*, *)')
    .option('--description <text>')
    .option('--secret <secret>', 'default: generated (whsec_...)')
    .option('--tenant <tenant_id>', 'the tenant whose events it receives (an existing tenant)')
    .option('--rate-limit <per_second[:burst]>', 'cap the deliveries to this endpoint, e.g. 50 or 50:10 (excess deliveries wait for their slot)')
    .option('--data <json>', 'the whole subscription as JSON (filters, headers, retry_policy...); flags override its fields')
    .option('--file <path>', 'the whole subscription from a JSON file; flags override its fields')
    .action(async (o: { endpoint?: string; events?: string; description?: string; secret?: string; tenant?: string; rateLimit?: string; data?: string; file?: string }) => {
      const body = {
        ...(jsonInput(o, 'the subscription') ?? {}),
        ...pick({ url: o.endpoint, events: o.events?.split(',').map((e) => e.trim()).filter(Boolean), description: o.description, secret: o.secret, tenant_id: o.tenant, rate_limit: rateLimitFlag(o.rateLimit) }, ['url', 'events', 'description', 'secret', 'tenant_id', 'rate_limit']),
      };
      const s = await api().call('POST', '/api/subscriptions', body);
      show(s, [subRow(s)], [...subCols, 'secret']);
      if (!json()) io.err('The secret is shown once: give it to the subscriber now.');
    });
  cmd(subs, 'show <id>', 'one subscription', 'hookline subscriptions show sub_6806d7fd5d', 'getSubscription').action(async (id: string) => show(await api().call('GET', `/api/subscriptions/${enc(id)}`)));
  const editSub = async (id: string, patch: Record<string, unknown>) => {
    const a = api();
    const cur = await a.call<Record<string, unknown>>('GET', `/api/subscriptions/${enc(id)}`);
    const fields = shapeKeys(SubscriptionCreate).filter((k) => k !== 'secret' && k !== 'subscription_id' && !(SUBSCRIPTION_SERVER_FIELDS as readonly string[]).includes(k));
    return a.call('PUT', `/api/subscriptions/${enc(id)}`, { ...pick(cur, fields), ...patch }, { 'if-match': `"${cur.version}"` });
  };
  cmd(subs, 'edit <id>', "change a subscription's fields (top-level fields of --data/--file replace the current ones); refused if it changed meanwhile (If-Match)", "hookline subscriptions edit sub_6806d7fd5d --events 'agent:*'", 'getSubscription', 'replaceSubscription')
    .option('--endpoint <url>', "the subscriber's URL (the subscription's url field)")
    .option('--events <patterns>', 'comma-separated')
    .option('--description <text>')
    .option('--data <json>', 'fields to set, as JSON')
    .option('--file <path>', 'fields to set, from a JSON file')
    .action(async (id: string, o: { endpoint?: string; events?: string; description?: string; data?: string; file?: string }) => {
      const patch = { ...(jsonInput(o, 'the fields') ?? {}), ...pick({ url: o.endpoint, events: o.events?.split(',').map((e) => e.trim()).filter(Boolean), description: o.description }, ['url', 'events', 'description']) };
      if (!Object.keys(patch).length) throw new CliError('Nothing to change: pass --endpoint, --events, --description, --data or --file.', 2);
      const s = await editSub(id, patch);
      show(s, [subRow(s)], subCols);
    });
  for (const [verb, enabled, what] of [
    // Disabling publishes nothing to the subscription (events in between are not kept for it); pause keeps them.
    ['disable', false, 'stop deliveries to a subscription (enabled: false; events published meanwhile are not delivered to it later; to keep them, use pause)'],
    ['enable', true, 'deliver to a subscription again (enabled: true)'],
  ] as const)
    cmd(subs, `${verb} <id>`, what, `hookline subscriptions ${verb} sub_6806d7fd5d`, 'getSubscription', 'replaceSubscription').action(async (id: string) => {
      const s = await editSub(id, { enabled });
      show(s, [subRow(s)], subCols);
    });
  for (const [verb, op, what] of [
    ['pause', 'pauseSubscription', 'hold deliveries: events published meanwhile are kept (status paused, for days if need be) and sent on resume'],
    ['resume', 'resumeSubscription', 'send the paused deliveries, oldest first, then deliver as usual'],
  ] as const)
    cmd(subs, `${verb} <id>`, what, `hookline subscriptions ${verb} sub_6806d7fd5d`, op).action(async (id: string) => {
      const s = await api().call('POST', `/api/subscriptions/${enc(id)}/${verb}`);
      show(s, [subRow(s)], ['subscription_id', 'enabled', 'paused', 'version', 'url']);
    });
  cmd(subs, 'recover <id>', 'after an outage: re-send every failed delivery created since --since (until --until, default now), as new attempts with the same webhook-id; runs in the background', 'hookline subscriptions recover sub_6806d7fd5d --since 2026-11-23T08:00:00Z --until 2026-11-23T12:00:00Z', 'recoverSubscription', 'getSubscription', 'replaceSubscription')
    .option('--since <iso>', 'start of the window (required): an ISO 8601 time')
    .option('--until <iso>', 'end of the window (exclusive; default now)')
    .option('--enable', 'enable the subscription first if it is disabled (a disabled one answers 409)')
    .action(async (id: string, o: { since?: string; until?: string; enable?: boolean }) => {
      if (!o.since) throw new CliError('--since is required: the start of the outage, e.g. --since 2026-11-23T08:00:00Z.', 2);
      const a = api();
      if (o.enable) {
        const cur = await a.call<Record<string, unknown>>('GET', `/api/subscriptions/${enc(id)}`);
        if (!cur.enabled) await editSub(id, { enabled: true });
      }
      const r = await a.call<Record<string, unknown>>('POST', `/api/subscriptions/${enc(id)}/recover`, { since: o.since, ...(o.until ? { until: o.until } : {}) });
      show(r, [{ subscription_id: id, ...r }], ['subscription_id', 'queued', 'since', 'until', 'recovery_id']);
    });
  cmd(subs, 'delete <id>', 'delete a subscription', 'hookline subscriptions delete sub_6806d7fd5d', 'deleteSubscription').action(async (id: string) => {
    await api().call('DELETE', `/api/subscriptions/${enc(id)}`);
    show({ deleted: id }, [{ deleted: id }], ['deleted']);
  });
  cmd(subs, 'verify <id>', 'send a new signed hookline.verification to the endpoint (after a failed one, or to check it again); a 2xx sets verified', 'hookline subscriptions verify sub_6806d7fd5d', 'verifySubscription').action(async (id: string) => {
    const r = await api().call<Record<string, unknown>>('POST', `/api/subscriptions/${enc(id)}/verify`);
    show(r, [r], ['subscription_id', 'verified', 'delivery_id']);
    if (!json()) io.err(`Follow it with: hookline deliveries show ${String(r.delivery_id)}`);
  });
  cmd(subs, 'test <id>', 'send a hookline.test event to this subscription only', 'hookline subscriptions test sub_6806d7fd5d', 'testSubscription').action(async (id: string) => {
    const r = await api().call('POST', `/api/subscriptions/${enc(id)}/test`);
    show(r, [r], ['event_id', 'delivery_id', 'deliveries']);
  });
  rotateSecret(subs, '/api/subscriptions', 'subscription_id', 'new secret (printed once); during --grace seconds deliveries carry both signatures', 'hookline subscriptions rotate-secret sub_6806d7fd5d --grace 3600', 'rotateSubscriptionSecret', 'give it to the subscriber');
  cmd(subs, 'preview [id]', 'whether a subscription (a saved one by id, or one given by flags/--data, not saved) selects an event (given, or a sample), why not, and the exact body it would send; changes nothing', "hookline subscriptions preview sub_6806d7fd5d --type agent:complete --event-data '{\"task_id\":\"t1\"}'", 'previewStoredSubscription', 'previewSubscription')
    .option('--endpoint <url>', 'an unsaved subscription: its URL')
    .option('--events <patterns>', 'an unsaved subscription: comma-separated patterns')
    .option('--data <json>', 'an unsaved subscription as JSON (filters, body_template...)')
    .option('--file <path>', 'an unsaved subscription from a JSON file')
    .option('--type <type>', 'the event type to try (default: a sample event)')
    .option('--event-data <json>', "the event's data, as JSON or text")
    .option('--timestamp <iso>', 'when the event happens (for time_window filters)')
    .action(async (id: string | undefined, o: { endpoint?: string; events?: string; data?: string; file?: string; type?: string; eventData?: string; timestamp?: string }) => {
      if (o.eventData !== undefined && o.type === undefined) throw new CliError('--event-data needs --type.', 2);
      const event = o.type ? { event: { type: o.type, ...(o.eventData !== undefined ? { data: jsonOrText(o.eventData) } : {}), ...(o.timestamp ? { timestamp: o.timestamp } : {}) } } : {};
      let r: Record<string, any>;
      if (id) {
        if (o.endpoint || o.events || o.data !== undefined || o.file !== undefined) throw new CliError('Give a saved subscription id or an unsaved subscription (--endpoint/--events/--data/--file), not both.', 2);
        r = await api().call('POST', `/api/subscriptions/${enc(id)}/preview`, event);
      } else {
        const subscription = { ...(jsonInput(o, 'the subscription') ?? {}), ...pick({ url: o.endpoint, events: o.events?.split(',').map((e) => e.trim()).filter(Boolean) }, ['url', 'events']) };
        r = await api().call('POST', '/api/subscriptions/preview', { subscription, ...event });
      }
      if (json()) return show(r);
      io.out(`${r.matched ? 'SELECTED' : 'NOT SELECTED'} (${r.event?.source} ${r.event?.type} ${r.event?.id})`);
      for (const reason of r.reasons ?? []) io.out(`  - ${reason}`);
      io.out(`body:\n${r.rendered}`);
      if (r.missing?.length) io.out(`absent template variables: ${r.missing.join(', ')}`);
    });
  const listDeliveries = async (id: string, o: { status?: string }) => {
    const items = await all<Record<string, unknown>>(api(), `/api/subscriptions/${enc(id)}/deliveries${query({ status: o.status })}`);
    show(items, items, deliveryCols);
  };
  cmd(subs, 'deliveries <id>', "a subscription's deliveries, newest first", 'hookline subscriptions deliveries sub_6806d7fd5d --status failed', 'listDeliveries').option('--status <status>', 'pending, sending, success, retrying or failed').action(listDeliveries);
  cmd(subs, 'stats <id>', 'success rate, latency p50/p95 and retries', 'hookline subscriptions stats sub_6806d7fd5d --window-hours 48', 'subscriptionStats')
    .option('--window-hours <n>', 'hours to look back', '24')
    .action(async (id: string, o: { windowHours: string }) => {
      const s = await api().call('GET', `/api/subscriptions/${enc(id)}/stats?window_hours=${positiveInt(o.windowHours, '--window-hours')}`);
      const row = { ...s, success_rate: s.success_rate === null ? '' : `${(s.success_rate * 100).toFixed(1)}%`, p50_ms: s.latency_ms?.p50, p95_ms: s.latency_ms?.p95 };
      show(s, [row], ['subscription_id', 'window_hours', 'deliveries', 'success_rate', 'p50_ms', 'p95_ms', 'retries']);
    });

  const deliveries = group('deliveries', 'outbound deliveries');
  cmd(deliveries, 'list <subscription_id>', "a subscription's deliveries, newest first", 'hookline deliveries list sub_6806d7fd5d --status retrying', 'listDeliveries').option('--status <status>', 'pending, sending, success, retrying or failed').action(listDeliveries);
  cmd(deliveries, 'show <delivery_id>', 'one delivery with every attempt and the body sent', 'hookline deliveries show dlv_99b0ed04e28b', 'getDelivery').action(async (id: string) => {
    const d = await api().call('GET', `/api/deliveries/${enc(id)}`);
    if (json()) return show(d);
    io.out(table([d], deliveryCols));
    io.out('');
    io.out(table(d.attempts, ['attempt', 'at', 'status_code', 'duration_ms', 'error', 'response_excerpt'], ['error', 'response_excerpt']));
  });
  cmd(deliveries, 'retry <delivery_id>', 'send a delivery again', 'hookline deliveries retry dlv_99b0ed04e28b', 'retryDelivery').action(async (id: string) => {
    const r = await api().call('POST', `/api/deliveries/${enc(id)}/retry`);
    show(r, [r], ['delivery_id', 'status']);
  });

  cmd(program, 'publish <type>', 'publish an event to every matching subscription (a repeated --id delivers nothing new)', `hookline publish agent:complete --data '{"task_id":"t1","summary":"done"}' --id run-42`, 'publishEvent')
    .option('--data <json>', 'the event data, as JSON or text')
    .option('--file <path>', 'the event data from a JSON file')
    .option('--id <id>', 'idempotency id')
    .option('--tenant <tenant_id>', "only this tenant's subscriptions receive it (default: only subscriptions without a tenant)")
    .action(async (type: string, o: { data?: string; file?: string; id?: string; tenant?: string }) => {
      if (o.data !== undefined && o.file !== undefined) throw new CliError('Give --data or --file, not both.', 2);
      const data = o.file !== undefined ? jsonInput({ file: o.file }) : jsonOrText(o.data);
      const r = await api().call('POST', '/api/events', { type, data: data ?? {}, ...(o.id ? { id: o.id } : {}), ...(o.tenant ? { tenant_id: o.tenant } : {}) });
      show(r, [r], ['event_id', 'deliveries']);
    });
  cmd(program, 'event-types', 'event types Hookline knows (others may be published too)', 'hookline event-types', 'listEventTypes').action(async () => {
    const page = await api().call('GET', '/api/event-types');
    show(page.items, page.items, ['type', 'source', 'description'], ['description']);
  });
  cmd(program, 'event-type <type>', 'register an event type: description, a JSON Schema (2020-12) for its data, an example', `hookline event-type order.paid --description 'An order was paid' --data '{"schema":{"type":"object","required":["order_id"]},"example":{"order_id":"o1"}}'`, 'registerEventType')
    .requiredOption('--description <text>')
    .option('--data <json>', 'schema and example, as JSON {"schema","example"}')
    .option('--file <path>', 'schema and example from a JSON file')
    .action(async (type: string, o: { description: string; data?: string; file?: string }) => {
      const t = await api().call('PUT', `/api/event-types/${enc(type)}`, { ...(jsonInput(o, 'the event type') ?? {}), description: o.description });
      show(t, [t], ['type', 'source', 'version', 'description'], ['description']);
    });

  const queues = group('queues', 'queue depths and dead-letter redrive (admin scope)');
  cmd(queues, 'stats', 'depth of every queue and its dead-letter queue', 'hookline queues stats', 'queueStats').action(async () => {
    const page = await api().call('GET', '/api/queues/stats');
    show(page.items, page.items, ['queue', 'visible', 'in_flight', 'delayed', 'dlq']);
  });
  cmd(queues, 'redrive', 'move messages from a dead-letter queue back to its queue', 'hookline queues redrive --queue deliveries --max 100', 'redriveDlq')
    .option('--queue <queue>', 'events, actions or deliveries', 'deliveries')
    .option('--max <n>', 'at most this many messages', '1000')
    .action(async (o: { queue: string; max: string }) => {
      const r = await api().call('POST', '/api/queues/dlq/redrive', { queue: o.queue, max: positiveInt(o.max, '--max') });
      show(r, [r], ['queue', 'moved']);
    });

  cmd(program, 'audit', 'who changed what, when (secrets masked)', 'hookline audit --resource github-issues-001', 'listAudit')
    .option('--resource <id>', 'only changes to this resource id')
    .option('--limit <n>', 'at most this many (default 100)', '100')
    .action(async (o: { resource?: string; limit: string }) => {
      const page = await api().call('GET', `/api/audit${query({ resource_id: o.resource, limit: String(Math.min(100, positiveInt(o.limit, '--limit'))) })}`);
      show(page.items, page.items, ['at', 'actor', 'action', 'resource_type', 'resource_id', 'audit_id']);
    });
  cmd(program, 'imports', 'results of config-file imports, newest first, with every error and its field path', 'hookline imports', 'listImports').action(async () => {
    const items = await all<Record<string, unknown>>(api(), '/api/config/imports');
    const rows = items.map((i) => ({ ...i, errors: (i.errors as { path: string; message: string }[]).map((e) => `${e.path}: ${e.message}`).join('; ') }));
    show(items, rows, ['at', 'file', 'status', 'webhook_id', 'changed', 'errors'], ['errors']);
  });
  cmd(program, 'openapi', 'print the OpenAPI document (no key needed)', 'hookline openapi > hookline-openapi.json', 'getOpenApi').action(async () => {
    const o = program.opts();
    const url = o.url ?? io.env.HOOKLINE_URL;
    if (!url) throw new CliError('No API URL: pass --url or set HOOKLINE_URL (e.g. http://127.0.0.1:3000).', 2);
    const res = await (io.fetch ?? fetch)(`${String(url).replace(/\/$/, '')}/api/openapi.json`).catch((err: Error) => {
      throw new CliError(`Cannot reach ${url}: ${err.message}`);
    });
    io.out(JSON.stringify(await res.json(), null, 2));
  });

  cmd(program, 'mcp', 'serve the Model Context Protocol on stdin/stdout for an AI agent (tools for tasks, questions, webhooks, commands, events, subscriptions, deliveries)', 'hookline mcp --url http://127.0.0.1:3000 --key hk_...').action(async () => {
    const { serveMcp } = await import('./mcp');
    await serveMcp(api());
  });

  if (listen)
    cmd(program, 'listen', "a local receiver for testing a subscription (like stripe listen): verifies each delivery's signatures with --secret, prints it, answers --status, and relays verified deliveries with --forward-to", 'hookline listen --secret whsec_... --port 4000 --forward-to http://127.0.0.1:8080/hooks')
      .requiredOption('--secret <secret>', "the subscription's secret (whsec_... or a plain secret); repeat the option while a rotation is in its grace period", (v: string, prev: string[] = []) => [...prev, v])
      .option('--port <port>', 'port on 127.0.0.1 (0: any free port)', '4000')
      .option('--status <code>', 'status to answer verified deliveries with (e.g. 500 to exercise retries)', '200')
      .option('--forward-to <url>', 'relay verified deliveries to this URL and answer with its status')
      .option('--tolerance <seconds>', 'accepted clock skew of webhook-timestamp', '300')
      .action((o: Record<string, unknown>) => listen(api, { ...o, json: json() }));

  return { program, covered, examples };
}

/**
 * Runs `hookline <argv>` and returns the exit code: 0 done, 1 the API or the network refused,
 * 2 bad usage or a plan with errors.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let code = 0;
  const { program } = buildProgram(io, (c) => (code = c), (_api, o) => listenCommand(o, io));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    if (e.code?.startsWith('commander.')) return 2;
    if (err instanceof CliError) {
      io.err(err.message);
      return err.exitCode;
    }
    io.err(String((err as Error).stack ?? err));
    return 1;
  }
  return code;
}
