import type { AttachmentStatus, VolumeRef } from '@stratus/contracts';
import { createHash } from 'node:crypto';
import type { ApiVersion } from '../common/api-version';
import { resourceLinks } from '../common/links';
import { cinderTime } from '../common/time';
import type { VolumeAttachmentEntity, VolumeEntity } from '../persistence/block-storage.entities';

/** A volume with everything its views show, loaded in a few queries for a whole page. */
export interface LoadedVolume {
  volume: VolumeEntity;
  metadata: Record<string, string>;
  adminMetadata: Record<string, string>;
  glance: Record<string, string>;
  /** Attachments not yet detached (reserved, attaching, attached). */
  attachments: VolumeAttachmentEntity[];
  typeName: string;
}

export interface ViewContext {
  isAdmin: boolean;
  version: ApiVersion;
  baseUrl: string;
  /** The project in the request's path, for links. */
  urlProjectId: string;
}

/** Admin metadata users see inside `metadata` (Cinder's add_visible_admin_metadata). */
const VISIBLE_ADMIN_METADATA = ['readonly', 'attached_mode'];

/** A stable id for the volume service of a host (Cinder's service_uuid). */
export function serviceUuid(host: string): string {
  const hex = createHash('sha1').update(`cinder-volume:${host}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function isReadonly(loaded: Pick<LoadedVolume, 'adminMetadata'>): boolean {
  return loaded.adminMetadata.readonly === 'True';
}

function visibleMetadata(loaded: LoadedVolume): Record<string, string> {
  const visible = { ...loaded.metadata };
  for (const key of VISIBLE_ADMIN_METADATA) {
    if (loaded.adminMetadata[key] !== undefined) visible[key] = loaded.adminMetadata[key];
  }
  return visible;
}

function attachmentsView(loaded: LoadedVolume): Record<string, unknown>[] {
  return loaded.attachments
    .filter((a) => a.attachStatus === 'attached')
    .map((a) => ({
      server_id: a.instanceUuid,
      attachment_id: a.id,
      attached_at: cinderTime(a.attachTime),
      host_name: a.attachedHost,
      volume_id: loaded.volume.id,
      device: a.mountpoint,
      id: loaded.volume.id,
    }));
}

/** GET /volumes: id, name and links. */
export function volumeSummary(loaded: LoadedVolume, context: ViewContext): Record<string, unknown> {
  const { volume } = loaded;
  return {
    id: volume.id,
    name: volume.name,
    links: resourceLinks(context.baseUrl, context.urlProjectId, 'volumes', volume.id),
  };
}

/** GET /volumes/{id} and /volumes/detail, with the fields of the request's microversion. */
export function volumeDetail(loaded: LoadedVolume, context: ViewContext): Record<string, unknown> {
  const { volume } = loaded;
  const v = context.version;
  const view: Record<string, unknown> = {
    id: volume.id,
    name: volume.name,
    description: volume.description,
    status: volume.status,
    size: volume.size,
    availability_zone: volume.availabilityZone,
    created_at: cinderTime(volume.createdAt),
    updated_at: cinderTime(volume.updatedAt),
    attachments: attachmentsView(loaded),
    links: resourceLinks(context.baseUrl, context.urlProjectId, 'volumes', volume.id),
    bootable: String(volume.bootable),
    encrypted: false,
    multiattach: volume.multiattach,
    metadata: visibleMetadata(loaded),
    volume_type: loaded.typeName,
    snapshot_id: volume.snapshotId,
    source_volid: volume.sourceVolid,
    consistencygroup_id: null,
    replication_status: null,
    migration_status: volume.migrationStatus,
    user_id: volume.userId,
    'os-vol-tenant-attr:tenant_id': volume.projectId,
  };
  if (Object.keys(loaded.glance).length) view.volume_image_metadata = { ...loaded.glance };
  if (context.isAdmin) {
    view['os-vol-host-attr:host'] = volume.host;
    view['os-vol-mig-status-attr:migstat'] = volume.migrationStatus;
    view['os-vol-mig-status-attr:name_id'] = null;
  }
  if (v.atLeast('3.13')) view.group_id = null;
  if (v.atLeast('3.21') && context.isAdmin) view.provider_id = null;
  if (v.atLeast('3.48')) {
    view.shared_targets = false;
    view.service_uuid = serviceUuid(volume.host.split('#')[0]);
  }
  if (v.atLeast('3.61') && context.isAdmin) view.cluster_name = null;
  if (v.atLeast('3.63')) view.volume_type_id = volume.volumeTypeId;
  if (v.atLeast('3.64')) view.encryption_key_id = null;
  if (v.atLeast('3.65')) view.consumes_quota = true;
  return view;
}

/** The volume as compute sees it over NATS. */
export function volumeRef(loaded: LoadedVolume): VolumeRef {
  const { volume } = loaded;
  return {
    id: volume.id,
    projectId: volume.projectId,
    userId: volume.userId,
    name: volume.name,
    description: volume.description,
    size: volume.size,
    status: volume.status,
    attachStatus: volume.attachStatus,
    availabilityZone: volume.availabilityZone,
    bootable: volume.bootable,
    readonly: isReadonly(loaded),
    multiattach: volume.multiattach,
    volumeTypeId: volume.volumeTypeId,
    volumeTypeName: loaded.typeName,
    imageId: loaded.glance.image_id ?? null,
    imageMetadata: { ...loaded.glance },
    attachments: loaded.attachments.map((a) => ({
      attachmentId: a.id,
      instanceUuid: a.instanceUuid,
      hostName: a.attachedHost,
      mountpoint: a.mountpoint,
      status: a.attachStatus as AttachmentStatus,
    })),
    createdAt: cinderTime(volume.createdAt),
    updatedAt: cinderTime(volume.updatedAt),
  };
}
