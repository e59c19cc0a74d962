/**
 * Per-stage settings from CDK context (`-c hookline:stage=prod`, default `dev`): stack and resource
 * names, log retention, removal policies, table deletion protection, alarm thresholds, reserved
 * concurrency, API throttling and optional custom domains. One place reads context; the stacks
 * take the result.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { queues, tables, type QueueSpec } from '../shared/resources';

export interface DomainConfig {
  /** e.g. `api.example.com` */
  name: string;
  /** ACM certificate in the stack's region covering `name`. */
  certificateArn: string;
}

/**
 * A table on provisioned capacity with auto scaling (table and each index alike) instead of
 * on-demand: cheaper per write for steady traffic, for tables written from queues (README "Cost").
 */
export interface TableCapacity {
  minWrite: number;
  maxWrite: number;
  minRead: number;
  maxRead: number;
  /** Target utilization (%) auto scaling keeps consumed/provisioned at. */
  targetUtilization: number;
}

export interface StageConfig {
  stage: string;
  prod: boolean;
  /** `HooklineData-prod`, `HooklineApi-prod`, `HooklineConsole-prod`. */
  stackName(id: 'HooklineData' | 'HooklineApi' | 'HooklineConsole'): string;
  /** `hookline-prod-<what>`, for names people see (API, dashboard, alarms). */
  resourceName(what: string): string;
  /**
   * `/hookline/prod/console-url`: the SSM String parameter the console stack writes its URL to and
   * the api function reads for portal links. A fixed name, so the API stack needs no reference to
   * the console stack (which depends on it).
   */
  consoleUrlParameter: string;
  logRetention: logs.RetentionDays;
  /** Tables and the admin key secret (buckets are always retained: S3 cannot delete a non-empty bucket). */
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  alertEmails: string[];
  /** Delivery success rate (%) under which the alarm fires, over 15 minutes. */
  deliverySuccessRateMin: number;
  /** Delivery attempt p95 latency (seconds) over which the alarm fires. */
  deliveryP95Seconds: number;
  /** Oldest message age (seconds) on the events and deliveries queues that raises an alarm. */
  queueAgeSeconds: number;
  reservedConcurrency: Partial<Record<ReservedFunction, number>>;
  apiThrottle: { rateLimit: number; burstLimit: number };
  /** Days a replaced or deleted config-bucket object version is kept. */
  configNoncurrentDays: number;
  domains: { api?: DomainConfig; receiver?: DomainConfig };
  /** `-c hookline:tableCapacity='{"events":{"maxWrite":4000}}'`: tables on provisioned capacity (others stay on-demand). */
  tableCapacity: Record<string, TableCapacity>;
  /**
   * Settings (shared/env.ts) from context, by env var name: each function gets those its manifest
   * entry lists under `settings`. `hookline:requireVerified` (true/false) is HOOKLINE_REQUIRE_VERIFIED.
   */
  settings: Record<string, string>;
}

/** The functions whose reserved concurrency comes from `hookline:reservedConcurrency`: the receiver and every queue consumer. */
export const RESERVED_FUNCTIONS = ['receiver', 'consumer', 'actions', 'deliverer'] as const;
export type ReservedFunction = (typeof RESERVED_FUNCTIONS)[number];

/** prod's defaults: the actions worker's equals its queue's maximum concurrency (10), the deliverer is left to the account pool. */
const PROD_RESERVED: Partial<Record<ReservedFunction, number>> = { receiver: 100, consumer: 20, actions: 10 };

/**
 * Reserved concurrency per function from context: unknown names are refused (a typo would silently
 * reserve nothing), and a queue consumer cannot reserve less than its event source mapping's
 * maximum concurrency (SQS would keep polling batches Lambda then throttles).
 */
function reservedConcurrency(given: Record<string, unknown>): Partial<Record<ReservedFunction, number>> {
  const out: Partial<Record<ReservedFunction, number>> = {};
  for (const [name, v] of Object.entries(given ?? {})) {
    if (!(RESERVED_FUNCTIONS as readonly string[]).includes(name)) throw new Error(`hookline:reservedConcurrency: "${name}" is not one of ${RESERVED_FUNCTIONS.join(', ')}`);
    const n = positive(`reservedConcurrency.${name}`, v);
    const mapping = (Object.values(queues) as QueueSpec[]).find((q) => q.consumer.fn === name)?.consumer.maxConcurrency;
    if (mapping && n < mapping) throw new Error(`hookline:reservedConcurrency.${name} must be at least ${mapping}, its queue's maximum concurrency, got ${n}`);
    out[name as ReservedFunction] = n;
  }
  return out;
}

const RETENTION: Record<number, logs.RetentionDays> = {
  1: logs.RetentionDays.ONE_DAY,
  3: logs.RetentionDays.THREE_DAYS,
  7: logs.RetentionDays.ONE_WEEK,
  14: logs.RetentionDays.TWO_WEEKS,
  30: logs.RetentionDays.ONE_MONTH,
  90: logs.RetentionDays.THREE_MONTHS,
  180: logs.RetentionDays.SIX_MONTHS,
  365: logs.RetentionDays.ONE_YEAR,
};

