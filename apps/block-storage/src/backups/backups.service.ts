import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In } from 'typeorm';
import { Database } from '@stratus/platform';
import { BLOCK_STORAGE_CONFIG } from '../block-storage.tokens';
import { Actor, cinderPolicy } from '../common/actor';
import { cinderErrors } from '../common/cinder-errors';
import { applyFilters, fetchPage, ListRequest, ListSpec, Page } from '../common/list-params';
import { resourceLinks } from '../common/links';
import { cinderTime, currentTime } from '../common/time';
import type { BlockStorageConfig } from '../config/block-storage-config';
import {
  BackupEntity,
  BackupMetadataEntity,
  SnapshotEntity,
  VolumeEntity,
} from '../persistence/block-storage.entities';
import { QuotasService } from '../quotas/quotas.service';
import { VolumeTypesService } from '../volume-types/volume-types.service';
import { VolumeManager } from '../volumes/volume-manager';
import { VolumeRecords } from '../volumes/volume-records';
import type { ViewContext } from '../volumes/volume-view';
import { BackupManager } from './backup-manager';

/** Cinder's backup_swift_container. */
export const DEFAULT_CONTAINER = 'volumebackups';

export const BACKUP_STATUSES = ['creating', 'available', 'deleting', 'error', 'error_deleting', 'restoring'];

export const BACKUP_LIST_SPEC: ListSpec = {
  alias: 'b',
  sortKeys: {
    id: 'b.id',
    name: 'b.name',
    status: 'b.status',
    size: 'b.size',
    volume_id: 'b.volume_id',
    created_at: 'b.created_at',
    updated_at: 'b.updated_at',
    data_timestamp: 'b.data_timestamp',
    project_id: 'b.project_id',
  },
  defaultSort: [{ key: 'created_at', descending: true }],
  filters: {
    name: { type: 'string', sql: 'b.name' },
    status: { type: 'string', sql: 'b.status' },
    volume_id: { type: 'string', sql: 'b.volume_id' },
  },
  markerNotFound: (marker) => cinderErrors.backupNotFound(marker),
};

export interface LoadedBackup {
  backup: BackupEntity;
  metadata: Record<string, string>;
  hasDependents: boolean;
}

const IS_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function backupSummary(backup: BackupEntity, context: ViewContext): Record<string, unknown> {
  return {
    id: backup.id,
    name: backup.name,
    links: resourceLinks(context.baseUrl, context.urlProjectId, 'backups', backup.id),
  };
}

export function backupView(loaded: LoadedBackup, context: ViewContext): Record<string, unknown> {
  const { backup } = loaded;
  const view: Record<string, unknown> = {
    id: backup.id,
    status: backup.status,
    size: backup.size,
    object_count: backup.objectCount,
    availability_zone: backup.availabilityZone,
    container: backup.container,
    created_at: cinderTime(backup.createdAt),
    updated_at: cinderTime(backup.updatedAt),
    name: backup.name,
    description: backup.description,
    fail_reason: backup.failReason,
    volume_id: backup.volumeId,
    links: resourceLinks(context.baseUrl, context.urlProjectId, 'backups', backup.id),
    is_incremental: backup.parentId !== null,
    has_dependent_backups: loaded.hasDependents,
    snapshot_id: backup.snapshotId,
    data_timestamp: cinderTime(backup.dataTimestamp),
  };
  if (context.version.atLeast('3.43')) view.metadata = { ...loaded.metadata };
  // Cinder's backup:backup_project_attribute policy: admins only.
  if (context.isAdmin && context.version.atLeast('3.18')) {
    view['os-backup-project-attr:project_id'] = backup.projectId;
  }
  if (context.isAdmin && context.version.atLeast('3.56')) view.user_id = backup.userId;
  return view;
}

export interface BackupCreateInput {
  volumeId: string;
  container?: string | null;
  name?: string | null;
  description?: string | null;
  incremental: boolean;
  force: boolean;
  snapshotId?: string | null;
  metadata?: Record<string, string> | null;
  availabilityZone?: string | null;
}

/**
 * Volume backups as Cinder's backup API has them: status rules, quotas (backups and
 * backup_gigabytes) and incremental chains; the data work runs in the BackupManager after the
 * request's rows are committed, with the caller's token for its object storage account.
 */
