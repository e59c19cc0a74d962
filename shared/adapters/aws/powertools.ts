import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import { Metrics as PowertoolsMetrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE } from '../../metric-names';
import { invocationIds, redact } from '../../log';
import type { LogContext, Logger, Metrics } from '../../ports';

/**
 * The Logger port on Powertools Logger: one JSON line per call on stdout, with `service`,
 * `timestamp`, the invocation's Lambda request id and function name (`function_request_id`,
 * `function_name`, from `lambdaEntry` in shared/log.ts), and the ids the logger was given. Values
 * under secret-looking keys are replaced before they are written. `with(ids)` adds the ids to each
 * line of the same Powertools logger (a `createChild()` per call built a new logger with its own
 * Console every time, and the consumer calls `with` once per event).
 */
export function powertoolsLogger(base: PowertoolsLogger = new PowertoolsLogger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'hookline' }), ids: Record<string, string | number | boolean> = {}): Logger {
  const clean = (extra?: Record<string, unknown>) => ({ ...ids, ...invocationIds(), ...(extra ? (redact(extra) as Record<string, unknown>) : {}) });
  return {
    debug: (m, e) => base.debug(m, clean(e)),
    info: (m, e) => base.info(m, clean(e)),
    warn: (m, e) => base.warn(m, clean(e)),
    error: (m, e) => base.error(m, clean(e)),
    with(more: LogContext) {
      return powertoolsLogger(base, { ...ids, ...(Object.fromEntries(Object.entries(more).filter(([, v]) => v !== undefined && v !== null)) as Record<string, string>) });
    },
  };
}

/** The Powertools logger of a function (its lines get the Lambda request id through `lambdaEntry`). */
export function lambdaLogger(): { log: Logger; base: PowertoolsLogger } {
  const base = new PowertoolsLogger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'hookline' });
  return { log: powertoolsLogger(base), base };
}

/**
 * The Metrics port on Powertools Metrics: each call is one EMF line written raw to stdout (not
 * through console.log, which Lambda's JSON log format would wrap in a `message` field, hiding it
 * from CloudWatch), with the `service` dimension and the call's own dimensions.
 */
export function emfMetrics(metrics = new PowertoolsMetrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'hookline' })): Metrics {
  // One single-metric instance for every call: it publishes as soon as it has its value and then
  // clears its dimensions, so each call writes exactly its own line. (`singleMetric()` per call
  // built a new Metrics, with its own Console and environment parsing, for every metric.)
  const single = metrics.singleMetric();
  const one = (name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number, dimensions: Record<string, string> = {}) => {
    try {
      for (const [k, v] of Object.entries(dimensions)) single.addDimension(k, v);
      single.addMetric(name, unit, value);
    } finally {
      single.clearDimensions();
    }
  };
  return {
    count: (name, dimensions, value = 1) => one(name, MetricUnit.Count, value, dimensions),
    milliseconds: (name, ms, dimensions) => one(name, MetricUnit.Milliseconds, ms, dimensions),
  };
}
