/**
 * The console build: `npm run build:console`, and on demand from `npm start` and `npx cdk synth`
 * (they call {@link ensureConsoleBuilt}, which rebuilds only when the output is missing or stale).
 *
 * The contract with the app (console/):
 * - entry `console/src/main.tsx` (Preact; JSX with `jsxImportSource: "preact"`); it may import CSS
 *   (`import './styles.css'`), which becomes one stylesheet, and may `import()` pages lazily, which
 *   become chunks loaded on demand (not counted as first load);
 * - HTML template `console/index.html` with NO script or style tags of its own: the build injects
 *   `<link rel="stylesheet">`, `<link rel="modulepreload">` and `<script type="module" src>` for the
 *   hashed files just before `</head>`. Inline `<script>`, inline `<style>` and `style="…"`
 *   attributes in the template are refused: the Content-Security-Policy (script-src/style-src
 *   'self', shared/http/console-headers.ts) would block them in the browser anyway. (Preact's `style`
 *   prop is fine: it sets CSSOM properties, which CSP allows.)
 * - files the CSS references (`url(./logo.svg)`, fonts) are copied with hashed names;
 * - at start the app fetches `/config.json` (`{"api_url": "…"}`, "" meaning this origin): served
 *   dynamically by `npm start`, generated at deploy time in AWS. It is not part of the build.
 * Output: `dist/console/` (gitignored): `index.html`, `assets/<name>-<hash>.{js,css,…}` (immutable),
 * `manifest.json` (what was built from what; sizes, gzip sizes and the first-load set).
 * Layering: bin/ and lib/ (CDK, via bin/app.ts) may import this module; functions/ and shared/ must not.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, version as esbuildVersion, type Metafile } from 'esbuild';

/** Bumped when the build's output format changes, so old outputs count as stale. */
const BUILD_FORMAT = 1;

// import.meta.dirname under Node (ESM); __dirname where Jest runs this as CommonJS.
export const PROJECT_ROOT = resolve(import.meta.dirname ?? __dirname, '..', '..');
/** The build output `npm start` serves and `cdk synth` uploads. */
export const CONSOLE_OUT = join(PROJECT_ROOT, 'dist', 'console');

/** dist/console/manifest.json */
export interface ConsoleManifest {
  format: number;
  /** Hash of every input file (the template, each bundled source and package file) and the build settings. */
  source_hash: string;
  built_at: string;
  /** URL paths, all under /assets/. */
  entry: string;
  css: string[];
  /** What a first visit loads: the entry, the chunks it imports statically, and the CSS. */
  initial: string[];
  files: Record<string, { bytes: number; gzip_bytes: number }>;
  /** Input files, relative to the project root (the staleness check re-hashes them). */
  inputs: string[];
}

export interface BuildOptions {
  /** Project root holding console/ (default: this repository). */
  root?: string;
  /** Output directory (default: <root>/dist/console). */
  outDir?: string;
}

function paths(o: BuildOptions) {
  const root = o.root ?? PROJECT_ROOT;
  return { root, entry: join(root, 'console', 'src', 'main.tsx'), template: join(root, 'console', 'index.html'), out: o.outDir ?? join(root, 'dist', 'console') };
}

function hashInputs(root: string, inputs: string[]): string | null {
  const h = createHash('sha256').update(`format ${BUILD_FORMAT}\nesbuild ${esbuildVersion}\n`);
  for (const rel of inputs) {
    const file = join(root, rel);
    if (!existsSync(file)) return null;
    h.update(`${rel}\n`).update(readFileSync(file)).update('\n');
  }
  return h.digest('hex');
}

/** The manifest of the current output, or null when there is none (or it is unreadable). */
export function readConsoleManifest(outDir = CONSOLE_OUT): ConsoleManifest | null {
  try {
    const m = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as ConsoleManifest;
    return m.format === BUILD_FORMAT && existsSync(join(outDir, 'index.html')) ? m : null;
  } catch {
    return null;
  }
}

/** Why the output must be rebuilt, or null when it is up to date with its inputs. */
export function consoleStaleness(o: BuildOptions = {}): string | null {
  const p = paths(o);
  const m = readConsoleManifest(p.out);
  if (!m) return 'no build output';
  const now = hashInputs(p.root, m.inputs);
  if (now === null) return 'an input file was removed';
  return now === m.source_hash ? null : 'sources changed';
}

const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc=)[^>]*>/i;
const INLINE_STYLE = /<style\b|\sstyle\s*=/i;
const HEAD_END = /([ \t]*)<\/head>/i;

/** Checks the template against the contract above and returns it. */
function readTemplate(file: string): string {
  if (!existsSync(file)) throw new Error(`console build: the HTML template ${file} is missing`);
  const html = readFileSync(file, 'utf8');
  if (!HEAD_END.test(html)) throw new Error('console build: console/index.html needs a </head> (the build injects the script and style tags there)');
  if (INLINE_SCRIPT.test(html)) throw new Error('console build: console/index.html has an inline <script>; the Content-Security-Policy blocks inline scripts (put the code in console/src)');
  if (INLINE_STYLE.test(html)) throw new Error('console build: console/index.html has inline styles; the Content-Security-Policy blocks them (put them in console/src/styles.css)');
  if (/<script\b/i.test(html)) throw new Error('console build: console/index.html must not load scripts itself; the build injects the entry');
  return html;
}

