import { Match, Template } from 'aws-cdk-lib/assertions';
import { CACHE_IMMUTABLE, CACHE_REVALIDATE, CONSOLE_CORS } from '../../shared/http/console-headers';
import { buildApp, resources } from './stacks';

const { console: stack } = buildApp();
const t = Template.fromStack(stack);
const all = resources(t);
const ofType = (type: string) => Object.entries(all).filter(([, r]) => r.Type === type);
/** CloudFormation's Fn::Join of a string with tokens, flattened so the literal parts can be matched. */
const flat = (v: unknown): string => JSON.stringify(v);

describe('console stack', () => {
  it('keeps the files in a private, encrypted, TLS-only bucket with access logs', () => {
    const bucket = all[stack.getLogicalId(stack.bucket.node.defaultChild as never)];
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { DestinationBucketName: expect.anything(), LogFilePrefix: 'console-bucket/' },
    });
    const policy = ofType('AWS::S3::BucketPolicy').find(([, r]) => flat(r.Properties.Bucket).includes(stack.getLogicalId(stack.bucket.node.defaultChild as never)))!;
    expect(flat(policy[1].Properties.PolicyDocument)).toContain('"aws:SecureTransport":"false"');
  });

  it('serves it through CloudFront with origin access control (not an OAI), HTTPS only, SPA fallback and logs', () => {
    expect(ofType('AWS::CloudFront::CloudFrontOriginAccessIdentity')).toHaveLength(0);
    t.hasResourceProperties('AWS::CloudFront::OriginAccessControl', { OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }) });
    t.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Origins: [Match.objectLike({ OriginAccessControlId: Match.anyValue(), S3OriginConfig: { OriginAccessIdentity: '' } })],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: Match.anyValue(), AllowedMethods: ['GET', 'HEAD'] }),
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
        ],
        Logging: Match.objectLike({ Prefix: 'cloudfront/' }),
      }),
    });
    // Only the distribution may read the bucket (OAC: the CloudFront service principal, scoped to this distribution).
    const policy = ofType('AWS::S3::BucketPolicy').map(([, r]) => flat(r.Properties.PolicyDocument)).find((p) => p.includes('cloudfront.amazonaws.com'))!;
    expect(policy).toContain('"AWS:SourceArn"');
    expect(policy).toContain('s3:GetObject');
  });

  it('sends a strict Content-Security-Policy naming the API, HSTS, nosniff, no framing and no referrer', () => {
    const [[, headers]] = ofType('AWS::CloudFront::ResponseHeadersPolicy');
    const sec = headers.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = flat(sec.ContentSecurityPolicy.ContentSecurityPolicy);
    for (const part of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "connect-src 'self' "]) expect(csp).toContain(part);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    // connect-src names the HTTP API's endpoint (read from the API stack's outputs: a weak reference).
    expect(csp).toMatch(/connect-src 'self' ","?\{"Fn::GetStackOutput":\{"StackName":"[^"]*","Region":\{"Ref":"AWS::Region"\},"OutputName":"[^"]*ApiEndpoint/);
    expect(sec).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 63072000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: 'DENY', Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
    });
  });

  it('uploads hashed assets as immutable and the page with a generated config.json as no-cache, invalidating the page', () => {
    const deployments = ofType('Custom::CDKBucketDeployment').map(([, r]) => r.Properties);
    const assets = deployments.find((d) => flat(d.Include) === '["assets/*"]')!;
    expect(assets).toMatchObject({ Exclude: ['*'], Prune: false, SystemMetadata: { 'cache-control': CACHE_IMMUTABLE } });
    const page = deployments.find((d) => d !== assets)!;
    expect(page).toMatchObject({ Exclude: ['assets/*'], SystemMetadata: { 'cache-control': CACHE_REVALIDATE }, DistributionPaths: ['/', '/index.html', '/config.json'] });
    // Source.jsonData: config.json with the API endpoint filled in at deploy time.
    expect(page.SourceMarkers).toHaveLength(2);
    expect(flat(page.SourceMarkers)).toMatch(/"Fn::GetStackOutput":\{.*?"OutputName":"[^"]*ApiEndpoint/);
  });

  it('opens the HTTP API to exactly the distribution origin, with the methods and headers the console needs and ETag readable', () => {
    const [[, cors]] = ofType('Custom::HooklineApiCors');
    const create = flat(cors.Properties.Create);
    expect(create).toContain('UpdateApi');
    expect(create).toMatch(/AllowOrigins\\":\[\\"https:\/\/","?\{"Fn::GetAtt":\["ConsoleDistribution[A-Z0-9]+","DomainName"\]\}/);
    expect(create).toContain(`\\"AllowHeaders\\":${JSON.stringify(JSON.stringify(CONSOLE_CORS.allowHeaders)).slice(1, -1)}`);
    expect(create).toContain('\\"ExposeHeaders\\":[\\"etag\\"');
    expect(create).not.toContain('\\"*\\"');
    expect(flat(cors.Properties.Delete)).toContain('DeleteCorsConfiguration');
  });

  it('outputs the console URL', () => {
    expect(t.findOutputs('ConsoleUrl').ConsoleUrl.Value).toEqual({ 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^ConsoleDistribution/), 'DomainName'] }, '/']] });
  });
});
