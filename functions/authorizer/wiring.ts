import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { documentClient } from '../../shared/adapters/aws/clients';
import { DynamoApiKeyStore } from '../../shared/adapters/aws/dynamo-config-store';
import { fixedSecret, secretsManagerSecret } from '../../shared/adapters/aws/secrets';
import { systemClock, type Clock } from '../../shared/clock';
import { loadEnv } from '../../shared/env';
import type { ApiKeyStore, SecretSource } from '../../shared/ports';

export interface AuthorizerDeps {
  keys: Pick<ApiKeyStore, 'get'>;
  /** WEBHOOKS_ADMIN_KEY locally; the stack's Secrets Manager secret in AWS, cached ADMIN_KEY_CACHE_SECONDS. */
  adminKey: SecretSource;
  /** Judges portal tokens' expires_at. */
  clock: Clock;
}

/** The authorizer's composition root: the config table (API keys) and the admin key secret. */
export function wire(): AuthorizerDeps {
  const { resources, settings } = loadEnv('authorizer');
  return {
    keys: new DynamoApiKeyStore(documentClient(), resources.tables.config),
    adminKey:
      settings.WEBHOOKS_ADMIN_KEY || !settings.ADMIN_KEY_SECRET_ARN
        ? fixedSecret(settings.WEBHOOKS_ADMIN_KEY)
        : secretsManagerSecret(new SecretsManagerClient({}), settings.ADMIN_KEY_SECRET_ARN, settings.ADMIN_KEY_CACHE_SECONDS * 1000, systemClock),
    clock: systemClock,
  };
}
