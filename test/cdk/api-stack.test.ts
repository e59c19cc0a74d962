import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { requiredEnv } from '../../shared/env';
import { functions, queues, tables, type FunctionName } from '../../shared/resources';
import { routeKey, routes } from '../../shared/routes';
import { buildApp, resources } from './stacks';

const { data, api } = buildApp();
const template = Template.fromStack(api);
const all = resources(template);
const logicalId = (construct: { node: { defaultChild?: unknown } }) => api.getLogicalId(construct.node.defaultChild as CfnElement);
const fnNames = Object.keys(functions) as FunctionName[];

/** The function's resource as synthesized. */
const fnResource = (name: FunctionName) => all[logicalId(api.functions[name].fn)];

/** Every Allow statement of the function role's policy, with Action and Resource as arrays. */
function statements(name: FunctionName): { Action: string[]; Resource: unknown[] }[] {
  const policy = api.functions[name].role.node.tryFindChild('DefaultPolicy') as { node: { defaultChild?: unknown } } | undefined;
  if (!policy) return [];
  const doc = all[logicalId(policy)].Properties.PolicyDocument;
  return doc.Statement.filter((s: any) => s.Effect === 'Allow').map((s: any) => ({ Action: [s.Action].flat(), Resource: [s.Resource].flat() }));
}
const actionsOf = (name: FunctionName) => statements(name).flatMap((s) => s.Action);
/** How the API stack refers to a data stack attribute (a cross-stack import, resolved by the synth above). */
const imported = (token: string) => api.resolve(token);

const DYNAMO_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

describe('routes', () => {
  const routeResources = Object.values(all).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route');

  it('creates exactly one API route per route-table entry, with the same route keys', () => {
    expect(routeResources).toHaveLength(routes.length);
    expect(routeResources.map((r) => r.Properties.RouteKey).sort()).toEqual(routes.map(routeKey).sort());
  });

  it('attaches the API-key authorizer exactly to the routes with a scope', () => {
    const authorizerId = { Ref: Object.entries(all).find(([, r]) => r.Type === 'AWS::ApiGatewayV2::Authorizer')![0] };
    for (const route of routes) {
      const props = routeResources.find((r) => r.Properties.RouteKey === routeKey(route))!.Properties;
      if (route.scope === null) {
        expect({ key: routeKey(route), type: props.AuthorizationType, id: props.AuthorizerId }).toEqual({ key: routeKey(route), type: 'NONE', id: undefined });
      } else {
        expect({ key: routeKey(route), type: props.AuthorizationType, id: props.AuthorizerId }).toEqual({ key: routeKey(route), type: 'CUSTOM', id: authorizerId });
      }
    }
  });

  it('integrates each route with the function the route table names', () => {
    const integrationTarget = (integrationRef: string) => {
      const uri = all[integrationRef].Properties.IntegrationUri;
      return fnNames.find((n) => JSON.stringify(uri) === JSON.stringify({ 'Fn::GetAtt': [logicalId(api.functions[n].fn), 'Arn'] }));
    };
    for (const route of routes) {
      const props = routeResources.find((r) => r.Properties.RouteKey === routeKey(route))!.Properties;
      const integrationRef = (props.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
      expect({ key: routeKey(route), fn: integrationTarget(integrationRef.Ref) }).toEqual({ key: routeKey(route), fn: route.fn });
    }
  });

  it('runs the authorizer on every request: simple responses, no identity source, no cache', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      AuthorizerPayloadFormatVersion: '2.0',
      IdentitySource: [],
      AuthorizerResultTtlInSeconds: 0,
      AuthorizerUri: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([{ 'Fn::GetAtt': [logicalId(api.functions.authorizer.fn), 'Arn'] }])] }),
    });
  });

  it('logs access and throttles on the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context\\.requestId') },
      DefaultRouteSettings: { ThrottlingBurstLimit: 500, ThrottlingRateLimit: 1000 },
    });
  });
});

