import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { EntityManager, In } from 'typeorm';
import { Database } from '@stratus/platform';
import { Actor, cinderPolicy } from '../common/actor';
import { cinderErrors } from '../common/cinder-errors';
import { applyFilters, fetchPage, ListRequest, ListSpec, Page } from '../common/list-params';
import { resourceLinks } from '../common/links';
import { cinderTime, currentTime } from '../common/time';
import {
  SnapshotEntity,
  SnapshotMetadataEntity,
  VolumeEntity,
  VolumeTypeEntity,
} from '../persistence/block-storage.entities';
import { QuotasService } from '../quotas/quotas.service';
import { VolumeManager } from '../volumes/volume-manager';
import { VolumeRecords } from '../volumes/volume-records';
import type { ViewContext } from '../volumes/volume-view';

export const SNAPSHOT_STATUSES = [
  'creating',
  'available',
  'deleting',
  'error',
  'error_deleting',
  'restoring',
  'backing-up',
];

export const SNAPSHOT_LIST_SPEC: ListSpec = {
  alias: 's',
  sortKeys: {
    id: 's.id',
    name: 's.name',
    status: 's.status',
    size: 's.size',
    volume_id: 's.volume_id',
    created_at: 's.created_at',
    updated_at: 's.updated_at',
    project_id: 's.project_id',
  },
  defaultSort: [{ key: 'created_at', descending: true }],
  filters: {
    name: { type: 'string', sql: 's.name' },
    status: { type: 'string', sql: 's.status' },
    volume_id: { type: 'string', sql: 's.volume_id' },
    metadata: {
      type: 'metadata',
      table: 'snapshot_metadata',
      ownerColumn: 'snapshot_id',
      minVersion: '3.22',
    },
    availability_zone: {
      type: 'string',
      sql: '(SELECT sv.availability_zone FROM volume sv WHERE sv.id = s.volume_id)',
    },
    created_at: { type: 'time', sql: 's.created_at' },
    updated_at: { type: 'time', sql: 's.updated_at' },
    consumes_quota: { type: 'boolean', sql: '1', minVersion: '3.65' },
  },
  markerNotFound: (marker) => cinderErrors.snapshotNotFound(marker),
};

export interface LoadedSnapshot {
  snapshot: SnapshotEntity;
  metadata: Record<string, string>;
}

const IS_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function snapshotView(loaded: LoadedSnapshot, context: ViewContext): Record<string, unknown> {
  const { snapshot } = loaded;
  const view: Record<string, unknown> = {
    id: snapshot.id,
    name: snapshot.name,
    description: snapshot.description,
    volume_id: snapshot.volumeId,
    status: snapshot.status,
    size: snapshot.size,
    metadata: { ...loaded.metadata },
    created_at: cinderTime(snapshot.createdAt),
    updated_at: cinderTime(snapshot.updatedAt),
    'os-extended-snapshot-attributes:progress': snapshot.progress,
    'os-extended-snapshot-attributes:project_id': snapshot.projectId,
    links: resourceLinks(context.baseUrl, context.urlProjectId, 'snapshots', snapshot.id),
  };
  if (context.version.atLeast('3.14')) view.group_snapshot_id = null;
  if (context.version.atLeast('3.41')) view.user_id = snapshot.userId;
  if (context.version.atLeast('3.65')) view.consumes_quota = true;
  return view;
}

export function snapshotSummary(loaded: LoadedSnapshot, context: ViewContext): Record<string, unknown> {
  const detail = snapshotView(loaded, context);
  delete detail['os-extended-snapshot-attributes:progress'];
  delete detail['os-extended-snapshot-attributes:project_id'];
  delete detail.user_id;
  return detail;
}

/** Volume snapshots: full copies kept by the backend, counted against the snapshot quotas. */
@Injectable()
export class SnapshotsService {
  constructor(
    private readonly db: Database,
    private readonly records: VolumeRecords,
    private readonly quotas: QuotasService,
    private readonly manager: VolumeManager,
  ) {}

