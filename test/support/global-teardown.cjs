const { rmSync } = require('node:fs');

module.exports = async function globalTeardown() {
  for (const child of [globalThis.__HOOKLINE_EMULATORS__, globalThis.__HOOKLINE_DYNAMODB_LOCAL__]) await stop(child);
  if (process.env.HOOKLINE_TEST_EMULATOR_DIR) rmSync(process.env.HOOKLINE_TEST_EMULATOR_DIR, { recursive: true, force: true });
};

async function stop(child) {
  if (child && child.exitCode === null) {
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    });
  }
}
