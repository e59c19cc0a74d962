/** Provider ids of the contract (no zod here, so any bundle can import it). */
export const PROVIDERS = ['github', 'gitlab', 'jira', 'slack', 'sentry', 'stripe', 'clerk', 'standard', 'linear', 'shopify', 'custom'] as const;
export type ProviderId = (typeof PROVIDERS)[number];
