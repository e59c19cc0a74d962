/** Jest runs TypeScript and ESM-only dependencies through esbuild (CommonJS output). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(ts|js|mjs)$': '<rootDir>/test/support/esbuild-transform.cjs' },
  // ESM-only packages must be transformed too; everything else in node_modules is CommonJS already.
  transformIgnorePatterns: ['/node_modules/(?!(@middy|@octokit|@linear|fauxqs|valibot)/)'],
  resolver: '<rootDir>/test/support/resolver.cjs',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  setupFiles: ['<rootDir>/test/support/setup-env.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.cjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.cjs',
  testTimeout: 60000,
};
