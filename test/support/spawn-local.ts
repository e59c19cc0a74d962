import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

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
 * with its own DATA_DIR and emulators, as a user would, and waits for its banner.
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
  return { url, child, output: () => out, exited };
}
