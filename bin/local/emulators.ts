/**
 * In-process AWS-API emulators from npm: dynalite (DynamoDB on LevelDB) and fauxqs (SQS, SNS
 * and S3 on SQLite), both persisting under DATA_DIR so state survives restarts and kill -9.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import dynalite from 'dynalite';
import { Server } from 'node:net';
import { resolveLocalhostSubdomains } from './localhost-dns';

export interface Emulators {
  endpoints: { dynamodb: string; sqs: string; sns: string; s3: string };
  describe: string[];
  stop(): Promise<void>;
}

/** Starts both emulators on loopback (ports 0 = any free port) with their data under `dataDir`. */
export async function startEmulators(dataDir: string, ports: { dynamodb?: number; fauxqs?: number } = {}): Promise<Emulators> {
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  mkdirSync(join(dataDir, 'fauxqs'), { recursive: true });
  // fauxqs is ESM-only; its queue URLs are http://sqs.<region>.localhost:PORT/..., which the
  // SDK calls directly and glibc does not resolve.
  const { startFauxqs } = await import('fauxqs');
  resolveLocalhostSubdomains();
  const fq = await loopbackOnly(() => walSyncNormal(() => startFauxqs({ port: ports.fauxqs ?? 0, logger: false, dataDir: join(dataDir, 'fauxqs') })));
  const dy = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, path: join(dataDir, 'dynamodb') });
  await new Promise<void>((resolve, reject) => {
    dy.once('error', reject);
    dy.listen(ports.dynamodb ?? 0, '127.0.0.1', () => resolve());
  });
  const dyUrl = `http://127.0.0.1:${(dy.address() as AddressInfo).port}`;
  const fqUrl = `http://127.0.0.1:${fq.port}`;
  return {
    // The SQS endpoint has the same origin as fauxqs's queue URLs, so the SDK does not warn per call.
    endpoints: { dynamodb: dyUrl, sqs: `http://sqs.${process.env.AWS_REGION ?? 'us-east-1'}.localhost:${fq.port}`, sns: fqUrl, s3: fqUrl },
    describe: [`DynamoDB  dynalite at ${dyUrl} (data in ${join(dataDir, 'dynamodb')})`, `SQS, SNS, S3  fauxqs at ${fqUrl} (data in ${join(dataDir, 'fauxqs')})`],
    async stop() {
      await fq.stop();
      await new Promise<void>((resolve) => dy.close(() => resolve()));
    },
  };
}

/** Points the AWS SDK (in this process and its children) at the emulators. */
export function useEndpoints(e: Emulators['endpoints']): void {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = e.dynamodb;
  process.env.AWS_ENDPOINT_URL_SQS = e.sqs;
  process.env.AWS_ENDPOINT_URL_SNS = e.sns;
  process.env.AWS_ENDPOINT_URL_S3 = e.s3;
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}

/**
 * fauxqs 2.4 always listens on 0.0.0.0; an emulator with no auth must not be reachable from the
 * network, so while it starts, listen calls for 0.0.0.0 are rewritten to 127.0.0.1.
 */
async function loopbackOnly<T>(start: () => Promise<T>): Promise<T> {
  const listen = Server.prototype.listen;
  Server.prototype.listen = function (this: Server, ...args: any[]) {
    if (args[0] && typeof args[0] === 'object' && args[0].host === '0.0.0.0') args[0] = { ...args[0], host: '127.0.0.1' };
    else if (args[1] === '0.0.0.0') args[1] = '127.0.0.1';
    return listen.apply(this, args as never);
  } as typeof listen;
  try {
    return await start();
  } finally {
    Server.prototype.listen = listen;
  }
}

/**
 * fauxqs keeps its state in SQLite in WAL mode with SQLite's default `synchronous = FULL`: an
 * fsync on every commit, i.e. on every SendMessage, ReceiveMessage and DeleteMessageBatch, each
 * blocking the event loop the whole local stack runs on (measured: one fsync per SendMessage, about
 * 40% of `npm start`'s main-thread time under load). In WAL mode `synchronous = NORMAL` keeps every
 * commit across a crash or kill -9 of the process (the WAL pages are in the OS's page cache); only
 * a power loss or OS crash can roll back the last commits before a checkpoint. That is the right
 * trade for a local stack, so a database switched to WAL while `start` runs also gets NORMAL.
 * (The prototype is patched, not the `node:sqlite` export: ESM importers hold their own binding.)
 */
export async function walSyncNormal<T>(start: () => Promise<T> | T): Promise<T> {
  const { DatabaseSync } = await import('node:sqlite');
  const exec = DatabaseSync.prototype.exec;
  DatabaseSync.prototype.exec = function (this: InstanceType<typeof DatabaseSync>, sql: string) {
    exec.call(this, sql);
    if (/^\s*PRAGMA\s+journal_mode\s*=\s*WAL\s*;?\s*$/i.test(sql)) exec.call(this, 'PRAGMA synchronous = NORMAL');
  };
  try {
    return await start();
  } finally {
    DatabaseSync.prototype.exec = exec;
  }
}
