import type { ImageRef } from '@stratus/contracts';
import { isotime } from '../common/glance-errors';
import type { ImageEntity, ImageMemberEntity } from '../persistence/image.entities';

export interface LoadedImage {
  image: ImageEntity;
  properties: Record<string, string>;
  tags: string[];
}

/** Custom properties Glance keeps but never shows. */
const HIDDEN_PROPERTIES = new Set(['os_glance_stage_host']);

/** The image as GET /v2/images/{id} shows it: custom properties at the top level, nulls kept. */
export function imageView({ image, properties, tags }: LoadedImage): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(properties)) if (!HIDDEN_PROPERTIES.has(key)) view[key] = value;
  Object.assign(view, {
    name: image.name,
    disk_format: image.diskFormat,
    container_format: image.containerFormat,
    visibility: image.visibility,
    size: image.size,
    virtual_size: image.virtualSize,
    status: image.status,
    checksum: image.checksum,
    protected: image.protected,
    min_ram: image.minRam,
    min_disk: image.minDisk,
    owner: image.owner,
    os_hidden: image.osHidden,
    os_hash_algo: image.osHashAlgo,
    os_hash_value: image.osHashValue,
    id: image.id,
    created_at: isotime(image.createdAt),
    updated_at: isotime(image.updatedAt),
    tags: [...tags],
    self: `/v2/images/${image.id}`,
    file: `/v2/images/${image.id}/file`,
    schema: '/v2/schemas/image',
  });
  return view;
}

export function memberView(member: ImageMemberEntity): Record<string, unknown> {
  return {
    member_id: member.memberId,
    image_id: member.imageId,
    status: member.status,
    created_at: isotime(member.createdAt),
    updated_at: isotime(member.updatedAt),
    schema: '/v2/schemas/member',
  };
}

export function imageRef({ image, properties, tags }: LoadedImage): ImageRef {
  return {
    id: image.id,
    name: image.name,
    status: image.status,
    visibility: image.visibility as ImageRef['visibility'],
    owner: image.owner,
    protected: image.protected,
    osHidden: image.osHidden,
    diskFormat: image.diskFormat,
    containerFormat: image.containerFormat,
    size: image.size,
    virtualSize: image.virtualSize,
    checksum: image.checksum,
    osHashAlgo: image.osHashAlgo,
    osHashValue: image.osHashValue,
    minDisk: image.minDisk,
    minRam: image.minRam,
    properties: Object.fromEntries(Object.entries(properties).filter(([k]) => !HIDDEN_PROPERTIES.has(k))),
    tags: [...tags],
    createdAt: isotime(image.createdAt),
    updatedAt: isotime(image.updatedAt),
    file: `/v2/images/${image.id}/file`,
  };
}
