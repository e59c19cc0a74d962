import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
// The same flattening cdk-nag applies to a policy resource to build an IAM5 finding id.
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference';
import { Construct } from 'constructs';
import {
  buckets as bucketSpecs,
  queues as queueSpecs,
  tables as tableSpecs,
  topics as topicSpecs,
  type Access,
  type BucketSpec,
  type FunctionName,
  type FunctionSpec,
  type QueueSpec,
  type TableSpec,
  type TopicSpec,
} from '../../shared/resources';
import type { HooklineDataResources } from '../data-stack';
import { entries } from '../records';
import { FUNCTION_BUNDLE } from './function-bundle';

/**
 * Action wildcards that CDK's grant methods write and that this construct accepts, with the reason.
 * Anything else with a `*` is left for cdk-nag to report.
 */
const GRANT_ACTION_WILDCARDS: Record<string, string> = {
  's3:GetObject*': 'Bucket.grantRead: GetObject plus its version/ACL/tagging variants, on one bucket only.',
  's3:GetBucket*': 'Bucket.grantRead: bucket metadata reads (location, versioning) needed by the SDK, on one bucket only.',
  's3:List*': 'Bucket.grantRead: listing one bucket (ListBucket, ListBucketVersions), needed to list backups.',
  's3:DeleteObject*': 'Bucket.grantReadWrite: deleting objects (and versions) of one bucket only.',
  's3:Abort*': 'Bucket.grantPut: aborting its own multipart uploads on one bucket only.',
  'kms:GenerateDataKey*': 'Topic.grantPublish: SNS needs a data key of the topic key to encrypt the message; that one key only.',
};

/** Settings shared by every Hookline function that do not come from the resource manifest. */
export interface HooklineFunctionProps {
  readonly name: FunctionName;
  readonly spec: FunctionSpec;
  /** Directory that holds package-lock.json and the `entry` paths of the manifest. */
  readonly projectRoot: string;
  readonly environment?: Record<string, string>;
  readonly logRetention?: logs.RetentionDays;
  /** X-Ray active tracing (adds the `xray:Put*` statement, which has no resource-level permissions). */
  readonly tracing?: boolean;
  /** Reserved concurrency: a cap, so a flood on this function cannot use the account's whole concurrency. */
  readonly reservedConcurrency?: number;
}

/** AWS's advice for an SQS event source: the queue's visibility timeout is at least 6x the function timeout. */
export const VISIBILITY_TO_TIMEOUT = 6;

/**
 * One Lambda of the manifest: ESM bundle for Node 22 on arm64, its own log group and role, and
 * `bind*` methods that grant exactly one manifest access and set the matching env var together.
 */
