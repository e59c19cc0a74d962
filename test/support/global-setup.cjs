// Starts the emulators once for the whole run and points every test worker's AWS SDK at them.
const { spawn } = require('node:child_process');
const { existsSync, mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-emulators-'));
  const root = join(__dirname, '..', '..');
  // The emulators need Node >= 22.5 (node:sqlite): the `node` devDependency provides it.
  const node = existsSync(join(root, 'node_modules', '.bin', 'node')) ? join(root, 'node_modules', '.bin', 'node') : process.execPath;
  const child = spawn(node, ['--import', 'tsx', '--disable-warning=ExperimentalWarning', join(__dirname, 'emulators-main.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoints = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('emulators did not start within 30 s')), 30_000);
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const line = buf.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).endpoints);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulators exited with ${code}`));
    });
  });
  child.stdout.resume();
  globalThis.__HOOKLINE_EMULATORS__ = child;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    HOOKLINE_TEST_EMULATOR_DIR: dir,
  });
};
