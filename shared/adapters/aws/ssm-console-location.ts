import type { Clock } from '../../clock';
import type { ConsoleLocation } from '../../ports';
import { unavailable } from './errors';

/** The SSM client and the commands to send with it. */
export interface Ssm {
  client: InstanceType<typeof import('./ssm-sdk').SSMClient>;
  sdk: typeof import('./ssm-sdk');
}

let ssm: Promise<Ssm> | undefined;
/** SSM on demand: imports the SDK and creates the client on the first call (a failed load is tried again). */
export function loadSsm(): Promise<Ssm> {
  return (ssm ??= import('./ssm-sdk').then(
    (sdk) => ({ sdk, client: new sdk.SSMClient({}) }),
    (err: unknown) => {
      ssm = undefined;
      throw err;
    },
  ));
}

/** How long a container keeps the console URL: a console moved to a new distribution is linked within this. */
export const CONSOLE_URL_CACHE_MS = 5 * 60_000;
/** How long it remembers that there is none: the first link after the console stack deploys works within this. */
export const CONSOLE_MISSING_CACHE_MS = 30_000;

/**
 * The console's URL from the String parameter the console stack writes (`/hookline/<stage>/console-url`),
 * read only when a portal link is minted and cached per container: `CONSOLE_URL_CACHE_MS` when found,
 * `CONSOLE_MISSING_CACHE_MS` when the parameter does not exist (no console deployed). A failed read
 * (throttled, denied, SSM down) is not cached and answers a retryable 503.
 */
export function ssmConsoleLocation(parameterName: string, clock: Clock, load: () => Promise<Ssm> = loadSsm): ConsoleLocation {
  let cached: { until: number; value: Promise<string | undefined> } | undefined;
  const read = async (): Promise<string | undefined> => {
    const { sdk, client } = await load();
    try {
      const out = await client.send(new sdk.GetParameterCommand({ Name: parameterName }));
      return out.Parameter?.Value || undefined;
    } catch (err) {
      if ((err as { name?: string })?.name === 'ParameterNotFound') return undefined;
      throw unavailable('SSM Parameter Store (the console URL)', err);
    }
  };
  return {
    url() {
      const now = clock.now().getTime();
      if (cached && now < cached.until) return cached.value;
      const entry = { until: Number.POSITIVE_INFINITY, value: read() };
      cached = entry;
      entry.value.then(
        (url) => (entry.until = now + (url ? CONSOLE_URL_CACHE_MS : CONSOLE_MISSING_CACHE_MS)),
        () => {
          if (cached === entry) cached = undefined;
        },
      );
      return entry.value;
    },
  };
}

/** A console URL given in the environment (`npm start`, or `hookline:consoleUrl` in AWS), or none. */
export function fixedConsoleLocation(url: string | undefined): ConsoleLocation {
  return { url: async () => url };
}
