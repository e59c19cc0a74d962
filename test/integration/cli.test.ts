import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../shared/cli/program';
import { cliAgainst } from '../support/cli';
import { startTestStack, TEST_ADMIN_KEY } from '../support/in-process-stack';

type Stack = Awaited<ReturnType<typeof startTestStack>>;
let s: Stack;
let dir: string;
beforeAll(async () => {
  s = await startTestStack({ pauseConsumers: true });
  dir = mkdtempSync(join(tmpdir(), 'hookline-cli-'));
});
afterAll(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = cliAgainst(() => s.url, TEST_ADMIN_KEY);
const write = (name: string, config: unknown) => writeFileSync(join(dir, name), JSON.stringify(config));
const hook = (name: string, commands: unknown[] = [{ trigger: 'issues.opened', action: 'create_task', agent: 'planning' }]) => ({ name, provider: 'github', commands });

describe('hookline CLI', () => {
  it('plans, applies, reports unchanged, updates with what changed, and prunes', async () => {
    write('cli-a.json', hook('A'));
    write('cli-b.json', hook('B'));
    expect(await cli('apply', '-f', dir, '--dry-run')).toMatchObject({ code: 0, out: '+ create cli-a\n+ create cli-b' });
    expect((await cli('webhooks', 'list', '--json')).out).not.toContain('cli-a');
    expect((await cli('apply', '-f', dir)).code).toBe(0);
    expect((await cli('apply', '-f', dir)).out).toBe('= unchanged cli-a\n= unchanged cli-b');
    write('cli-a.json', hook('A2', [{ trigger: 'issues.closed', action: 'comment' }]));
    expect((await cli('apply', '-f', dir)).out).toBe('~ update cli-a (name, commands: 1 changed)\n= unchanged cli-b');
    rmSync(join(dir, 'cli-b.json'));
    const pruned = await cli('apply', '-f', dir, '--prune', '--dry-run');
    expect(pruned.out).toContain('- delete cli-b');
  });

  it('refuses a plan with errors: exit 2, field paths, nothing applied', async () => {
    write('cli-bad.json', { name: 'x', provider: 'myspace' });
    write('cli-c.json', hook('C'));
    const r = await cli('apply', '-f', dir);
    expect(r.code).toBe(2);
    expect(r.out).toContain('! cli-bad');
    expect(r.out).toContain('provider:');
    expect((await cli('webhooks', 'show', 'cli-c')).code).toBe(1);
    rmSync(join(dir, 'cli-bad.json'));
  });

  it('exports files that apply accepts unchanged (round trip)', async () => {
    await cli('apply', '-f', dir);
    const exp = join(dir, 'export');
    expect((await cli('export', '--dir', exp)).code).toBe(0);
    const a = JSON.parse(readFileSync(join(exp, 'cli-a.json'), 'utf8'));
    expect(a).toMatchObject({ name: 'A2', provider: 'github', commands: [{ trigger: 'issues.closed', action: 'comment', command_id: expect.stringMatching(/^cmd_/) }] });
    expect(a.secret).toBeUndefined();
    const again = await cli('apply', '-f', exp);
    expect(again.out.split('\n').every((l) => l.startsWith('= unchanged'))).toBe(true);
  });

  it('lists backups and restores a deleted webhook', async () => {
    await cli('apply', '-f', dir);
    const versions = JSON.parse((await cli('--json', 'webhooks', 'backups', 'cli-a')).out);
    expect(versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect((await s.admin('/api/webhooks/cli-a', { method: 'DELETE' })).status).toBe(204);
    const restored = await cli('webhooks', 'restore', 'cli-a', '--backup', '1');
    expect(restored.code).toBe(0);
    expect(restored.out).toContain('cli-a');
    expect(JSON.parse((await cli('--json', 'webhooks', 'show', 'cli-a')).out)).toMatchObject({ name: 'A' });
  });

  it('manages keys with JSON output for scripts, and explains API errors', async () => {
    const created = JSON.parse((await cli('--json', 'keys', 'create', '--name', 'bot', '--scopes', 'read,agent')).out);
    expect(created).toMatchObject({ name: 'bot', scopes: ['read', 'agent'], key: expect.stringMatching(/^hk_/) });
    expect((await cli('keys', 'list')).out).toContain(created.key_id);
    expect((await cli('keys', 'revoke', created.key_id)).code).toBe(0);
    const missing = await cli('webhooks', 'show', 'nope');
    expect(missing).toMatchObject({ code: 1, err: '404 not_found: Webhook "nope" was not found.' });
    const bad = await cli('keys', 'create', '--name', 'x', '--scopes', 'root');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('scopes.0');
    const noUrl = await runCli(['webhooks', 'list'], { out: () => undefined, err: () => undefined, env: {} });
    expect(noUrl).toBe(2);
  });
});
