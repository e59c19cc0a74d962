/**
 * `npm start`: Hookline on localhost. Starts the AWS-API emulators in-process (unless AWS
 * endpoint variables point elsewhere), creates the manifest's resources, and serves the route
 * table through the same Lambda handlers CDK deploys, with SQS pollers standing in for Lambda's
 * event source mappings.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { functions, queues } from '../shared/resources';
import { routes } from '../shared/routes';
import { version } from '../shared/version';
import { startEmulators, useEndpoints, type Emulators } from './local/emulators';
import { startGateway } from './local/gateway';
import { clientsFromEnv, provision, resourcesExist } from './local/provision';
import { startPoller } from './local/sqs-poller';

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const prefix = process.env.RESOURCE_PREFIX ?? 'hookline';
  mkdirSync(dataDir, { recursive: true });
  const { server, serve } = await startGateway(host, port);
  const url = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : host}:${(server.address() as AddressInfo).port}`;
  process.env.RECEIVER_URL ??= url;

  // Admin key: the env var wins; else generated once, printed once, kept in DATA_DIR/admin-key.
  let firstKey: string | undefined;
  if (!process.env.WEBHOOKS_ADMIN_KEY) {
    const file = join(dataDir, 'admin-key');
    if (!existsSync(file)) {
      firstKey = `hla_${randomBytes(32).toString('base64url')}`;
      writeFileSync(file, `${firstKey}\n`, { mode: 0o600 });
    }
    process.env.WEBHOOKS_ADMIN_KEY = readFileSync(file, 'utf8').trim();
  }
  // Local development talks to sinks on this machine; AWS deployments default to false.
  process.env.ALLOW_PRIVATE_TARGETS ??= 'true';

  const external = Object.keys(process.env).some((k) => k.startsWith('AWS_ENDPOINT_URL'));
  let emulators: Emulators | undefined;
  if (!external) {
    emulators = await startEmulators(join(dataDir, 'aws'), {
      dynamodb: Number(process.env.DYNAMODB_PORT ?? 0),
      fauxqs: Number(process.env.FAUXQS_PORT ?? 0),
    });
    useEndpoints(emulators.endpoints);
  }
  process.env.AWS_REGION ??= 'us-east-1';
  const clients = clientsFromEnv();
  const env = await provision(clients, prefix);
  Object.assign(process.env, env);

  // Handlers read their env at first invocation, so they are imported after it is set.
  const [api, authorizer, receiver, consumer] = await Promise.all([
    import('../functions/api/handler'),
    import('../functions/authorizer/handler'),
    import('../functions/receiver/handler'),
    import('../functions/consumer/handler'),
  ]);

  serve({
      routes,
      handlers: { api: api.handler as never, receiver: receiver.handler },
      authorizer: authorizer.handler,
      log,
      async extra(req, res, path) {
        if (req.method === 'GET' && path === '/health') {
          const r = await resourcesExist(clients, env);
          const body = JSON.stringify(r.ok ? { status: 'ok' } : { status: 'unavailable', missing: r.missing });
          res.writeHead(r.ok ? 200 : 503, { 'content-type': 'application/json' }).end(body);
          return true;
        }
        if (req.method === 'GET' && path === '/') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'hookline', version, openapi: '/api/openapi.json', health: '/health' }));
          return true;
        }
        return false;
      },
  });

  const sqs = new SQSClient({});
  const pollers =
    process.env.HOOKLINE_PAUSE_CONSUMERS === 'true'
      ? []
      : Object.entries(queues).map(([, q]) =>
          startPoller({
            sqs,
            queueUrl: env[q.env],
            functionName: q.consumer.fn,
            handler: consumer.handler as never,
            batchSize: q.consumer.batchSize,
            maxBatchingWindowSeconds: Number(process.env.LOCAL_BATCH_WINDOW_SECONDS ?? 0.2),
            timeoutSeconds: functions[q.consumer.fn].timeoutSeconds,
            region: process.env.AWS_REGION!,
            log,
          }),
        );

  const lines = [
    `Hookline ${version} is running at ${url}`,
    `  receivers  ${url}/webhooks/{provider}/{webhook_id}`,
    `  API        ${url}/api (OpenAPI: ${url}/api/openapi.json)`,
    `  health     ${url}/health`,
    `  data       ${dataDir}`,
    ...(emulators ? ['  emulated   (in this process)', ...emulators.describe.map((d) => `    ${d}`)] : ['  AWS endpoints from AWS_ENDPOINT_URL*: no emulators started']),
    `  outbound   ALLOW_PRIVATE_TARGETS=${process.env.ALLOW_PRIVATE_TARGETS} (loopback and private targets ${process.env.ALLOW_PRIVATE_TARGETS === 'true' ? 'allowed for local development' : 'refused'})`,
    ...(pollers.length ? [] : ['  consumers  paused (HOOKLINE_PAUSE_CONSUMERS=true): events stay queued']),
    firstKey
      ? `  admin key  ${firstKey}\n             (shown once; stored in ${join(dataDir, 'admin-key')})`
      : `  admin key  ${process.env.WEBHOOKS_ADMIN_KEY === readKeyFile(dataDir) ? `in ${join(dataDir, 'admin-key')}` : 'from WEBHOOKS_ADMIN_KEY'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: shutting down`);
    server.close();
    server.closeAllConnections();
    await Promise.all(pollers.map((p) => p.stop()));
    await emulators?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

function readKeyFile(dataDir: string): string | undefined {
  try {
    return readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
  } catch {
    return undefined;
  }
}

main().catch((err) => {
  log(`Hookline failed to start: ${(err as Error).stack ?? err}`);
  process.exit(1);
});
