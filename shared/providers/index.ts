import type { Provider } from '../model/webhook';
import { custom } from './custom';
import { github } from './github';
import type { ProviderAdapter } from './types';

/** Providers the receiver can verify, keyed by provider id. */
export const providers: Partial<Record<Provider, ProviderAdapter>> = { github, custom };

export function providerAdapter(id: string): ProviderAdapter | undefined {
  return Object.hasOwn(providers, id) ? providers[id as Provider] : undefined;
}

/** Secrets that verify right now: the current one and any rotated-out one still in its grace period. */
export function activeSecrets(w: { secret: string; previous_secrets?: { secret: string; expires_at: string }[] }, now: Date): string[] {
  return [w.secret, ...(w.previous_secrets ?? []).filter((p) => Date.parse(p.expires_at) > now.getTime()).map((p) => p.secret)];
}
