import type { ImportResult } from '../../shared/ports';
import { wire, type ImporterDeps } from './wiring';
import { lambdaEntry } from '../../shared/log';

/** The EventBridge "Object Created" event S3 sends for the config inbox prefix. */
export interface ObjectCreatedEvent {
  'detail-type': string;
  detail: { bucket: { name: string }; object: { key: string; size?: number } };
}

let deps: ImporterDeps | undefined;

/**
 * Config inbox: applies `config/webhooks/<name>.json` when it is written to the config bucket
 * (the local stack copies files from DATA_DIR/config/webhooks there and sends the same event).
 * The import use case (zod's classic API and the webhook schemas) loads with the first file, not
 * with this module (shared/http/lazy-handler.ts says why).
 */
async function handle(event: ObjectCreatedEvent): Promise<ImportResult | null> {
  deps ??= wire();
  const key = decodeURIComponent(event.detail.object.key.replace(/\+/g, ' '));
  const inInbox = event.detail.bucket.name === deps.bucket && key.startsWith('config/webhooks/') && !key.slice('config/webhooks/'.length).includes('/');
  if (!inInbox) return null;
  const { importConfigFile } = await import('../../shared/usecases/import-config');
  return importConfigFile(deps, key, await deps.inbox.getText(key));
}

export const handler = lambdaEntry(handle);
