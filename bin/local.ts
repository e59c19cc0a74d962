/**
 * `npm start`: Hookline on localhost. Starts the AWS-API emulators in-process (unless AWS
 * endpoint variables point elsewhere), creates the manifest's resources, and serves the route
 * table through the same Lambda handlers CDK deploys, with SQS pollers standing in for Lambda's
 * event source mappings.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { version } from '../shared/version';
import { CONSOLE_OUT, ensureConsoleBuilt } from './console/build';
import { startEmulators, useEndpoints, type Emulators } from './local/emulators';
import { resolveLocalhostSubdomains } from './local/localhost-dns';
import { startLocalStack } from './local/stack';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** WEBHOOKS_ADMIN_KEY wins; else a key generated once into DATA_DIR/admin-key. Returns it when new. */
function ensureAdminKey(dataDir: string): string | undefined {
  if (process.env.WEBHOOKS_ADMIN_KEY) return undefined;
  const file = join(dataDir, 'admin-key');
  let created: string | undefined;
  if (!existsSync(file)) {
    created = `hla_${randomBytes(32).toString('base64url')}`;
    writeFileSync(file, `${created}\n`, { mode: 0o600 });
  }
  process.env.WEBHOOKS_ADMIN_KEY = readFileSync(file, 'utf8').trim();
  process.env.HOOKLINE_ADMIN_KEY_FILE = file;
  return created;
}

async function main(): Promise<void> {
  // RFC 6761: *.localhost is loopback. glibc does not resolve it, and local SQS emulators
  // (fauxqs, and fauxqs standing in for LocalStack) answer with sqs.<region>.localhost queue URLs.
  resolveLocalhostSubdomains();
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  mkdirSync(dataDir, { recursive: true });
  const firstKey = ensureAdminKey(dataDir);
  // Local development talks to sinks on this machine; AWS deployments default to false.
  process.env.ALLOW_PRIVATE_TARGETS ??= 'true';

  const external = Object.keys(process.env).some((k) => k.startsWith('AWS_ENDPOINT_URL'));
  let emulators: Emulators | undefined;
  let consoleError: string | undefined;
  const stack = await startLocalStack({
    host: process.env.HOST ?? '127.0.0.1',
    port: Number(process.env.PORT ?? 3000),
    prefix: process.env.RESOURCE_PREFIX ?? 'hookline',
    pauseConsumers: process.env.HOOKLINE_PAUSE_CONSUMERS === 'true',
    batchWindowSeconds: Number(process.env.LOCAL_BATCH_WINDOW_SECONDS ?? 0.2),
    log,
    configDir: join(dataDir, 'config', 'webhooks'),
    // Runs once the port is bound, so a second instance fails before it opens DATA_DIR.
    consoleDir: CONSOLE_OUT,
    async startServices() {
      // The console is (re)built here, after the port is bound, only when missing or stale; a broken
      // console build does not stop the API.
      const consoleBuild = ensureConsoleBuilt({ log }).then(
        () => undefined,
        (err) => {
          consoleError = (err as Error).message;
          log(`console: build failed, not served: ${consoleError}`);
        },
      );
      if (!external) {
        emulators = await startEmulators(join(dataDir, 'aws'), { dynamodb: Number(process.env.DYNAMODB_PORT ?? 0), fauxqs: Number(process.env.FAUXQS_PORT ?? 0) });
        useEndpoints(emulators.endpoints);
      }
      await consoleBuild;
    },
  });

  const lines = [
    `Hookline ${version} is running at ${stack.url}`,
    `  console    ${consoleError ? `not built (${consoleError})` : `${stack.url}/`}`,
    `  receivers  ${stack.url}/webhooks/{provider}/{webhook_id}`,
    `  API        ${stack.url}/api (OpenAPI: ${stack.url}/api/openapi.json)`,
    `  health     ${stack.url}/health`,
    `  data       ${dataDir}`,
    `  configs    ${join(dataDir, 'config', 'webhooks')}/*.json (applied when written; see GET /api/config/imports)`,
    ...(emulators
      ? ['  emulated   in this process:', ...emulators.describe.map((d) => `             ${d}`)]
      : ['  emulated   nothing: AWS_ENDPOINT_URL* is set, so those endpoints are used']),
    `  outbound   ALLOW_PRIVATE_TARGETS=${process.env.ALLOW_PRIVATE_TARGETS} (loopback and private targets ${process.env.ALLOW_PRIVATE_TARGETS === 'true' ? 'allowed for local development' : 'refused'})`,
    ...(process.env.HOOKLINE_PAUSE_CONSUMERS === 'true' ? ['  consumers  paused (HOOKLINE_PAUSE_CONSUMERS=true): events stay queued'] : []),
    firstKey
      ? `  admin key  ${firstKey}\n             (shown once; stored in ${process.env.HOOKLINE_ADMIN_KEY_FILE})`
      : `  admin key  ${process.env.HOOKLINE_ADMIN_KEY_FILE ? `in ${process.env.HOOKLINE_ADMIN_KEY_FILE}` : 'from WEBHOOKS_ADMIN_KEY'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    await stack.stop();
    await emulators?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  log(`Hookline failed to start: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
