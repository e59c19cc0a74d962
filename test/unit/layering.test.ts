import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The layering rules of .dependency-cruiser.cjs, over the production code: the domain imports no
 * adapter, no SDK and no CDK; adapters call no use case; no function imports another function or
 * lib/; nothing imports bin/; no import cycles.
 */
describe('dependency rules', () => {
  it('hold for shared/, functions/, lib/ and bin/', () => {
    const root = join(__dirname, '../..');
    const run = spawnSync(process.execPath, [join(root, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs'), 'shared', 'functions', 'lib', 'bin', '--output-type', 'json'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const result = JSON.parse(run.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number } };
    expect(result.summary.totalCruised).toBeGreaterThan(100);
    expect(result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  });
});
