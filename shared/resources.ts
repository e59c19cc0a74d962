/**
 * The resource manifest: every table, queue, topic, bucket and function Hookline needs.
 * Both the CDK stacks (lib/) and the local stack (bin/local/) are built from this one file,
 * so the two cannot drift. Nothing here imports AWS or CDK code.
 */

/** A DynamoDB table: string keys only, on-demand billing. */
export interface TableSpec {
  /** Environment variable that carries the table name into functions. */
  env: string;
  partitionKey: string;
  sortKey?: string;
  /** Global secondary indexes, all string keys, projection ALL unless `keysOnly` (table and index keys only). */
  indexes: { name: string; partitionKey: string; sortKey?: string; keysOnly?: boolean }[];
  /** Numeric epoch-seconds attribute DynamoDB expires items by. */
  ttlAttribute?: string;
}

/** An SQS queue with its dead-letter queue and the Lambda that consumes it. */
export interface QueueSpec {
  env: string;
  dlqEnv: string;
  /** Seconds a received message stays invisible; must exceed the consumer's timeout. */
  visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the DLQ. */
  maxReceiveCount: number;
  retentionDays: number;
  dlqRetentionDays: number;
  /**
   * `maxConcurrency`: batches in flight at once (the event source mapping's maximum concurrency,
   * 2 to 1000; the local stack runs that many pollers). Unset: Lambda's default scaling, one local poller.
   */
  consumer: { fn: FunctionName; batchSize: number; maxBatchingWindowSeconds: number; maxConcurrency?: number };
}

export interface TopicSpec {
  env: string;
}

export interface BucketSpec {
  env: string;
  versioned: boolean;
  /** Send object events to EventBridge (for functions triggered by objects under a prefix). */
  eventBridge?: boolean;
  /** Objects under these prefixes expire after N days (lifecycle rule). */
  expireDays?: { prefix: string; days: number }[];
}

export type Access = 'read' | 'write' | 'readwrite';

/** What a function may touch; CDK grants exactly this and sets the matching env vars. */
export interface FunctionSpec {
  entry: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  tables?: Partial<Record<TableName, Access>>;
  /** `send` to produce, `consume` for the event source (receive, delete, change visibility). */
  queues?: Partial<Record<QueueName, ('send' | 'consume' | 'dlq')[]>>;
  topics?: TopicName[];
  /** Settings (env var names of shared/env.ts) the deploy sets from the stage (lib/stage.ts `settings`); others keep their defaults. */
  settings?: readonly string[];
  buckets?: Partial<Record<BucketName, Access>>;
  /** Invoked for every object created under `prefix` in `bucket` (S3 → EventBridge → Lambda). */
  trigger?: { bucket: BucketName; prefix: string };
  /** Subscribed to this topic (SNS → Lambda); the local stack has no such topic traffic. */
  subscribe?: TopicName;

}

export const tables = {
  /**
   * Webhook configs, API keys and the audit log; small items, all keyed by (pk, sk). Only
   * publish-idempotency records carry `expires_at` (the TTL); configs never expire.
   */
  config: { env: 'CONFIG_TABLE', partitionKey: 'pk', sortKey: 'sk', indexes: [], ttlAttribute: 'expires_at' },
  /**
   * Event metadata (the payload lives compressed in S3). Keyed by event_id so a redelivered
   * SQS message hits the same item and a conditional put dedups it; by_webhook lists newest first.
   */
  events: {
    env: 'EVENTS_TABLE',
    partitionKey: 'event_id',
    indexes: [{ name: 'by_webhook', partitionKey: 'webhook_id', sortKey: 'received_key' }],
    ttlAttribute: 'expires_at',
  },
  /** Agent tasks made by `create_task`; task_id derives from (event, command), so a redelivery finds it. */
  tasks: {
    env: 'TASKS_TABLE',
    partitionKey: 'task_id',
    // by_time lists every task newest first without a Scan (all items share kind = "task").
    indexes: [
      { name: 'by_agent', partitionKey: 'agent', sortKey: 'created_key' },
      { name: 'by_time', partitionKey: 'kind', sortKey: 'created_key' },
    ],
  },
  /** Outbound deliveries: one item per (event, subscription) with every attempt. */
  deliveries: {
    env: 'DELIVERIES_TABLE',
    partitionKey: 'delivery_id',
    indexes: [
      { name: 'by_subscription', partitionKey: 'subscription_id', sortKey: 'created_key' },
      // Sparse: only paused and failed deliveries carry backlog_key (`${subscription_id}#${status}`),
      // so resume (oldest paused first) and recover (failed in a window) page through exactly their
      // deliveries without reading the successes; keys only, so counting 100,000 is ~10 Queries.
      { name: 'by_backlog', partitionKey: 'backlog_key', sortKey: 'created_key', keysOnly: true },
    ],
    ttlAttribute: 'expires_at',
  },
  /** Questions from `ask`, open until the next human event on the same thread answers them. */
  questions: {
    env: 'QUESTIONS_TABLE',
    partitionKey: 'question_id',
    indexes: [
      { name: 'by_thread', partitionKey: 'thread_key', sortKey: 'asked_key' },
      { name: 'by_webhook', partitionKey: 'webhook_id', sortKey: 'asked_key' },
      { name: 'by_time', partitionKey: 'kind', sortKey: 'asked_key' },
    ],
  },
  /**
   * One item per (event, command) side effect: the intent is written before the provider is
   * called, so a redelivered event never repeats a comment, question or forward.
   */
  actions: { env: 'ACTIONS_TABLE', partitionKey: 'action_id', indexes: [], ttlAttribute: 'expires_at' },
} satisfies Record<string, TableSpec>;

