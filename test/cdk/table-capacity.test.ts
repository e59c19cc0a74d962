/**
 * `hookline:tableCapacity` puts a table (the events table, README "Cost") on provisioned capacity
 * with auto scaling on the table and each of its indexes; every other table stays on-demand, and
 * the app still synthesizes with zero unacknowledged cdk-nag findings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { tables } from '../../shared/resources';
import { buildApp } from './stacks';

const context = { 'hookline:tableCapacity': JSON.stringify({ events: { minWrite: 5, maxWrite: 2000, targetUtilization: 70 } }) };

describe('hookline:tableCapacity', () => {
  const { data, app } = buildApp({ context, nag: true });
  const template = Template.fromStack(data);
  const props = (name: keyof typeof tables) => template.toJSON().Resources[data.getLogicalId(data.tables[name].node.defaultChild as CfnElement)].Properties;

  it('puts the events table and its by_webhook index on provisioned capacity at the minimum, the other tables stay on-demand', () => {
    const events = props('events');
    // CloudFormation's default billing mode is PROVISIONED; CDK leaves it out.
    expect(events.BillingMode ?? 'PROVISIONED').toBe('PROVISIONED');
    expect(events.ProvisionedThroughput).toEqual({ ReadCapacityUnits: 1, WriteCapacityUnits: 5 });
    expect(events.GlobalSecondaryIndexes.map((g: any) => [g.IndexName, g.ProvisionedThroughput])).toEqual([['by_webhook', { ReadCapacityUnits: 1, WriteCapacityUnits: 5 }]]);
    for (const name of Object.keys(tables).filter((t) => t !== 'events')) expect(props(name as keyof typeof tables).BillingMode).toBe('PAY_PER_REQUEST');
  });

  it('scales reads and writes of the table and of the index on 70 % utilization, between the given bounds', () => {
    const targets = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalableTarget')).map((r: any) => [r.Properties.ScalableDimension, r.Properties.MinCapacity, r.Properties.MaxCapacity]);
    expect(targets.sort()).toEqual(
      [
        ['dynamodb:index:ReadCapacityUnits', 1, 1000],
        ['dynamodb:index:WriteCapacityUnits', 5, 2000],
        ['dynamodb:table:ReadCapacityUnits', 1, 1000],
        ['dynamodb:table:WriteCapacityUnits', 5, 2000],
      ].sort(),
    );
    const policies = Object.values(template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).map((r: any) => r.Properties.TargetTrackingScalingPolicyConfiguration.TargetValue);
    expect(policies).toEqual([70, 70, 70, 70]);
  });

  it('synthesizes with no unacknowledged cdk-nag finding', () => {
    const assembly = app.synth();
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8')) as { pluginReports: { violations: { ruleName: string }[] }[] };
    expect(report.pluginReports.flatMap((r) => r.violations.map((v) => v.ruleName))).toEqual([]);
  });

  it('refuses an unknown table or bounds that do not fit', () => {
    for (const bad of [{ evnts: {} }, { events: { minWrite: 10, maxWrite: 5 } }, { events: { targetUtilization: 99 } }, { events: { maxRead: -1 } }])
      expect(() => buildApp({ context: { 'hookline:tableCapacity': JSON.stringify(bad) } })).toThrow(/hookline:tableCapacity/);
  });
});
