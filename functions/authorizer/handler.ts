import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import type { AuthContext } from '../../shared/http/api-handler';
import { authenticate, bearerToken } from '../../shared/usecases/api-keys';
import { wire, type AuthorizerDeps } from './wiring';
import { lambdaEntry } from '../../shared/log';

let deps: AuthorizerDeps | undefined;

const allow = (context: AuthContext) => ({ isAuthorized: true, context });

/**
 * Resolves the API key on every /api request (no result caching, so a revoked key or portal token
 * stops working at once, and an expired portal token at its `expires_at`). It always allows and passes the verdict as context: the API answers 401/403 with the
 * contract's error body, which API Gateway's own deny responses cannot carry.
 */
async function handle(event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthContext>> {
  deps ??= wire();
  const key = bearerToken(event.headers?.authorization ?? event.headers?.Authorization);
  if (!key) return allow({ auth: 'missing' });
  const principal = await authenticate(deps.keys, await deps.adminKey.value(), key, deps.clock.now());
  if (principal === 'expired') return allow({ auth: 'expired' });
  if (!principal) return allow({ auth: 'invalid' });
  return allow({ auth: 'ok', key_id: principal.key_id, name: principal.name, scopes: principal.scopes.join(','), ...(principal.tenant_id ? { tenant_id: principal.tenant_id } : {}) });
}

export const handler = lambdaEntry(handle);