  async load(snapshots: SnapshotEntity[]): Promise<LoadedSnapshot[]> {
    const metadata = snapshots.length
      ? await this.db.manager.findBy(SnapshotMetadataEntity, { snapshotId: In(snapshots.map((s) => s.id)) })
      : [];
    return snapshots.map((snapshot) => ({
      snapshot,
      metadata: Object.fromEntries(
        metadata.filter((m) => m.snapshotId === snapshot.id).map((m) => [m.key, m.value]),
      ),
    }));
  }

  async find(actor: Actor, id: string, manager: EntityManager = this.db.manager): Promise<SnapshotEntity> {
    const snapshot = IS_UUID.test(id)
      ? await manager.findOneBy(SnapshotEntity, { id: id.toLowerCase() })
      : null;
    if (!snapshot || !cinderPolicy.owns(actor, snapshot.projectId)) throw cinderErrors.snapshotNotFound(id);
    return snapshot;
  }

  async get(actor: Actor, id: string): Promise<LoadedSnapshot> {
    cinderPolicy.reader(actor, 'volume:get_snapshot');
    return (await this.load([await this.find(actor, id)]))[0];
  }

  async list(
    actor: Actor,
    request: ListRequest,
  ): Promise<{ snapshots: LoadedSnapshot[]; page: Page<SnapshotEntity> }> {
    cinderPolicy.reader(actor, 'volume:get_all_snapshots');
    const qb = this.db.manager.createQueryBuilder(SnapshotEntity, 's');
    if (!actor.isAdmin || !request.allTenants)
      qb.where('s.project_id = :scope', { scope: actor.projectId ?? '' });
    else if (request.projectId) qb.where('s.project_id = :scope', { scope: request.projectId });
    applyFilters(qb, request, SNAPSHOT_LIST_SPEC);
    const page = await fetchPage(qb, request, SNAPSHOT_LIST_SPEC);
    return { snapshots: await this.load(page.rows), page };
  }

  /**
   * A snapshot of an available volume, or of an in-use one with force (not needed from 3.66):
   * the copy of an attached volume is crash-consistent, as a backend snapshot of a running disk is.
   */
  async create(
    actor: Actor,
    input: {
      volumeId: string;
      force: boolean;
      name?: string | null;
      description?: string | null;
      metadata?: Record<string, string>;
    },
    request: { allowInUse: boolean; requestId: string },
  ): Promise<LoadedSnapshot> {
    cinderPolicy.member(actor, 'volume:create_snapshot');
    const snapshot = await this.db.transaction(async (manager) => {
      const volume = await this.records.findForUpdate(actor, input.volumeId, manager);
      const inUseAllowed = input.force || request.allowInUse;
      const allowed = inUseAllowed ? ['available', 'in-use'] : ['available'];
      if (!allowed.includes(volume.status)) {
        throw cinderErrors.invalidVolume(
          volume.status === 'in-use'
            ? 'Volume in-use status must be available, use force to snapshot an attached volume.'
            : `Volume ${volume.id} status must be available, but current status is: ${volume.status}.`,
        );
      }
      const type = await manager.findOneBy(VolumeTypeEntity, { id: volume.volumeTypeId });
      await this.quotas.reserve(manager, volume.projectId, {
        snapshots: 1,
        gigabytes: volume.size,
        typeName: type?.name ?? '',
        typeId: volume.volumeTypeId,
      });
      const now = currentTime();
      const row: SnapshotEntity = {
        id: randomUUID(),
        volumeId: volume.id,
        projectId: volume.projectId,
        userId: actor.userId ?? '',
        name: input.name ?? null,
        description: input.description ?? null,
        status: 'creating',
        size: volume.size,
        progress: '0%',
        volumeTypeId: volume.volumeTypeId,
        format: volume.format,
        host: this.manager.host,
        createdAt: now,
        updatedAt: now,
      };
      await manager.insert(SnapshotEntity, row);
      const metadata = Object.entries(input.metadata ?? {}).map(([key, value]) => ({
        snapshotId: row.id,
        key,
        value,
      }));
      if (metadata.length) await manager.insert(SnapshotMetadataEntity, metadata);
      await this.records.writeGlanceMetadata(
        manager,
        row.id,
        await this.records.glanceMetadata(volume.id, manager),
      );
      return { row, volume };
    });
    this.manager.startSnapshot(snapshot.row, snapshot.volume, request.requestId);
    return { snapshot: snapshot.row, metadata: { ...(input.metadata ?? {}) } };
  }

