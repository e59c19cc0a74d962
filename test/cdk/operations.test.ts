import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HooklineApiStack } from '../../lib/api-stack';
import { HooklineDataStack } from '../../lib/data-stack';
import { functions, queues, tables } from '../../shared/resources';
import { buildApp, PROJECT_ROOT, resources } from './stacks';

const { app, data, api } = buildApp();
const apiT = Template.fromStack(api);
const dataT = Template.fromStack(data);
const alarms = Object.values(resources(apiT)).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
const byName = (suffix: string) => alarms.find((a) => a.Properties.AlarmName === `hookline-dev-${suffix}`)!;

/** Both stacks built with extra context, as `cdk deploy -c key=value` would. */
function withContext(context: Record<string, unknown>) {
  const a = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const d = new HooklineDataStack(a, 'HooklineData');
  const s = new HooklineApiStack(a, 'HooklineApi', { data: d, projectRoot: PROJECT_ROOT });
  return { data: Template.fromStack(d), api: Template.fromStack(s), apiStack: s, dataStack: d };
}

describe('alarms', () => {
  it('every alarm notifies the alerts topic when it fires and when it recovers', () => {
    expect(alarms.length).toBeGreaterThan(20);
    for (const a of alarms) {
      expect(a.Properties.AlarmActions).toHaveLength(1);
      expect(a.Properties.OKActions).toEqual(a.Properties.AlarmActions);
      expect(JSON.stringify(a.Properties.AlarmActions)).toContain('AlertsTopic');
    }
  });

  it.each(Object.keys(functions))('%s: alarms on errors and throttles', (name) => {
    expect(byName(`${name}-errors`).Properties).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 0 });
    expect(byName(`${name}-throttles`).Properties).toMatchObject({ MetricName: 'Throttles', Namespace: 'AWS/Lambda', Threshold: 0 });
  });

  it.each(Object.keys(queues))('%s queue: alarms on oldest-message age, in-flight count and any DLQ message', (name) => {
    expect(byName(`${name}-queue-age`).Properties).toMatchObject({ MetricName: 'ApproximateAgeOfOldestMessage', Threshold: 900 });
    expect(byName(`${name}-in-flight`).Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesNotVisible', Threshold: 100_000 });
    expect(byName(`${name}-dlq`).Properties).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('alarms on receiver 5xx through the HTTP API and the Function URL', () => {
    expect(byName('api-server-errors').Properties).toMatchObject({ MetricName: '5xx', Namespace: 'AWS/ApiGateway' });
    expect(byName('receiver-url-server-errors').Properties).toMatchObject({ MetricName: 'Url5xxCount', Namespace: 'AWS/Lambda' });
  });

  it('alarms when the delivery success rate is below 95% over 15 minutes and when the p95 latency is above 30 s', () => {
    const rate = byName('delivery-success-rate').Properties;
    expect(rate).toMatchObject({ Threshold: 95, ComparisonOperator: 'LessThanThreshold' });
    const metrics = rate.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: string }[] }; Period: number } }[];
    expect(metrics.find((m) => m.Expression)!.Expression).toContain('100 * ok / (ok + retry + failed)');
    for (const m of metrics.filter((x) => x.MetricStat)) {
      expect(m.MetricStat!.Period).toBe(900);
      expect(m.MetricStat!.Metric.MetricName).toBe('DeliveryAttempts');
      expect(m.MetricStat!.Metric.Dimensions).toContainEqual({ Name: 'service', Value: 'hookline-dev' });
    }
    expect(byName('delivery-latency-p95').Properties).toMatchObject({ MetricName: 'DeliveryLatency', Namespace: 'Hookline', ExtendedStatistic: 'p95', Threshold: 30_000 });
  });

  it('takes both delivery thresholds from context', () => {
    const { api: t } = withContext({ 'hookline:deliverySuccessRateMin': '99', 'hookline:deliveryP95Seconds': '10' });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'hookline-dev-delivery-success-rate', Threshold: 99 });
    t.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'hookline-dev-delivery-latency-p95', Threshold: 10_000 });
  });

  it.each(Object.keys(tables))('%s table: alarms on throttled reads or writes', (name) => {
    const expr = byName(`${name}-table-throttles`).Properties.Metrics as { Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
    expect(expr.map((m) => m.Expression ?? m.MetricStat!.Metric.MetricName).sort()).toEqual(['FILL(r, 0) + FILL(w, 0)', 'ReadThrottleEvents', 'WriteThrottleEvents']);
  });
});

