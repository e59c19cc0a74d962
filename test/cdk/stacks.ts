/** Builds the two Hookline stacks the way bin/app.ts does, without bundling (the tests read templates only). */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HooklineApiStack, type HooklineApiStackProps } from '../../lib/api-stack';
import { HooklineConsoleStack } from '../../lib/console-stack';
import { HooklineDataStack } from '../../lib/data-stack';

/** The project root: where package-lock.json and the manifest's `entry` paths are. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** A fresh app with both stacks; `nag` registers cdk-nag's AWS Solutions checks like bin/app.ts. */
export function buildApp(opts: { nag?: boolean; context?: Record<string, unknown>; consoleUrl?: HooklineApiStackProps['consoleUrl'] } = {}) {
  // Skipping bundling keeps the tests independent of the handlers compiling and ~1 s faster per stack.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...opts.context } });
  if (opts.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const data = new HooklineDataStack(app, 'HooklineData');
  const api = new HooklineApiStack(app, 'HooklineApi', { data, projectRoot: PROJECT_ROOT, consoleUrl: opts.consoleUrl });
  const consoleStack = new HooklineConsoleStack(app, 'HooklineConsole', { api, consoleDir: consoleFixture() });
  return { app, data, api, console: consoleStack };
}

/** A built console as bin/console/build.ts lays it out (the stack tests do not need the real app). */
function consoleFixture(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hookline-console-'));
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" src="/assets/main-TEST.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'main-TEST.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'manifest.json'), '{}');
  return dir;
}

/** A CloudFormation resource as it appears in a template. */
export interface CfnResourceJson {
  Type: string;
  Properties: Record<string, any>;
}

/** The resources of a template, by logical id. */
export function resources(template: Template): Record<string, CfnResourceJson> {
  return template.toJSON().Resources;
}
