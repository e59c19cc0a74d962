const { rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  const child = globalThis.__HOOKLINE_EMULATORS__;
  if (child && child.exitCode === null) {
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  }
  if (process.env.HOOKLINE_TEST_EMULATOR_DIR) rmSync(process.env.HOOKLINE_TEST_EMULATOR_DIR, { recursive: true, force: true });
};