  async update(
    actor: Actor,
    id: string,
    changes: { name?: string | null; description?: string | null },
  ): Promise<LoadedSnapshot> {
    cinderPolicy.member(actor, 'volume:update_snapshot');
    const snapshot = await this.find(actor, id);
    const values: Partial<SnapshotEntity> = { updatedAt: currentTime() };
    if (changes.name !== undefined) values.name = changes.name;
    if (changes.description !== undefined) values.description = changes.description;
    await this.db.transaction((manager) => manager.update(SnapshotEntity, { id: snapshot.id }, values));
    return this.get(actor, snapshot.id);
  }

  async delete(actor: Actor, id: string, requestId: string, force = false): Promise<void> {
    if (force) cinderPolicy.admin(actor, 'volume_extension:snapshot_admin_actions:force_delete');
    else cinderPolicy.member(actor, 'volume:delete_snapshot');
    const snapshot = await this.db.transaction(async (manager) => {
      const found = await this.find(actor, id, manager);
      const deletable = force
        ? ['available', 'error', 'error_deleting', 'creating', 'restoring']
        : ['available', 'error'];
      if (!deletable.includes(found.status)) {
        throw cinderErrors.invalidSnapshot(
          'Snapshot status must be available or error and must not be part of a group.',
        );
      }
      const creating = await manager.countBy(VolumeEntity, {
        snapshotId: found.id,
        status: In(['creating', 'downloading']),
      });
      if (creating) throw cinderErrors.invalidSnapshot('A volume is being created from this snapshot.');
      const updated = await manager.update(
        SnapshotEntity,
        { id: found.id, status: found.status },
        { status: 'deleting', host: this.manager.host, updatedAt: currentTime() },
      );
      if (!updated.affected) throw cinderErrors.invalidSnapshot('The snapshot changed status meanwhile.');
      return found;
    });
    this.manager.startSnapshotDelete(snapshot, requestId);
  }

  async resetStatus(actor: Actor, id: string, status: string): Promise<void> {
    cinderPolicy.admin(actor, 'volume_extension:snapshot_admin_actions:reset_status');
    const snapshot = await this.find(actor, id);
    await this.db.transaction((manager) =>
      manager.update(SnapshotEntity, { id: snapshot.id }, { status, updatedAt: currentTime() }),
    );
  }

  async metadata(actor: Actor, id: string): Promise<Record<string, string>> {
    return (await this.get(actor, id)).metadata;
  }

  async setMetadata(actor: Actor, id: string, metadata: Record<string, string>, replace: boolean) {
    cinderPolicy.member(actor, 'volume:update_snapshot_metadata');
    const snapshot = await this.find(actor, id);
    await this.db.transaction(async (manager) => {
      if (replace) await manager.delete(SnapshotMetadataEntity, { snapshotId: snapshot.id });
      else if (Object.keys(metadata).length) {
        await manager.delete(SnapshotMetadataEntity, {
          snapshotId: snapshot.id,
          key: In(Object.keys(metadata)),
        });
      }
      const rows = Object.entries(metadata).map(([key, value]) => ({ snapshotId: snapshot.id, key, value }));
      if (rows.length) await manager.insert(SnapshotMetadataEntity, rows);
      await manager.update(SnapshotEntity, { id: snapshot.id }, { updatedAt: currentTime() });
    });
    return (await this.get(actor, snapshot.id)).metadata;
  }

  async deleteMetadata(actor: Actor, id: string, key: string): Promise<void> {
    cinderPolicy.member(actor, 'volume:delete_snapshot_metadata');
    const snapshot = await this.find(actor, id);
    const result = await this.db.transaction((manager) =>
      manager.delete(SnapshotMetadataEntity, { snapshotId: snapshot.id, key }),
    );
    if (!result.affected) throw cinderErrors.snapshotMetadataNotFound(snapshot.id, key);
  }
}
