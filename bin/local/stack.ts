/**
 * The local stack without process concerns: provisions the manifest's resources on whatever
 * AWS endpoints the SDK is pointed at, serves the route table through the real handlers, and
 * runs an SQS poller per consumer. `npm start` (bin/local.ts) and the tests both use it.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { SQSClient } from '@aws-sdk/client-sqs';
import { functions, queues, type QueueSpec } from '../../shared/resources';

/** The most batches of one queue the local stack runs at once. */
const LOCAL_MAX_POLLERS = 4;
import { jsonText } from '../../shared/http/apigw';
import { routes } from '../../shared/routes';
import { version } from '../../shared/version';
import { startConfigInbox } from './config-inbox';
import { consoleServer } from './console-server';
import { startGateway } from './gateway';
import { clientsFromEnv, provision, resourcesExist } from './provision';
import { startPoller } from './sqs-poller';

export interface LocalStackOptions {
  host: string;
  port: number;
  /** Physical resource names are `<prefix>-<manifest name>`. */
  prefix: string;
  /** Leave events queued (no pollers). */
  pauseConsumers?: boolean;
  batchWindowSeconds?: number;
  log: (line: string) => void;
  /** Starts what the AWS endpoints need (the emulators), after the port is bound. */
  startServices?: () => Promise<void>;
  /** The config inbox folder (DATA_DIR/config/webhooks); none when absent. */
  configDir?: string;
  /** The built console (dist/console) to serve at `/`; none when absent. */
  consoleDir?: string;
}

export interface LocalStack {
  url: string;
  server: Server;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the stack; the port is bound before anything else so a clash fails fast. */
export async function startLocalStack(o: LocalStackOptions): Promise<LocalStack> {
  const { server, serve } = await startGateway(o.host, o.port);
  const url = `http://${o.host === '0.0.0.0' || o.host === '::' ? 'localhost' : o.host}:${(server.address() as AddressInfo).port}`;
  process.env.RECEIVER_URL ??= url;
  process.env.CONSOLE_URL ??= url;
  process.env.AWS_REGION ??= 'us-east-1';
  try {
    await o.startServices?.();
  } catch (err) {
    server.close();
    throw err;
  }
  const clients = clientsFromEnv();
  const env = await provision(clients, o.prefix);
  Object.assign(process.env, env);

  // Handlers read their env at first invocation, so they are imported after it is set.
  const [api, authorizer, receiver, consumer, actions, interactive, deliverer, importer] = await Promise.all([
    import('../../functions/api/handler'),
    import('../../functions/authorizer/handler'),
    import('../../functions/receiver/handler'),
    import('../../functions/consumer/handler'),
    import('../../functions/actions/handler'),
    import('../../functions/interactive/handler'),
    import('../../functions/deliverer/handler'),
    import('../../functions/importer/handler'),
  ]);

  const serveConsole = o.consoleDir ? consoleServer({ dir: o.consoleDir }) : undefined;
  serve({
    routes,
    handlers: { api: api.handler as never, receiver: receiver.handler, interactive: interactive.handler as never },
    authorizer: authorizer.handler,
    log: o.log,
    async extra(req, res, path) {
      if (req.method === 'GET' && path === '/health') {
        const r = await resourcesExist(clients, env);
        const body = jsonText(r.ok ? { status: 'ok' } : { status: 'unavailable', missing: r.missing });
        res.writeHead(r.ok ? 200 : 503, { 'content-type': 'application/json' }).end(body);
        return true;
      }
      if (serveConsole && (await serveConsole(req, res, path))) return true;
      if (req.method === 'GET' && path === '/') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(jsonText({ name: 'hookline', version, openapi: '/api/openapi.json', health: '/health' }));
        return true;
      }
      return false;
    },
  });

  const sqs = new SQSClient({});
  const consumers = { consumer: consumer.handler, actions: actions.handler, deliverer: deliverer.handler };
  // One poller per batch the event source mapping may have in flight (maxConcurrency), at most
  // LOCAL_MAX_POLLERS: idle pollers long-poll the emulator, and this runs on a laptop.
  const pollers = o.pauseConsumers
    ? []
    : Object.values(queues).flatMap((q: QueueSpec) =>
        Array.from({ length: Math.min(q.consumer.maxConcurrency ?? 1, LOCAL_MAX_POLLERS) }, () => startPoller({
          sqs,
          queueUrl: env[q.env],
          functionName: q.consumer.fn,
          handler: consumers[q.consumer.fn as keyof typeof consumers] as never,
          batchSize: q.consumer.batchSize,
          maxBatchingWindowSeconds: o.batchWindowSeconds ?? 0.2,
          timeoutSeconds: functions[q.consumer.fn].timeoutSeconds,
          region: process.env.AWS_REGION!,
          log: o.log,
        })),
      );

  const inbox = o.configDir
    ? startConfigInbox({ dir: o.configDir, s3: clients.s3, bucket: env.CONFIG_BUCKET, importer: importer.handler as never, log: o.log })
    : undefined;
  await inbox?.ready;

  return {
    url,
    server,
    env,
    async stop() {
      inbox?.stop();
      server.close();
      server.closeAllConnections();
      await Promise.all(pollers.map((p) => p.stop()));
    },
  };
}
