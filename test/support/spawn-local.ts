import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchContract } from './contract';

const root = join(__dirname, '..', '..');

export interface RunningLocal {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
}

/**
 * Starts `npm start`'s command (node --import tsx bin/local.ts, on the project's Node 22) as one child process
 * with its own DATA_DIR and emulators, as a user would, and waits for its banner. Until it exits, the
 * global fetch checks every answer from it against the OpenAPI document (test/support/contract.ts):
 * a test fails on any status, body or ETag the document does not describe.
 */
export async function spawnLocal(dataDir: string, env: Record<string, string> = {}): Promise<RunningLocal> {
  const node = existsSync(join(root, 'node_modules', '.bin', 'node')) ? join(root, 'node_modules', '.bin', 'node') : process.execPath;
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_') && k !== 'WEBHOOKS_ADMIN_KEY') childEnv[k] = v;
  const child = spawn(node, ['--import', 'tsx', '--disable-warning=ExperimentalWarning', join(root, 'bin', 'local.ts')], {
    cwd: root,
    env: { ...childEnv, PORT: '0', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack did not start within 30 s:\n${out}`)), 30_000);
    const check = () => {
      const m = /is running at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${code}:\n${out}`));
    });
  });
  // Every answer a test fetches from this stack is checked against the OpenAPI document.
  const unwatch = watchContract(url);
  void exited.then(unwatch);
  return { url, child, output: () => out, exited };
}

export interface LocalUnderTest extends RunningLocal {
  dataDir: string;
  adminKey: string;
  /** fetch with the admin key (and a JSON content type when there is a body). */
  admin(path: string, init?: RequestInit): Promise<Response>;
  /** SIGTERM, wait for the exit, remove the data directory. */
  stop(): Promise<void>;
}

/**
 * `npm start` in a fresh data directory for one test file. `before` runs on the directory first
 * (e.g. to put files in the config inbox before the start).
 */
export async function startLocalForTest(name: string, opts: { env?: Record<string, string>; before?: (dataDir: string) => void } = {}): Promise<LocalUnderTest> {
  const dataDir = mkdtempSync(join(tmpdir(), `hookline-e2e-${name}-`));
  opts.before?.(dataDir);
  const r = await spawnLocal(dataDir, opts.env);
  const adminKey = opts.env?.WEBHOOKS_ADMIN_KEY ?? readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
  return {
    ...r,
    dataDir,
    adminKey,
    admin: (path, init = {}) =>
      fetch(`${r.url}${path}`, { ...init, headers: { authorization: `Bearer ${adminKey}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) } }),
    async stop() {
      if (r.child.exitCode === null) {
        r.child.kill('SIGTERM');
        await r.exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
