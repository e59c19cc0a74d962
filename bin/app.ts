/**
 * The CDK app: the data stack (tables, queues, topics, buckets from shared/resources.ts) and the API
 * stack (functions and routes from shared/routes.ts) and the console stack (dist/console behind
 * CloudFront, built here first when missing or stale), checked by cdk-nag's AWS Solutions rules.
 * Env-agnostic on purpose: `cdk synth` works offline with no credentials, `cdk deploy` targets the
 * caller's account and region.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ensureConsoleBuilt } from './console/build';
import { HooklineApiStack } from '../lib/api-stack';
import { HooklineConsoleStack } from '../lib/console-stack';
import { HooklineDataStack } from '../lib/data-stack';
import { stageConfig } from '../lib/stage';

const app = new App();
// Any unacknowledged finding fails synth (exit 1), so it cannot reach a deploy.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

// `-c hookline:stage=prod` (default dev): stack names HooklineData-<stage> ..., see lib/stage.ts.
const stage = stageConfig(app);
const data = new HooklineDataStack(app, 'HooklineData', {
  stackName: stage.stackName('HooklineData'),
  stage,
  description: 'Hookline data: DynamoDB tables, SQS queues and DLQs, SNS topics, S3 buckets',
});
const api = new HooklineApiStack(app, 'HooklineApi', {
  stackName: stage.stackName('HooklineApi'),
  stage,
  description: 'Hookline compute: Lambda functions, HTTP API, receiver Function URL',
  data,
  // `cdk deploy -c hookline:tracing=true` turns on X-Ray for every function.
  tracing: [true, 'true'].includes(app.node.tryGetContext('hookline:tracing')),
  // Portal links open the console stack's URL (its SSM parameter); `-c hookline:consoleUrl=https://console.example.com` overrides it.
  consoleUrl: app.node.tryGetContext('hookline:consoleUrl'),
});

const consoleBuild = await ensureConsoleBuilt({ log: (line) => process.stderr.write(`${line}\n`) });
new HooklineConsoleStack(app, 'HooklineConsole', {
  stackName: stage.stackName('HooklineConsole'),
  description: 'Hookline console: static files in S3 behind CloudFront, config.json with the API URL, API CORS for its origin',
  stage,
  api,
  consoleDir: consoleBuild.dir,
});

app.synth();
