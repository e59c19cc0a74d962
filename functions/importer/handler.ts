import { GetObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../shared/adapters/aws/clients';
import { managementDeps } from '../../shared/adapters/aws/wiring';
import { loadEnv } from '../../shared/env';
import { importConfigFile, type ImportResult } from '../../shared/usecases/import-config';
import type { ManagementDeps } from '../../shared/usecases/deps';

/** The EventBridge "Object Created" event S3 sends for the config inbox prefix. */
export interface ObjectCreatedEvent {
  'detail-type': string;
  detail: { bucket: { name: string }; object: { key: string; size?: number } };
}

let deps: (ManagementDeps & { bucket: string }) | undefined;

/**
 * Config inbox: applies `config/webhooks/<name>.json` when it is written to the config bucket
 * (the local stack copies files from DATA_DIR/config/webhooks there and sends the same event).
 */
export async function handler(event: ObjectCreatedEvent): Promise<ImportResult | null> {
  deps ??= (() => {
    const env = loadEnv('importer');
    return { ...managementDeps(env.resources, env.settings), bucket: env.resources.buckets.config };
  })();
  const key = decodeURIComponent(event.detail.object.key.replace(/\+/g, ' '));
  if (!key.startsWith('config/webhooks/') || key.slice('config/webhooks/'.length).includes('/')) return null;
  const obj = await s3Client().send(new GetObjectCommand({ Bucket: event.detail.bucket.name, Key: key }));
  return importConfigFile(deps, key, await obj.Body!.transformToString('utf8'));
}
