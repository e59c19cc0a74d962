import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { functions } from '../../shared/resources';

// The functions on the event path import only zod/mini (or no zod at all): zod's classic API is
// ~440 KB of bundle and roughly doubles a cold import (BENCHMARKS.md, section 2). A value import
// of a schema module (shared/model/*.ts other than ids.ts) is what pulls it in; plain constants
// those functions need live in shared/model/ids.ts.
const LEAN = ['receiver', 'authorizer', 'deliverer', 'consumer', 'alerter', 'actions'].filter((n) => n in functions) as (keyof typeof functions)[];
const CLASSIC_ZOD = /node_modules\/zod\/(index\.js|v4\/classic\/)/;

describe('cold start: what each event-path function bundles', () => {
  let outputs: Metafile['outputs'];
  beforeAll(async () => {
    // One build for all of them (shared parsing), one output per function.
    const entryPoints = Object.fromEntries(LEAN.map((n) => [n, join(__dirname, '../..', functions[n].entry)]));
    ({ metafile: { outputs } } = await build({ entryPoints, bundle: true, platform: 'node', format: 'esm', mainFields: ['module', 'main'], write: false, metafile: true, outdir: 'out', logLevel: 'silent' }));
  });

  it.each(LEAN)('%s does not bundle zod classic', (name) => {
    const out = outputs[`out/${name}.js`];
    expect(Object.keys(out.inputs).length).toBeGreaterThan(10);
    expect(Object.keys(out.inputs).filter((f) => CLASSIC_ZOD.test(f))).toEqual([]);
  });
});