export const queues = {
  /** Verified inbound events, from the receiver to the consumer. */
  events: {
    env: 'EVENTS_QUEUE_URL',
    dlqEnv: 'EVENTS_DLQ_URL',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 5,
    retentionDays: 4,
    dlqRetentionDays: 14,
    // Large batches make one S3 payload object per batch: the PUT cost per event is 1/batch.
    consumer: { fn: 'consumer', batchSize: 100, maxBatchingWindowSeconds: 2 },
  },
  /**
   * Side effects on provider APIs (comment, ask, respond, forward), one message per event with
   * such commands, from the consumer to the actions worker. A provider that hangs holds up only
   * this queue's batch, never the ingestion and logging of other events. maxReceiveCount as the
   * events queue's: retries wait 10 s doubling to 15 min; the last receive records `failed`.
   */
  actions: {
    env: 'ACTIONS_QUEUE_URL',
    dlqEnv: 'ACTIONS_DLQ_URL',
    // 6x the actions worker's timeout (AWS's advice for Lambda event sources; HooklineFunction enforces it).
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    retentionDays: 4,
    dlqRetentionDays: 14,
    consumer: { fn: 'actions', batchSize: 10, maxBatchingWindowSeconds: 0, maxConcurrency: 10 },
  },
  /**
   * One message per outbound delivery. A retry is a new message sent with DelaySeconds (at most
   * 15 minutes; a longer wait hops: the deliverer re-sends until next_attempt_at), so no message
   * waits in flight and none outlives the 4-day retention, however long the retry policy.
   * maxReceiveCount counts receives of one message only, so only poison messages reach the DLQ.
   */
  deliveries: {
    env: 'DELIVERIES_QUEUE_URL',
    dlqEnv: 'DELIVERIES_DLQ_URL',
    // 6x the deliverer's timeout (AWS's advice for Lambda event sources; HooklineFunction enforces it).
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 30,
    retentionDays: 4,
    dlqRetentionDays: 14,
    consumer: { fn: 'deliverer', batchSize: 10, maxBatchingWindowSeconds: 0 },
  },
} satisfies Record<string, QueueSpec>;

export const topics = {
  /** New tasks and answered questions for agents (message attribute `agent`). */
  tasks: { env: 'TASKS_TOPIC_ARN' },
  /** Operational alerts: every CloudWatch alarm's ALARM and OK notifications. */
  alerts: { env: 'ALERTS_TOPIC_ARN' },
} satisfies Record<string, TopicSpec>;

export const buckets = {
  /** Config backups (`backups/`) and the config-file inbox (`config/webhooks/`). */
  config: { env: 'CONFIG_BUCKET', versioned: true, eventBridge: true },
  /** Compressed event payloads, batched per consumer invocation, kept 30 days. */
  payloads: {
    env: 'PAYLOADS_BUCKET',
    versioned: false,
    expireDays: [
      { prefix: 'events/', days: 30 },
      { prefix: 'claims/', days: 30 },
    ],
  },
} satisfies Record<string, BucketSpec>;

export type TableName = keyof typeof tables;
export type QueueName = keyof typeof queues;
export type TopicName = keyof typeof topics;
export type BucketName = keyof typeof buckets;
export type FunctionName = 'api' | 'authorizer' | 'receiver' | 'consumer' | 'actions' | 'interactive' | 'deliverer' | 'importer' | 'alerter';

/**
 * Declared with `satisfies` so each function's grants keep their literal keys: shared/env.ts
 * derives a function's typed environment from them (a table it was not granted does not compile).
 */
