import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { TextObjects } from '../../ports';
import { unavailable } from './errors';

/** UTF-8 objects of one bucket. */
export class S3TextObjects implements TextObjects {
  constructor(private readonly s3: S3Client, private readonly bucket: string) {}

  async getText(key: string): Promise<string> {
    try {
      const obj = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return await obj.Body!.transformToString('utf8');
    } catch (err) {
      throw unavailable('The config bucket', err);
    }
  }
}
