/**
 * The metrics Hookline emits (CloudWatch embedded metric format, namespace `Hookline`), shared by
 * the functions that emit them and the CDK alarms and dashboard that read them. Dimensions are low
 * cardinality only (provider, outcome, reason class, action kind): never an id. Every metric also
 * carries `service` (POWERTOOLS_SERVICE_NAME, `hookline-<stage>`), so stages in one account stay apart.
 */
export const METRICS_NAMESPACE = 'Hookline';

export const metric = {
  /** Count; dims `provider`, `outcome` (`accepted` | `rejected`). */
  received: 'Received',
  /** Count of refused provider requests; dims `status` (401, 403, 404, 413, 415, 429 ...). */
  rejected: 'Rejected',
  /** Count of failed signature checks; dims `provider`, `reason` (a fixed class, see receive-event.ts). */
  verificationFailed: 'VerificationFailed',
  /** Count of consumed events; dims `outcome` (`processed` | `ignored` | `failed` | `retry`). */
  eventsProcessed: 'EventsProcessed',
  /** Count of command actions; dims `action`, `outcome` (`succeeded` | `failed` | `skipped`). */
  actions: 'Actions',
  /** Milliseconds per action; dims `action`. */
  actionLatency: 'ActionLatency',
  /** Count of delivery attempts; dims `outcome` (`success` | `retry` | `failed`). */
  deliveryAttempts: 'DeliveryAttempts',
  /** Milliseconds per delivery attempt (the HTTP call). */
  deliveryLatency: 'DeliveryLatency',
  /** Count of scheduled retries; dims `queue` (`events` | `deliveries`). */
  retries: 'Retries',
  /** Count of subscriptions disabled (410 Gone or failing for AUTO_DISABLE_AFTER_DAYS); dims `reason` (`gone` | `failing`). */
  subscriptionsDisabled: 'SubscriptionsDisabled',
} as const;

export type MetricName = (typeof metric)[keyof typeof metric];