@Injectable()
export class BackupsService {
  constructor(
    private readonly db: Database,
    private readonly records: VolumeRecords,
    private readonly quotas: QuotasService,
    private readonly types: VolumeTypesService,
    private readonly volumes: VolumeManager,
    private readonly manager: BackupManager,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  async load(backups: BackupEntity[], manager: EntityManager = this.db.manager): Promise<LoadedBackup[]> {
    if (!backups.length) return [];
    const ids = backups.map((b) => b.id);
    const [metadata, children] = await Promise.all([
      manager.findBy(BackupMetadataEntity, { backupId: In(ids) }),
      manager.findBy(BackupEntity, { parentId: In(ids) }),
    ]);
    const parents = new Set(children.map((c) => c.parentId));
    return backups.map((backup) => ({
      backup,
      metadata: Object.fromEntries(
        metadata.filter((m) => m.backupId === backup.id).map((m) => [m.key, m.value]),
      ),
      hasDependents: parents.has(backup.id),
    }));
  }

  async find(actor: Actor, id: string, manager: EntityManager = this.db.manager): Promise<BackupEntity> {
    const backup = IS_UUID.test(id) ? await manager.findOneBy(BackupEntity, { id: id.toLowerCase() }) : null;
    if (!backup || !cinderPolicy.owns(actor, backup.projectId)) throw cinderErrors.backupNotFound(id);
    return backup;
  }

  private async findForUpdate(actor: Actor, id: string, manager: EntityManager): Promise<BackupEntity> {
    const backup = IS_UUID.test(id)
      ? await this.db.findForUpdate(manager, BackupEntity, id.toLowerCase())
      : null;
    if (!backup || !cinderPolicy.owns(actor, backup.projectId)) throw cinderErrors.backupNotFound(id);
    return backup;
  }

  async get(actor: Actor, id: string): Promise<LoadedBackup> {
    cinderPolicy.reader(actor, 'backup:get');
    return (await this.load([await this.find(actor, id)]))[0];
  }

  async list(
    actor: Actor,
    request: ListRequest,
  ): Promise<{ backups: LoadedBackup[]; page: Page<BackupEntity> }> {
    cinderPolicy.reader(actor, 'backup:get_all');
    const qb = this.db.manager.createQueryBuilder(BackupEntity, 'b');
    if (!actor.isAdmin || !request.allTenants)
      qb.where('b.project_id = :scope', { scope: actor.projectId ?? '' });
    else if (request.projectId) qb.where('b.project_id = :scope', { scope: request.projectId });
    applyFilters(qb, request, BACKUP_LIST_SPEC);
    const page = await fetchPage(qb, request, BACKUP_LIST_SPEC);
    return { backups: await this.load(page.rows), page };
  }

  /**
   * A backup of an available volume, of an in-use one with force, or of one of its snapshots.
   * The backup belongs to the caller's project and goes to the caller's object storage account.
   */
  async create(
    actor: Actor,
    input: BackupCreateInput,
    request: { token: string; requestId: string },
  ): Promise<LoadedBackup> {
    cinderPolicy.member(actor, 'backup:create');
    const projectId = cinderPolicy.project(actor, 'backup:create');
    const zone = input.availabilityZone ?? this.config.BLOCK_STORAGE_AVAILABILITY_ZONE;
    if (zone !== this.config.BLOCK_STORAGE_AVAILABILITY_ZONE)
      throw cinderErrors.invalidAvailabilityZone(zone);
    const created = await this.db.transaction(async (manager) => {
      const volume = await this.records.findForUpdate(actor, input.volumeId, manager);
      let snapshot: SnapshotEntity | null = null;
      if (input.snapshotId != null) {
        snapshot = IS_UUID.test(input.snapshotId)
          ? await this.db.findForUpdate(manager, SnapshotEntity, input.snapshotId.toLowerCase())
          : null;
        if (!snapshot || !cinderPolicy.owns(actor, snapshot.projectId)) {
          throw cinderErrors.snapshotNotFound(input.snapshotId);
        }
        if (snapshot.volumeId !== volume.id) {
          throw cinderErrors.invalidInput(`Snapshot ${snapshot.id} does not belong to volume ${volume.id}.`);
        }
        if (snapshot.status !== 'available') {
          throw cinderErrors.invalidSnapshot(
            `Snapshot to be backed up must be available, but the current status is "${snapshot.status}".`,
          );
        }
      } else if (!['available', 'in-use'].includes(volume.status)) {
        throw cinderErrors.invalidVolume(
          `Volume to be backed up must be available or in-use, but the current status is "${volume.status}".`,
        );
      } else if (volume.status === 'in-use' && !input.force) {
        throw cinderErrors.invalidVolume('Backing up an in-use volume must use the force flag.');
      }
      const now = currentTime();
      const dataTimestamp = snapshot?.createdAt ?? now;
      let parent: BackupEntity | null = null;
      if (input.incremental) {
        parent = await this.latestBackup(manager, volume.id, projectId, snapshot?.createdAt);
        if (!parent) throw cinderErrors.invalidBackup('No backups available to do an incremental backup.');
        if (parent.status !== 'available') {
          throw cinderErrors.invalidBackup('The parent backup must be available for incremental backup.');
        }
      }
      // An incremental backup names its parent's objects, which only resolve in the parent's container.
      const container = input.container || parent?.container || DEFAULT_CONTAINER;
      if (parent && container !== parent.container) {
        throw cinderErrors.invalidBackup(
          `An incremental backup must go to its parent's container ${parent.container}.`,
        );
      }
      await this.quotas.reserveBackup(manager, projectId, volume.size);
      const id = randomUUID();
      const row: BackupEntity = {
        id,
        projectId,
        userId: actor.userId ?? '',
        volumeId: volume.id,
        snapshotId: snapshot?.id ?? null,
        name: input.name ?? null,
        description: input.description ?? null,
        status: 'creating',
        failReason: null,
        size: volume.size,
        objectCount: 0,
        container,
        availabilityZone: zone,
        parentId: parent?.id ?? null,
        objectPrefix: `volume_${volume.id}/backup_${id}`,
        dataTimestamp,
        host: this.volumes.host,
        restoreVolumeId: null,
        createdAt: now,
        updatedAt: now,
      };
      await manager.insert(BackupEntity, row);
      const metadata = Object.entries(input.metadata ?? {}).map(([key, value]) => ({
        backupId: id,
        key,
        value,
      }));
      if (metadata.length) await manager.insert(BackupMetadataEntity, metadata);
      if (snapshot) {
        await manager.update(
          SnapshotEntity,
          { id: snapshot.id },
          { status: 'backing-up', updatedAt: currentTime() },
        );
      } else {
        await this.records.transition(
          volume.id,
          [volume.status],
          { status: 'backing-up', previousStatus: volume.status },
          manager,
        );
      }
      return { row, volume, snapshot, parent };
    });
    this.manager.startCreate(
      created.row,
      created.volume,
      created.snapshot,
      created.parent,
      request.token,
      request.requestId,
    );
    return { backup: created.row, metadata: { ...(input.metadata ?? {}) }, hasDependents: false };
  }

  /** Cinder's parent choice: the volume's backup with the latest data (before the snapshot's, if any). */
  private async latestBackup(
    manager: EntityManager,
    volumeId: string,
    projectId: string,
    before?: Date,
  ): Promise<BackupEntity | null> {
    const qb = manager
      .createQueryBuilder(BackupEntity, 'b')
      .where('b.volume_id = :volumeId', { volumeId })
      .andWhere('b.project_id = :projectId', { projectId })
      .andWhere("b.status NOT IN ('deleting', 'error', 'error_deleting')");
    if (before) qb.andWhere('b.data_timestamp < :before', { before });
    return qb.orderBy('b.data_timestamp', 'DESC').addOrderBy('b.created_at', 'DESC').limit(1).getOne();
  }

  async update(
    actor: Actor,
    id: string,
    changes: { name?: string | null; description?: string | null; metadata?: Record<string, string> },
  ): Promise<LoadedBackup> {
    cinderPolicy.member(actor, 'backup:update');
    const backup = await this.find(actor, id);
    await this.db.transaction(async (manager) => {
      const values: Partial<BackupEntity> = { updatedAt: currentTime() };
      if (changes.name !== undefined) values.name = changes.name;
      if (changes.description !== undefined) values.description = changes.description;
      await manager.update(BackupEntity, { id: backup.id }, values);
      if (changes.metadata !== undefined) {
        await manager.delete(BackupMetadataEntity, { backupId: backup.id });
        const rows = Object.entries(changes.metadata).map(([key, value]) => ({
          backupId: backup.id,
          key,
          value,
        }));
        if (rows.length) await manager.insert(BackupMetadataEntity, rows);
      }
    });
    return this.get(actor, backup.id);
  }

  /**
   * Deletes the backup's objects, then the backup. A backup an incremental one depends on stays
   * (its objects hold the child's unchanged data). Force (admins) also takes error_deleting.
   */
  async delete(actor: Actor, id: string, token: string, requestId: string, force = false): Promise<void> {
    if (force) cinderPolicy.admin(actor, 'volume_extension:backup_admin_actions:force_delete');
    else cinderPolicy.member(actor, 'backup:delete');
    const backup = await this.db.transaction(async (manager) => {
      const found = await this.findForUpdate(actor, id, manager);
      const deletable = force ? ['available', 'error', 'error_deleting'] : ['available', 'error'];
      if (!deletable.includes(found.status)) {
        throw cinderErrors.invalidBackup('Backup status must be available or error');
      }
      if (await manager.countBy(BackupEntity, { parentId: found.id })) {
        throw cinderErrors.invalidBackup('Incremental backups exist for this backup.');
      }
      await manager.update(
        BackupEntity,
        { id: found.id },
        { status: 'deleting', host: this.volumes.host, failReason: null, updatedAt: currentTime() },
      );
      return found;
    });
    this.manager.startDelete(backup, token, requestId);
  }

  /**
   * Restores into an existing available volume at least as large as the backup, or into a new
   * volume of the backup's size (counted against the volume quotas).
   */
  async restore(
    actor: Actor,
    id: string,
    target: { volumeId?: string | null; name?: string | null },
    request: { token: string; requestId: string },
  ): Promise<{ backup_id: string; volume_id: string; volume_name: string | null }> {
    cinderPolicy.member(actor, 'backup:restore');
    const result = await this.db.transaction(async (manager) => {
      const backup = await this.findForUpdate(actor, id, manager);
      if (backup.status !== 'available') throw cinderErrors.invalidBackup('Backup status must be available');
      let volume: VolumeEntity;
      if (target.volumeId != null) {
        volume = await this.records.findForUpdate(actor, target.volumeId, manager);
        if (volume.status !== 'available') {
          throw cinderErrors.invalidVolume(
            `Volume to be restored to must be available, but the current status is "${volume.status}".`,
          );
        }
        if (volume.size < backup.size) {
          throw cinderErrors.invalidVolume(
            `volume size ${volume.size} is too small to restore backup of size ${backup.size}.`,
          );
        }
        await this.records.transition(
          volume.id,
          ['available'],
          { status: 'restoring-backup', host: this.volumes.host },
          manager,
        );
        volume = { ...volume, status: 'restoring-backup', host: this.volumes.host };
      } else {
        volume = await this.newVolume(actor, backup, target.name ?? null, manager);
      }
      await manager.update(
        BackupEntity,
        { id: backup.id },
        {
          status: 'restoring',
          restoreVolumeId: volume.id,
          host: this.volumes.host,
          updatedAt: currentTime(),
        },
      );
      return { backup, volume, isNew: target.volumeId == null };
    });
    this.manager.startRestore(result.backup, result.volume, result.isNew, request.token, request.requestId);
    return { backup_id: result.backup.id, volume_id: result.volume.id, volume_name: result.volume.name };
  }

  private async newVolume(
    actor: Actor,
    backup: BackupEntity,
    name: string | null,
    manager: EntityManager,
  ): Promise<VolumeEntity> {
    cinderPolicy.member(actor, 'volume:create');
    const projectId = cinderPolicy.project(actor, 'volume:create');
    const type = await this.types.defaultFor(projectId, manager);
    await this.quotas.reserve(manager, projectId, {
      volumes: 1,
      gigabytes: backup.size,
      typeName: type.name,
      typeId: type.id,
      volumeSize: backup.size,
    });
    const now = currentTime();
    const volume: VolumeEntity = {
      id: randomUUID(),
      projectId,
      userId: actor.userId ?? '',
      name: name ?? `restore_backup_${backup.id}`,
      description: 'auto-created_from_restore_from_backup',
      size: backup.size,
      status: 'restoring-backup',
      previousStatus: null,
      attachStatus: 'detached',
      migrationStatus: null,
      availabilityZone: this.config.BLOCK_STORAGE_AVAILABILITY_ZONE,
      volumeTypeId: type.id,
      bootable: false,
      multiattach: false,
      sourceVolid: null,
      snapshotId: null,
      host: this.volumes.host,
      format: this.volumes.format,
      createdAt: now,
      updatedAt: now,
      launchedAt: null,
    };
    await manager.insert(VolumeEntity, volume);
    return volume;
  }

  async resetStatus(actor: Actor, id: string, status: string): Promise<void> {
    cinderPolicy.admin(actor, 'volume_extension:backup_admin_actions:reset_status');
    const backup = await this.find(actor, id);
    await this.db.transaction((manager) =>
      manager.update(BackupEntity, { id: backup.id }, { status, updatedAt: currentTime() }),
    );
  }
}
