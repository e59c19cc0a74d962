/**
 * `npm run build:console`: bundles console/ into dist/console/ (the contract is in bin/console/build.ts).
 * `--if-stale`: only when the output is missing or older than its sources (what `npm start` and `cdk synth` do).
 */
import { buildConsole, ensureConsoleBuilt, firstLoadGzipBytes } from './console/build';

const started = Date.now();
const ifStale = process.argv.includes('--if-stale');
const { manifest: m, built } = ifStale ? await ensureConsoleBuilt() : { manifest: await buildConsole(), built: true };
const first = firstLoadGzipBytes(m);
process.stdout.write(
  `console ${built ? `built in ${Date.now() - started} ms` : 'up to date'}: ${m.entry}${m.css.length ? ` + ${m.css.join(', ')}` : ''}; first load ${(first.js / 1024).toFixed(1)} KB JS + ${(first.css / 1024).toFixed(1)} KB CSS gzip\n`,
);
