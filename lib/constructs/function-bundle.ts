/**
 * How every function is bundled: one set of esbuild options for the CDK construct
 * (hookline-function.ts) and the bench (bench/bundles.ts), so what is measured is what deploys.
 *
 * Code splitting: each function deploys as `index.mjs` plus `chunks/*.mjs`, and a module reached
 * only through a dynamic `import()` (the S3 SDK behind `s3Client()`, the api's routes behind
 * `lazyHandler`, the SDK's own credential providers) is a chunk Node reads, parses and compiles
 * only when it is first imported. In a single file the same code is still parsed at cold start,
 * which is most of a cold import's cost (BENCHMARKS.md, section 2). NodejsFunction always writes
 * one `--outfile`, so its `afterBundling` hook runs `split-bundle.mjs`, which rebuilds the entry
 * with these options into the asset directory.
 */
export const FUNCTION_BUNDLE = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  treeShaking: true,
  // ESM entry points first so the SDK and zod tree-shake.
  mainFields: ['module', 'main'],
  // CommonJS dependencies bundled into ESM still call require(); give them one. Aliased so it
  // cannot clash with a bundled module's own `createRequire` import.
  banner: { js: "import{createRequire as __hooklineCreateRequire}from'node:module';const require=__hooklineCreateRequire(import.meta.url);" },
  sourcemap: false,
  // Bundle the AWS SDK too: a pinned, tree-shaken SDK loads faster than the runtime's full copy.
  external: [] as string[],
  splitting: true,
  entryNames: 'index',
  chunkNames: 'chunks/[name]-[hash]',
  outExtension: { '.js': '.mjs' },
  logLevel: 'warning',
} as const;
