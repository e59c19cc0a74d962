import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { CONSOLE_MISSING_CACHE_MS, CONSOLE_URL_CACHE_MS, fixedConsoleLocation, ssmConsoleLocation } from '../../shared/adapters/aws/ssm-console-location';
import { managementDeps } from '../../shared/adapters/aws/wiring';
import { loadEnv, requiredEnv } from '../../shared/env';
import { ConsoleNotDeployedError, HooklineError } from '../../shared/errors';
import type { ApiKeyRecord } from '../../shared/model/api-key';
import type { AuditEntry } from '../../shared/model/audit';
import type { ConsoleLocation } from '../../shared/ports';
import { createPortalLink } from '../../shared/usecases/api-keys';

/**
 * Where portal links point. In AWS the console stack writes its URL to an SSM parameter, which the
 * api function reads only when a link is minted (SSM is not emulated locally: aws-sdk-client-mock
 * stands in for it here; CONSOLE_URL covers `npm start`).
 */
let now = new Date('2026-12-01T12:00:00.000Z');
const clock = { now: () => now };
const admin = { key_id: 'key_admin', name: 'admin' };

function deps(consoleLocation: ConsoleLocation) {
  const keys: ApiKeyRecord[] = [];
  const audit: AuditEntry[] = [];
  return {
    keys,
    audit,
    deps: {
      keys: { put: async (k: ApiKeyRecord) => void keys.push(k) } as never,
      audit: { append: async (e: AuditEntry) => void audit.push(e) } as never,
      clock,
      ids: { next: (p: string) => `${p}_1` },
      outbound: { tenants: { get: async (id: string) => (id === 'acme' ? { tenant_id: 'acme' } : null) } as never },
      consoleLocation,
    },
  };
}

describe('createPortalLink: the console URL', () => {
  it('builds the link on the console URL the port gives (trailing slash or not)', async () => {
    for (const base of ['https://d1.cloudfront.net', 'https://d1.cloudfront.net/']) {
      const link = await createPortalLink(deps(fixedConsoleLocation(base)).deps, admin, 'acme', 3600);
      expect(link.url).toBe(`https://d1.cloudfront.net/portal#token=${encodeURIComponent(link.token)}`);
    }
  });

  it('answers 503 console_not_deployed, saying what to do, and mints no token, when no console is deployed', async () => {
    const { deps: d, keys, audit } = deps(fixedConsoleLocation(undefined));
    const err = await createPortalLink(d, admin, 'acme', 3600).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConsoleNotDeployedError);
    expect(err).toMatchObject({ code: 'console_not_deployed', status: 503, retryable: false });
    expect((err as Error).message).toMatch(/deploy the console stack.*hookline:consoleUrl/);
    expect({ keys, audit }).toEqual({ keys: [], audit: [] });
  });

  it('an unknown tenant is still a 404 (checked first)', async () => {
    await expect(createPortalLink(deps(fixedConsoleLocation(undefined)).deps, admin, 'nobody', 3600)).rejects.toMatchObject({ status: 404 });
  });
});

const ssm = mockClient(SSMClient);
afterAll(() => ssm.restore());

describe('ssmConsoleLocation (the console stack parameter)', () => {
  const NAME = '/hookline/dev/console-url';
  const found = () => ssm.on(GetParameterCommand, { Name: NAME }).resolves({ Parameter: { Name: NAME, Type: 'String', Value: 'https://d1.cloudfront.net' } });
  const reads = () => ssm.commandCalls(GetParameterCommand).length;
  beforeEach(() => {
    ssm.reset();
    now = new Date('2026-12-01T12:00:00.000Z');
  });
  const later = (ms: number) => (now = new Date(now.getTime() + ms));

  it('reads the parameter on the first link and keeps it for 5 minutes per container', async () => {
    found();
    const location = ssmConsoleLocation(NAME, clock);
    expect(reads()).toBe(0); // nothing at construction (cold start)
    const d = deps(location).deps;
    const [a, b] = await Promise.all([createPortalLink(d, admin, 'acme', 3600), createPortalLink(d, admin, 'acme', 3600)]);
    expect([a.url, b.url].map((u) => u.split('#')[0])).toEqual(['https://d1.cloudfront.net/portal', 'https://d1.cloudfront.net/portal']);
    expect(reads()).toBe(1);
    later(CONSOLE_URL_CACHE_MS - 1);
    await location.url();
    expect(reads()).toBe(1);
    later(1);
    await location.url();
    expect(reads()).toBe(2);
  });

  it('a missing parameter (console stack not deployed) means no console, remembered for 30 s only', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    const location = ssmConsoleLocation(NAME, clock);
    await expect(createPortalLink(deps(location).deps, admin, 'acme', 3600)).rejects.toMatchObject({ code: 'console_not_deployed', status: 503 });
    later(CONSOLE_MISSING_CACHE_MS - 1);
    expect(await location.url()).toBeUndefined();
    expect(reads()).toBe(1);
    // The console stack deploys: the next link after the short miss cache points at it.
    ssm.reset();
    found();
    later(1);
    expect(await location.url()).toBe('https://d1.cloudfront.net');
  });

  it('a failed read (denied, throttled, SSM down) is a retryable 503 and is not cached', async () => {
    ssm.on(GetParameterCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const location = ssmConsoleLocation(NAME, clock);
    const err = await location.url().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HooklineError);
    expect(err).toMatchObject({ code: 'service_unavailable', status: 503, retryable: true });
    ssm.reset();
    found();
    expect(await location.url()).toBe('https://d1.cloudfront.net');
  });
});

describe('the api function wiring: CONSOLE_URL wins, else the parameter CDK names', () => {
  /** The api function's deps from an env as CDK sets it (resource names are placeholders: only the console location is used). */
  const wired = (extra: Record<string, string>) => {
    const env = { ...Object.fromEntries(requiredEnv('api').map((n) => [n, `http://127.0.0.1:1/${n.toLowerCase()}`])), ...extra };
    const { settings, resources } = loadEnv('api', env);
    return managementDeps(resources, settings).consoleLocation;
  };

  it('reads the SSM parameter named by CONSOLE_URL_PARAMETER when CONSOLE_URL is unset (a plain cdk deploy)', async () => {
    ssm.reset();
    ssm.on(GetParameterCommand, { Name: '/hookline/prod/console-url' }).resolves({ Parameter: { Value: 'https://d9.cloudfront.net' } });
    expect(await wired({ CONSOLE_URL_PARAMETER: '/hookline/prod/console-url' }).url()).toBe('https://d9.cloudfront.net');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
  });

  it('uses CONSOLE_URL (npm start, or hookline:consoleUrl) without calling SSM', async () => {
    ssm.reset();
    expect(await wired({ CONSOLE_URL: 'https://console.example.com', CONSOLE_URL_PARAMETER: '/hookline/prod/console-url' }).url()).toBe('https://console.example.com');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(0);
  });

  it('has no console with neither (and refuses a parameter name that is not one)', async () => {
    expect(await wired({}).url()).toBeUndefined();
    expect(() => wired({ CONSOLE_URL_PARAMETER: 'console-url' })).toThrow(/CONSOLE_URL_PARAMETER: must be an SSM parameter name starting with \//);
  });
});
