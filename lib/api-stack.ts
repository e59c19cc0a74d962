import { CfnOutput, CrossStackReferences, Duration, Fn, ReferenceStrength, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { functions as functionSpecs, type FunctionName } from '../shared/resources';
import { routes } from '../shared/routes';
import { HooklineFunction } from './constructs/hookline-function';
import type { HooklineDataResources } from './data-stack';
import { entries, mapValues, pascal } from './records';

/** Inputs of the API stack: the data stack's resources and build settings. */
export interface HooklineApiStackProps extends StackProps {
  readonly data: HooklineDataResources;
  /** Directory with package-lock.json that the manifest's `entry` paths are relative to (default: cwd, where cdk.json is). */
  readonly projectRoot?: string;
  /** X-Ray active tracing on every function (default off: no `xray:*` on `Resource::*`). */
  readonly tracing?: boolean;
}

/** Env every function gets besides its manifest resources. */
const COMMON_ENV = {
  POWERTOOLS_SERVICE_NAME: 'hookline',
  EVENT_RETENTION_DAYS: '30',
};

/**
 * The compute side: one Lambda per manifest function, the HTTP API built from the route table with the
 * API-key authorizer on scoped routes, the receiver's Function URL and the admin key secret.
 */
export class HooklineApiStack extends Stack {
  readonly functions: Record<FunctionName, HooklineFunction>;
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly receiverUrl: lambda.FunctionUrl;
  readonly adminKey: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: HooklineApiStackProps) {
    super(scope, id, props);
    const projectRoot = props.projectRoot ?? process.cwd();
    // Exports/imports: CloudFormation refuses to delete or replace a table, queue or bucket this stack still uses.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);

    this.functions = mapValues(functionSpecs, (name, spec) => {
      const fn = new HooklineFunction(this, pascal(name), { name, spec, projectRoot, tracing: props.tracing, environment: COMMON_ENV });
      fn.bindManifest(props.data);
      Validations.of(fn.fn).acknowledge({
        id: 'AwsSolutions-L1',
        reason: 'nodejs22.x on purpose: the bundles target node22 and the project builds and tests on Node 22; move with the toolchain.',
      });
      return fn;
    });
    const { api, authorizer, receiver } = this.functions;

    // Functions fed by objects under a prefix (the config inbox): S3 → EventBridge → Lambda. A rule
    // here, not a bucket notification, so the data stack does not depend on this one.
    for (const [name, fn] of entries(this.functions)) {
      const trigger = functionSpecs[name].trigger;
      if (!trigger) continue;
      new events.Rule(this, `${pascal(name)}Trigger`, {
        description: `${name}: objects created under ${trigger.prefix}`,
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: { bucket: { name: [props.data.buckets[trigger.bucket].bucketName] }, object: { key: [{ prefix: trigger.prefix }] } },
        },
        targets: [new targets.LambdaFunction(fn.fn, { retryAttempts: 4 })],
      });
    }

    // Providers authenticate by signature (verified in the handler), so the URL itself is public.
    this.receiverUrl = receiver.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    // Only the API gets RECEIVER_URL: on the receiver it would be a cycle (function -> URL -> function).
    // `https://<id>.lambda-url.<region>.on.aws/` -> without the trailing slash, so `${RECEIVER_URL}/webhooks/...`
    // is right in any code that builds on it.
    api.fn.addEnvironment('RECEIVER_URL', Fn.join('', ['https://', Fn.select(2, Fn.split('/', this.receiverUrl.url))]));

    this.adminKey = new secretsmanager.Secret(this, 'AdminKey', {
      description: 'Hookline admin API key (bootstrap credential; day-to-day keys are created through /api/keys)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    Validations.of(this.adminKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Bootstrap admin key: rotate by hand (put a new value, then restart the authorizer); the day-to-day credentials are API keys created and revoked through /api/keys.',
    });
    authorizer.bindSecret('ADMIN_KEY_SECRET_ARN', this.adminKey);

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: 'hookline',
      description: 'Hookline management API and webhook receiver',
      // The stage is declared below to carry access logs and throttling.
      createDefaultStage: false,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { burstLimit: 500, rateLimit: 1000 },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integration.latency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    // No identity source and no cache: API Gateway would answer 401 on its own when the identity source
    // is missing, with a body that is not the contract's. The authorizer runs on every request, always
    // allows, and passes its verdict as context; the API function answers 401/403 itself.
    const apiKeyAuthorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', authorizer.fn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integrationFor = (fn: FunctionName) => {
      let integration = integrations.get(fn);
      if (!integration) {
        // One API-wide invoke permission per function instead of one per route (the function policy has a size limit).
        integration = new HttpLambdaIntegration(`${pascal(fn)}Integration`, this.functions[fn].fn, { scopePermissionToRoute: false });
        integrations.set(fn, integration);
      }
      return integration;
    };
    for (const route of routes) {
      const [httpRoute] = this.httpApi.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration: integrationFor(route.fn),
        authorizer: route.scope === null ? undefined : apiKeyAuthorizer,
      });
      if (route.scope === null) {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.fn === 'receiver'
              ? 'Webhook receiver: the provider signature is the authentication (verified in the function); providers cannot send API keys.'
              : `Public document by contract (${route.operation}: ${route.summary}); no API key required.`,
        });
      }
    }

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
    new CfnOutput(this, 'ReceiverFunctionUrl', { value: this.receiverUrl.url });
    new CfnOutput(this, 'AdminKeySecretArn', { value: this.adminKey.secretArn });
    for (const [name, fn] of entries(this.functions)) new CfnOutput(this, `${pascal(name)}FunctionName`, { value: fn.fn.functionName });
  }
}
