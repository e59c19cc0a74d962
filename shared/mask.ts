/** Mask a secret for display: keep its prefix (`whsec_`) and last four characters. (No zod here: hot-path bundles import it.) */
export function maskSecret(secret: string): string {
  const m = /^([a-z]+_)/i.exec(secret);
  const prefix = m ? m[1] : '';
  return `${prefix}…${secret.slice(-4)}`;
}
