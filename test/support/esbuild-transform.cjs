// Jest transformer: TypeScript and ESM to CommonJS with esbuild (type checking is `tsc --noEmit`).
const { transformSync } = require('esbuild');
const crypto = require('node:crypto');

module.exports = {
  getCacheKey(src, file) {
    return crypto.createHash('sha256').update(file).update('\0').update(src).update('v2').digest('hex');
  },
  process(src, file) {
    const loader = file.endsWith('.ts') ? 'ts' : 'js';
    const out = transformSync(src, {
      loader,
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: file,
      supported: { 'dynamic-import': false },
    });
    return { code: out.code };
  },
};
