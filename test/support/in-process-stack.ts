import { randomBytes } from 'node:crypto';
import { startLocalStack, type LocalStack } from '../../bin/local/stack';
import { watchContract } from './contract';

export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef';

/**
 * The local stack inside a Jest worker, on the shared emulators, with its own resource prefix so
 * test files never see each other's tables or queues. Until `stop`, every answer fetched from it is
 * checked against the OpenAPI document (test/support/contract.ts).
 */
export async function startTestStack(opts: { pauseConsumers?: boolean; configDir?: string; consoleDir?: string; log?: (line: string) => void } = {}): Promise<LocalStack & { admin: (path: string, init?: RequestInit) => Promise<Response> }> {
  process.env.WEBHOOKS_ADMIN_KEY = TEST_ADMIN_KEY;
  const stack = await startLocalStack({
    host: '127.0.0.1',
    port: 0,
    prefix: `t${randomBytes(4).toString('hex')}`,
    pauseConsumers: opts.pauseConsumers,
    configDir: opts.configDir,
    consoleDir: opts.consoleDir,
    batchWindowSeconds: 0.05,
    log: opts.log ?? (() => undefined),
  });
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${TEST_ADMIN_KEY}`, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers ?? {}) },
    });
  const unwatch = watchContract(stack.url);
  return {
    ...stack,
    admin,
    async stop() {
      unwatch();
      await stack.stop();
    },
  };
}
