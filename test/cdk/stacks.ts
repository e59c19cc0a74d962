/** Builds the two Hookline stacks the way bin/app.ts does, without bundling (the tests read templates only). */
import * as path from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { HooklineApiStack } from '../../lib/api-stack';
import { HooklineDataStack } from '../../lib/data-stack';

/** The project root: where package-lock.json and the manifest's `entry` paths are. */
export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** A fresh app with both stacks; `nag` registers cdk-nag's AWS Solutions checks like bin/app.ts. */
export function buildApp(opts: { nag?: boolean } = {}) {
  // Skipping bundling keeps the tests independent of the handlers compiling and ~1 s faster per stack.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  if (opts.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const data = new HooklineDataStack(app, 'HooklineData');
  const api = new HooklineApiStack(app, 'HooklineApi', { data, projectRoot: PROJECT_ROOT });
  return { app, data, api };
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
