/**
 * Mask a secret for display: keep a known prefix (`whsec_`, `whpk_`) and the last four characters.
 * Only known prefixes: a plain secret such as `your_webhook_secret` must not show its first word.
 * (No zod here: hot-path bundles import it.)
 */
export function maskSecret(secret: string): string {
  const m = /^(whsec_|whpk_)/.exec(secret);
  const prefix = m ? m[1] : '';
  return `${prefix}…${secret.slice(-4)}`;
}