/** Output paths of `metafile` that a first visit loads: the entry and its static imports, transitively. */
function initialSet(meta: Metafile, entryOut: string): string[] {
  const seen = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out)) return;
    seen.add(out);
    for (const imp of meta.outputs[out]?.imports ?? []) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
  };
  visit(entryOut);
  return [...seen];
}

/**
 * Replaces `out` with `tmp`. Two builds racing (two test workers starting `npm start` at once) may
 * swap in between each other's steps: either output is a complete build of the same sources.
 */
function swapInto(tmp: string, out: string): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    rmSync(out, { recursive: true, force: true });
    try {
      renameSync(tmp, out);
      return;
    } catch (err) {
      if (attempt === 2 && readConsoleManifest(out)) {
        rmSync(tmp, { recursive: true, force: true });
        return;
      }
      if (attempt === 2) throw err;
    }
  }
}

/** Builds the console into the output directory (replacing it whole) and returns the manifest. */
export async function buildConsole(o: BuildOptions = {}): Promise<ConsoleManifest> {
  const p = paths(o);
  if (!existsSync(p.entry)) throw new Error(`console build: the entry ${p.entry} is missing`);
  const template = readTemplate(p.template);
  // Build next to the output and swap, so a server reading dist/console never sees half a build.
  const tmp = `${p.out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const assets = join(tmp, 'assets');
  mkdirSync(assets, { recursive: true });
  const result = await build({
    absWorkingDir: p.root,
    entryPoints: { main: p.entry },
    outdir: assets,
    bundle: true,
    format: 'esm',
    splitting: true,
    minify: true,
    treeShaking: true,
    target: ['es2022', 'chrome111', 'firefox113', 'safari16.4'],
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    assetNames: '[name]-[hash]',
    publicPath: '/assets',
    loader: { '.svg': 'file', '.png': 'file', '.woff2': 'file', '.woff': 'file' },
    define: { 'process.env.NODE_ENV': '"production"' },
    legalComments: 'none',
    metafile: true,
    logLevel: 'silent',
  });
  const meta = result.metafile;
  const rel = (abs: string) => relative(tmp, resolve(p.root, abs)).split('\\').join('/');
  const url = (out: string) => `/${rel(out)}`;
  const entryOut = Object.keys(meta.outputs).find((k) => meta.outputs[k].entryPoint !== undefined && k.endsWith('.js'));
  if (!entryOut) throw new Error('console build: esbuild produced no entry file');
  const cssOut = meta.outputs[entryOut].cssBundle;
  const initial = initialSet(meta, entryOut);

  const tags = [
    ...(cssOut ? [`<link rel="stylesheet" href="${url(cssOut)}">`] : []),
    ...initial.filter((x) => x !== entryOut).map((x) => `<link rel="modulepreload" href="${url(x)}">`),
    `<script type="module" src="${url(entryOut)}"></script>`,
  ];
  writeFileSync(join(tmp, 'index.html'), template.replace(HEAD_END, (_m, indent: string) => `${tags.map((t) => `${indent}  ${t}\n`).join('')}${indent}</head>`));

  const files: ConsoleManifest['files'] = {};
  for (const out of Object.keys(meta.outputs)) {
    const body = readFileSync(resolve(p.root, out));
    files[url(out)] = { bytes: body.length, gzip_bytes: gzipSync(body, { level: 9 }).length };
  }
  const inputs = [relative(p.root, p.template), ...Object.keys(meta.inputs)].map((x) => x.split('\\').join('/')).sort();
  const manifest: ConsoleManifest = {
    format: BUILD_FORMAT,
    source_hash: hashInputs(p.root, inputs)!,
    built_at: new Date().toISOString(),
    entry: url(entryOut),
    css: cssOut ? [url(cssOut)] : [],
    initial: [...initial.map(url), ...(cssOut ? [url(cssOut)] : [])],
    files,
    inputs,
  };
  writeFileSync(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(dirname(p.out), { recursive: true });
  swapInto(tmp, p.out);
  return manifest;
}

/**
 * Builds the console when its output is missing or stale (an input changed), else does nothing.
 * Returns the output directory and whether it was rebuilt.
 */
export async function ensureConsoleBuilt(o: BuildOptions & { log?: (line: string) => void } = {}): Promise<{ dir: string; built: boolean; manifest: ConsoleManifest }> {
  const p = paths(o);
  const why = consoleStaleness(o);
  if (!why) return { dir: p.out, built: false, manifest: readConsoleManifest(p.out)! };
  const started = Date.now();
  const manifest = await buildConsole(o);
  o.log?.(`console: built ${relative(process.cwd(), p.out) || p.out} (${why}) in ${Date.now() - started} ms`);
  return { dir: p.out, built: true, manifest };
}

/** Gzip bytes of what a first visit downloads (JS and CSS), from the manifest. */
export function firstLoadGzipBytes(m: ConsoleManifest): { js: number; css: number } {
  let js = 0;
  let css = 0;
  for (const f of m.initial) {
    const n = m.files[f]?.gzip_bytes ?? 0;
    if (f.endsWith('.css')) css += n;
    else js += n;
  }
  return { js, css };
}
