import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { version } from '../version';
import { all, apiClient, CliError, table, type Api } from './client';
import { comparable, formatPlan, plan, readConfigs } from './plan';

/** Where output goes and how the CLI reaches the API (tests inject their own). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  /** Stops `events tail` (Ctrl-C in a terminal). */
  signal?: AbortSignal;
}

/**
 * Runs `hookline <argv>` and returns the exit code: 0 done, 1 the API or the network refused,
 * 2 bad usage or a plan with errors.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let code = 0;
  const program = new Command('hookline')
    .version(version)
    .description('Manage Hookline webhooks, keys, tasks and subscriptions through its API')
    .option('--url <url>', 'API base URL (env HOOKLINE_URL)')
    .option('--key <key>', 'API key (env HOOKLINE_KEY)')
    .option('--json', 'machine-readable JSON output')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  const api = (): Api => {
    const o = program.opts();
    return apiClient(o.url ?? io.env.HOOKLINE_URL, o.key ?? io.env.HOOKLINE_KEY, io.fetch);
  };
  const json = () => Boolean(program.opts().json);
  const show = (value: unknown, rows?: Record<string, unknown>[], columns?: string[]) =>
    io.out(json() || !rows || !columns ? JSON.stringify(value, null, 2) : table(rows, columns));

  program
    .command('apply')
    .description('create, update and (with --prune) delete webhooks to match config files')
    .requiredOption('-f, --file <path>', 'a config file or a folder of *.json files')
    .option('--dry-run', 'print the plan only')
    .option('--prune', 'delete webhooks that have no file')
    .action(async (o: { file: string; dryRun?: boolean; prune?: boolean }) => {
      const a = api();
      const steps = plan(readConfigs(o.file), await all(a, '/api/webhooks'), Boolean(o.prune));
      const errors = steps.filter((s) => s.kind === 'error');
      if (json()) io.out(JSON.stringify({ plan: steps.map(({ ...s }) => ('config' in s ? { kind: s.kind, id: s.id, ...('changes' in s ? { changes: s.changes } : {}) } : s)), applied: !errors.length && !o.dryRun }, null, 2));
      else io.out(formatPlan(steps) || '(no config files)');
      if (errors.length) {
        code = 2;
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

  program
    .command('export')
    .description('write every webhook as a config file that apply accepts unchanged')
    .option('--dir <dir>', 'folder to write <webhook_id>.json files into (default: print)')
    .action(async (o: { dir?: string }) => {
      const hooks = await all<Record<string, unknown>>(api(), '/api/webhooks');
      const files = hooks.map((w) => ({ id: String(w.webhook_id), config: comparable(w) }));
      if (!o.dir) return io.out(JSON.stringify(Object.fromEntries(files.map((f) => [f.id, f.config])), null, 2));
      mkdirSync(o.dir, { recursive: true });
      for (const f of files) writeFileSync(join(o.dir, `${f.id}.json`), `${JSON.stringify(f.config, null, 2)}\n`);
      io.out(json() ? JSON.stringify({ written: files.map((f) => f.id) }) : `wrote ${files.length} file(s) to ${o.dir}`);
    });

  const keys = program.command('keys').description('API keys (admin scope)');
  keys
    .command('create')
    .requiredOption('--name <name>')
    .requiredOption('--scopes <list>', 'comma-separated: read,write,admin,agent')
    .action(async (o: { name: string; scopes: string }) => {
      const k = await api().call('POST', '/api/keys', { name: o.name, scopes: o.scopes.split(',').map((s) => s.trim()).filter(Boolean) });
      show(k, [k], ['key_id', 'name', 'scopes', 'key']);
      if (!json()) io.err('The key is shown once: store it now.');
    });
  keys.command('list').action(async () => {
    const items = await all<Record<string, unknown>>(api(), '/api/keys');
    show(items, items, ['key_id', 'name', 'scopes', 'key', 'created_at']);
  });
  keys.command('revoke <key_id>').action(async (id: string) => {
    await api().call('DELETE', `/api/keys/${encodeURIComponent(id)}`);
    show({ revoked: id }, [{ revoked: id }], ['revoked']);
  });

  const webhooks = program.command('webhooks').description('inbound webhooks');
  webhooks.command('list').action(async () => {
    const items = await all<Record<string, unknown>>(api(), '/api/webhooks');
    show(items, items.map((w) => ({ ...w, commands: (w.commands as unknown[]).length })), ['webhook_id', 'provider', 'enabled', 'commands', 'version', 'url']);
  });
  webhooks.command('show <id>').action(async (id: string) => show(await api().call('GET', `/api/webhooks/${encodeURIComponent(id)}`)));
  for (const verb of ['enable', 'disable', 'test'] as const)
    webhooks.command(`${verb} <id>`).action(async (id: string) => {
      const r = await api().call('POST', `/api/webhooks/${encodeURIComponent(id)}/${verb}`);
      show(r, [{ webhook_id: id, ...r }], verb === 'test' ? ['webhook_id', 'event_id', 'receiver_status'] : ['webhook_id', 'enabled', 'version']);
    });

  webhooks.command('backups <id>').description('backed-up versions, newest first').action(async (id: string) => {
    const page = await api().call('GET', `/api/webhooks/${encodeURIComponent(id)}/backups`);
    show(page.items, page.items, ['version', 'at', 'bytes']);
  });
  webhooks
    .command('restore <id>')
    .description('restore a backed-up version (brings back a deleted webhook with its secret)')
    .requiredOption('--backup <version>', 'the backed-up version to restore')
    .action(async (id: string, o: { backup: string }) => {
      const w = await api().call('POST', `/api/webhooks/${encodeURIComponent(id)}/restore`, { version: Number(o.backup) });
      show(w, [w], ['webhook_id', 'name', 'enabled', 'version']);
    });

  program
    .command('events')
    .description('event log')
    .command('tail <webhook_id>')
    .option('--interval <seconds>', 'poll interval', '2')
    .action(async (id: string, o: { interval: string }) => {
      const a = api();
      const seen = new Set<string>();
      let first = true;
      while (!io.signal?.aborted) {
        const page = await a.call('GET', `/api/webhooks/${encodeURIComponent(id)}/events?limit=50`);
        const fresh = (page.items as Record<string, unknown>[]).filter((e) => !seen.has(String(e.event_id))).reverse();
        for (const e of fresh) {
          seen.add(String(e.event_id));
          if (!first || fresh.length) io.out(json() ? JSON.stringify(e) : `${e.received_at}  ${e.event_type}  ${e.status}  ${e.event_id}`);
        }
        first = false;
        await new Promise<void>((r) => {
          const t = setTimeout(r, Number(o.interval) * 1000);
          io.signal?.addEventListener('abort', () => (clearTimeout(t), r()), { once: true });
        });
      }
    });

  const tasks = program.command('tasks').description('agent tasks');
  tasks
    .command('list')
    .option('--agent <agent>')
    .option('--status <status>')
    .action(async (o: { agent?: string; status?: string }) => {
      const q = new URLSearchParams({ ...(o.agent ? { agent: o.agent } : {}), ...(o.status ? { status: o.status } : {}) }).toString();
      const items = await all<Record<string, unknown>>(api(), `/api/tasks${q ? `?${q}` : ''}`);
      show(items, items, ['task_id', 'agent', 'status', 'prompt', 'created_at']);
    });
  tasks.command('claim <task_id>').action(async (id: string) => {
    const t = await api().call('PATCH', `/api/tasks/${encodeURIComponent(id)}`, { status: 'claimed' });
    show(t, [t], ['task_id', 'agent', 'status', 'version']);
  });
  tasks
    .command('done <task_id>')
    .option('--result <json>', 'the result, as JSON or text')
    .action(async (id: string, o: { result?: string }) => {
      let result: unknown = o.result;
      try {
        result = o.result === undefined ? undefined : JSON.parse(o.result);
      } catch {
        // plain text result
      }
      const t = await api().call('PATCH', `/api/tasks/${encodeURIComponent(id)}`, { status: 'done', ...(result !== undefined ? { result } : {}) });
      show(t, [t], ['task_id', 'agent', 'status', 'version']);
    });

  program
    .command('questions')
    .command('list')
    .option('--webhook <id>')
    .option('--status <status>')
    .action(async (o: { webhook?: string; status?: string }) => {
      const q = new URLSearchParams({ ...(o.webhook ? { webhook_id: o.webhook } : {}), ...(o.status ? { status: o.status } : {}) }).toString();
      const items = await all<Record<string, unknown>>(api(), `/api/questions${q ? `?${q}` : ''}`);
      show(items, items, ['question_id', 'agent', 'status', 'question', 'answer']);
    });

  program
    .command('subscriptions')
    .command('list')
    .action(async () => {
      const items = await all<Record<string, unknown>>(api(), '/api/subscriptions');
      show(items, items, ['subscription_id', 'url', 'events', 'enabled', 'version']);
    });

  program
    .command('deliveries')
    .command('retry <delivery_id>')
    .action(async (id: string) => {
      const r = await api().call('POST', `/api/deliveries/${encodeURIComponent(id)}/retry`);
      show(r, [r], ['delivery_id', 'status']);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    const e = err as { code?: string; exitCode?: number; message: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
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
