import type { BackupStore } from '../../ports';
import type { LazyS3 } from './clients';
import { unavailable } from './errors';

/** Webhook config backups in the (versioned) config bucket: `backups/webhooks/{id}/{version}.json`. */
export class S3BackupStore implements BackupStore {
  constructor(private readonly s3: LazyS3, private readonly bucket: string) {}

  private key(id: string, version: number): string {
    // Zero-padded so keys sort by version.
    return `backups/webhooks/${id}/${String(version).padStart(8, '0')}.json`;
  }

  async put(id: string, version: number, config: unknown): Promise<void> {
    try {
      const { client, sdk } = await this.s3.load();
      await client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key: this.key(id, version), Body: JSON.stringify(config, null, 2), ContentType: 'application/json' }));
    } catch (err) {
      throw unavailable('The backup store', err);
    }
  }

  async list(id: string): Promise<{ version: number; key: string; at: string; bytes: number }[]> {
    const out: { version: number; key: string; at: string; bytes: number }[] = [];
    let token: string | undefined;
    try {
      const { client, sdk } = await this.s3.load();
      do {
        const page = await client.send(new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: `backups/webhooks/${id}/`, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          const m = /\/(\d+)\.json$/.exec(o.Key ?? '');
          if (m) out.push({ version: Number(m[1]), key: o.Key!, at: (o.LastModified ?? new Date(0)).toISOString(), bytes: o.Size ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw unavailable('The backup store', err);
    }
    return out.sort((a, b) => b.version - a.version);
  }

  async get(id: string, version: number): Promise<unknown | null> {
    try {
      const { client, sdk } = await this.s3.load();
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.key(id, version) }));
      return JSON.parse(await out.Body!.transformToString('utf8'));
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return null;
      throw unavailable('The backup store', err);
    }
  }
}
