import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, metric } from '../../shared/metric-names';
import type { FunctionName } from '../../shared/resources';
import type { HooklineDataResources } from '../data-stack';
import { entries, pascal } from '../records';
import type { StageConfig } from '../stage';
import type { HooklineFunction } from './hookline-function';

export interface OperationsProps {
  readonly stage: StageConfig;
  readonly data: HooklineDataResources;
  readonly functions: Record<FunctionName, HooklineFunction>;
  readonly httpApi: apigw.HttpApi;
  /** The `service` dimension every Hookline metric carries (POWERTOOLS_SERVICE_NAME). */
  readonly service: string;
}

/** In-flight messages at which the deliveries queue alarms: a standard queue refuses receives at ~120,000. */
export const IN_FLIGHT_ALARM = 100_000;

/**
 * Alarms (each with alarm and OK actions on the alerts topic) and the operations dashboard:
 * errors and throttles of every function, queue lag and in-flight count, any DLQ message,
 * receiver 5xx, delivery success rate and p95 latency, DynamoDB throttles.
 */
export class HooklineOperations extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  private readonly action: cwActions.SnsAction;

  constructor(scope: Construct, id: string, private readonly props: OperationsProps) {
    super(scope, id);
    const { stage, data, functions, httpApi } = props;
    this.action = new cwActions.SnsAction(data.topics.alerts as sns.ITopic);
    const five = Duration.minutes(5);

    for (const [name, fn] of entries(functions)) {
      this.alarm(`${pascal(name)}Errors`, `${name}: invocation errors`, fn.fn.metricErrors({ period: five, statistic: 'Sum' }), 0);
      this.alarm(`${pascal(name)}Throttles`, `${name}: throttled invocations`, fn.fn.metricThrottles({ period: five, statistic: 'Sum' }), 0);
    }
    for (const [name, queue] of entries(data.queues)) {
      this.alarm(
        `${pascal(name)}QueueAge`,
        `${name} queue: oldest message older than ${stage.queueAgeSeconds} s (processing lag)`,
        queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }),
        stage.queueAgeSeconds,
        3,
      );
      this.alarm(
        `${pascal(name)}InFlight`,
        `${name} queue: ${IN_FLIGHT_ALARM} messages in flight (SQS refuses receives at ~120,000)`,
        queue.metricApproximateNumberOfMessagesNotVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
        IN_FLIGHT_ALARM,
      );
    }
    for (const [name, dlq] of entries(data.deadLetterQueues)) {
      this.alarm(`${pascal(name)}Dlq`, `Messages in the ${name} dead-letter queue`, dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }), 0);
    }
    this.alarm('ApiServerErrors', 'HTTP API (management API and receiver route): 5xx answers', httpApi.metricServerError({ period: five, statistic: 'Sum' }), 0);
    this.alarm(
      'ReceiverUrlServerErrors',
      'Receiver Function URL: 5xx answers',
      new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Url5xxCount', dimensionsMap: { FunctionName: functions.receiver.fn.functionName }, period: five, statistic: 'Sum' }),
      0,
    );

    const attempts = (outcome: string) => this.metric(metric.deliveryAttempts, { outcome }, Duration.minutes(15));
    const successRate = new cloudwatch.MathExpression({
      label: 'Delivery success rate (%)',
      expression: 'IF(ok + retry + failed > 0, 100 * ok / (ok + retry + failed), 100)',
      usingMetrics: { ok: attempts('success'), retry: attempts('retry'), failed: attempts('failed') },
      period: Duration.minutes(15),
    });
    this.alarm('DeliverySuccessRate', `Delivery success rate below ${stage.deliverySuccessRateMin}% over 15 minutes`, successRate, stage.deliverySuccessRateMin, 1, cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD);
    this.alarm(
      'DeliveryLatencyP95',
      `Delivery p95 latency above ${stage.deliveryP95Seconds} s`,
      this.metric(metric.deliveryLatency, {}, five, 'p95'),
      stage.deliveryP95Seconds * 1000,
    );
    for (const [name, table] of entries(data.tables)) {
      const throttles = new cloudwatch.MathExpression({
        label: `${name} table throttled requests`,
        expression: 'FILL(r, 0) + FILL(w, 0)',
        usingMetrics: { r: table.metric('ReadThrottleEvents', { period: five, statistic: 'Sum' }), w: table.metric('WriteThrottleEvents', { period: five, statistic: 'Sum' }) },
        period: five,
      });
      this.alarm(`${pascal(name)}TableThrottles`, `${name} table: throttled reads or writes`, throttles, 0);
    }

    this.dashboard = this.buildDashboard();
  }

  private metric(name: string, dims: Record<string, string>, period: Duration, statistic = 'Sum'): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: this.props.service, ...dims }, period, statistic });
  }

  /** Every EMF metric of `name`, whatever its other dimensions (one line per provider, outcome ...). */
  private search(name: string, dims: string[], label: string, statistic = 'Sum'): cloudwatch.MathExpression {
    const schema = [METRICS_NAMESPACE, 'service', ...dims].join(',');
    return new cloudwatch.MathExpression({
      label,
      expression: `SEARCH('{${schema}} MetricName="${name}" service="${this.props.service}"', '${statistic}', 300)`,
      period: Duration.minutes(5),
      usingMetrics: {},
    });
  }

  private alarm(id: string, description: string, m: cloudwatch.IMetric, threshold: number, evaluationPeriods = 1, op = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, `${id}Alarm`, {
      alarmName: this.props.stage.resourceName(id.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()),
      alarmDescription: description,
      metric: m,
      threshold,
      comparisonOperator: op,
      evaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    alarm.addOkAction(this.action);
    this.alarms.push(alarm);
    return alarm;
  }

  private buildDashboard(): cloudwatch.Dashboard {
    const { data, functions } = this.props;
    const graph = (title: string, left: cloudwatch.IMetric[], width = 12) => new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const d = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: this.props.stage.resourceName('operations'), defaultInterval: Duration.hours(3) });
    d.addWidgets(
      graph('Traffic: requests received by provider and outcome', [this.search(metric.received, ['provider', 'outcome'], 'received')]),
      graph('Verification failures and rejections', [this.search(metric.verificationFailed, ['provider', 'reason'], 'verification failed'), this.search(metric.rejected, ['status'], 'rejected')]),
    );
    d.addWidgets(
      graph('Processing lag: oldest message (s)', entries(data.queues).map(([n, q]) => q.metricApproximateAgeOfOldestMessage({ label: n, statistic: 'Maximum' }))),
      graph('Events processed by outcome', [this.search(metric.eventsProcessed, ['outcome'], 'events')]),
    );
    d.addWidgets(
      graph('Actions by kind and outcome', [this.search(metric.actions, ['action', 'outcome'], 'actions')]),
      graph('Action latency p95 (ms)', [this.search(metric.actionLatency, ['action'], 'latency', 'p95')]),
    );
    d.addWidgets(
      graph('Deliveries by outcome, retries, disabled subscriptions', [
        this.search(metric.deliveryAttempts, ['outcome'], 'attempts'),
        this.search(metric.retries, ['queue'], 'retries'),
        this.search(metric.subscriptionsDisabled, ['reason'], 'disabled'),
      ]),
      graph('Delivery latency (ms)', [this.metric(metric.deliveryLatency, {}, Duration.minutes(5), 'p50'), this.metric(metric.deliveryLatency, {}, Duration.minutes(5), 'p95')]),
    );
    d.addWidgets(
      graph('Dead-letter queues: messages', entries(data.deadLetterQueues).map(([n, q]) => q.metricApproximateNumberOfMessagesVisible({ label: `${n} DLQ`, statistic: 'Maximum' }))),
      graph('Function errors and throttles', entries(functions).flatMap(([n, f]) => [f.fn.metricErrors({ label: `${n} errors` }), f.fn.metricThrottles({ label: `${n} throttles` })])),
    );
    d.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 6 }));
    return d;
  }
}
