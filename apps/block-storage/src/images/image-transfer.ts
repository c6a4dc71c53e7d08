import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, GetImage, ImageRef } from '@stratus/contracts';
import { DomainError, RpcClient } from '@stratus/platform';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BLOCK_STORAGE_CONFIG } from '../block-storage.tokens';
import type { Actor } from '../common/actor';
import { cinderErrors } from '../common/cinder-errors';
import type { BlockStorageConfig } from '../config/block-storage-config';

/** A transfer to or from the image service failed; the message is safe to show the user. */
export class ImageTransferError extends Error {}

export interface NewImage {
  name: string;
  diskFormat: string;
  containerFormat: string;
  visibility?: string;
  protected?: boolean;
  properties: Record<string, string>;
}

/**
 * The image service as block storage uses it: image lookups over NATS with the caller's
 * visibility, and data over HTTP with the caller's own token (as Cinder uses the request's token
 * with Glance), so no service credential is needed and a user can only read the images it may.
 */
@Injectable()
export class ImageTransfer {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  private get endpoint(): string {
    return this.config.BLOCK_STORAGE_IMAGE_URL.replace(/\/+$/, '');
  }

  async lookup(actor: Actor, imageId: string): Promise<ImageRef> {
    try {
      return await this.rpc.request(GetImage, {
        imageId,
        context: { projectId: actor.projectId, roles: [...actor.roles] },
      });
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) {
        throw cinderErrors.invalidInput('Invalid image identifier or unable to access requested image.');
      }
      throw error;
    }
  }

  /** Streams the image's data to `target`, checking its md5 and multihash against the image's. */
  async download(image: ImageRef, token: string, target: string): Promise<void> {
    const response = await fetch(`${this.endpoint}${image.file}`, { headers: { 'X-Auth-Token': token } });
    if (response.status !== 200 || !response.body) {
      throw new ImageTransferError(`Image ${image.id} could not be downloaded: HTTP ${response.status}.`);
    }
    const md5 = createHash('md5');
    const strong = image.osHashAlgo && image.osHashValue ? createHash(image.osHashAlgo) : undefined;
    const hashing = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        md5.update(chunk);
        strong?.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(response.body as never),
        hashing,
        createWriteStream(target, { flags: 'wx' }),
      );
      if (image.checksum && md5.digest('hex') !== image.checksum) {
        throw new ImageTransferError(`Image ${image.id} failed its md5 check.`);
      }
      if (strong && strong.digest('hex') !== image.osHashValue) {
        throw new ImageTransferError(`Image ${image.id} failed its ${image.osHashAlgo} check.`);
      }
    } catch (error) {
      await fs.rm(target, { force: true });
      throw error instanceof ImageTransferError
        ? error
        : new ImageTransferError(`Image ${image.id} could not be downloaded: ${String(error)}`);
    }
  }

  /** Creates the image record (queued) for os-volume-upload-image; answers its id. */
  async createImage(token: string, image: NewImage): Promise<{ id: string }> {
    const response = await fetch(`${this.endpoint}/v2/images`, {
      method: 'POST',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: image.name,
        disk_format: image.diskFormat,
        container_format: image.containerFormat,
        ...(image.visibility ? { visibility: image.visibility } : {}),
        ...(image.protected !== undefined ? { protected: image.protected } : {}),
        ...image.properties,
      }),
    });
    const text = await response.text();
    if (response.status !== 201) {
      const reason = text
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim();
      throw new DomainError(
        response.status >= 400 && response.status < 500 ? ErrorCode.BadRequest : ErrorCode.Unavailable,
        `The image service refused the image: ${reason || `HTTP ${response.status}`}`,
      );
    }
    return { id: String((JSON.parse(text) as { id: string }).id) };
  }

  async uploadData(token: string, imageId: string, path: string): Promise<void> {
    const { size } = await fs.stat(path);
    const response = await fetch(`${this.endpoint}/v2/images/${imageId}/file`, {
      method: 'PUT',
      headers: {
        'X-Auth-Token': token,
        'Content-Type': 'application/octet-stream',
        'Content-Length': String(size),
      },
      body: Readable.toWeb(createReadStream(path)) as never,
      duplex: 'half',
    } as RequestInit);
    await response.text();
    if (response.status !== 204) {
      throw new ImageTransferError(`Image ${imageId} data upload failed: HTTP ${response.status}.`);
    }
  }
}
