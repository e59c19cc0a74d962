import type { TextObjects } from '../../ports';
import type { LazyS3 } from './clients';
import { unavailable } from './errors';

/** UTF-8 objects of one bucket. */
export class S3TextObjects implements TextObjects {
  constructor(private readonly s3: LazyS3, private readonly bucket: string) {}

  async getText(key: string): Promise<string> {
    try {
      const { client, sdk } = await this.s3.load();
      const obj = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await obj.Body!.transformToString('utf8');
    } catch (err) {
      throw unavailable('The config bucket', err);
    }
  }
}
