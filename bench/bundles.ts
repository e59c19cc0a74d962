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
import { functions } from '../shared/resources';
import { ROOT } from './lib/fixture';
import { median } from './lib/stats';

const CONSTRUCT = 'lib/constructs/hookline-function.ts';
/** The project's Node (the `node` devDependency, v22 like Lambda's runtime), else this one. */
export const NODE = existsSync(join(ROOT, 'node_modules/.bin/node')) ? join(ROOT, 'node_modules/.bin/node') : process.execPath;
const FALLBACK_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The esbuild options NodejsFunction uses, read from the construct's `bundling` block when it exists. */
export function cdkBundlingOptions(): { options: BuildOptions; source: string } {
  const options: BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'esm',
    minify: true,
    treeShaking: true,
    mainFields: ['module', 'main'],
    banner: { js: FALLBACK_BANNER },
    sourcemap: false,
    logLevel: 'warning',
    outExtension: { '.js': '.mjs' },
  };
  const file = join(ROOT, CONSTRUCT);
  if (!existsSync(file)) return { options, source: 'defaults (no CDK construct found)' };
  const src = readFileSync(file, 'utf8');
  const block = /bundling:\s*\{([\s\S]*?)\n\s{6}\},/.exec(src)?.[1] ?? '';
  const banner = /banner:\s*(["'`])((?:\\.|(?!\1).)*)\1/.exec(block)?.[2];
  if (banner) options.banner = { js: banner.replace(/\\(["'`\\])/g, '$1') };
  const target = /target:\s*'([^']+)'/.exec(block)?.[1];
  if (target) options.target = target;
  const mainFields = /mainFields:\s*\[([^\]]*)\]/.exec(block)?.[1];
  if (mainFields) options.mainFields = [...mainFields.matchAll(/'([^']+)'/g)].map((m) => m[1]);
  if (/minify:\s*false/.test(block)) options.minify = false;
  if (/format:\s*OutputFormat\.CJS/.test(block)) {
    options.format = 'cjs';
    options.outExtension = { '.js': '.js' };
    delete options.banner;
  }
  const external = /externalModules:\s*\[([^\]]*)\]/.exec(block)?.[1];
  options.external = external !== undefined ? [...external.matchAll(/'([^']+)'/g)].map((m) => m[1]) : ['@aws-sdk/*'];
  return { options, source: CONSTRUCT };
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
  bytes: number;
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
  const ext = options.outExtension?.['.js'] ?? '.js';
  const targets: BuiltBundle[] = [];
  for (const [name, spec] of Object.entries(functions)) {
    const outdir = join(dir, name);
    const r = await build({ ...options, entryPoints: { index: join(ROOT, spec.entry) }, outdir, absWorkingDir: ROOT, metafile: true });
    targets.push({ name, entry: spec.entry, file: join(outdir, `index${ext}`), meta: r.metafile });
  }
  const sources: Record<string, string> = { baseline: "import { SQSClient } from '@aws-sdk/client-sqs';\nexport const c = SQSClient;\n", ...extra };
  for (const [name, contents] of Object.entries(sources)) {
    const file = join(dir, name === 'baseline' ? 'sqs-client-only' : name, `index${ext}`);
    const r = await build({ ...options, stdin: { contents, resolveDir: ROOT, sourcefile: `${name}.ts`, loader: 'ts' }, outfile: file, outExtension: undefined, absWorkingDir: ROOT, metafile: true });
    targets.push({ name, entry: name === 'baseline' ? "`import { SQSClient } from '@aws-sdk/client-sqs'`" : name, file, meta: r.metafile });
  }
  return targets;
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
      bytes: statSync(t.file).size,
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
