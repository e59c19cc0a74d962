import { Aws, CfnOutput, CrossStackReferences, Duration, ReferenceStrength, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import type { Construct } from 'constructs';
import {
  CACHE_IMMUTABLE,
  CACHE_REVALIDATE,
  CONSOLE_CORS,
  CROSS_ORIGIN_OPENER_POLICY,
  HSTS_MAX_AGE_SECONDS,
  PERMISSIONS_POLICY,
  consoleCsp,
} from '../shared/http/console-headers';
import type { HooklineApiStack } from './api-stack';
import { stageConfig, type StageConfig } from './stage';

/** Inputs of the console stack. */
export interface HooklineConsoleStackProps extends StackProps {
  /** The API the console talks to: its origin goes into config.json, the CSP and CORS. */
  readonly api: Pick<HooklineApiStack, 'httpApi'>;
  /** The built console (dist/console from bin/console/build.ts); bin/app.ts builds it first when stale. */
  readonly consoleDir: string;
  /** Stage settings (default: read from context, `hookline:stage`): the name of the console-URL parameter. */
  readonly stage?: StageConfig;
}

/**
 * The console: static files in a private S3 bucket behind CloudFront (origin access control, HTTPS
 * only, strict security headers, SPA fallback to index.html), a `config.json` generated at deploy
 * time with the API's URL (so one build serves every environment), and the HTTP API's CORS opened
 * to exactly this distribution's origin.
 *
 * Why the CORS configuration is applied by a custom resource: the distribution's CSP names the API
 * (connect-src) and the API's CORS names the distribution; as two CloudFormation properties that is
 * a dependency cycle. The custom resource runs after both exist and sets the API's CORS with one
 * `UpdateApi` call (and removes it with `DeleteCorsConfiguration` when this stack goes).
 */
export class HooklineConsoleStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly headers: cloudfront.ResponseHeadersPolicy;
  /** `https://<id>.cloudfront.net` */
  readonly consoleOrigin: string;
  /** `/hookline/<stage>/console-url`, holding `consoleOrigin`: what the api function builds portal links on. */
  readonly consoleUrlParameter: ssm.StringParameter;

  constructor(scope: Construct, id: string, props: HooklineConsoleStackProps) {
    super(scope, id, props);
    // The API's id and endpoint by weak reference (Fn::GetStackOutput), as the API stack reads the
    // data stack: no Export that a later change to the API stack could be blocked by.
    CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);
    // Access logs by bucket policy, not the legacy ACL grant (as in the data stack).
    this.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
    const apiOrigin = props.api.httpApi.apiEndpoint;

    const logs = new s3.Bucket(this, 'ConsoleLogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      // S3 server access logs need SSE-S3; CloudFront standard logs need ACLs (BucketOwnerPreferred).
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({
      id: 'AwsSolutions-S1',
      reason: "This is the console's log bucket (S3 access logs and CloudFront logs); logging it into itself would loop.",
    });

    this.bucket = new s3.Bucket(this, 'ConsoleBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'console-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.headers = new cloudfront.ResponseHeadersPolicy(this, 'ConsoleHeaders', {
      comment: 'Hookline console: strict CSP (self + the API), HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: consoleCsp(apiOrigin, { upgradeInsecureRequests: true }), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true },
          { header: 'Cross-Origin-Opener-Policy', value: CROSS_ORIGIN_OPENER_POLICY, override: true },
        ],
      },
    });

    this.distribution = new cloudfront.Distribution(this, 'ConsoleDistribution', {
      comment: 'Hookline console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.headers,
        compress: true,
      },
      // Deep links (/webhooks/abc/events) are the app's routes: S3 answers 403 for a missing key
      // (OAC grants no ListBucket), so both become index.html with 200 and the router takes over.
      errorResponses: [403, 404].map((httpStatus) => ({ httpStatus, responseHttpStatus: 200, responsePagePath: '/index.html', ttl: Duration.seconds(0) })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
    });
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The console is for operators wherever they are; it holds no data itself (every call needs an API key), so no geo restriction.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'Static files only (GET/HEAD, cached); the API behind it has its own throttling and API-key auth. A WAF web ACL costs more than the files it would guard.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason: 'No custom domain: the default *.cloudfront.net certificate, whose security policy CloudFront fixes at TLSv1. With a domain and an ACM certificate, set minimumProtocolVersion TLS_V1_2_2021.',
      },
    );
    this.consoleOrigin = `https://${this.distribution.distributionDomainName}`;
    // This stack depends on the API stack, so the API cannot reference the distribution (a cycle):
    // the URL goes to a parameter of a fixed per-stage name that the api function reads on demand.
    this.consoleUrlParameter = new ssm.StringParameter(this, 'ConsoleUrlParameter', {
      parameterName: (props.stage ?? stageConfig(this)).consoleUrlParameter,
      stringValue: this.consoleOrigin,
      description: 'Hookline console URL: the base of subscriber-portal links (read by the api function)',
    });

    // Hashed assets first (never pruned: a browser with the previous index.html can still load its
    // files), then the page and config.json, revalidated on every load and invalidated at the edge.
    const assets = new s3deploy.BucketDeployment(this, 'ConsoleAssets', {
      sources: [s3deploy.Source.asset(props.consoleDir)],
      destinationBucket: this.bucket,
      exclude: ['*'],
      include: ['assets/*'],
      prune: false,
      cacheControl: [s3deploy.CacheControl.fromString(CACHE_IMMUTABLE)],
      memoryLimit: 512,
    });
    const page = new s3deploy.BucketDeployment(this, 'ConsolePage', {
      sources: [s3deploy.Source.asset(props.consoleDir, { exclude: ['assets', 'assets/**', 'manifest.json'] }), s3deploy.Source.jsonData('config.json', { api_url: apiOrigin })],
      destinationBucket: this.bucket,
      exclude: ['assets/*'],
      prune: true,
      cacheControl: [s3deploy.CacheControl.fromString(CACHE_REVALIDATE)],
      distribution: this.distribution,
      distributionPaths: ['/', '/index.html', '/config.json'],
      memoryLimit: 512,
    });
    page.node.addDependency(assets);

    const cors = new cr.AwsCustomResource(this, 'ApiCors', {
      resourceType: 'Custom::HooklineApiCors',
      onUpdate: {
        service: 'ApiGatewayV2',
        action: 'UpdateApi',
        parameters: {
          ApiId: props.api.httpApi.apiId,
          CorsConfiguration: {
            AllowOrigins: [this.consoleOrigin],
            AllowMethods: [...CONSOLE_CORS.methods],
            AllowHeaders: CONSOLE_CORS.allowHeaders,
            ExposeHeaders: CONSOLE_CORS.exposeHeaders,
            MaxAge: CONSOLE_CORS.maxAgeSeconds,
            AllowCredentials: false,
          },
        },
        physicalResourceId: cr.PhysicalResourceId.of(`${props.api.httpApi.apiId}-console-cors`),
      },
      onDelete: { service: 'ApiGatewayV2', action: 'DeleteCorsConfiguration', parameters: { ApiId: props.api.httpApi.apiId } },
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({
          actions: ['apigateway:PATCH', 'apigateway:DELETE'],
          resources: [
            `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::/apis/${props.api.httpApi.apiId}`,
            `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::/apis/${props.api.httpApi.apiId}/cors`,
          ],
        }),
      ]),
      installLatestAwsSdk: false,
    });
    void cors;
    this.acknowledgeDeployHandlers();

    new CfnOutput(this, 'ConsoleUrl', { value: `${this.consoleOrigin}/`, description: 'The Hookline console' });
    new CfnOutput(this, 'ConsoleBucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'ConsoleDistributionId', { value: this.distribution.distributionId });
  }

  /** CDK's own deploy-time Lambdas (BucketDeployment, AwsCustomResource) carry findings that are CDK's to fix. */
  private acknowledgeDeployHandlers(): void {
    for (const child of this.node.children) {
      const id = child.node.id;
      if (!id.startsWith('Custom::CDKBucketDeployment') && !id.startsWith('AWS679f53fac002430cb0da5b7982bd2287')) continue;
      const deployment = id.startsWith('Custom::CDKBucketDeployment');
      if (deployment)
        Validations.of(child).acknowledge(
          ...['Action::s3:Abort*', 'Action::s3:DeleteObject*', 'Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*', 'Resource::<ConsoleBucketA1BD9FF9.Arn>/*'].map((finding) => ({
            id: `AwsSolutions-IAM5[${finding}]`,
            reason: "CDK's BucketDeployment grants: read the asset, write and prune the console bucket's objects (this bucket only).",
          })),
          {
            id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
            reason: "CDK's BucketDeployment reads the uploaded console zip from the bootstrap assets bucket.",
          },
          {
            id: 'AwsSolutions-IAM5[Resource::*]',
            reason: "CDK's BucketDeployment invalidates the page at the edge after an upload (cloudfront:CreateInvalidation/GetInvalidation); CDK does not scope that statement to the distribution. It can only expire cached copies, not read or change content.",
          },
        );
      Validations.of(child).acknowledge(
        {
          id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          reason: "CDK's deploy-time handler (console file upload, or the API CORS update); the managed policy only lets it write its own logs.",
        },
        {
          id: 'AwsSolutions-L1',
          reason: "CDK's deploy-time handler: its runtime is chosen by aws-cdk-lib and moves with it.",
        },
      );
    }
  }
}
