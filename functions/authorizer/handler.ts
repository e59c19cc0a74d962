import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult } from 'aws-lambda';
import { documentClient } from '../../shared/adapters/aws/clients';
import { DynamoApiKeyStore } from '../../shared/adapters/aws/dynamo-config-store';
import { loadEnv } from '../../shared/env';
import { authenticate, bearerToken } from '../../shared/usecases/api-keys';
import type { AuthContext } from '../../shared/http/api-handler';

let store: DynamoApiKeyStore | undefined;
let settings: ReturnType<typeof loadEnv>['settings'];
let adminKey: Promise<string | undefined> | undefined;

/** The admin key: WEBHOOKS_ADMIN_KEY locally, the stack's Secrets Manager secret in AWS (read once per container). */
function loadAdminKey(settings: ReturnType<typeof loadEnv>['settings']): Promise<string | undefined> {
  if (settings.WEBHOOKS_ADMIN_KEY) return Promise.resolve(settings.WEBHOOKS_ADMIN_KEY);
  if (!settings.ADMIN_KEY_SECRET_ARN) return Promise.resolve(undefined);
  return new SecretsManagerClient({})
    .send(new GetSecretValueCommand({ SecretId: settings.ADMIN_KEY_SECRET_ARN }))
    .then((s) => s.SecretString);
}

/**
 * Resolves the API key on every /api request (no result caching, so a revoked key stops working
 * at once). It always allows and passes the verdict as context: the API answers 401/403 with the
 * contract's error body, which API Gateway's own deny responses cannot carry.
 */
export async function handler(event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerWithContextResult<AuthContext>> {
  if (!store) {
    const env = loadEnv('authorizer');
    store = new DynamoApiKeyStore(documentClient(), env.resources.tables.config);
    settings = env.settings;
  }
  if (!adminKey) {
    adminKey = loadAdminKey(settings);
    // A failed secret read is retried on the next request instead of being cached.
    adminKey.catch(() => (adminKey = undefined));
  }
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const key = bearerToken(header);
  if (!key) return { isAuthorized: true, context: { auth: 'missing' } };
  const principal = await authenticate(store, await adminKey, key);
  if (!principal) return { isAuthorized: true, context: { auth: 'invalid' } };
  return { isAuthorized: true, context: { auth: 'ok', key_id: principal.key_id, name: principal.name, scopes: principal.scopes.join(',') } };
}
