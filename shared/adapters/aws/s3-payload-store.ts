import type { PayloadRef } from '../../model/event';
import type { PayloadStore } from '../../ports';
import type { LazyS3 } from './clients';
import { unavailable } from './errors';

/**
 * Event payloads in S3: one object per consumer batch holding gzip members back to back,
 * read back one event at a time with a byte-range GET. One PUT serves up to a whole batch.
 */
export class S3PayloadStore implements PayloadStore {
  constructor(private readonly s3: LazyS3, private readonly bucket: string) {}

  async putBatch(key: string, members: Buffer[]): Promise<PayloadRef[]> {
    const refs: PayloadRef[] = [];
    let offset = 0;
    for (const m of members) {
      refs.push({ key, offset, length: m.length });
      offset += m.length;
    }
    await this.putObject(key, Buffer.concat(members));
    return refs;
  }

  async putObject(key: string, body: Buffer): Promise<void> {
    try {
      const { client, sdk } = await this.s3.load();
      await client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/octet-stream' }));
    } catch (err) {
      throw unavailable('The payload store', err);
    }
  }

  async getRange(ref: PayloadRef): Promise<Buffer> {
    return this.read(ref.key, `bytes=${ref.offset}-${ref.offset + ref.length - 1}`);
  }

  getObject(key: string): Promise<Buffer> {
    return this.read(key);
  }

  private async read(key: string, range?: string): Promise<Buffer> {
    try {
      const { client, sdk } = await this.s3.load();
      const out = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      throw unavailable('The payload store', err);
    }
  }
}
