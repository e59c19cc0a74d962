import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buckets, queues, tables, topics } from '../../shared/resources';
import { buildApp, resources } from './stacks';

const { data } = buildApp();
const template = Template.fromStack(data);
const all = resources(template);
/** The template entry of an L2 construct. */
const cfn = (construct: { node: { defaultChild?: unknown } }) => all[data.getLogicalId(construct.node.defaultChild as CfnElement)];
const ref = (construct: { node: { defaultChild?: unknown } }) => ({ Ref: data.getLogicalId(construct.node.defaultChild as CfnElement) });
const arn = (construct: { node: { defaultChild?: unknown } }) => ({ 'Fn::GetAtt': [data.getLogicalId(construct.node.defaultChild as CfnElement), 'Arn'] });

describe('tables', () => {
  it('creates exactly one table per manifest entry', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', Object.keys(tables).length);
  });

  it.each(Object.entries(tables))('%s: on-demand, PITR, encrypted, string keys, TTL and GSIs as in the manifest', (name, spec) => {
    const props = cfn(data.tables[name as keyof typeof tables]).Properties;
    expect(props.BillingMode).toBe('PAY_PER_REQUEST');
    expect(props.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(props.SSESpecification).toEqual({ SSEEnabled: true });
    const keySchema = [{ AttributeName: spec.partitionKey, KeyType: 'HASH' }];
    if ('sortKey' in spec) keySchema.push({ AttributeName: spec.sortKey, KeyType: 'RANGE' });
    expect(props.KeySchema).toEqual(keySchema);
    for (const attr of props.AttributeDefinitions) expect(attr.AttributeType).toBe('S');

    if ('ttlAttribute' in spec) expect(props.TimeToLiveSpecification).toEqual({ AttributeName: spec.ttlAttribute, Enabled: true });
    else expect(props.TimeToLiveSpecification).toBeUndefined();

    const gsis = (props.GlobalSecondaryIndexes ?? []) as any[];
    expect(gsis.map((g) => g.IndexName)).toEqual(spec.indexes.map((i) => i.name));
    for (const index of spec.indexes) {
      const gsi = gsis.find((g) => g.IndexName === index.name);
      const schema = [{ AttributeName: index.partitionKey, KeyType: 'HASH' }];
      if (index.sortKey) schema.push({ AttributeName: index.sortKey, KeyType: 'RANGE' });
      expect(gsi.KeySchema).toEqual(schema);
      expect(gsi.Projection).toEqual({ ProjectionType: 'keysOnly' in index && index.keysOnly ? 'KEYS_ONLY' : 'ALL' });
    }
  });
});

describe('queues', () => {
  it('creates a queue and a dead-letter queue per manifest entry', () => {
    template.resourceCountIs('AWS::SQS::Queue', Object.keys(queues).length * 2);
  });

  it.each(Object.entries(queues))('%s: redrives to its DLQ with the manifest maxReceiveCount, visibility and retention', (name, spec) => {
    const key = name as keyof typeof queues;
    const queue = cfn(data.queues[key]).Properties;
    const dlq = cfn(data.deadLetterQueues[key]).Properties;
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: arn(data.deadLetterQueues[key]), maxReceiveCount: spec.maxReceiveCount });
    expect(queue.VisibilityTimeout).toBe(spec.visibilityTimeoutSeconds);
    expect(queue.MessageRetentionPeriod).toBe(spec.retentionDays * 86400);
    expect(dlq.MessageRetentionPeriod).toBe(spec.dlqRetentionDays * 86400);
    expect(queue.SqsManagedSseEnabled).toBe(true);
    expect(dlq.SqsManagedSseEnabled).toBe(true);
  });

  it.each(Object.keys(queues))('%s: both queues refuse requests without TLS', (name) => {
    const key = name as keyof typeof queues;
    for (const q of [data.queues[key], data.deadLetterQueues[key]]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(q)],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });
});

