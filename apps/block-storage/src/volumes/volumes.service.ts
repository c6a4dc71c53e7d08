import { Inject, Injectable } from '@nestjs/common';
import type { ImageRef } from '@stratus/contracts';
import { randomUUID } from 'node:crypto';
import { In, Not } from 'typeorm';
import { Database } from '@stratus/platform';
import { qemuFormatOf } from '../backend/qemu-img';
import { BLOCK_STORAGE_CONFIG } from '../block-storage.tokens';
import { Actor, cinderPolicy } from '../common/actor';
import { cinderErrors } from '../common/cinder-errors';
import { applyFilters, fetchPage, ListRequest, ListSpec, Page } from '../common/list-params';
import { currentTime } from '../common/time';
import type { BlockStorageConfig } from '../config/block-storage-config';
import { ImageTransfer } from '../images/image-transfer';
import {
  SnapshotEntity,
  VolumeAttachmentEntity,
  VolumeEntity,
  VolumeMetadataEntity,
  VolumeTypeEntity,
} from '../persistence/block-storage.entities';
import { QuotasService } from '../quotas/quotas.service';
import { specIsTrue, VolumeTypesService } from '../volume-types/volume-types.service';
import { CreateSource, VolumeManager } from './volume-manager';
import { VolumeRecords } from './volume-records';
import type { LoadedVolume } from './volume-view';

const GiB = 1024 ** 3;

/** Statuses a volume may be deleted from without force (Cinder's list, verbatim). */
const DELETABLE = ['available', 'error', 'error_restoring', 'error_extending', 'error_managing'];

/** Statuses os-reset_status accepts. */
export const VOLUME_STATUSES = [
  'creating',
  'available',
  'deleting',
  'error',
  'error_deleting',
  'error_managing',
  'managing',
  'attaching',
  'in-use',
  'detaching',
  'maintenance',
  'restoring-backup',
  'error_restoring',
  'reserved',
  'awaiting-transfer',
  'backing-up',
  'error_backing-up',
  'error_extending',
  'downloading',
  'uploading',
  'retyping',
  'extending',
  'reverting',
];

/** Image properties that are Glance's own fields, not properties to copy to or from a volume. */
const IMAGE_BASE_KEYS = new Set([
  'image_id',
  'image_name',
  'checksum',
  'container_format',
  'disk_format',
  'min_disk',
  'min_ram',
  'size',
]);

export const VOLUME_LIST_SPEC: ListSpec = {
  alias: 'v',
  sortKeys: {
    id: 'v.id',
    name: 'v.name',
    status: 'v.status',
    size: 'v.size',
    availability_zone: 'v.availability_zone',
    created_at: 'v.created_at',
    updated_at: 'v.updated_at',
    bootable: 'v.bootable',
    user_id: 'v.user_id',
    project_id: 'v.project_id',
  },
  defaultSort: [{ key: 'created_at', descending: true }],
  filters: {
    name: { type: 'string', sql: 'v.name' },
    status: { type: 'string', sql: 'v.status' },
    migration_status: { type: 'string', sql: 'v.migration_status' },
    availability_zone: { type: 'string', sql: 'v.availability_zone' },
    bootable: { type: 'boolean', sql: 'v.bootable' },
    size: { type: 'integer', sql: 'v.size' },
    // No groups exist, so a group filter matches nothing.
    group_id: { type: 'string', sql: 'NULL', minVersion: '3.10' },
    metadata: { type: 'metadata', table: 'volume_metadata', ownerColumn: 'volume_id' },
    glance_metadata: {
      type: 'metadata',
      table: 'glance_metadata',
      ownerColumn: 'resource_id',
      minVersion: '3.4',
    },
    created_at: { type: 'time', sql: 'v.created_at' },
    updated_at: { type: 'time', sql: 'v.updated_at' },
    // Every volume counts against quota here.
    consumes_quota: { type: 'boolean', sql: '1', minVersion: '3.65' },
  },
  markerNotFound: (marker) => cinderErrors.volumeNotFound(marker),
};

