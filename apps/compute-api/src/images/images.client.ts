import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, GetImage, ImageRef } from '@stratus/contracts';
import { AuthContext, DomainError, RpcClient } from '@stratus/platform';
import { callService } from '../common/service-http';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';

/** Glance v2 image attributes; anything else on an image is a custom property. */
const GLANCE_ATTRIBUTES = new Set([
  'id',
  'name',
  'status',
  'visibility',
  'protected',
  'checksum',
  'owner',
  'size',
  'virtual_size',
  'min_ram',
  'min_disk',
  'disk_format',
  'container_format',
  'created_at',
  'updated_at',
  'tags',
  'self',
  'file',
  'schema',
  'os_hidden',
  'os_hash_algo',
  'os_hash_value',
  'locations',
  'direct_url',
  'stores',
]);

/**
 * Images for compute: one image by id over NATS (the image service's contract), listings and new
 * snapshots through the image API with the caller's token, as Nova talks to Glance.
 */
@Injectable()
export class ImagesClient {
  constructor(
    private readonly rpc: RpcClient,
    @Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig,
  ) {}

  get endpoint(): string {
    return this.config.COMPUTE_IMAGE_URL.replace(/\/+$/, '');
  }

  /** The image as the caller may see it; ImageNotFound (404) otherwise. */
  async get(imageId: string, auth: AuthContext): Promise<ImageRef> {
    return this.rpc.request(GetImage, {
      imageId,
      context: { projectId: auth.projectId ?? null, roles: auth.roles.map((r) => r.name) },
    });
  }

  /** Like get, but undefined when the image does not exist or is hidden from the caller. */
  async find(imageId: string, auth: AuthContext): Promise<ImageRef | undefined> {
    try {
      return await this.get(imageId, auth);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) return undefined;
      throw error;
    }
  }

  /** Every image the caller sees in the image API, following its pages. */
  async list(auth: AuthContext, filters: Record<string, string>): Promise<ImageRef[]> {
    const images: ImageRef[] = [];
    const query = new URLSearchParams({ ...filters, limit: '1000' });
    let next: string | undefined = `/v2/images?${query.toString()}`;
    for (let pages = 0; next && pages < 100; pages++) {
      const body = (await this.call('GET', next, auth)) as {
        images: Record<string, unknown>[];
        next?: string;
      };
      images.push(...body.images.map(fromGlance));
      next = body.next;
    }
    return images;
  }

  /** Uploads an image's data in one request: small payloads only (compute streams disks from the hosts). */
  async upload(imageId: string, data: Uint8Array, auth: AuthContext): Promise<void> {
    await callService('image', this.endpoint, {
      method: 'PUT',
      path: `/v2/images/${imageId}/file`,
      token: auth.token,
      data,
      timeoutMs: this.config.NATS_REQUEST_TIMEOUT_MS,
    });
  }

  call(method: string, path: string, auth: AuthContext, body?: unknown): Promise<unknown> {
    return callService('image', this.endpoint, {
      method,
      path,
      token: auth.token,
      body,
      timeoutMs: this.config.NATS_REQUEST_TIMEOUT_MS,
    });
  }
}

export function fromGlance(image: Record<string, unknown>): ImageRef {
  const str = (key: string) => (typeof image[key] === 'string' ? (image[key] as string) : null);
  const num = (key: string) => (typeof image[key] === 'number' ? (image[key] as number) : null);
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(image)) {
    if (!GLANCE_ATTRIBUTES.has(key) && value !== null && value !== undefined) properties[key] = String(value);
  }
  return {
    id: String(image.id),
    name: str('name'),
    status: str('status') ?? 'queued',
    visibility: (str('visibility') ?? 'private') as ImageRef['visibility'],
    owner: str('owner'),
    protected: image.protected === true,
    osHidden: image.os_hidden === true,
    diskFormat: str('disk_format'),
    containerFormat: str('container_format'),
    size: num('size'),
    virtualSize: num('virtual_size'),
    checksum: str('checksum'),
    osHashAlgo: str('os_hash_algo'),
    osHashValue: str('os_hash_value'),
    minDisk: num('min_disk') ?? 0,
    minRam: num('min_ram') ?? 0,
    properties,
    tags: Array.isArray(image.tags) ? image.tags.map(String) : [],
    createdAt: str('created_at') ?? new Date(0).toISOString(),
    updatedAt: str('updated_at') ?? new Date(0).toISOString(),
    file: str('file') ?? `/v2/images/${String(image.id)}/file`,
  };
}
