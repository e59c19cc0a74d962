import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';

// The admin key lives in Secrets Manager in AWS (no emulator has it: the client is mocked). The
// authorizer caches it ADMIN_KEY_CACHE_SECONDS per container, which is what makes rotation work:
// the old value stops working, and the new one starts, within that time of a put-secret-value.
const OLD = 'old-admin-key-0123456789abcdef';
const NEW = 'new-admin-key-0123456789abcdef';
const T0 = Date.parse('2026-12-01T12:00:00Z');

const sm = mockClient(SecretsManagerClient);
let secret = OLD;
let failNext = false;
sm.on(GetSecretValueCommand).callsFake(async () => {
  if (failNext) {
    failNext = false;
    throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  }
  return { SecretString: secret };
});

Object.assign(process.env, { CONFIG_TABLE: 'hookline-config', ADMIN_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:hookline-admin', ADMIN_KEY_CACHE_SECONDS: '60' });
delete process.env.WEBHOOKS_ADMIN_KEY;
let authorizer: typeof import('../../functions/authorizer/handler').handler;
let api: typeof import('../../functions/api/handler').handler;

const present = (key: string) => authorizer({ headers: { authorization: `Bearer ${key}` } } as unknown as APIGatewayRequestAuthorizerEventV2);
const reads = () => sm.commandCalls(GetSecretValueCommand).length;
const at = (secondsAfterT0: number) => jest.setSystemTime(T0 + secondsAfterT0 * 1000);

beforeAll(async () => {
  // Imported after the env is set, as in Lambda; only Date is faked (the clock the cache reads).
  ({ handler: authorizer } = await import('../../functions/authorizer/handler'));
  ({ handler: api } = await import('../../functions/api/handler'));
  jest.useFakeTimers({ now: T0, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'hrtime', 'performance'] });
});
afterAll(() => {
  jest.useRealTimers();
  sm.restore();
});

describe('admin key rotation (cached ADMIN_KEY_CACHE_SECONDS per container)', () => {
  it('accepts the admin key read from Secrets Manager, reading it once per TTL', async () => {
    expect(await present(OLD)).toEqual({ isAuthorized: true, context: { auth: 'ok', key_id: 'key_admin', name: 'admin', scopes: 'admin' } });
    at(30);
    expect((await present(OLD)).context.auth).toBe('ok');
    expect(reads()).toBe(1);
  });

  it('after a rotation, keeps the old value until the TTL runs out, then only the new one works', async () => {
    secret = NEW; // put-secret-value
    at(59);
    expect((await present(OLD)).context.auth).toBe('ok');
    expect((await present(NEW)).context.auth).toBe('invalid');
    expect(reads()).toBe(1);
    at(61);
    expect((await present(OLD)).context).toEqual({ auth: 'invalid' });
    expect((await present(NEW)).context).toMatchObject({ auth: 'ok', key_id: 'key_admin' });
    expect(reads()).toBe(2);
  });

  it('does not cache a failed read: the next request reads again', async () => {
    at(200);
    failNext = true;
    await expect(present(NEW)).rejects.toThrow('Rate exceeded');
    expect((await present(NEW)).context.auth).toBe('ok');
    expect(reads()).toBe(4);
  });

  it('an expired (rotated-out) admin key is a 401 with the contract error body at the API', async () => {
    const verdict = await present(OLD);
    const res = (await api({ routeKey: 'GET /api/webhooks', rawPath: '/api/webhooks', headers: {}, requestContext: { authorizer: { lambda: verdict.context } } } as never, undefined as never)) as { statusCode: number; body: string };
    expect(res.statusCode).toBe(401);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'unauthorized', message: expect.any(String) } });
  });
});