describe('functions', () => {
  it('creates one Lambda per manifest function', () => {
    template.resourceCountIs('AWS::Lambda::Function', fnNames.length);
  });

  it.each(fnNames)('%s: nodejs22.x on arm64 with the manifest memory and timeout, and its own log group', (name) => {
    const props = fnResource(name).Properties;
    expect(props.Runtime).toBe('nodejs22.x');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.MemorySize).toBe(functions[name].memoryMb);
    expect(props.Timeout).toBe(functions[name].timeoutSeconds);
    // JSON logs without the platform START/END/REPORT lines (see the cost table in the README).
    expect(props.LoggingConfig).toEqual({ LogGroup: { Ref: logicalId(api.functions[name].logGroup) }, LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'INFO' });
  });

  it.each(fnNames)('%s: gets every env var its handler requires (shared/env.ts) and the common settings', (name) => {
    const env = fnResource(name).Properties.Environment.Variables;
    expect(Object.keys(env)).toEqual(expect.arrayContaining(requiredEnv(name)));
    expect(env).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'hookline-dev', POWERTOOLS_METRICS_NAMESPACE: 'Hookline', EVENT_RETENTION_DAYS: '30' });
    expect(env.NODE_OPTIONS).toBeUndefined();
  });

  it.each(fnNames)('%s: no managed policies; logs only to its own log group', (name) => {
    const role = all[logicalId(api.functions[name].role)].Properties;
    expect(role.ManagedPolicyArns).toBeUndefined();
    const logStatements = statements(name).filter((s) => s.Action.some((a) => a.startsWith('logs:')));
    expect(logStatements).toEqual([
      { Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [{ 'Fn::GetAtt': [logicalId(api.functions[name].logGroup), 'Arn'] }] },
    ]);
  });

  it.each(fnNames)('%s: no wildcard actions or resources beyond those the grants produce', (name) => {
    const grantActionWildcards = ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*', 'kms:GenerateDataKey*'];
    for (const s of statements(name)) {
      for (const action of s.Action) if (action.includes('*')) expect(grantActionWildcards).toContain(action);
      for (const resource of s.Resource) {
        // A wildcard may only be the suffix a grant appends to one resource's ARN: table/index/*, bucket/*.
        const literals: unknown[] = typeof resource === 'string' ? [resource] : ((resource as any)['Fn::Join']?.[1] ?? []);
        for (const part of literals) if (typeof part === 'string' && part.includes('*')) expect(['/index/*', '/*']).toContain(part);
      }
    }
  });

  it('consumes each queue with partial batch failures and the manifest batch size and window', () => {
    for (const [name, spec] of Object.entries(queues)) {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        FunctionName: { Ref: logicalId(api.functions[spec.consumer.fn].fn) },
        EventSourceArn: imported(data.queues[name as keyof typeof queues].queueArn),
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BatchSize: spec.consumer.batchSize,
        MaximumBatchingWindowInSeconds: spec.consumer.maxBatchingWindowSeconds,
      });
    }
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', Object.keys(queues).length);
  });
});

describe('least privilege', () => {
  it('lets the receiver send to the events queue', () => {
    const queueArn = imported(data.queues.events.queueArn);
    expect(statements('receiver')).toContainEqual({ Action: expect.arrayContaining(['sqs:SendMessage']), Resource: [queueArn] });
  });

  it('does not let the receiver write to any table', () => {
    expect(actionsOf('receiver')).not.toContain('dynamodb:PutItem');
    for (const action of DYNAMO_WRITES) expect(actionsOf('receiver')).not.toContain(action);
  });

  it('does not let the authorizer write to any table, queue, topic or bucket', () => {
    const actions = actionsOf('authorizer');
    for (const action of DYNAMO_WRITES) expect(actions).not.toContain(action);
    expect(actions.filter((a) => /^(sqs:Send|sns:Publish|s3:Put|s3:Delete)/.test(a))).toEqual([]);
  });

  it('grants table access only for the tables each function lists, at the listed level', () => {
    for (const name of fnNames) {
      for (const [table] of Object.entries(tables)) {
        const arn = imported(data.tables[table as keyof typeof tables].tableArn);
        const onTable = statements(name).filter((s) => s.Resource.some((r) => JSON.stringify(r) === JSON.stringify(arn))).flatMap((s) => s.Action);
        const access = functions[name].tables?.[table as keyof typeof tables];
        const label = `${name} on ${table}`;
        if (!access) expect({ label, onTable }).toEqual({ label, onTable: [] });
        else {
          expect({ label, reads: onTable.includes('dynamodb:GetItem') }).toEqual({ label, reads: access !== 'write' });
          expect({ label, writes: onTable.includes('dynamodb:PutItem') }).toEqual({ label, writes: access !== 'read' });
        }
      }
    }
  });

  it('lets only the authorizer read the admin key secret, and passes its ARN', () => {
    for (const name of fnNames) {
      expect({ name, reads: actionsOf(name).includes('secretsmanager:GetSecretValue') }).toEqual({ name, reads: name === 'authorizer' });
    }
    expect(fnResource('authorizer').Properties.Environment.Variables.ADMIN_KEY_SECRET_ARN).toEqual({ Ref: logicalId(api.adminKey) });
  });
});

describe('receiver Function URL and admin key', () => {
  it('gives the receiver a public Function URL (providers authenticate by signature)', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'NONE',
      TargetFunctionArn: { 'Fn::GetAtt': [logicalId(api.functions.receiver.fn), 'Arn'] },
    });
  });

  it('passes the receiver URL, without its trailing slash, to the API function', () => {
    const url = { 'Fn::GetAtt': [logicalId(api.receiverUrl), 'FunctionUrl'] };
    expect(fnResource('api').Properties.Environment.Variables.RECEIVER_URL).toEqual({
      'Fn::Join': ['', ['https://', { 'Fn::Select': [2, { 'Fn::Split': ['/', url] }] }]],
    });
  });

  it('generates a 48-character admin key without punctuation', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 48, ExcludePunctuation: true },
    });
  });

  it('outputs the API URL, the receiver URL and the admin key secret ARN', () => {
    expect(Object.keys(template.toJSON().Outputs)).toEqual(expect.arrayContaining(['ApiUrl', 'ReceiverFunctionUrl', 'AdminKeySecretArn']));
  });
});

describe('config inbox', () => {
  it('invokes the importer for objects created under the trigger prefix, through EventBridge', () => {
    const trigger = functions.importer.trigger!;
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [imported(data.buckets[trigger.bucket].bucketName)] }, object: { key: [{ prefix: trigger.prefix }] } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(api.functions.importer.fn), 'Arn'] } })],
    });
    Template.fromStack(data).hasResourceProperties('Custom::S3BucketNotifications', { NotificationConfiguration: { EventBridgeConfiguration: {} } });
  });
});
