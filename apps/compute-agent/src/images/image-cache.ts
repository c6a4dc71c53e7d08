import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ImageSpec } from '@stratus/contracts';

export class ImageDownloadError extends Error {}

/**
 * Nova's `_base` cache: each image downloaded once per host, its checksum verified before it is
 * used, written to a temporary file and renamed so a half-downloaded image is never a base.
 */
export class ImageCache {
  private readonly inFlight = new Map<string, Promise<string>>();

  constructor(private readonly folder: string) {
    mkdirSync(folder, { recursive: true });
  }

  path(imageId: string): string {
    return join(this.folder, imageId);
  }

  fetch(image: ImageSpec, authToken: string): Promise<string> {
    const target = this.path(image.id);
    if (existsSync(target)) return Promise.resolve(target);
    let pending = this.inFlight.get(image.id);
    if (!pending) {
      pending = this.download(image, authToken, target).finally(() => this.inFlight.delete(image.id));
      this.inFlight.set(image.id, pending);
    }
    return pending;
  }

  private async download(image: ImageSpec, authToken: string, target: string): Promise<string> {
    const response = await fetch(image.url, { headers: { 'X-Auth-Token': authToken } });
    if (response.status !== 200 || !response.body) {
      throw new ImageDownloadError(`Image ${image.id} could not be downloaded: HTTP ${response.status}.`);
    }
    const md5 = createHash('md5');
    const strong = image.osHashAlgo && image.osHashValue ? createHash(image.osHashAlgo) : undefined;
    const temporary = `${target}.part-${process.pid}`;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        strong?.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as never), hashing, createWriteStream(temporary));
      if (image.checksum && md5.digest('hex') !== image.checksum) {
        throw new ImageDownloadError(`Image ${image.id} failed its md5 check.`);
      }
      if (strong && strong.digest('hex') !== image.osHashValue) {
        throw new ImageDownloadError(`Image ${image.id} failed its ${image.osHashAlgo} check.`);
      }
      renameSync(temporary, target);
      return target;
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
  }
}
