import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from './stacks';

// cdk-nag 3 is a policy-validation plugin: findings are reported at the end of app.synth(). Under jest
// (NODE_ENV=test, "in-memory" app mode) synth throws with the report, and the report is also written
// to validation-report.json in the cloud assembly.

/** The plugin reports of the last synth, as CDK wrote them. */
function validationReport(outdir: string): { pluginReports: { pluginName: string; violations: { ruleName: string }[] }[] } {
  return JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
}

it('reports no unacknowledged AWS Solutions findings for the whole app', () => {
  const { app } = buildApp({ nag: true });
  const assembly = app.synth();
  const violations = validationReport(assembly.directory).pluginReports.flatMap((r) => r.violations.map((v) => v.ruleName));
  expect(violations).toEqual([]);
});

it('fails synth on an unacknowledged finding (the check is really running)', () => {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new Stack(app, 'Control');
  const dlq = new sqs.Queue(stack, 'Dlq', { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
  // No enforceSSL: AwsSolutions-SQS4.
  new sqs.Queue(stack, 'Queue', { encryption: sqs.QueueEncryption.SQS_MANAGED, deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } });
  expect(() => app.synth()).toThrow(/AwsSolutions-SQS4/);
});
