import { Arn, CfnOutput, CrossStackReferences, Duration, Fn, ReferenceStrength, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { functions as functionSpecs, type FunctionName } from '../shared/resources';
import { routes } from '../shared/routes';
import { HooklineFunction } from './constructs/hookline-function';
import { HooklineOperations } from './constructs/operations';
import type { HooklineDataResources } from './data-stack';
import { entries, mapValues, pascal } from './records';
import { stageConfig, type ReservedFunction, type StageConfig } from './stage';

/** Inputs of the API stack: the data stack's resources and build settings. */
export interface HooklineApiStackProps extends StackProps {
  readonly data: HooklineDataResources;
  /** Directory with package-lock.json that the manifest's `entry` paths are relative to (default: cwd, where cdk.json is). */
  readonly projectRoot?: string;
  /** X-Ray active tracing on every function (default off: no `xray:*` on `Resource::*`). */
  readonly tracing?: boolean;
  /** Stage settings (default: read from context, `hookline:stage`). */
  readonly stage?: StageConfig;
  /**
   * The console's URL for subscriber-portal links (`hookline:consoleUrl`, e.g. a custom domain): `CONSOLE_URL`
   * of the api function. Without it the function reads the console stack's SSM parameter.
   */
  readonly consoleUrl?: string;
}

/** Env every function gets besides its manifest resources. */
function commonEnv(stage: StageConfig): Record<string, string> {
  return {
    // The `service` dimension of every metric and the `service` key of every log line.
    POWERTOOLS_SERVICE_NAME: `hookline-${stage.stage}`,
    POWERTOOLS_METRICS_NAMESPACE: 'Hookline',
    EVENT_RETENTION_DAYS: '30',
  };
}

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
  readonly operations: HooklineOperations;
  readonly config: StageConfig;

  constructor(scope: Construct, id: string, props: HooklineApiStackProps) {
    super(scope, id, props);
    const projectRoot = props.projectRoot ?? process.cwd();
    const stage = (this.config = props.stage ?? stageConfig(this));
    // Weak references (Fn::GetStackOutput) instead of Export/ImportValue: a later change that stops
    // using a table, queue or grant deploys without "Export ... cannot be deleted as it is in use".
    // The data resources are retained (prod) or replaced only with the data stack, so a dangling
    // reference cannot arise from a normal deploy.
    CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);

    this.functions = mapValues(functionSpecs, (name, spec) => {
      const fn = new HooklineFunction(this, pascal(name), {
        name,
        spec,
        projectRoot,
        tracing: props.tracing,
        // The stage settings this function reads (its manifest entry's `settings`).
        environment: { ...commonEnv(stage), ...Object.fromEntries((spec.settings ?? []).filter((k) => stage.settings[k] !== undefined).map((k) => [k, stage.settings[k]])) },
        logRetention: stage.logRetention,
        reservedConcurrency: stage.reservedConcurrency[name as ReservedFunction],
      });
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
    // Functions subscribed to a topic (the alerter: alarm notifications -> alert.* events).
    for (const [name, fn] of entries(this.functions)) {
      const topic = functionSpecs[name].subscribe;
      if (topic) props.data.topics[topic].addSubscription(new subscriptions.LambdaSubscription(fn.fn));
    }

    // Providers authenticate by signature (verified in the handler), so the URL itself is public.
    this.receiverUrl = receiver.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    // Only the API gets RECEIVER_URL: on the receiver it would be a cycle (function -> URL -> function).
    // `https://<id>.lambda-url.<region>.on.aws/` -> without the trailing slash, so `${RECEIVER_URL}/webhooks/...`
    // is right in any code that builds on it.
    api.fn.addEnvironment('RECEIVER_URL', Fn.join('', ['https://', Fn.select(2, Fn.split('/', this.receiverUrl.url))]));
    // The console stack depends on this one (its CSP and config.json name the API), so its URL comes
    // in as a value (the context override) or from the parameter it writes under a fixed name:
    // GetParameter on exactly that parameter's ARN, built from the name (no cross-stack reference).
    if (props.consoleUrl) api.fn.addEnvironment('CONSOLE_URL', props.consoleUrl);
    else {
      api.fn.addEnvironment('CONSOLE_URL_PARAMETER', stage.consoleUrlParameter);
      api.fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['ssm:GetParameter'],
          // `/hookline/dev/console-url` -> `arn:...:parameter/hookline/dev/console-url`
          resources: [Arn.format({ service: 'ssm', resource: 'parameter', resourceName: stage.consoleUrlParameter.replace(/^\//, '') }, this)],
        }),
      );
    }

    this.adminKey = new secretsmanager.Secret(this, 'AdminKey', {
      description: 'Hookline admin API key (bootstrap credential; day-to-day keys are created through /api/keys)',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy: stage.removalPolicy,
    });
    Validations.of(this.adminKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Bootstrap admin key: rotate by hand (put-secret-value; the authorizer reads it again within ADMIN_KEY_CACHE_SECONDS, see the README runbook); the day-to-day credentials are API keys created and revoked through /api/keys.',
    });
    authorizer.bindSecret('ADMIN_KEY_SECRET_ARN', this.adminKey);

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', {
      retention: stage.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.httpApi = new apigw.HttpApi(this, 'HttpApi', {
      apiName: stage.resourceName('api'),
      description: 'Hookline management API and webhook receiver',
      // The stage is declared below to carry access logs and throttling.
      createDefaultStage: false,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      // Account-wide API Gateway quotas are shared: the stage's own limit keeps a flood on one API from using them all.
      throttle: { burstLimit: stage.apiThrottle.burstLimit, rateLimit: stage.apiThrottle.rateLimit },
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

    // Optional custom domains (`-c hookline:domains='{"api":{"name":"...","certificateArn":"..."},"receiver":{...}}'`),
    // both mapped to the HTTP API, which serves the management API and the receiver route.
    for (const [which, domain] of entries(stage.domains)) {
      const name = new apigw.DomainName(this, `${pascal(which)}Domain`, { domainName: domain.name, certificate: acm.Certificate.fromCertificateArn(this, `${pascal(which)}Certificate`, domain.certificateArn) });
      new apigw.ApiMapping(this, `${pascal(which)}DomainMapping`, { api: this.httpApi, domainName: name, stage: this.stage });
      new CfnOutput(this, `${pascal(which)}DomainTarget`, { value: name.regionalDomainName, description: `CNAME/alias target for ${domain.name}` });
      new CfnOutput(this, `${pascal(which)}CustomUrl`, { value: `https://${domain.name}` });
    }

    this.operations = new HooklineOperations(this, 'Operations', { stage, data: props.data, functions: this.functions, httpApi: this.httpApi, service: commonEnv(stage).POWERTOOLS_SERVICE_NAME });

    new CfnOutput(this, 'ApiUrl', { value: this.stage.url });
    // Without the Function URL's trailing slash, so `<ReceiverFunctionUrl>/webhooks/...` is exact.
    new CfnOutput(this, 'ReceiverFunctionUrl', { value: Fn.join('', ['https://', Fn.select(2, Fn.split('/', this.receiverUrl.url))]) });
    new CfnOutput(this, 'DashboardUrl', { value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${stage.resourceName('operations')}` });
    new CfnOutput(this, 'AdminKeySecretArn', { value: this.adminKey.secretArn });
    for (const [name, fn] of entries(this.functions)) new CfnOutput(this, `${pascal(name)}FunctionName`, { value: fn.fn.functionName });
  }
}
