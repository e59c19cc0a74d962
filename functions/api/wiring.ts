import { lambdaLogger } from '../../shared/adapters/aws/powertools';
import { managementDeps } from '../../shared/adapters/aws/wiring';
import { loadEnv } from '../../shared/env';
import type { ManagementDeps } from '../../shared/ports';

/** The management API's composition root. */
export function wire(): ManagementDeps {
  const env = loadEnv('api');
  return managementDeps(env.resources, env.settings, lambdaLogger().log);
}
