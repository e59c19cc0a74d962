import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Clock } from '../../clock';
import { cachedLoader } from '../../config-cache';
import type { SecretSource } from '../../ports';

/**
 * A Secrets Manager secret, read at most once per `ttlMs` per container (a failed read is not
 * cached). The short TTL is what makes rotation work: a new value is in use everywhere within it.
 */
export function secretsManagerSecret(sm: SecretsManagerClient, secretId: string, ttlMs: number, clock: Clock): SecretSource {
  const load = cachedLoader(async () => (await sm.send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString ?? null, ttlMs, clock);
  return { value: async () => (await load(secretId)) ?? undefined };
}

/** A value given in the environment (the local stack's WEBHOOKS_ADMIN_KEY), or none. */
export function fixedSecret(value: string | undefined): SecretSource {
  return { value: async () => value };
}