describe('alerts topic', () => {
  const key = (c: { node: { defaultChild?: unknown } }) => data.getLogicalId(c.node.defaultChild as CfnElement);
  const ownAlarms = {
    StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*']] } },
  };

  it("lets this account's CloudWatch alarms publish (enforceSSL replaced SNS's default policy)", () => {
    dataT.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: key(data.topics.alerts) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish', Condition: ownAlarms })]) },
    });
  });

  it('lets CloudWatch use the topic key under the same conditions', () => {
    const policy = resources(dataT)[key(data.topicKey)].Properties.KeyPolicy;
    expect(policy.Statement).toContainEqual(expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: ownAlarms }));
  });

  it('subscribes the addresses of hookline:alertEmails by email', () => {
    const { data: t } = withContext({ 'hookline:alertEmails': '["oncall@example.com","sre@example.com"]' });
    t.resourceCountIs('AWS::SNS::Subscription', 2);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    dataT.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('feeds the alerter function, which turns alarm changes into alert.triggered / alert.resolved', () => {
    apiT.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda', Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Alerter'), 'Arn'] } });
  });
});

describe('dashboard', () => {
  it('shows traffic, verification failures, processing lag, actions, deliveries, DLQs and errors', () => {
    const [dash] = Object.values(resources(apiT)).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
    expect(dash.Properties.DashboardName).toBe('hookline-dev-operations');
    const body = JSON.stringify(dash.Properties.DashboardBody);
    for (const title of ['Traffic', 'Verification failures', 'Processing lag', 'Actions by kind', 'Deliveries by outcome', 'Dead-letter queues', 'Function errors']) expect(body).toContain(title);
  });
});

describe('stages', () => {
  it('names stacks and resources by stage (dev by default)', () => {
    expect(app.node.tryGetContext('hookline:stage')).toBeUndefined();
    expect(api.config.stackName('HooklineApi')).toBe('HooklineApi-dev');
    apiT.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'hookline-dev-api' });
  });

  it('dev: tables are destroyed with the stack, logs kept a week, no reserved concurrency', () => {
    for (const t of Object.values(resources(dataT)).filter((r) => r.Type === 'AWS::DynamoDB::Table')) expect(t.Properties.DeletionProtectionEnabled).toBe(false);
    dataT.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete' });
    apiT.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    for (const f of Object.values(resources(apiT)).filter((r) => r.Type === 'AWS::Lambda::Function')) expect(f.Properties.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('prod: retained, deletion-protected tables, 90-day logs, reserved concurrency for receiver, consumer and the actions worker, stage names', () => {
    const p = withContext({ 'hookline:stage': 'prod' });
    const tablesJson = Object.values(resources(p.data)).filter((r) => r.Type === 'AWS::DynamoDB::Table');
    expect(tablesJson).toHaveLength(Object.keys(tables).length);
    for (const t of tablesJson) expect(t.Properties.DeletionProtectionEnabled).toBe(true);
    p.data.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    p.api.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    p.api.hasResourceProperties('AWS::Lambda::Function', { Description: functions.receiver.description, ReservedConcurrentExecutions: 100 });
    p.api.hasResourceProperties('AWS::Lambda::Function', { Description: functions.consumer.description, ReservedConcurrentExecutions: 20 });
    // The actions worker reserves what its queue's event source mapping may run at once.
    p.api.hasResourceProperties('AWS::Lambda::Function', { Description: functions.actions.description, ReservedConcurrentExecutions: queues.actions.consumer.maxConcurrency });
    p.api.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: queues.actions.consumer.maxConcurrency } });
    p.api.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'hookline-prod-deliveries-dlq' });
    p.api.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'hookline-prod-api' });
    expect(p.apiStack.config.stackName('HooklineData')).toBe('HooklineData-prod');
  });

  it('takes reserved concurrency, API throttling and custom domains from context', () => {
    const p = withContext({
      'hookline:reservedConcurrency': '{"receiver":300}',
      'hookline:apiThrottle': '{"rateLimit":50,"burstLimit":20}',
      'hookline:domains': JSON.stringify({ api: { name: 'api.example.com', certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' } }),
    });
    p.api.hasResourceProperties('AWS::Lambda::Function', { Description: functions.receiver.description, ReservedConcurrentExecutions: 300 });
    p.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 20 } });
    p.api.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'api.example.com' });
    p.api.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
  });

  it('takes the actions worker and the deliverer from the same reservedConcurrency context, per stage', () => {
    const p = withContext({ 'hookline:stage': 'staging', 'hookline:reservedConcurrency': '{"actions":25,"deliverer":40}' });
    p.api.hasResourceProperties('AWS::Lambda::Function', { Description: functions.actions.description, ReservedConcurrentExecutions: 25 });
    p.api.hasResourceProperties('AWS::Lambda::Function', { Description: functions.deliverer.description, ReservedConcurrentExecutions: 40 });
    const fns = Object.values(resources(p.api)).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.ReservedConcurrentExecutions !== undefined);
    expect(fns).toHaveLength(2);
    expect(p.apiStack.config.resourceName('api')).toBe('hookline-staging-api');
  });

  it("refuses reserved concurrency for an unknown function, or below a queue consumer's maximum concurrency", () => {
    expect(() => withContext({ 'hookline:reservedConcurrency': '{"action":10}' })).toThrow(/"action" is not one of receiver, consumer, actions, deliverer/);
    expect(() => withContext({ 'hookline:reservedConcurrency': '{"actions":5}' })).toThrow(/reservedConcurrency.actions must be at least 10/);
  });

  it('sets HOOKLINE_REQUIRE_VERIFIED from hookline:requireVerified on the functions whose manifest reads it (api, deliverer) only', () => {
    const p = withContext({ 'hookline:requireVerified': 'true' });
    const withIt = Object.values(resources(p.api)).filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.HOOKLINE_REQUIRE_VERIFIED === 'true');
    expect(withIt.map((r) => r.Properties.Description).sort()).toEqual([functions.api.description, functions.deliverer.description].sort());
    expect(() => withContext({ 'hookline:requireVerified': 'yes' })).toThrow(/hookline:requireVerified must be true or false/);
  });

  it('refuses a malformed stage or threshold at synth', () => {
    expect(() => withContext({ 'hookline:stage': 'Prod!' })).toThrow(/hookline:stage/);
    expect(() => withContext({ 'hookline:deliverySuccessRateMin': '120' })).toThrow(/deliverySuccessRateMin/);
    expect(() => withContext({ 'hookline:alertEmails': '["not-an-address"]' })).toThrow(/alertEmails/);
  });
});

