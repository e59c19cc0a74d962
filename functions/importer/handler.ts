import type { ImportResult } from '../../shared/ports';
import { importConfigFile } from '../../shared/usecases/import-config';
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
 */
async function handle(event: ObjectCreatedEvent): Promise<ImportResult | null> {
  deps ??= wire();
  const key = decodeURIComponent(event.detail.object.key.replace(/\+/g, ' '));
  const inInbox = event.detail.bucket.name === deps.bucket && key.startsWith('config/webhooks/') && !key.slice('config/webhooks/'.length).includes('/');
  return inInbox ? importConfigFile(deps, key, await deps.inbox.getText(key)) : null;
}

export const handler = lambdaEntry(handle);
