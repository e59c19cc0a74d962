import { managementDeps } from '../../shared/adapters/aws/wiring';
import { loadEnv } from '../../shared/env';
import { apiHandler } from '../../shared/http/api-handler';
import { operations } from './operations';

/** The management API Lambda: the route table's `api` routes. */
export const handler = apiHandler('api', operations, () => {
  const env = loadEnv('api');
  return managementDeps(env.resources, env.settings);
});
