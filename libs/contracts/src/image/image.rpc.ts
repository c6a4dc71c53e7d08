import { rpc } from '../common/rpc';

/**
 * The caller on whose behalf an image is looked up: the project and roles of the token the
 * compute request came with. Glance's visibility rules are applied to this context.
 */
export interface ImageCallerContext {
  projectId: string | null;
  /** Role names, as in the token ("admin", "member", "reader", "service"). */
  roles: string[];
}

/** An image's metadata as the image service reports it (Glance's fields, camel-cased). */
export interface ImageRef {
  id: string;
  name: string | null;
  status: string;
  visibility: 'public' | 'private' | 'shared' | 'community';
  owner: string | null;
  protected: boolean;
  osHidden: boolean;
  diskFormat: string | null;
  containerFormat: string | null;
  size: number | null;
  virtualSize: number | null;
  /** md5 hex of the data. */
  checksum: string | null;
  osHashAlgo: string | null;
  osHashValue: string | null;
  minDisk: number;
  minRam: number;
  /** Custom properties: hw_*, architecture, hypervisor_type, kernel_id, ramdisk_id, os_* ... */
  properties: Record<string, string>;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  /** Path of the data below the image endpoint, e.g. /v2/images/{id}/file. */
  file: string;
}

export interface GetImageRequest {
  imageId: string;
  context: ImageCallerContext;
}

/**
 * Looks up an image for compute-api and compute-agent. Answers ImageNotFound (404) when the
 * image does not exist or is not visible to the context, exactly as GET /v2/images/{id} would.
 */
export const GetImage = rpc<GetImageRequest, ImageRef>('image.image.get');
