import type { Provider } from '../model/webhook';
import { clerk } from './clerk';
import { custom } from './custom';
import { github } from './github';
import { gitlab } from './gitlab';
import { jira } from './jira';
import { linear } from './linear';
import { sentry } from './sentry';
import { shopify } from './shopify';
import { slack } from './slack';
import { standard } from './standard';
import { stripe } from './stripe';
import type { ProviderAdapter } from './types';

/** Providers the receiver can verify, keyed by provider id. */
export const providers: Partial<Record<Provider, ProviderAdapter>> = { github, gitlab, jira, slack, sentry, stripe, clerk, standard, linear, shopify, custom };

export function providerAdapter(id: string): ProviderAdapter | undefined {
  return Object.hasOwn(providers, id) ? providers[id as Provider] : undefined;
}

/** Secrets that verify right now: the current one and any rotated-out one still in its grace period. */
export function activeSecrets(w: { secret: string; previous_secrets?: { secret: string; expires_at: string }[] }, now: Date): string[] {
  return [w.secret, ...(w.previous_secrets ?? []).filter((p) => Date.parse(p.expires_at) > now.getTime()).map((p) => p.secret)];
}
