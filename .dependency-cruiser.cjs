/**
 * Layering rules, checked by `npm test` (test/unit/layering.test.ts) and `npx depcruise shared functions lib bin`.
 * The domain is everything in shared/ except the adapters (AWS SDK code) and the CLI (an HTTP client).
 */
const DOMAIN = '^shared/(?!adapters/|cli/)';
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Import cycles make layers meaningless; a shared type belongs in shared/ports.ts.', from: {}, to: { circular: true } },
    { name: 'domain-not-to-adapters', severity: 'error', comment: 'The domain knows ports, never adapters.', from: { path: DOMAIN }, to: { path: '^shared/adapters/' } },
    {
      name: 'domain-not-to-sdk-or-cdk',
      severity: 'error',
      comment: 'The domain imports no AWS SDK and no CDK.',
      from: { path: DOMAIN },
      to: { path: '^node_modules/(@aws-sdk|aws-cdk-lib|constructs|cdk-nag|@aws-lambda-powertools)/' },
    },
    { name: 'adapters-not-to-usecases', severity: 'error', comment: 'Adapters implement ports; they never call a use case.', from: { path: '^shared/adapters/' }, to: { path: '^shared/usecases/' } },
    { name: 'runtime-not-to-cdk', severity: 'error', comment: 'Lambda code never bundles CDK.', from: { path: '^(shared|functions)/' }, to: { path: '^node_modules/(aws-cdk-lib|constructs|cdk-nag)/' } },
    {
      name: 'handler-not-to-other-function',
      severity: 'error',
      comment: 'A function is its own composition root: it never imports another function.',
      from: { path: '^functions/([^/]+)/' },
      to: { path: '^functions/', pathNot: '^functions/$1/' },
    },
    { name: 'functions-not-to-lib', severity: 'error', comment: 'Functions never import the CDK stacks.', from: { path: '^(functions|shared)/' }, to: { path: '^lib/' } },
    { name: 'nothing-to-bin', severity: 'error', comment: 'bin/ holds entry points; nothing imports them.', from: { pathNot: '^bin/' }, to: { path: '^bin/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^(cdk\\.out|\\.data)/' },
  },
};