describe('topics', () => {
  it.each(Object.keys(topics))('%s: KMS-encrypted and TLS-only', (name) => {
    const topic = data.topics[name as keyof typeof topics];
    expect(cfn(topic).Properties.KmsMasterKeyId).toEqual(arn(data.topicKey));
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(topic)],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('lets CloudWatch alarms use the topic key (they cannot publish to a topic under the AWS-managed key)', () => {
    const policy = cfn(data.topicKey).Properties.KeyPolicy;
    expect(policy.Statement).toContainEqual(
      expect.objectContaining({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
    );
    expect(cfn(data.topicKey).Properties.EnableKeyRotation).toBe(true);
  });
});

describe('buckets', () => {
  it('creates one bucket per manifest entry plus the access log bucket', () => {
    template.resourceCountIs('AWS::S3::Bucket', Object.keys(buckets).length + 1);
  });

  it.each(Object.entries(buckets))('%s: encrypted, public access blocked, versioned per manifest, logged', (name, spec) => {
    const props = cfn(data.buckets[name as keyof typeof buckets]).Properties;
    expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(props.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    if (spec.versioned) expect(props.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    else expect(props.VersioningConfiguration).toBeUndefined();
    expect(props.LoggingConfiguration).toEqual({ DestinationBucketName: ref(data.accessLogsBucket), LogFilePrefix: `${name}/` });
  });

  it.each(Object.entries(buckets))('%s: lifecycle expiration rules match the manifest expireDays', (name, spec) => {
    const rules = (cfn(data.buckets[name as keyof typeof buckets]).Properties.LifecycleConfiguration?.Rules ?? []).filter((r: any) => !r.NoncurrentVersionExpiration);
    const expected = 'expireDays' in spec ? spec.expireDays : [];
    expect(rules.map((r: any) => ({ prefix: r.Prefix, days: r.ExpirationInDays, status: r.Status }))).toEqual(
      expected.map((e) => ({ prefix: e.prefix, days: e.days, status: 'Enabled' })),
    );
  });

  it.each([...Object.keys(buckets), 'access logs'])('%s: TLS-only bucket policy', (name) => {
    const bucket = name === 'access logs' ? data.accessLogsBucket : data.buckets[name as keyof typeof buckets];
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(bucket),
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('lets S3 log delivery write to the access log bucket by bucket policy, not ACL', () => {
    const logBucket = cfn(data.accessLogsBucket).Properties;
    expect(logBucket.AccessControl).toBeUndefined();
    expect(logBucket.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: ref(data.accessLogsBucket),
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject' })]) },
    });
  });
});

it('outputs the name of every table, queue, topic and bucket', () => {
  const outputs = Object.keys(template.toJSON().Outputs);
  const pascal = (s: string) => s[0].toUpperCase() + s.slice(1);
  for (const name of Object.keys(tables)) expect(outputs).toContain(`${pascal(name)}TableName`);
  for (const name of Object.keys(queues)) expect(outputs).toEqual(expect.arrayContaining([`${pascal(name)}QueueName`, `${pascal(name)}QueueUrl`, `${pascal(name)}DlqUrl`]));
  for (const name of Object.keys(topics)) expect(outputs).toContain(`${pascal(name)}TopicArn`);
  for (const name of Object.keys(buckets)) expect(outputs).toContain(`${pascal(name)}BucketName`);
});

it('adds a table, queue and bucket added to the manifest with no CDK change', () => {
  jest.isolateModules(() => {
    const actual = jest.requireActual('../../shared/resources');
    jest.doMock('../../shared/resources', () => ({
      ...actual,
      tables: { ...actual.tables, audit: { env: 'AUDIT_TABLE', partitionKey: 'id', indexes: [{ name: 'by_actor', partitionKey: 'actor' }], ttlAttribute: 'ttl' } },
      queues: { ...actual.queues, imports: { ...actual.queues.events, env: 'IMPORTS_QUEUE_URL', dlqEnv: 'IMPORTS_DLQ_URL', maxReceiveCount: 8 } },
      buckets: { ...actual.buckets, exports: { env: 'EXPORTS_BUCKET', versioned: false, expireDays: [{ prefix: 'tmp/', days: 1 }] } },
    }));
    // The isolated registry has its own aws-cdk-lib: build and read the stack with that copy.
    const cdk = require('aws-cdk-lib');
    const { Template: IsolatedTemplate } = require('aws-cdk-lib/assertions');
    const { HooklineDataStack } = require('../../lib/data-stack');
    const stack = new HooklineDataStack(new cdk.App(), 'Extended') as Stack & { tables: any; queues: any; buckets: any };
    const extended: Template = IsolatedTemplate.fromStack(stack);
    const logicalId = (c: any) => stack.getLogicalId(c.node.defaultChild);
    const json = extended.toJSON().Resources;
    expect(json[logicalId(stack.tables.audit)].Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      GlobalSecondaryIndexes: [{ IndexName: 'by_actor', Projection: { ProjectionType: 'ALL' } }],
    });
    expect(json[logicalId(stack.queues.imports)].Properties.RedrivePolicy.maxReceiveCount).toBe(8);
    expect(json[logicalId(stack.buckets.exports)].Properties.LifecycleConfiguration.Rules).toEqual([
      expect.objectContaining({ Prefix: 'tmp/', ExpirationInDays: 1 }),
    ]);
  });
});
