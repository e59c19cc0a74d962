import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../support/poll';
import { startLocalForTest, type LocalUnderTest } from '../support/spawn-local';

// An agent writing config files into the inbox of `npm start`.
let inbox: string;
let r: LocalUnderTest;

const config = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  provider: 'github',
  commands: [{ trigger: 'issues.labeled', action: 'create_task', agent: 'planning', template: 'Urgent: {{issue.title}}', conditions: { label: 'urgent' } }],
  ...extra,
});

beforeAll(async () => {
  r = await startLocalForTest('inbox', {
    before(dataDir) {
      inbox = join(dataDir, 'config', 'webhooks');
      mkdirSync(inbox, { recursive: true });
      // Written before the start: picked up at start-up.
      writeFileSync(join(inbox, 'github-urgent-issues.json'), JSON.stringify(config('GitHub Urgent Issues')));
    },
  });
});
afterAll(() => r?.stop());

const api = async (path: string) => (await (await r.admin(path)).json()) as any;
const importsOf = async (file: string) => ((await api('/api/config/imports?limit=100')).items as any[]).filter((i) => i.file === file);

describe('config inbox through npm start', () => {
  it('applies a file written before start, with webhook_id from the file name and created_by config-file', async () => {
    const w = await pollUntil(async () => {
      const x = await api('/api/webhooks/github-urgent-issues');
      return x.webhook_id ? x : undefined;
    }, 'the webhook from the file');
    expect(w).toMatchObject({ name: 'GitHub Urgent Issues', created_by: 'config-file:github-urgent-issues.json', version: 1 });
    // The import record is written after the webhook: wait for it too.
    const first = await pollUntil(async () => (await importsOf('github-urgent-issues.json'))[0], 'the import record');
    expect(first).toMatchObject({ status: 'applied', webhook_id: 'github-urgent-issues', changed: true, errors: [] });
  });

  it('applies changes while running, ignores an unchanged file, and writes via rename are read whole', async () => {
    writeFileSync(join(inbox, 'github-urgent-issues.json'), JSON.stringify(config('GitHub Urgent Issues')));
    await pollUntil(async () => (await importsOf('github-urgent-issues.json')).length >= 2 || undefined, 'the second import');
    expect((await importsOf('github-urgent-issues.json'))[0]).toMatchObject({ status: 'applied', changed: false });
    expect((await api('/api/webhooks/github-urgent-issues')).version).toBe(1);

    writeFileSync(join(inbox, '.tmp-write'), JSON.stringify(config('Renamed in', { enabled: false })));
    renameSync(join(inbox, '.tmp-write'), join(inbox, 'github-urgent-issues.json'));
    await pollUntil(async () => ((await api('/api/webhooks/github-urgent-issues')).version === 2 ? true : undefined), 'the update');
    expect(await api('/api/webhooks/github-urgent-issues')).toMatchObject({ name: 'Renamed in', enabled: false });
  });

  it('rejects invalid files with every error and its field path, changing nothing', async () => {
    writeFileSync(join(inbox, 'broken.json'), '{"name": "x",');
    writeFileSync(join(inbox, 'bad-schema.json'), JSON.stringify({ name: 'x', provider: 'myspace', commands: [{ trigger: 't', action: 'create_task', conditions: { all: [{ field: 'a', op: 'regex', value: '(a+)+$' }] } }] }));
    const broken = await pollUntil(async () => (await importsOf('broken.json'))[0], 'broken.json');
    expect(broken).toMatchObject({ status: 'rejected', errors: [{ path: '(file)', message: expect.stringContaining('not valid JSON') }] });
    const bad = await pollUntil(async () => (await importsOf('bad-schema.json'))[0], 'bad-schema.json');
    expect(bad.status).toBe('rejected');
    expect(bad.errors.map((e: { path: string }) => e.path).sort()).toEqual(['commands.0.agent', 'commands.0.conditions.all.0.value', 'provider']);
    expect((await api('/api/webhooks/bad-schema')).error.code).toBe('not_found');
  });
});