const functionSpecs = {
  api: {
    entry: 'functions/api/handler.ts',
    description: 'Management API (/api/*)',
    memoryMb: 512,
    timeoutSeconds: 29,
    tables: { config: 'readwrite', events: 'read', tasks: 'readwrite', deliveries: 'readwrite' },
    queues: { events: ['send', 'dlq'], actions: ['send', 'dlq'], deliveries: ['send', 'dlq'] },
    settings: ['HOOKLINE_REQUIRE_VERIFIED'],
    buckets: { config: 'readwrite', payloads: 'read' },
  },
  interactive: {
    entry: 'functions/interactive/handler.ts',
    description: 'Interactive actions: comment, ask, respond by event id; replay; questions',
    memoryMb: 512,
    timeoutSeconds: 29,
    tables: { config: 'read', events: 'read', questions: 'readwrite' },
    queues: { events: ['send'] },
    buckets: { payloads: 'read' },
  },
  deliverer: {
    entry: 'functions/deliverer/handler.ts',
    description: 'Outbound delivery worker: sign, POST through the SSRF guard, record, retry',
    memoryMb: 512,
    // Up to 10 deliveries of up to 30 s each, sent concurrently.
    timeoutSeconds: 60,
    tables: { config: 'readwrite', deliveries: 'readwrite' },
    queues: { deliveries: ['consume', 'send'] },
    settings: ['HOOKLINE_REQUIRE_VERIFIED'],
  },
  importer: {
    entry: 'functions/importer/handler.ts',
    description: 'Config inbox: applies webhook config files written to config/webhooks/',
    memoryMb: 512,
    timeoutSeconds: 30,
    tables: { config: 'readwrite' },
    buckets: { config: 'readwrite' },
    trigger: { bucket: 'config', prefix: 'config/webhooks/' },
  },
  alerter: {
    entry: 'functions/alerter/handler.ts',
    description: 'Alarm notifications (alerts topic) to alert.triggered / alert.resolved events for subscriptions',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: { config: 'read', deliveries: 'write' },
    queues: { deliveries: ['send'] },
    subscribe: 'alerts',
  },
  authorizer: {
    entry: 'functions/authorizer/handler.ts',
    description: 'API-key authorizer for /api/*',
    memoryMb: 256,
    timeoutSeconds: 5,
    tables: { config: 'read' },
  },
  receiver: {
    entry: 'functions/receiver/handler.ts',
    description: 'Inbound webhook receiver: verify signature, enqueue, answer 202',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: { config: 'read' },
    queues: { events: ['send'] },
    buckets: { payloads: 'write' },
  },
  consumer: {
    entry: 'functions/consumer/handler.ts',
    description: 'Event consumer: store the event, match commands, run actions',
    memoryMb: 1024,
    timeoutSeconds: 30,
    tables: { config: 'read', events: 'readwrite', tasks: 'readwrite', actions: 'readwrite', questions: 'readwrite', deliveries: 'write' },
    queues: { events: ['consume'], actions: ['send'], deliveries: ['send'] },
    topics: ['tasks'],
    buckets: { payloads: 'readwrite' },
  },
  actions: {
    entry: 'functions/actions/handler.ts',
    description: 'Actions worker: comment, ask, respond and forward on provider APIs, then the final event record',
    memoryMb: 512,
    // Up to 10 events at once; each action is bounded (provider calls 10 s, forwards 15 s) and no
    // action starts unless it can end 5 s before the timeout (ACTION_TIMEOUT_MS), so an invocation ends inside it.
    timeoutSeconds: 60,
    tables: { config: 'read', events: 'readwrite', actions: 'readwrite', questions: 'readwrite', deliveries: 'write' },
    queues: { actions: ['consume'], deliveries: ['send'] },
    buckets: { payloads: 'read' },
  },
} satisfies Record<FunctionName, FunctionSpec>;

/** The literal manifest, for types derived per function. */
export type FunctionSpecs = typeof functionSpecs;

export const functions: Record<FunctionName, FunctionSpec> = functionSpecs;

/** Every env var a function receives from the manifest, in one list (for docs and the local stack). */
export function resourceEnv(): { name: string; what: string }[] {
  const out: { name: string; what: string }[] = [];
  for (const [n, t] of Object.entries(tables)) out.push({ name: t.env, what: `DynamoDB table \`${n}\`` });
  for (const [n, q] of Object.entries(queues)) {
    out.push({ name: q.env, what: `SQS queue \`${n}\` URL` });
    out.push({ name: q.dlqEnv, what: `SQS dead-letter queue of \`${n}\`` });
  }
  for (const [n, t] of Object.entries(topics)) out.push({ name: t.env, what: `SNS topic \`${n}\` ARN` });
  for (const [n, b] of Object.entries(buckets)) out.push({ name: b.env, what: `S3 bucket \`${n}\`` });
  return out;
}
