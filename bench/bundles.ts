/**
 * Section 2 of `npm run bench`: each Lambda of the manifest bundled as CDK bundles it, its size,
 * and the time a fresh Node process takes to import it, against a bundle that only imports the
 * SQS client.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { FUNCTION_BUNDLE } from '../lib/constructs/function-bundle';
import { functions } from '../shared/resources';
import { ROOT } from './lib/fixture';
import { median } from './lib/stats';

/** The project's Node (the `node` devDependency, v22 like Lambda's runtime), else this one. */
export const NODE = existsSync(join(ROOT, 'node_modules/.bin/node')) ? join(ROOT, 'node_modules/.bin/node') : process.execPath;

/** The esbuild options every function deploys with (lib/constructs/function-bundle.ts, also used by the CDK construct). */
export function cdkBundlingOptions(): { options: BuildOptions; source: string } {
  return { options: { ...FUNCTION_BUNDLE, external: [...FUNCTION_BUNDLE.external], mainFields: [...FUNCTION_BUNDLE.mainFields] }, source: 'lib/constructs/function-bundle.ts' };
}

/**
 * One cold import in a fresh process: wall time, and the process's CPU time (user + system, all
 * threads) over the same span. On a shared machine the wall time includes waiting for a core; the
 * CPU time is the work itself and moves much less with other load.
 */
function importOnce(file: string): Promise<{ ms: number; cpu_ms: number }> {
  const code = 'const c = process.cpuUsage(); const t = performance.now(); await import(process.env.BENCH_IMPORT); const ms = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ ms, cpu_ms: (u.user + u.system) / 1000 }));';
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['--input-type=module', '-e', code], { env: { ...process.env, BENCH_IMPORT: pathToFileURL(file).href }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { ms: number; cpu_ms: number }) : reject(new Error(`importing ${file} failed (${code}): ${err}`))));
  });
}

export interface BundleRow {
  name: string;
  entry: string;
  /** Every output file (index.mjs and its chunks). */
  bytes: number;
  /** index.mjs and the chunks it imports statically: what a cold import reads and compiles. */
  at_import_bytes: number;
  /** gzip of index.mjs. */
  gzip_bytes: number;
  import_ms: number;
  import_samples: number[];
  /** Median CPU time of the import (user + system). */
  import_cpu_ms: number;
  import_cpu_samples: number[];
  /** Largest contributors to the minified output, by package (or source folder). */
  top: { what: string; bytes: number }[];
}

function topInputs(meta: Metafile): { what: string; bytes: number }[] {
  const by = new Map<string, number>();
  for (const out of Object.values(meta.outputs)) {
    for (const [file, v] of Object.entries(out.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
      const what = m ? m[1] : file.split('/').slice(0, 2).join('/');
      by.set(what, (by.get(what) ?? 0) + v.bytesInOutput);
    }
  }
  return [...by].map(([what, bytes]) => ({ what, bytes })).sort((a, b) => b.bytes - a.bytes);
}

export interface BuiltBundle {
  name: string;
  entry: string;
  file: string;
  meta: Metafile;
}

/**
 * Every function of the manifest bundled as CDK bundles it (one file each, under `dir`), and the
 * SQS-client-only baseline; `extra` adds more entries built the same way from source text.
 */
export async function buildBundles(dir: string, extra: Record<string, string> = {}): Promise<BuiltBundle[]> {
  const { options } = cdkBundlingOptions();
  const targets: BuiltBundle[] = [];
  const sqsOnly = "import { SQSClient } from '@aws-sdk/client-sqs';\nexport const c = SQSClient;\n";
  // `baseline` is the reference the cold-start goals were set against: the SQS client alone in one
  // file. `baseline-split` is the same source built exactly like the functions (code splitting).
  const sources: Record<string, string> = { baseline: sqsOnly, 'baseline-split': sqsOnly, ...extra };
  const entries: [string, string, string | { contents: string }][] = [
    ...Object.entries(functions).map(([name, spec]) => [name, spec.entry, join(ROOT, spec.entry)] as [string, string, string]),
    ...Object.entries(sources).map(([name, contents]) => [name, name === 'baseline' ? "`import { SQSClient } from '@aws-sdk/client-sqs'`" : name, { contents }] as [string, string, { contents: string }]),
  ];
  for (const [name, entry, input] of entries) {
    const outdir = join(dir, name === 'baseline' ? 'sqs-client-only' : name);
    const r = await build({
      ...options,
      ...(name === 'baseline' ? { splitting: false } : {}),
      ...(typeof input === 'string' ? { entryPoints: [input] } : { stdin: { contents: input.contents, resolveDir: ROOT, sourcefile: `${name}.ts`, loader: 'ts' } }),
      outdir,
      absWorkingDir: ROOT,
      metafile: true,
    });
    targets.push({ name, entry, file: join(outdir, 'index.mjs'), meta: r.metafile });
  }
  return targets;
}

/** Bytes of every output file, and of the entry with the chunks it imports statically (what a cold import reads). */
export function outputBytes(meta: Metafile): { total: number; at_import: number } {
  const outs = meta.outputs;
  const entry = Object.keys(outs).find((k) => /(^|\/)index\.m?js$/.test(k))!;
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f) || !outs[f]) continue;
    seen.add(f);
    for (const i of outs[f].imports) if (i.kind === 'import-statement') todo.push(i.path);
  }
  const sum = (fs: string[]) => fs.filter((f) => f.endsWith('.mjs') || f.endsWith('.js')).reduce((n, f) => n + outs[f].bytes, 0);
  return { total: sum(Object.keys(outs)), at_import: sum([...seen]) };
}

export async function measureBundles(samples = Number(process.env.BENCH_IMPORT_SAMPLES ?? 9)): Promise<{ rows: BundleRow[]; baseline: BundleRow; options_source: string; samples: number }> {
  const { source } = cdkBundlingOptions();
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-bundles-'));
  try {
    const targets = await buildBundles(dir);

    const times = new Map<string, { ms: number; cpu_ms: number }[]>(targets.map((t) => [t.name, []]));
    // One untimed import each (disk cache), then round-robin samples so drift hits all alike.
    for (const t of targets) await importOnce(t.file);
    for (let i = 0; i < samples; i++) for (const t of targets) times.get(t.name)!.push(await importOnce(t.file));

    const rows = targets.map((t) => ({
      name: t.name,
      entry: t.entry,
      bytes: outputBytes(t.meta).total,
      at_import_bytes: outputBytes(t.meta).at_import,
      gzip_bytes: gzipSync(readFileSync(t.file)).length,
      import_ms: median(times.get(t.name)!.map((x) => x.ms)),
      import_samples: times.get(t.name)!.map((x) => x.ms),
      import_cpu_ms: median(times.get(t.name)!.map((x) => x.cpu_ms)),
      import_cpu_samples: times.get(t.name)!.map((x) => x.cpu_ms),
      top: topInputs(t.meta).slice(0, 8),
    }));
    return { rows: rows.filter((r) => r.name !== 'baseline'), baseline: rows.find((r) => r.name === 'baseline')!, options_source: source, samples };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await measureBundles()));
}
