import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { FUNCTION_BUNDLE } from '../../lib/constructs/function-bundle';
import { functions, type FunctionName } from '../../shared/resources';

// What each function evaluates at cold start (BENCHMARKS.md, section 2), asserted on esbuild's
// module graph, never on timing.
//
// - The functions on the event path import only zod/mini (or no zod at all): zod's classic API is
//   ~440 KB of bundle and roughly doubles a cold import. A value import of a schema module
//   (shared/model/*.ts other than ids.ts) is what pulls it in; plain constants those functions
//   need live in shared/model/ids.ts.
// - api, interactive and importer need zod's classic API (the route table's schemas, the config
//   file schemas), but only from the first request on: their handler modules load it with a
//   dynamic import (shared/http/lazy-handler.ts), so it is bundled yet not in the module's static
//   imports, which are what Node evaluates at import.
// - zod is imported as a namespace (`import * as z from 'zod'`), which esbuild tree-shakes member by
//   member: `import { z } from 'zod'` keeps the whole `z` object, with its ~50 locales (260 KB of
//   the api bundle; only English is used).
// - No function evaluates the S3 SDK at import: it loads on the first S3 call (clients.ts s3Client);
//   nor the SSM SDK, which only the api function bundles, for portal links (ssm-console-location.ts).
const ROOT = join(__dirname, '../..');
const ALL = Object.keys(functions) as FunctionName[];
const LEAN = (['receiver', 'authorizer', 'deliverer', 'consumer', 'alerter', 'actions'] as const).filter((n) => n in functions);
const LAZY_ZOD = (['api', 'interactive', 'importer'] as const).filter((n) => n in functions);
const CLASSIC_ZOD = /node_modules\/zod\/(index\.js|v4\/classic\/)/;
const S3_SDK = /node_modules\/@aws-sdk\/client-s3\//;
const SSM_SDK = /node_modules\/@aws-sdk\/client-ssm\//;

describe('cold start: what each function bundles and what it evaluates at import', () => {
  let meta: Metafile;
  beforeAll(async () => {
    // One build for all of them (shared parsing), one output per function.
    const entryPoints = Object.fromEntries(ALL.map((n) => [n, functions[n].entry]));
    ({ metafile: meta } = await build({ entryPoints, absWorkingDir: ROOT, bundle: true, platform: 'node', format: 'esm', mainFields: ['module', 'main'], write: false, metafile: true, outdir: 'out', logLevel: 'silent' }));
  });

  /** Every source file in a function's bundle. */
  const bundled = (name: FunctionName) => Object.keys(meta.outputs[`out/${name}.js`].inputs);
  /** The files its entry reaches through static imports only: what importing the bundle evaluates. */
  function evaluatedAtImport(name: FunctionName): string[] {
    const seen = new Set<string>();
    const todo = [functions[name].entry];
    while (todo.length) {
      const file = todo.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const i of meta.inputs[file]?.imports ?? []) if (i.kind !== 'dynamic-import' && !i.external) todo.push(i.path);
    }
    return [...seen];
  }

  it.each(LEAN)('%s does not bundle zod classic', (name) => {
    expect(bundled(name).length).toBeGreaterThan(10);
    expect(bundled(name).filter((f) => CLASSIC_ZOD.test(f))).toEqual([]);
  });

  it.each(LAZY_ZOD)('%s bundles zod classic but does not evaluate it, or any schema module, at import', (name) => {
    expect(bundled(name).some((f) => CLASSIC_ZOD.test(f))).toBe(true);
    const eager = evaluatedAtImport(name);
    expect(eager.length).toBeGreaterThan(10);
    expect(eager.filter((f) => CLASSIC_ZOD.test(f))).toEqual([]);
    expect(eager.filter((f) => /^shared\/(routes|openapi)\.ts$|^shared\/model\/(?!ids\.ts$)/.test(f) && meta.inputs[f].imports.some((i) => CLASSIC_ZOD.test(i.path)))).toEqual([]);
  });

  it('the lazy functions load their routes on the first request: the route table is bundled, not imported', () => {
    for (const name of LAZY_ZOD.filter((n) => n !== 'importer')) {
      expect(bundled(name)).toContain('shared/routes.ts');
      expect(evaluatedAtImport(name)).not.toContain('shared/routes.ts');
    }
  });

  it.each(ALL)('%s bundles no zod locale but English', (name) => {
    const inputs = meta.outputs[`out/${name}.js`].inputs;
    const locales = Object.keys(inputs).filter((f) => /node_modules\/zod\/v4\/locales\/(?!en\.js$|index\.js$)/.test(f) && inputs[f].bytesInOutput > 0);
    expect(locales).toEqual([]);
  });

  it.each(ALL)('%s does not evaluate the S3 SDK at import', (name) => {
    expect(evaluatedAtImport(name).filter((f) => S3_SDK.test(f))).toEqual([]);
  });

  it('the functions that use S3 still bundle it (loaded on first use)', () => {
    for (const name of ['receiver', 'consumer', 'api', 'importer'] as FunctionName[]) expect(bundled(name).some((f) => S3_SDK.test(f))).toBe(true);
  });

  it('deploys split: a cold import of the api or the receiver reads index.mjs and its static chunks, with neither zod classic nor the S3 or SSM SDK in them', async () => {
    const { metafile } = await build({ ...FUNCTION_BUNDLE, external: [], mainFields: ['module', 'main'], entryPoints: { api: functions.api.entry, receiver: functions.receiver.entry }, entryNames: '[name]', absWorkingDir: ROOT, outdir: 'out', write: false, metafile: true, logLevel: 'silent' });
    for (const name of ['api', 'receiver']) {
      const read = new Set<string>();
      const todo = [`out/${name}.mjs`];
      while (todo.length) {
        const f = todo.pop()!;
        if (read.has(f)) continue;
        read.add(f);
        for (const i of metafile.outputs[f].imports) if (i.kind === 'import-statement' && !i.external) todo.push(i.path);
      }
      const inputs = [...read].flatMap((f) => Object.keys(metafile.outputs[f].inputs));
      expect(inputs.length).toBeGreaterThan(10);
      expect(inputs.filter((f) => CLASSIC_ZOD.test(f) || S3_SDK.test(f) || SSM_SDK.test(f))).toEqual([]);
      // ... while the chunks hold them for the first request that needs them.
      expect(Object.values(metafile.outputs).some((o) => Object.keys(o.inputs).some((f) => S3_SDK.test(f)))).toBe(true);
    }
  });

  // The api function reads the console URL from SSM only when a portal link is minted.
  it('only the api function bundles the SSM SDK, and it does not evaluate it at import', () => {
    for (const name of ALL) expect({ name, ssm: bundled(name).some((f) => SSM_SDK.test(f)) }).toEqual({ name, ssm: name === 'api' });
    expect(evaluatedAtImport('api').filter((f) => SSM_SDK.test(f))).toEqual([]);
  });
});
