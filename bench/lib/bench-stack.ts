// One way for a bench to start the local stack on fresh in-process emulators: its own data
// directory, no AWS endpoint or profile of the shell leaking in, the consumers paused (the bench
// drives the functions itself, unless `stack` says otherwise), and the stack's own console lines silenced so stdout carries only
// the bench's result (`print`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulators, useEndpoints } from '../../bin/local/emulators';
import { startLocalStack } from '../../bin/local/stack';

export interface BenchStack {
  dataDir: string;
  emulators: Awaited<ReturnType<typeof startEmulators>>;
  stack: Awaited<ReturnType<typeof startLocalStack>>;
  /** console.log as it was before the stack was silenced: the bench's result line. */
  print: (...args: unknown[]) => void;
  /** Stops the stack and the emulators, gives console.log back, removes the data directory. */
  stop: () => Promise<void>;
}

type StackOptions = Parameters<typeof startLocalStack>[0];

/** `stack` overrides the local stack's options (e.g. `pauseConsumers: false` to let it process). */
export async function startBenchStack(name: string, opts: { prefix: string; env?: Record<string, string>; stack?: Partial<StackOptions> }): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `hookline-bench-${name}-`));
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_ENDPOINT_URL') || k === 'AWS_PROFILE') delete process.env[k];
  process.env.AWS_REGION = 'us-east-1';
  Object.assign(process.env, opts.env ?? {});
  const emulators = await startEmulators(dataDir);
  useEndpoints(emulators.endpoints);
  const print = console.log;
  // The functions log a line per event or attempt; stdout is for the result.
  console.log = () => undefined;
  const stack = await startLocalStack({ host: '127.0.0.1', port: 0, prefix: opts.prefix, pauseConsumers: true, log: () => undefined, ...opts.stack });
  return {
    dataDir,
    emulators,
    stack,
    print,
    stop: async () => {
      console.log = print;
      await stack.stop();
      await emulators.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
