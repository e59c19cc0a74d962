/**
 * The only place that reads process.env. Each function parses what it needs once, at cold
 * start, and fails fast naming the missing or malformed variable. zod/mini keeps this out of the
 * receiver's bundle weight (the full zod build is ~440 KB; the mini build tree-shakes).
 */
import * as z from 'zod/mini';
import { MAX_CONFIG_CACHE_SECONDS } from './config-cache';
import { buckets, functions, queues, tables, topics, type FunctionName } from './resources';

const intIn = (min: number, max: number, dflt: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min, `must be at least ${min}`), z.maximum(max, `must be at most ${max}`)), dflt);

const Settings = z.object({
  /** Base URL providers call (API Gateway or Function URL of the receiver), no trailing slash. */
  RECEIVER_URL: z.optional(z.url()),
  /** Days an event (metadata and payload) is kept. */
  EVENT_RETENTION_DAYS: intIn(1, 3650, 30),
  /** Largest request body the receiver accepts. */
  MAX_BODY_BYTES: intIn(1024, 6 * 1024 * 1024, 4 * 1024 * 1024),
  /**
   * How long a container caches a webhook config or the subscription list before reading it
   * again: the bound on a change that keeps deliveries out (MAX_CONFIG_CACHE_SECONDS, 5 s).
   */
  CONFIG_CACHE_SECONDS: intIn(0, MAX_CONFIG_CACHE_SECONDS, MAX_CONFIG_CACHE_SECONDS),
  /** Local admin key (the local stack sets it); in AWS the authorizer reads ADMIN_KEY_SECRET_ARN. */
  WEBHOOKS_ADMIN_KEY: z.optional(z.string().check(z.minLength(16, 'must be at least 16 characters'))),
  ADMIN_KEY_SECRET_ARN: z.optional(z.string()),
  ALLOW_PRIVATE_TARGETS: z._default(z.enum(['true', 'false']), 'false'),
  /** A subscription whose deliveries have all failed for this many days is disabled. */
  AUTO_DISABLE_AFTER_DAYS: intIn(1, 365, 5),
});
export type Settings = z.infer<typeof Settings>;

/** Resource names/URLs a function was granted, by manifest name. */
export interface ResourceEnv {
  tables: Record<string, string>;
  queues: Record<string, string>;
  dlqs: Record<string, string>;
  topics: Record<string, string>;
  buckets: Record<string, string>;
}

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** The env var names a function needs, from the resource manifest. */
export function requiredEnv(fn: FunctionName): string[] {
  const spec = functions[fn];
  const names: string[] = [];
  for (const t of Object.keys(spec.tables ?? {})) names.push(tables[t as keyof typeof tables].env);
  for (const [q, uses] of Object.entries(spec.queues ?? {})) {
    const qs = queues[q as keyof typeof queues];
    names.push(qs.env);
    if (uses?.includes('dlq')) names.push(qs.dlqEnv);
  }
  for (const t of spec.topics ?? []) names.push(topics[t].env);
  for (const b of Object.keys(spec.buckets ?? {})) names.push(buckets[b as keyof typeof buckets].env);
  return names;
}

/** Parse the settings and the resources of one function; throws EnvError naming each bad variable. */
export function loadEnv(fn: FunctionName, env: NodeJS.ProcessEnv = process.env): { settings: Settings; resources: ResourceEnv } {
  const problems: string[] = [];
  for (const name of requiredEnv(fn)) if (!env[name]) problems.push(`${name} is required`);
  const parsed = z.safeParse(Settings, env);
  if (!parsed.success) for (const i of parsed.error.issues) problems.push(`${i.path.join('.')}: ${i.message}`);
  if (problems.length) throw new EnvError(`Invalid environment for ${fn}: ${problems.join('; ')}`);
  const pick = <T extends Record<string, { env: string }>>(m: T) =>
    Object.fromEntries(Object.entries(m).filter(([, v]) => env[v.env]).map(([k, v]) => [k, env[v.env] as string]));
  return {
    settings: parsed.data!,
    resources: {
      tables: pick(tables),
      queues: pick(queues),
      dlqs: Object.fromEntries(Object.entries(queues).filter(([, v]) => env[v.dlqEnv]).map(([k, v]) => [k, env[v.dlqEnv] as string])),
      topics: pick(topics),
      buckets: pick(buckets),
    },
  };
}
