// Rebuilds one function's entry with code splitting into its asset directory (replacing the single
// index.mjs NodejsFunction wrote). Run by HooklineFunction's afterBundling hook:
//   node split-bundle.mjs <entry> <outdir> <base64 JSON of the esbuild options>
// The options are function-bundle.ts FUNCTION_BUNDLE.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const [entry, outdir, options] = process.argv.slice(2);
if (!entry || !outdir || !options) throw new Error('usage: split-bundle.mjs <entry> <outdir> <base64 options>');
rmSync(join(outdir, 'index.mjs'), { force: true });
await build({ ...JSON.parse(Buffer.from(options, 'base64').toString('utf8')), entryPoints: [entry], outdir });
