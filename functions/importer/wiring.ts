import { documentClient, s3Client } from '../../shared/adapters/aws/clients';
import { DynamoAuditLog, DynamoImportLog, DynamoSecretVault, DynamoWebhookStore } from '../../shared/adapters/aws/dynamo-config-store';
import { S3BackupStore } from '../../shared/adapters/aws/s3-backup-store';
import { S3TextObjects } from '../../shared/adapters/aws/s3-text-objects';
import { randomIds, systemClock } from '../../shared/clock';
import { loadEnv } from '../../shared/env';
import type { TextObjects } from '../../shared/ports';
import type { ImportDeps } from '../../shared/usecases/import-config';

export type ImporterDeps = ImportDeps & { inbox: TextObjects; bucket: string };

/** The importer's composition root: the config table and the config bucket, nothing else. */
export function wire(): ImporterDeps {
  const { resources, settings } = loadEnv('importer');
  const db = documentClient();
  return {
    webhooks: new DynamoWebhookStore(db, resources.tables.config),
    audit: new DynamoAuditLog(db, resources.tables.config),
    vault: new DynamoSecretVault(db, resources.tables.config),
    imports: new DynamoImportLog(db, resources.tables.config),
    backups: new S3BackupStore(s3Client(), resources.buckets.config),
    inbox: new S3TextObjects(s3Client(), resources.buckets.config),
    bucket: resources.buckets.config,
    clock: systemClock,
    ids: randomIds,
    receiverUrl: settings.RECEIVER_URL ?? 'http://localhost:3000',
    allowPrivateTargets: settings.ALLOW_PRIVATE_TARGETS === 'true',
  };
}