describe('deploy review', () => {
  it('passes no strong cross-stack exports: the API stack reads the data stack by Fn::GetStackOutput', () => {
    expect(JSON.stringify(apiT.toJSON())).not.toContain('Fn::ImportValue');
    expect(JSON.stringify(apiT.toJSON())).toContain('Fn::GetStackOutput');
    expect(Object.values(dataT.toJSON().Outputs as Record<string, { Export?: unknown }>).filter((o) => o.Export)).toEqual([]);
  });

  it('prints ReceiverFunctionUrl without the trailing slash', () => {
    const out = apiT.toJSON().Outputs.ReceiverFunctionUrl.Value;
    expect(out['Fn::Join'][1][0]).toBe('https://');
    expect(JSON.stringify(out)).toContain('"Fn::Split":["/"');
  });

  it('keeps replaced config versions for hookline:configNoncurrentDays (90 by default)', () => {
    const rules = Object.values(resources(dataT))
      .filter((r) => r.Type === 'AWS::S3::Bucket' && r.Properties.VersioningConfiguration)
      .flatMap((b) => b.Properties.LifecycleConfiguration.Rules);
    expect(rules).toContainEqual(expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 90 }, Status: 'Enabled' }));
  });

  it('refuses a consumed queue whose visibility timeout is under 6x the function timeout', () => {
    expect(() =>
      jest.isolateModules(() => {
        const actual = jest.requireActual('../../shared/resources');
        jest.doMock('../../shared/resources', () => ({ ...actual, queues: { ...actual.queues, deliveries: { ...actual.queues.deliveries, visibilityTimeoutSeconds: 120 } } }));
        const cdk = require('aws-cdk-lib');
        const { HooklineDataStack: D } = require('../../lib/data-stack');
        const { HooklineApiStack: A } = require('../../lib/api-stack');
        const a = new cdk.App({ context: { 'aws:cdk:bundling-stacks': [] } });
        new A(a, 'Api', { data: new D(a, 'Data'), projectRoot: PROJECT_ROOT });
      }),
    ).toThrow(/visibility 120s must be at least 6x the function timeout 60s/);
    for (const q of Object.values(queues)) expect(q.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * functions[q.consumer.fn].timeoutSeconds);
  });
});