/** Context values arrive as strings from `-c` and as JSON values from cdk.json. */
function read<T>(scope: Construct, key: string, fallback: T): T {
  const raw = scope.node.tryGetContext(`hookline:${key}`);
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (typeof raw !== 'string' || typeof fallback === 'string') return raw as T;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return (Array.isArray(fallback) ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw) as T;
  }
}

function positive(key: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || n > max) throw new Error(`hookline:${key} must be a number in (0, ${max}], got ${JSON.stringify(v)}`);
  return n;
}

function flag(key: string, v: unknown): 'true' | 'false' {
  if (v === true || v === 'true') return 'true';
  if (v === false || v === 'false') return 'false';
  throw new Error(`hookline:${key} must be true or false, got ${JSON.stringify(v)}`);
}

export function stageConfig(scope: Construct): StageConfig {
  const stage = String(read(scope, 'stage', 'dev'));
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) throw new Error(`hookline:stage must be lower-case letters, digits and dashes (at most 16), got "${stage}"`);
  const prod = stage === 'prod';
  const retentionDays = positive('logRetentionDays', read(scope, 'logRetentionDays', prod ? 90 : 7));
  if (!RETENTION[retentionDays]) throw new Error(`hookline:logRetentionDays must be one of ${Object.keys(RETENTION).join(', ')}`);
  const emails = read<string[] | string>(scope, 'alertEmails', []);
  const alertEmails = (Array.isArray(emails) ? emails : [emails]).map(String);
  for (const e of alertEmails) if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e)) throw new Error(`hookline:alertEmails: "${e}" is not an email address`);
  const concurrency = read<Record<string, unknown>>(scope, 'reservedConcurrency', prod ? PROD_RESERVED : {});
  const throttle = read(scope, 'apiThrottle', { rateLimit: 1000, burstLimit: 500 });
  return {
    stage,
    prod,
    stackName: (id) => `${id}-${stage}`,
    resourceName: (what) => `hookline-${stage}-${what}`,
    consoleUrlParameter: `/hookline/${stage}/console-url`,
    logRetention: RETENTION[retentionDays],
    removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    deletionProtection: prod,
    alertEmails,
    deliverySuccessRateMin: positive('deliverySuccessRateMin', read(scope, 'deliverySuccessRateMin', 95), 100),
    deliveryP95Seconds: positive('deliveryP95Seconds', read(scope, 'deliveryP95Seconds', 30)),
    queueAgeSeconds: positive('queueAgeSeconds', read(scope, 'queueAgeSeconds', 900)),
    reservedConcurrency: reservedConcurrency(concurrency),
    apiThrottle: { rateLimit: positive('apiThrottle.rateLimit', throttle.rateLimit), burstLimit: positive('apiThrottle.burstLimit', throttle.burstLimit) },
    configNoncurrentDays: positive('configNoncurrentDays', read(scope, 'configNoncurrentDays', 90)),
    domains: read(scope, 'domains', {}),
    tableCapacity: tableCapacity(read<Record<string, Partial<TableCapacity>>>(scope, 'tableCapacity', {})),
    settings: { HOOKLINE_REQUIRE_VERIFIED: flag('requireVerified', read<unknown>(scope, 'requireVerified', false)) },
  };
}

const CAPACITY_DEFAULTS: TableCapacity = { minWrite: 1, maxWrite: 4000, minRead: 1, maxRead: 1000, targetUtilization: 70 };

function tableCapacity(raw: Record<string, Partial<TableCapacity>>): Record<string, TableCapacity> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('hookline:tableCapacity must be an object of table name -> capacity');
  const out: Record<string, TableCapacity> = {};
  for (const [table, given] of Object.entries(raw)) {
    if (!(table in tables)) throw new Error(`hookline:tableCapacity: no table "${table}" (tables: ${Object.keys(tables).join(', ')})`);
    const c = { ...CAPACITY_DEFAULTS, ...given };
    const key = (k: string) => `tableCapacity.${table}.${k}`;
    out[table] = {
      minWrite: positive(key('minWrite'), c.minWrite, 40_000),
      maxWrite: positive(key('maxWrite'), c.maxWrite, 40_000),
      minRead: positive(key('minRead'), c.minRead, 40_000),
      maxRead: positive(key('maxRead'), c.maxRead, 40_000),
      targetUtilization: positive(key('targetUtilization'), c.targetUtilization, 90),
    };
    if (out[table].minWrite > out[table].maxWrite || out[table].minRead > out[table].maxRead) throw new Error(`hookline:tableCapacity.${table}: min must not exceed max`);
    if (out[table].targetUtilization < 20) throw new Error(`hookline:tableCapacity.${table}.targetUtilization must be between 20 and 90`);
  }
  return out;
}