export interface VolumeCreateInput {
  size?: number | null;
  name?: string | null;
  description?: string | null;
  volumeType?: string | null;
  availabilityZone?: string | null;
  metadata?: Record<string, string> | null;
  imageId?: string | null;
  snapshotId?: string | null;
  sourceVolid?: string | null;
  backupId?: string | null;
  multiattach?: boolean | null;
}

/** Glance's fields and custom properties as Cinder records them in volume_image_metadata. */
export function imageMetadataOf(image: ImageRef): Record<string, string> {
  const metadata: Record<string, string> = {
    image_id: image.id,
    image_name: image.name ?? '',
    checksum: image.checksum ?? '',
    container_format: image.containerFormat ?? '',
    disk_format: image.diskFormat ?? '',
    min_disk: String(image.minDisk),
    min_ram: String(image.minRam),
    size: String(image.size ?? 0),
    signature_verified: 'False',
  };
  for (const [key, value] of Object.entries(image.properties)) if (!(key in metadata)) metadata[key] = value;
  return metadata;
}

/**
 * The snapshot a Nova snapshot image of a volume-backed server stands for: an image without data
 * whose block_device_mapping names the boot volume's snapshot.
 */
export function novaSnapshotOf(image: ImageRef): string | undefined {
  const mapping = image.properties.block_device_mapping;
  if ((image.size ?? 0) > 0 || !mapping) return undefined;
  try {
    const entries = JSON.parse(mapping) as {
      boot_index?: number | string | null;
      snapshot_id?: string;
      source_type?: string;
    }[];
    const boot = entries.find((e) => String(e.boot_index) === '0') ?? entries[0];
    return boot?.source_type === 'snapshot' && typeof boot.snapshot_id === 'string'
      ? boot.snapshot_id
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Volumes as Cinder's volume API has them: validation, policy, quota and the status rules, with the
 * backend work handed to the VolumeManager once the request's rows are committed.
 */
@Injectable()
export class VolumesService {
  constructor(
    private readonly db: Database,
    private readonly records: VolumeRecords,
    private readonly types: VolumeTypesService,
    private readonly quotas: QuotasService,
    private readonly images: ImageTransfer,
    private readonly manager: VolumeManager,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  // ---------------------------------------------------------------- reads

  async get(actor: Actor, id: string): Promise<LoadedVolume> {
    cinderPolicy.reader(actor, 'volume:get');
    return this.records.loadOne(await this.records.find(actor, id));
  }

  private scoped(actor: Actor, request: ListRequest) {
    const qb = this.db.manager.createQueryBuilder(VolumeEntity, 'v');
    if (!actor.isAdmin || !request.allTenants) {
      qb.where('v.project_id = :scope', { scope: actor.projectId ?? '' });
    } else if (request.projectId) {
      qb.where('v.project_id = :scope', { scope: request.projectId });
    }
    applyFilters(qb, request, VOLUME_LIST_SPEC);
    return qb;
  }

  async list(
    actor: Actor,
    request: ListRequest,
  ): Promise<{ volumes: LoadedVolume[]; page: Page<VolumeEntity> }> {
    cinderPolicy.reader(actor, 'volume:get_all');
    const page = await fetchPage(this.scoped(actor, request), request, VOLUME_LIST_SPEC);
    return { volumes: await this.records.load(page.rows), page };
  }

  /** GET /volumes/summary (3.12; metadata from 3.36). */
  async summary(
    actor: Actor,
    request: ListRequest,
  ): Promise<{ count: number; size: number; metadata: Record<string, string[]> }> {
    cinderPolicy.reader(actor, 'volume:get_all');
    const rows = await this.scoped(actor, request).select(['v.id', 'v.size']).getMany();
    const metadata: Record<string, string[]> = {};
    const ids = rows.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = await this.db.manager.findBy(VolumeMetadataEntity, {
        volumeId: In(ids.slice(i, i + 500)),
      });
      for (const m of chunk) {
        metadata[m.key] ??= [];
        if (!metadata[m.key].includes(m.value)) metadata[m.key].push(m.value);
      }
    }
    return { count: rows.length, size: rows.reduce((sum, r) => sum + r.size, 0), metadata };
  }

  // ---------------------------------------------------------------- create

  async create(
    actor: Actor,
    input: VolumeCreateInput,
    request: { token?: string; requestId: string; novaSnapshotImages: boolean },
  ): Promise<LoadedVolume> {
    cinderPolicy.member(actor, 'volume:create');
    const projectId = cinderPolicy.project(actor, 'volume:create');
    const sources = [input.snapshotId, input.sourceVolid, input.imageId, input.backupId].filter(
      (s) => s != null,
    );
    if (sources.length > 1) {
      throw cinderErrors.invalidInput(
        'Only one of snapshot_id, source_volid, imageRef and backup_id may be given.',
      );
    }
    if (input.backupId != null) {
      throw cinderErrors.invalidInput(
        'Creating a volume from a backup is not supported; restore the backup (POST /backups/{backup_id}/restore) instead.',
      );
    }

    let size = input.size ?? undefined;
    let sourceType: string | undefined;
    let bootable = false;
    let source: CreateSource = { kind: 'empty' };
    let glance: Record<string, string> = {};
    if (input.snapshotId != null) {
      const snapshot = await this.findSnapshot(actor, input.snapshotId);
      if (snapshot.status !== 'available') {
        throw cinderErrors.invalidSnapshot('Originating snapshot status must be one of available values');
      }
      size ??= snapshot.size;
      if (size < snapshot.size) {
        throw cinderErrors.invalidInput(
          `Volume size '${size}'GB cannot be smaller than the snapshot size ${snapshot.size}GB. They must be >= original snapshot size.`,
        );
      }
      const origin = await this.db.manager.findOneBy(VolumeEntity, { id: snapshot.volumeId });
      bootable = origin?.bootable ?? false;
      sourceType = snapshot.volumeTypeId;
      glance = await this.records.glanceMetadata(snapshot.id);
      source = { kind: 'snapshot', snapshot };
    } else if (input.sourceVolid != null) {
      const origin = await this.records.find(actor, input.sourceVolid).catch(() => {
        throw cinderErrors.volumeNotFound(String(input.sourceVolid));
      });
      if (!['available', 'in-use'].includes(origin.status)) {
        throw cinderErrors.invalidVolume(
          `Unable to create a volume from an originating source volume when its status is not 'available' or 'in-use'. Current status: ${origin.status}`,
        );
      }
      size ??= origin.size;
      if (size < origin.size) {
        throw cinderErrors.invalidInput(
          `Volume size '${size}'GB cannot be smaller than original volume size ${origin.size}GB. They must be >= original volume size.`,
        );
      }
      bootable = origin.bootable;
      sourceType = origin.volumeTypeId;
      glance = await this.records.glanceMetadata(origin.id);
      source = { kind: 'volume', source: origin };
    } else if (input.imageId != null) {
      if (!request.token) throw cinderErrors.invalidInput('A token is needed to read the image.');
      const image = await this.images.lookup(actor, input.imageId);
      const snapshotId = novaSnapshotOf(image);
      if (snapshotId && request.novaSnapshotImages) {
        // A Nova snapshot of a volume-backed server (3.46): the image only names volume snapshots.
        return this.create(actor, { ...input, imageId: null, snapshotId }, request);
      }
      size ??= Math.max(Math.ceil((image.size ?? 0) / GiB), image.minDisk, 1);
      this.checkImageFits(image, size);
      bootable = true;
      glance = imageMetadataOf(image);
      source = { kind: 'image', image, token: request.token };
    }
    if (size === undefined) throw cinderErrors.invalidInput('The volume size must be given.');
    if (size < 1)
      throw cinderErrors.invalidInput(`Volume size '${size}' must be an integer and greater than 0`);

    const type = input.volumeType
      ? await this.types.find(actor, input.volumeType).catch(() => {
          throw cinderErrors.volumeTypeNotFoundByName(String(input.volumeType));
        })
      : sourceType
        ? ((await this.db.manager.findOneBy(VolumeTypeEntity, { id: sourceType })) ??
          (await this.types.defaultFor(projectId)))
        : await this.types.defaultFor(projectId);
    const { extraSpecs } = await this.types.loadOne(type);
    const zone = input.availabilityZone ?? this.config.BLOCK_STORAGE_AVAILABILITY_ZONE;
    const allowedZones = extraSpecs['RESKEY:availability_zones']?.split(',').map((z) => z.trim());
    if (
      zone !== this.config.BLOCK_STORAGE_AVAILABILITY_ZONE ||
      (allowedZones && !allowedZones.includes(zone))
    ) {
      throw cinderErrors.invalidAvailabilityZone(zone);
    }
    const backendName = extraSpecs.volume_backend_name;
    if (backendName !== undefined && backendName !== this.manager.host.split('@')[1].split('#')[0]) {
      source = { kind: 'unplaceable' };
    }

    const now = currentTime();
    const volume: VolumeEntity = {
      id: randomUUID(),
      projectId,
      userId: actor.userId ?? '',
      name: input.name ?? null,
      description: input.description ?? null,
      size,
      status: 'creating',
      previousStatus: null,
      attachStatus: 'detached',
      migrationStatus: null,
      availabilityZone: zone,
      volumeTypeId: type.id,
      bootable,
      multiattach: specIsTrue(extraSpecs.multiattach) || input.multiattach === true,
      sourceVolid: input.sourceVolid ?? null,
      snapshotId: input.snapshotId ?? null,
      host: this.manager.host,
      format: this.manager.format,
      createdAt: now,
      updatedAt: now,
      launchedAt: null,
    };
    await this.db.transaction(async (manager) => {
      await this.quotas.reserve(manager, projectId, {
        volumes: 1,
        gigabytes: size,
        typeName: type.name,
        typeId: type.id,
        volumeSize: size,
      });
      await manager.insert(VolumeEntity, volume);
      const metadata = Object.entries(input.metadata ?? {}).map(([key, value]) => ({
        volumeId: volume.id,
        key,
        value,
      }));
      if (metadata.length) await manager.insert(VolumeMetadataEntity, metadata);
      await this.records.writeGlanceMetadata(manager, volume.id, glance);
    });
    this.manager.startCreate(volume, source, request.requestId);
    return {
      volume,
      metadata: { ...(input.metadata ?? {}) },
      adminMetadata: {},
      glance,
      attachments: [],
      typeName: type.name,
    };
  }

  /** Cinder's checks of an image against the volume it would fill. */
  private checkImageFits(image: ImageRef, size: number): void {
    if (image.status !== 'active') throw cinderErrors.invalidInput(`Image ${image.id} is not active.`);
    if (!qemuFormatOf(image.diskFormat)) {
      throw cinderErrors.invalidImage(`disk format ${image.diskFormat} is not supported.`);
    }
    if ((image.size ?? 0) > size * GiB) {
      throw cinderErrors.invalidInput(
        `Size of specified image ${Math.ceil((image.size ?? 0) / GiB)}GB is larger than volume size ${size}GB.`,
      );
    }
    if (image.minDisk > size) {
      throw cinderErrors.invalidInput(
        `Volume size ${size}GB cannot be smaller than the image minDisk size ${image.minDisk}GB.`,
      );
    }
  }

  private async findSnapshot(actor: Actor, id: string): Promise<SnapshotEntity> {
    const snapshot = /^[0-9a-f-]{36}$/i.test(id)
      ? await this.db.manager.findOneBy(SnapshotEntity, { id: id.toLowerCase() })
      : null;
    if (!snapshot || !cinderPolicy.owns(actor, snapshot.projectId)) throw cinderErrors.snapshotNotFound(id);
    return snapshot;
  }

  // ---------------------------------------------------------------- update and delete

  async update(
    actor: Actor,
    id: string,
    changes: { name?: string | null; description?: string | null; metadata?: Record<string, string> },
  ): Promise<LoadedVolume> {
    cinderPolicy.member(actor, 'volume:update');
    const volume = await this.records.find(actor, id);
    await this.db.transaction(async (manager) => {
      const values: Partial<VolumeEntity> = {};
      if (changes.name !== undefined) values.name = changes.name;
      if (changes.description !== undefined) values.description = changes.description;
      await this.records.set(volume.id, values, manager);
      if (changes.metadata !== undefined)
        await this.records.writeMetadata(volume.id, changes.metadata, true, manager);
    });
    return this.records.loadOne(await this.records.find(actor, volume.id));
  }

  /**
   * Cinder's delete rules: the volume must be in a deletable status (any status but attached with
   * force), never attached, and without snapshots unless cascade, which deletes them too.
   */
  async delete(
    actor: Actor,
    id: string,
    options: { cascade: boolean; force: boolean; requestId: string },
  ): Promise<VolumeEntity> {
    cinderPolicy.member(actor, 'volume:delete');
    if (options.force) cinderPolicy.admin(actor, 'volume_extension:volume_admin_actions:force_delete');
    const { volume, snapshots } = await this.db.transaction(async (manager) => {
      const found = await this.records.findForUpdate(actor, id, manager);
      const owned = await manager.findBy(SnapshotEntity, { volumeId: found.id });
      const attached = await manager.countBy(VolumeAttachmentEntity, {
        volumeId: found.id,
        attachStatus: Not('detached'),
      });
      const refusal =
        'Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.';
      if (attached > 0 || found.attachStatus === 'attached' || found.status === 'in-use') {
        throw cinderErrors.invalidVolume(refusal);
      }
      if (!options.force && !DELETABLE.includes(found.status)) throw cinderErrors.invalidVolume(refusal);
      if (found.status === 'deleting') throw cinderErrors.invalidVolume(refusal);
      if (owned.length && !options.cascade) throw cinderErrors.invalidVolume(refusal);
      if (owned.some((s) => !['available', 'error', 'error_deleting'].includes(s.status))) {
        throw cinderErrors.invalidVolume('Snapshot of volume not in a valid state to be deleted.');
      }
      if (owned.length) {
        await manager.update(
          SnapshotEntity,
          { volumeId: found.id },
          { status: 'deleting', host: this.manager.host, updatedAt: currentTime() },
        );
      }
      await this.records.set(
        found.id,
        { status: 'deleting', previousStatus: found.status, host: this.manager.host },
        manager,
      );
      return { volume: found, snapshots: owned };
    });
    this.manager.startDelete(volume, snapshots, options.requestId);
    return volume;
  }

  // ---------------------------------------------------------------- metadata

  async setMetadata(actor: Actor, id: string, metadata: Record<string, string>, replace: boolean) {
    cinderPolicy.member(actor, 'volume:update_volume_metadata');
    const volume = await this.records.find(actor, id);
    if (volume.status === 'maintenance') throw cinderErrors.invalidVolume('Volume is in maintenance.');
    return this.records.writeMetadata(volume.id, metadata, replace);
  }

  async metadata(actor: Actor, id: string): Promise<Record<string, string>> {
    cinderPolicy.reader(actor, 'volume:get_volume_metadata');
    const volume = await this.records.find(actor, id);
    return this.records.metadata(volume.id);
  }

  async deleteMetadata(actor: Actor, id: string, key: string): Promise<void> {
    cinderPolicy.member(actor, 'volume:delete_volume_metadata');
    const volume = await this.records.find(actor, id);
    if (!(await this.records.deleteMetadataKey(volume.id, key)))
      throw cinderErrors.metadataNotFound(volume.id, key);
  }

  // ---------------------------------------------------------------- actions

  /** os-extend: 'available' volumes, and 'in-use' ones from 3.42 (online extend). */
  async extend(
    actor: Actor,
    id: string,
    newSize: number,
    allowInUse: boolean,
    requestId: string,
  ): Promise<void> {
    cinderPolicy.member(actor, 'volume:extend');
    const volume = await this.db.transaction(async (manager) => {
      const found = await this.records.findForUpdate(actor, id, manager);
      const allowed = allowInUse ? ['available', 'in-use'] : ['available'];
      if (!allowed.includes(found.status)) {
        throw cinderErrors.invalidVolume(
          `Volume status must be ${allowed.join(' or ')} to extend, but current status is: ${found.status}.`,
        );
      }
      if (found.status === 'in-use' && found.format !== 'raw') {
        throw cinderErrors.invalidVolume('An attached qcow2 volume cannot be extended by this backend.');
      }
      if (newSize <= found.size) {
        throw cinderErrors.invalidInput(
          `New size for extend must be greater than current size. (current: ${found.size}, extended: ${newSize}).`,
        );
      }
      const type = await manager.findOneBy(VolumeTypeEntity, { id: found.volumeTypeId });
      await this.quotas.reserve(manager, found.projectId, {
        gigabytes: newSize - found.size,
        typeName: type?.name ?? '',
        typeId: found.volumeTypeId,
        volumeSize: newSize,
      });
      await this.records.set(found.id, { status: 'extending', host: this.manager.host }, manager);
      return found;
    });
    this.manager.startExtend(volume, newSize, volume.status === 'in-use', requestId);
  }

  async setBootable(actor: Actor, id: string, bootable: boolean): Promise<void> {
    cinderPolicy.member(actor, 'volume_extension:volume_actions:set_bootable');
    const volume = await this.records.find(actor, id);
    await this.records.set(volume.id, { bootable });
  }

  async setReadonly(actor: Actor, id: string, readonly: boolean): Promise<void> {
    cinderPolicy.member(actor, 'volume:update_readonly_flag');
    await this.db.transaction(async (manager) => {
      const volume = await this.records.findForUpdate(actor, id, manager);
      if (volume.status !== 'available') {
        throw cinderErrors.invalidVolume(
          `Volume status must be available to update readonly flag, but is ${volume.status}.`,
        );
      }
      await this.records.setAdminMetadata(manager, volume.id, 'readonly', readonly ? 'True' : 'False');
      await this.records.set(volume.id, {}, manager);
    });
  }

  async resetStatus(
    actor: Actor,
    id: string,
    changes: { status?: string; attachStatus?: string; migrationStatus?: string | null },
  ): Promise<void> {
    cinderPolicy.admin(actor, 'volume_extension:volume_admin_actions:reset_status');
    await this.db.transaction(async (manager) => {
      const volume = await this.records.findForUpdate(actor, id, manager);
      const values: Partial<VolumeEntity> = {};
      if (changes.status !== undefined) values.status = changes.status;
      if (changes.migrationStatus !== undefined) values.migrationStatus = changes.migrationStatus;
      if (changes.attachStatus !== undefined) {
        values.attachStatus = changes.attachStatus;
        if (changes.attachStatus === 'detached') {
          await manager.delete(VolumeAttachmentEntity, { volumeId: volume.id });
          await this.records.setAdminMetadata(manager, volume.id, 'attached_mode', null);
        }
      }
      await this.records.set(volume.id, values, manager);
    });
  }

  async imageMetadata(actor: Actor, id: string): Promise<Record<string, string>> {
    cinderPolicy.reader(actor, 'volume_extension:volume_image_metadata:show');
    const volume = await this.records.find(actor, id);
    return this.records.glanceMetadata(volume.id);
  }

  async setImageMetadata(
    actor: Actor,
    id: string,
    metadata: Record<string, string>,
  ): Promise<Record<string, string>> {
    cinderPolicy.member(actor, 'volume_extension:volume_image_metadata:set');
    const volume = await this.records.find(actor, id);
    return this.db.transaction(async (manager) => {
      const current = await this.records.glanceMetadata(volume.id, manager);
      const protectedKeys = Object.keys(metadata).filter(
        (k) => IMAGE_BASE_KEYS.has(k) && current[k] !== undefined,
      );
      if (protectedKeys.length) {
        throw cinderErrors.invalidMetadata(`${protectedKeys.join(', ')} cannot be changed.`);
      }
      for (const [key, value] of Object.entries(metadata)) {
        await manager.query('DELETE FROM glance_metadata WHERE resource_id = ? AND `key` = ?', [
          volume.id,
          key,
        ]);
        await this.records.writeGlanceMetadata(manager, volume.id, { [key]: value });
      }
      await this.records.set(volume.id, {}, manager);
      return this.records.glanceMetadata(volume.id, manager);
    });
  }

  async unsetImageMetadata(actor: Actor, id: string, key: string): Promise<void> {
    cinderPolicy.member(actor, 'volume_extension:volume_image_metadata:remove');
    const volume = await this.records.find(actor, id);
    const current = await this.records.glanceMetadata(volume.id);
    if (current[key] === undefined) {
      throw cinderErrors.invalidInput(
        `Glance metadata with key ${key} for volume ${volume.id} could not be found.`,
      );
    }
    await this.db.transaction((manager) =>
      manager.query('DELETE FROM glance_metadata WHERE resource_id = ? AND `key` = ?', [volume.id, key]),
    );
  }

  /** os-retype within this backend: the type changes at once, per-type quotas permitting. */
  async retype(actor: Actor, id: string, newType: string): Promise<void> {
    cinderPolicy.member(actor, 'volume:retype');
    const type = await this.types.find(actor, newType);
    const { extraSpecs } = await this.types.loadOne(type);
    const backendName = extraSpecs.volume_backend_name;
    if (backendName !== undefined && backendName !== this.manager.host.split('@')[1].split('#')[0]) {
      throw cinderErrors.invalidVolume(
        'The new volume type needs another backend, and migration is not available.',
      );
    }
    await this.db.transaction(async (manager) => {
      const volume = await this.records.findForUpdate(actor, id, manager);
      if (!['available', 'in-use'].includes(volume.status)) {
        throw cinderErrors.invalidVolume(
          `Volume status must be available or in-use, but current status is: ${volume.status}.`,
        );
      }
      if (volume.volumeTypeId === type.id) {
        throw cinderErrors.invalidInput('Retype requires a change in volume type.');
      }
      await this.quotas.reserve(manager, volume.projectId, {
        volumes: 1,
        gigabytes: volume.size,
        typeName: type.name,
        typeId: type.id,
        perTypeOnly: true,
      });
      await this.records.set(
        volume.id,
        { volumeTypeId: type.id, multiattach: volume.multiattach || specIsTrue(extraSpecs.multiattach) },
        manager,
      );
    });
  }

  /** Revert to the volume's latest snapshot (3.40). */
  async revert(actor: Actor, id: string, snapshotId: string, requestId: string): Promise<void> {
    cinderPolicy.member(actor, 'volume:revert_to_snapshot');
    const { volume, snapshot } = await this.db.transaction(async (manager) => {
      const found = await this.records.findForUpdate(actor, id, manager);
      const latest = await manager.findOne(SnapshotEntity, {
        where: { volumeId: found.id },
        order: { createdAt: 'DESC', id: 'DESC' },
      });
      const wanted = await manager.findOneBy(SnapshotEntity, { id: snapshotId.toLowerCase() });
      if (!wanted || wanted.volumeId !== found.id) throw cinderErrors.snapshotNotFound(snapshotId);
      if (!latest || latest.id !== wanted.id) {
        throw cinderErrors.invalidSnapshot('Reverting to a snapshot other than the latest is not supported.');
      }
      if (found.status !== 'available' || wanted.status !== 'available') {
        throw cinderErrors.invalidVolume('Volume and snapshot must both be available to revert.');
      }
      if (found.size < wanted.size) {
        throw cinderErrors.invalidVolume(
          `Volume size ${found.size}GB is smaller than the snapshot's ${wanted.size}GB.`,
        );
      }
      await this.records.set(found.id, { status: 'reverting', host: this.manager.host }, manager);
      await manager.update(
        SnapshotEntity,
        { id: wanted.id },
        { status: 'restoring', host: this.manager.host, updatedAt: currentTime() },
      );
      return { volume: found, snapshot: wanted };
    });
    this.manager.startRevert(volume, snapshot, requestId);
  }

  /** os-reimage (3.68): the volume gets the image's data; reserved volumes only with reimage_reserved. */
  async reimage(
    actor: Actor,
    id: string,
    input: { imageId: string; reimageReserved: boolean },
    request: { token: string; requestId: string },
  ): Promise<void> {
    cinderPolicy.member(actor, 'volume:reimage');
    const found = await this.records.find(actor, id);
    const image = await this.images.lookup(actor, input.imageId);
    this.checkImageFits(image, found.size);
    const volume = await this.db.transaction(async (manager) => {
      const locked = await this.records.findForUpdate(actor, id, manager);
      const allowed = input.reimageReserved ? ['available', 'error', 'reserved'] : ['available', 'error'];
      if (!allowed.includes(locked.status)) {
        throw cinderErrors.invalidVolume(
          `Volume status must be ${allowed.join(' or ')} to reimage, but current status is: ${locked.status}.`,
        );
      }
      await this.records.set(
        locked.id,
        { status: 'downloading', previousStatus: locked.status, host: this.manager.host },
        manager,
      );
      return locked;
    });
    const finalStatus = volume.status === 'reserved' ? 'reserved' : 'available';
    this.manager.startReimage(
      volume,
      image,
      request.token,
      imageMetadataOf(image),
      finalStatus,
      request.requestId,
    );
  }

  /** os-volume-upload-image: creates the image now, uploads its data after answering. */
  async uploadToImage(
    actor: Actor,
    id: string,
    input: {
      imageName: string;
      diskFormat: string;
      containerFormat: string;
      visibility?: string;
      protected?: boolean;
      force: boolean;
    },
    request: { token: string; requestId: string },
  ): Promise<{ volume: LoadedVolume; imageId: string }> {
    cinderPolicy.member(actor, 'volume_extension:volume_actions:upload_image');
    if (!qemuFormatOf(input.diskFormat) || input.diskFormat === 'iso') {
      throw cinderErrors.invalidInput(`Invalid disk-format '${input.diskFormat}' specified.`);
    }
    const volume = await this.records.find(actor, id);
    if (volume.status !== 'available') {
      throw cinderErrors.invalidVolume(
        `Volume ${volume.id} status must be available, but current status is: ${volume.status}.`,
      );
    }
    if (
      !(await this.records.transition(volume.id, ['available'], {
        status: 'uploading',
        previousStatus: 'available',
        host: this.manager.host,
      }))
    ) {
      throw cinderErrors.invalidVolume(`Volume ${volume.id} status must be available.`);
    }
    const glance = await this.records.glanceMetadata(volume.id);
    const properties = Object.fromEntries(
      Object.entries(glance).filter(([k]) => !IMAGE_BASE_KEYS.has(k) && k !== 'signature_verified'),
    );
    let imageId: string;
    try {
      ({ id: imageId } = await this.images.createImage(request.token, {
        name: input.imageName,
        diskFormat: input.diskFormat,
        containerFormat: input.containerFormat,
        visibility: input.visibility,
        protected: input.protected,
        properties,
      }));
    } catch (error) {
      await this.records.transition(volume.id, ['uploading'], { status: 'available', previousStatus: null });
      throw error;
    }
    const uploading = { ...volume, status: 'uploading' };
    this.manager.startUpload(
      uploading,
      { imageId, diskFormat: input.diskFormat, token: request.token, previousStatus: 'available' },
      request.requestId,
    );
    return { volume: await this.records.loadOne(uploading), imageId };
  }
}
