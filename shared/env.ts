/**
 * The only place that reads process.env. Each function parses what it needs once, at cold
 * start, and fails fast naming the missing or malformed variable. zod/mini keeps this out of the
 * receiver's bundle weight (the full zod build is ~440 KB; the mini build tree-shakes).
 */
import * as z from 'zod/mini';
import { MAX_CONFIG_CACHE_SECONDS } from './config-cache';
import { buckets, functions, queues, tables, topics, type FunctionName, type FunctionSpecs } from './resources';

const intIn = (min: number, max: number, dflt: number) =>
  z._default(z.coerce.number().check(z.int(), z.minimum(min, `must be at least ${min}`), z.maximum(max, `must be at most ${max}`)), dflt);

const Settings = z.object({
  /** Base URL providers call (API Gateway or Function URL of the receiver), no trailing slash. */
  RECEIVER_URL: z.optional(z.url()),
  /** The console's URL, for subscriber-portal links (`npm start`: its own URL; AWS: only with `-c hookline:consoleUrl`, else CONSOLE_URL_PARAMETER). */
  CONSOLE_URL: z.optional(z.url()),
  /** AWS without CONSOLE_URL: the SSM String parameter the console stack writes its URL to (`/hookline/<stage>/console-url`). */
  CONSOLE_URL_PARAMETER: z.optional(z.string().check(z.regex(/^\/[A-Za-z0-9_.\-/]+$/, 'must be an SSM parameter name starting with /'))),
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
  /** How long the authorizer keeps the admin key secret before reading it again (a rotation is in use everywhere within this). */
  ADMIN_KEY_CACHE_SECONDS: intIn(0, 3600, 60),
  ALLOW_PRIVATE_TARGETS: z._default(z.enum(['true', 'false']), 'false'),
  /** `true`: POST /api/events refuses event types neither built in nor registered (PUT /api/event-types/{type}). */
  HOOKLINE_STRICT_EVENT_TYPES: z._default(z.enum(['true', 'false']), 'false'),
  /** `true`: a subscription receives nothing but its hookline.verification until one got a 2xx (`verified`). */
  HOOKLINE_REQUIRE_VERIFIED: z._default(z.enum(['true', 'false']), 'false'),
  /** Rejected-request log lines a receiver container writes per second at most (the rest are counted in the next line's `suppressed`). */
  REJECTION_LOGS_PER_SECOND: intIn(0, 10_000, 10),
  /** A subscription whose deliveries have all failed for this many days is disabled. */
  AUTO_DISABLE_AFTER_DAYS: intIn(1, 365, 5),
});
export type Settings = z.infer<typeof Settings>;

/** Resource names/URLs a function may use, by manifest name (any function's). */
export interface ResourceEnv {
  tables: Record<string, string>;
  queues: Record<string, string>;
  dlqs: Record<string, string>;
  topics: Record<string, string>;
  buckets: Record<string, string>;
}

type Grants<F extends FunctionName, K extends 'tables' | 'queues' | 'buckets'> = FunctionSpecs[F] extends Record<K, infer T> ? keyof T & string : never;
type QueueUses<F extends FunctionName> = FunctionSpecs[F] extends { queues: infer Q } ? Q : Record<never, never>;
type DlqGrants<F extends FunctionName> = { [Q in keyof QueueUses<F>]: QueueUses<F>[Q] extends readonly (infer U)[] ? ('dlq' extends U ? Q : never) : never }[keyof QueueUses<F>] & string;
type TopicGrants<F extends FunctionName> = FunctionSpecs[F] extends { topics: readonly (infer T)[] } ? T & string : never;

/**
 * The resources one function was granted in the manifest, and only those: `resources.tables.events`
 * in a function without the events table is a compile error, not an undefined table name at run time.
 */
export interface FunctionResources<F extends FunctionName> {
  tables: Record<Grants<F, 'tables'>, string>;
  queues: Record<Grants<F, 'queues'>, string>;
  dlqs: Record<DlqGrants<F>, string>;
  topics: Record<TopicGrants<F>, string>;
  buckets: Record<Grants<F, 'buckets'>, string>;
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
export function loadEnv<F extends FunctionName>(fn: F, env: NodeJS.ProcessEnv = process.env): { settings: Settings; resources: FunctionResources<F> } {
  const problems: string[] = [];
  for (const name of requiredEnv(fn)) if (!env[name]) problems.push(`${name} is required`);
  const parsed = z.safeParse(Settings, env);
  if (!parsed.success) for (const i of parsed.error.issues) problems.push(`${i.path.join('.')}: ${i.message}`);
  if (problems.length) throw new EnvError(`Invalid environment for ${fn}: ${problems.join('; ')}`);
  const spec = functions[fn];
  const granted = <T extends Record<string, { env: string }>>(m: T, names: string[]) => Object.fromEntries(names.map((n) => [n, env[m[n].env] as string]));
  const queueNames = Object.keys(spec.queues ?? {});
  return {
    settings: parsed.data!,
    resources: {
      tables: granted(tables, Object.keys(spec.tables ?? {})),
      queues: granted(queues, queueNames),
      dlqs: Object.fromEntries(queueNames.filter((q) => spec.queues?.[q as keyof typeof queues]?.includes('dlq')).map((q) => [q, env[queues[q as keyof typeof queues].dlqEnv] as string])),
      topics: granted(topics, spec.topics ?? []),
      buckets: granted(buckets, Object.keys(spec.buckets ?? {})),
    } as FunctionResources<F>,
  };
}