export class HooklineFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private readonly spec: FunctionSpec;
  /** Resource wildcards this construct's grants produced (ARN token + suffix), acknowledged at validation. */
  private readonly grantedWildcards: { arn: string; suffix: string; reason: string }[] = [];

  constructor(scope: Construct, id: string, props: HooklineFunctionProps) {
    super(scope, id);
    this.spec = props.spec;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Own role with write access to this log group only, instead of AWSLambdaBasicExecutionRole
    // (which allows logs:* on every log group of the account).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Hookline ${props.name} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(props.projectRoot, props.spec.entry),
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: path.join(props.projectRoot, 'package-lock.json'),
      description: props.spec.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.spec.memoryMb,
      timeout: Duration.seconds(props.spec.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      // JSON logs, and no platform START/END/REPORT lines: at a million receiver invocations those
      // lines alone would be ~0.35 GB of CloudWatch Logs ingestion (~$0.17), most of the log bill.
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      environment: props.environment,
      reservedConcurrentExecutions: props.reservedConcurrency,
      // function-bundle.ts: the same esbuild options here and in the bench; the hook rebuilds the
      // entry with code splitting (NodejsFunction itself always writes a single --outfile).
      bundling: {
        minify: FUNCTION_BUNDLE.minify,
        format: OutputFormat.ESM,
        mainFields: [...FUNCTION_BUNDLE.mainFields],
        banner: FUNCTION_BUNDLE.banner.js,
        sourceMap: FUNCTION_BUNDLE.sourcemap,
        target: FUNCTION_BUNDLE.target,
        externalModules: [...FUNCTION_BUNDLE.external],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [
            `node "${path.posix.join(inputDir, 'lib/constructs/split-bundle.mjs')}" "${path.posix.join(inputDir, props.spec.entry)}" "${outputDir}" ${Buffer.from(JSON.stringify(FUNCTION_BUNDLE)).toString('base64')}`,
          ],
        },
      },
    });

    if (props.tracing) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
      });
    }
    // IAM5 finding ids embed the flattened resource, which for another stack's table or bucket is the
    // CloudFormation export name; it only exists once cross-stack references are resolved, which
    // happens before construct validation runs.
    this.node.addValidation({ validate: () => (this.acknowledgeGrantWildcards(), []) });
  }

  /** Grant `access` to the table and set its env var (read/write/readwrite -> grantReadData/grantWriteData/grantReadWriteData). */
  bindTable(spec: TableSpec, table: dynamodb.ITable, access: Access): void {
    if (access === 'read') table.grantReadData(this.fn);
    else if (access === 'write') table.grantWriteData(this.fn);
    else table.grantReadWriteData(this.fn);
    if (spec.indexes.length > 0) {
      this.grantedWildcards.push({
        arn: table.tableArn,
        suffix: '/index/*',
        reason: `DynamoDB grant covers the GSIs of this one table (${spec.indexes.map((i) => i.name).join(', ')}); index ARNs are table ARN + /index/<name>.`,
      });
    }
    this.fn.addEnvironment(spec.env, table.tableName);
  }

  /**
   * Bind a queue: `send` grants SendMessage; `consume` adds the SQS event source (batch size and window from
   * the manifest, partial batch failures on); `dlq` grants consuming the DLQ and sets its env var. The queue
   * URL env var is set in every case.
   */
  bindQueue(spec: QueueSpec, queue: sqs.IQueue, dlq: sqs.IQueue, uses: readonly ('send' | 'consume' | 'dlq')[]): void {
    if (uses.includes('send')) queue.grantSendMessages(this.fn);
    if (uses.includes('consume')) {
      // SQS redelivers a message still in flight when the visibility timeout ends; Lambda's poller
      // also retries throttled invocations within it, hence AWS's 6x.
      if (spec.visibilityTimeoutSeconds < VISIBILITY_TO_TIMEOUT * this.spec.timeoutSeconds) {
        throw new Error(
          `${this.node.path}: queue visibility ${spec.visibilityTimeoutSeconds}s must be at least ${VISIBILITY_TO_TIMEOUT}x the function timeout ${this.spec.timeoutSeconds}s (${VISIBILITY_TO_TIMEOUT * this.spec.timeoutSeconds}s)`,
        );
      }
      // The event source grants receive, delete, change visibility and get attributes on this queue.
      this.fn.addEventSource(
        new SqsEventSource(queue, {
          batchSize: spec.consumer.batchSize,
          maxBatchingWindow: Duration.seconds(spec.consumer.maxBatchingWindowSeconds),
          reportBatchItemFailures: true,
          ...(spec.consumer.maxConcurrency ? { maxConcurrency: spec.consumer.maxConcurrency } : {}),
        }),
      );
    }
    if (uses.includes('dlq')) {
      // Redrive and queue stats read the DLQ; sending back needs `send` on the source queue.
      dlq.grantConsumeMessages(this.fn);
      this.fn.addEnvironment(spec.dlqEnv, dlq.queueUrl);
    }
    this.fn.addEnvironment(spec.env, queue.queueUrl);
  }

  /** Grant publishing to the topic (and its KMS key) and set its env var. */
  bindTopic(spec: TopicSpec, topic: sns.ITopic): void {
    topic.grantPublish(this.fn);
    this.fn.addEnvironment(spec.env, topic.topicArn);
  }

  /** Grant `access` to the bucket's objects and set its env var (read/write/readwrite -> grantRead/grantPut/grantReadWrite). */
  bindBucket(spec: BucketSpec, bucket: s3.IBucket, access: Access): void {
    if (access === 'read') bucket.grantRead(this.fn);
    else if (access === 'write') bucket.grantPut(this.fn);
    else bucket.grantReadWrite(this.fn);
    this.grantedWildcards.push({
      arn: bucket.bucketArn,
      suffix: '/*',
      reason: `Object-level ${access} access to the objects of this one bucket (object ARNs are bucket ARN + /<key>).`,
    });
    this.fn.addEnvironment(spec.env, bucket.bucketName);
  }

  /** Grant read access to a secret and pass its ARN in `env`. */
  bindSecret(env: string, secret: secretsmanager.ISecret): void {
    secret.grantRead(this.fn);
    this.fn.addEnvironment(env, secret.secretArn);
  }

  /** Bind every table, queue, topic and bucket the manifest lists for this function, and nothing else. */
  bindManifest(data: HooklineDataResources): void {
    for (const [name, access] of entries(this.spec.tables ?? {})) this.bindTable(tableSpecs[name], data.tables[name], access);
    for (const [name, uses] of entries(this.spec.queues ?? {})) {
      this.bindQueue(queueSpecs[name], data.queues[name], data.deadLetterQueues[name], uses);
    }
    for (const name of this.spec.topics ?? []) this.bindTopic(topicSpecs[name], data.topics[name]);
    for (const [name, access] of entries(this.spec.buckets ?? {})) this.bindBucket(bucketSpecs[name], data.buckets[name], access);
  }

  /** Acknowledge the IAM5 findings this construct's grants cause, each by its exact finding id, on this role only. */
  private acknowledgeGrantWildcards(): void {
    const policy = this.role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
    if (!policy) return;
    const stack = Stack.of(this.role);
    const document = stack.resolve((policy.node.defaultChild as iam.CfnPolicy).policyDocument) as {
      Statement: { Effect: string; Action: string | string[]; Resource: unknown }[];
    };
    const granted = new Map(this.grantedWildcards.map((w) => [flattenCfnReference(stack.resolve(`${w.arn}${w.suffix}`)), w.reason]));
    const seen = new Set<string>();
    for (const statement of document.Statement) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of [statement.Action].flat()) {
        const reason = GRANT_ACTION_WILDCARDS[action];
        if (reason && !seen.has(`Action::${action}`)) {
          seen.add(`Action::${action}`);
          Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[Action::${action}]`, reason });
        }
      }
      for (const resource of [statement.Resource].flat()) {
        const flat = flattenCfnReference(resource);
        const reason = granted.get(flat);
        if (reason && !seen.has(`Resource::${flat}`)) {
          seen.add(`Resource::${flat}`);
          Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
        }
      }
    }
  }
}
