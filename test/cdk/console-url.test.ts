import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, resources } from './stacks';

/**
 * Portal links after a plain `cdk deploy --all`: the console stack writes its URL to an SSM
 * parameter of a fixed per-stage name, and the api function may read exactly that parameter (no
 * reference from the API stack to the console stack, which depends on it). `hookline:consoleUrl`
 * (a custom domain) still wins: then CONSOLE_URL is set and no SSM access is granted.
 */
function synth(opts: Parameters<typeof buildApp>[0] = {}) {
  const built = buildApp(opts);
  const api = Template.fromStack(built.api);
  const all = resources(api);
  const id = (c: { node: { defaultChild?: unknown } }) => built.api.getLogicalId(c.node.defaultChild as CfnElement);
  const apiFn = all[id(built.api.functions.api.fn)];
  /** Every Allow statement naming an ssm: action, of every function's role. */
  const ssmStatements = Object.entries(built.api.functions).flatMap(([name, fn]) => {
    const policy = fn.role.node.tryFindChild('DefaultPolicy') as { node: { defaultChild?: unknown } } | undefined;
    if (!policy) return [];
    return (all[id(policy)].Properties.PolicyDocument.Statement as any[])
      .filter((s) => [s.Action].flat().some((a: string) => a.startsWith('ssm:')))
      .map((s) => ({ name, Effect: s.Effect, Action: s.Action, Resource: s.Resource }));
  });
  return { built, env: apiFn.Properties.Environment.Variables, ssmStatements, console: Template.fromStack(built.console) };
}

const parameterArn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ssm:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:parameter${name}`]] });

describe.each([
  ['dev (the default stage)', {}, '/hookline/dev/console-url'],
  ['prod', { 'hookline:stage': 'prod' }, '/hookline/prod/console-url'],
])('console URL parameter, %s', (_label, context, name) => {
  const { built, env, ssmStatements, console: consoleTemplate } = synth({ context });

  it(`the console stack writes its distribution URL to the String parameter ${name}`, () => {
    consoleTemplate.resourceCountIs('AWS::SSM::Parameter', 1);
    consoleTemplate.hasResourceProperties('AWS::SSM::Parameter', {
      Name: name,
      Type: 'String',
      Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [built.console.getLogicalId(built.console.distribution.node.defaultChild as CfnElement), 'DomainName'] }]] },
    });
  });

  it('the api function gets the parameter name, not a URL, and may GetParameter on exactly that ARN', () => {
    expect(env.CONSOLE_URL_PARAMETER).toBe(name);
    expect(env.CONSOLE_URL).toBeUndefined();
    expect(ssmStatements).toEqual([{ name: 'api', Effect: 'Allow', Action: 'ssm:GetParameter', Resource: parameterArn(name) }]);
  });

  it('the API stack does not refer to the console stack (which depends on it): no cycle', () => {
    expect(built.api.dependencies).toEqual([built.data]);
    expect(JSON.stringify(Template.fromStack(built.api).toJSON())).not.toContain(built.console.stackName);
  });
});

describe('console URL from hookline:consoleUrl (a custom domain)', () => {
  const { env, ssmStatements, console: consoleTemplate } = synth({ consoleUrl: 'https://console.example.com' });

  it('is the api function CONSOLE_URL, and no function may read SSM', () => {
    expect(env.CONSOLE_URL).toBe('https://console.example.com');
    expect(env.CONSOLE_URL_PARAMETER).toBeUndefined();
    expect(ssmStatements).toEqual([]);
  });

  it('the console stack still writes its parameter (harmless, and ready if the override is dropped)', () => {
    consoleTemplate.resourceCountIs('AWS::SSM::Parameter', 1);
  });
});
