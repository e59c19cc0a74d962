import { CfnOutput, Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import type { Construct } from 'constructs';
import {
  buckets as bucketSpecs,
  queues as queueSpecs,
  tables as tableSpecs,
  topics as topicSpecs,
  type BucketName,
  type BucketSpec,
  type QueueName,
  type QueueSpec,
  type TableName,
  type TableSpec,
  type TopicName,
} from '../shared/resources';
import { mapValues, pascal } from './records';
import { stageConfig, type StageConfig } from './stage';

export interface HooklineDataStackProps extends StackProps {
  /** Stage settings (default: read from context, `hookline:stage`). */
  readonly stage?: StageConfig;
}

/** The data resources other stacks bind to, keyed by their name in shared/resources.ts. */
export interface HooklineDataResources {
  readonly tables: Record<TableName, dynamodb.ITable>;
  readonly queues: Record<QueueName, sqs.IQueue>;
  readonly deadLetterQueues: Record<QueueName, sqs.IQueue>;
  readonly topics: Record<TopicName, sns.ITopic>;
  readonly buckets: Record<BucketName, s3.IBucket>;
}

/** Everything stateful in shared/resources.ts (tables, queues with DLQs, topics, buckets), generated from the manifest. */
export class HooklineDataStack extends Stack implements HooklineDataResources {
  readonly tables: Record<TableName, dynamodb.Table>;
  readonly queues: Record<QueueName, sqs.Queue>;
  readonly deadLetterQueues: Record<QueueName, sqs.Queue>;
  readonly topics: Record<TopicName, sns.Topic>;
  readonly buckets: Record<BucketName, s3.Bucket>;
  /** Server access logs of every data bucket. */
  readonly accessLogsBucket: s3.Bucket;
  /** Customer-managed key of the topics (CloudWatch alarms cannot publish to a topic under the AWS-managed SNS key). */
  readonly topicKey: kms.Key;

  readonly stage: StageConfig;

  constructor(scope: Construct, id: string, props: HooklineDataStackProps = {}) {
    super(scope, id, props);
    this.stage = props.stage ?? stageConfig(this);
    // Grant log delivery with a bucket policy instead of the legacy LogDeliveryWrite ACL, so the log
    // bucket can keep ACLs disabled (BucketOwnerEnforced). Set here, before any child exists, so the
    // stack behaves the same under `cdk synth` and in tests whatever cdk.json says.
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);

    this.tables = mapValues(tableSpecs, (name, spec) => this.table(name, spec));

    const queuePairs = mapValues(queueSpecs, (name, spec) => this.queue(name, spec));
    this.queues = mapValues(queuePairs, (_, pair) => pair.queue);
    this.deadLetterQueues = mapValues(queuePairs, (_, pair) => pair.dlq);

    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: 'Hookline SNS topics',
      enableKeyRotation: true,
    });
    // CloudWatch alarm actions publish to the (encrypted) alerts topic with CloudWatch's own identity,
    // for this account's alarms only (confused-deputy conditions).
    const fromOwnAlarms = {
      StringEquals: { 'aws:SourceAccount': this.account },
      ArnLike: { 'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*` },
    };
    this.topicKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOwnAlarms,
      }),
    );
    this.topics = mapValues(topicSpecs, (name) => {
      const topic = new sns.Topic(this, `${pascal(name)}Topic`, { masterKey: this.topicKey, enforceSSL: true });
      new CfnOutput(this, `${pascal(name)}TopicArn`, { value: topic.topicArn });
      return topic;
    });
    // enforceSSL replaces SNS's default policy, so CloudWatch must be allowed explicitly.
    this.topics.alerts.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topics.alerts.topicArn],
        conditions: fromOwnAlarms,
      }),
    );
    // `-c hookline:alertEmails='["oncall@example.com"]'`: each address confirms once by email.
    for (const email of this.stage.alertEmails) this.topics.alerts.addSubscription(new subscriptions.EmailSubscription(email));

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // Server access logs can only be delivered to SSE-S3 buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server access log bucket itself; logging it into itself would loop.',
    });
    this.buckets = mapValues(bucketSpecs, (name, spec) => this.bucket(name, spec));
    // eventBridgeEnabled makes CDK add its singleton BucketNotifications handler (a deploy-time
    // custom resource); its role carries the managed basic-execution policy.
    for (const child of this.node.children)
      if (child.node.id.startsWith('BucketNotificationsHandler'))
        Validations.of(child).acknowledge({
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: "CDK's own deploy-time handler that turns on the config bucket's EventBridge notifications; the managed policy only lets it write its own logs.",
        });

    // Alarms on these resources live in the API stack's HooklineOperations (lib/constructs/operations.ts).
  }

  private table(name: string, spec: TableSpec): dynamodb.Table {
    const str = (attr: string) => ({ name: attr, type: dynamodb.AttributeType.STRING });
    const capacity = this.stage.tableCapacity[name];
    const table = new dynamodb.Table(this, `${pascal(name)}Table`, {
      partitionKey: str(spec.partitionKey),
      sortKey: spec.sortKey ? str(spec.sortKey) : undefined,
      ...(capacity
        ? { billingMode: dynamodb.BillingMode.PROVISIONED, readCapacity: capacity.minRead, writeCapacity: capacity.minWrite }
        : { billingMode: dynamodb.BillingMode.PAY_PER_REQUEST }),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // AWS-managed KMS key: encryption at rest that shows in the template and in CloudTrail.
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      timeToLiveAttribute: spec.ttlAttribute,
      removalPolicy: this.stage.removalPolicy,
      deletionProtection: this.stage.deletionProtection,
    });
    for (const index of spec.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: str(index.partitionKey),
        sortKey: index.sortKey ? str(index.sortKey) : undefined,
        projectionType: index.keysOnly ? dynamodb.ProjectionType.KEYS_ONLY : dynamodb.ProjectionType.ALL,
        ...(capacity ? { readCapacity: capacity.minRead, writeCapacity: capacity.minWrite } : {}),
      });
    }
    if (capacity) {
      // Table and every index follow their own consumption (Application Auto Scaling's service-linked role).
      const target = { targetUtilizationPercent: capacity.targetUtilization };
      table.autoScaleWriteCapacity({ minCapacity: capacity.minWrite, maxCapacity: capacity.maxWrite }).scaleOnUtilization(target);
      table.autoScaleReadCapacity({ minCapacity: capacity.minRead, maxCapacity: capacity.maxRead }).scaleOnUtilization(target);
      for (const index of spec.indexes) {
        table.autoScaleGlobalSecondaryIndexWriteCapacity(index.name, { minCapacity: capacity.minWrite, maxCapacity: capacity.maxWrite }).scaleOnUtilization(target);
        table.autoScaleGlobalSecondaryIndexReadCapacity(index.name, { minCapacity: capacity.minRead, maxCapacity: capacity.maxRead }).scaleOnUtilization(target);
      }
    }
    new CfnOutput(this, `${pascal(name)}TableName`, { value: table.tableName });
    return table;
  }

  private queue(name: string, spec: QueueSpec): { queue: sqs.Queue; dlq: sqs.Queue } {
    const dlq = new sqs.Queue(this, `${pascal(name)}Dlq`, {
      retentionPeriod: Duration.days(spec.dlqRetentionDays),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    const queue = new sqs.Queue(this, `${pascal(name)}Queue`, {
      visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
      retentionPeriod: Duration.days(spec.retentionDays),
      deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    new CfnOutput(this, `${pascal(name)}QueueName`, { value: queue.queueName });
    new CfnOutput(this, `${pascal(name)}QueueUrl`, { value: queue.queueUrl });
    new CfnOutput(this, `${pascal(name)}DlqUrl`, { value: dlq.queueUrl });
    return { queue, dlq };
  }

  private bucket(name: string, spec: BucketSpec): s3.Bucket {
    const bucket = new s3.Bucket(this, `${pascal(name)}Bucket`, {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: spec.versioned,
      eventBridgeEnabled: spec.eventBridge ?? false,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: `${name}/`,
      lifecycleRules: [
        ...(spec.expireDays ?? []).map((rule) => ({
          id: `expire-${rule.prefix.replace(/[^A-Za-z0-9]+/g, '-')}${rule.days}d`,
          prefix: rule.prefix,
          expiration: Duration.days(rule.days),
        })),
        // A versioned bucket keeps every overwritten or deleted version forever unless told otherwise.
        ...(spec.versioned ? [{ id: 'expire-noncurrent-versions', noncurrentVersionExpiration: Duration.days(this.stage.configNoncurrentDays) }] : []),
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnOutput(this, `${pascal(name)}BucketName`, { value: bucket.bucketName });
    return bucket;
  }
}

