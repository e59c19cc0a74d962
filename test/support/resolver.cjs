// Jest resolves with the "require" condition; ESM-only packages (@middy/*, @octokit/webhooks-methods)
// export only "import". Fall back to it; the esbuild transform then turns them into CommonJS.
module.exports = (path, options) => {
  try {
    return options.defaultResolver(path, options);
  } catch (err) {
    return options.defaultResolver(path, { ...options, conditions: ['import', 'node', 'default'] });
  }
};
