import { Injectable } from '@nestjs/common';
import { EntityManager, In, Not } from 'typeorm';
import { Database } from '@stratus/platform';
import type { Actor } from '../common/actor';
import { cinderPolicy } from '../common/actor';
import { cinderErrors } from '../common/cinder-errors';
import { currentTime } from '../common/time';
import {
  GlanceMetadataEntity,
  VolumeAdminMetadataEntity,
  VolumeAttachmentEntity,
  VolumeEntity,
  VolumeMetadataEntity,
  VolumeTypeEntity,
} from '../persistence/block-storage.entities';
import type { LoadedVolume } from './volume-view';

const IS_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toMap(rows: { key: string; value: string }[]): Record<string, string> {
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

/**
 * Reading volumes with their metadata and attachments, and changing their status the way Cinder
 * does: a conditional UPDATE that only succeeds from the expected statuses, so two requests (on
 * any replica) can never both move a volume out of the same state.
 */
@Injectable()
export class VolumeRecords {
  constructor(private readonly db: Database) {}

  async load(volumes: VolumeEntity[], manager: EntityManager = this.db.manager): Promise<LoadedVolume[]> {
    if (!volumes.length) return [];
    const ids = volumes.map((v) => v.id);
    const [metadata, admin, glance, attachments, types] = await Promise.all([
      manager.findBy(VolumeMetadataEntity, { volumeId: In(ids) }),
      manager.findBy(VolumeAdminMetadataEntity, { volumeId: In(ids) }),
      manager.findBy(GlanceMetadataEntity, { resourceId: In(ids) }),
      manager.find(VolumeAttachmentEntity, {
        where: { volumeId: In(ids), attachStatus: Not('detached') },
        order: { createdAt: 'ASC', id: 'ASC' },
      }),
      manager.findBy(VolumeTypeEntity, { id: In([...new Set(volumes.map((v) => v.volumeTypeId))]) }),
    ]);
    const typeNames = new Map(types.map((t) => [t.id, t.name]));
    return volumes.map((volume) => ({
      volume,
      metadata: toMap(metadata.filter((m) => m.volumeId === volume.id)),
      adminMetadata: toMap(admin.filter((m) => m.volumeId === volume.id)),
      glance: toMap(glance.filter((m) => m.resourceId === volume.id)),
      attachments: attachments.filter((a) => a.volumeId === volume.id),
      typeName: typeNames.get(volume.volumeTypeId) ?? volume.volumeTypeId,
    }));
  }

  async loadOne(volume: VolumeEntity, manager?: EntityManager): Promise<LoadedVolume> {
    return (await this.load([volume], manager))[0];
  }

  /** The volume if the actor may see it (its project's, or any for admins); 404 otherwise. */
  async find(actor: Actor, id: string, manager: EntityManager = this.db.manager): Promise<VolumeEntity> {
    const volume = IS_UUID.test(id) ? await manager.findOneBy(VolumeEntity, { id: id.toLowerCase() }) : null;
    if (!volume || !cinderPolicy.owns(actor, volume.projectId)) throw cinderErrors.volumeNotFound(id);
    return volume;
  }

  /** As find, with the row locked for the rest of the transaction. */
  async findForUpdate(actor: Actor, id: string, manager: EntityManager): Promise<VolumeEntity> {
    const volume = IS_UUID.test(id)
      ? await this.db.findForUpdate(manager, VolumeEntity, id.toLowerCase())
      : null;
    if (!volume || !cinderPolicy.owns(actor, volume.projectId)) throw cinderErrors.volumeNotFound(id);
    return volume;
  }

  /**
   * Moves a volume to new values only while its status is one of `from`; false when it was not
   * (someone else moved it first). Runs in its own transaction unless given a manager.
   */
  async transition(
    id: string,
    from: readonly string[],
    changes: Partial<VolumeEntity>,
    manager?: EntityManager,
  ): Promise<boolean> {
    const update = (m: EntityManager) =>
      m
        .createQueryBuilder()
        .update(VolumeEntity)
        .set({ ...changes, updatedAt: currentTime() })
        .where('id = :id', { id })
        .andWhere('status IN (:...from)', { from })
        .execute();
    const result = manager ? await update(manager) : await this.db.transaction(update);
    return (result.affected ?? 0) > 0;
  }

  /**
   * Makes `host` the volume's host, with other changes, only while its host and status are still
   * as read: of several processes taking over the same abandoned volume, exactly one does.
   */
  async takeOver(
    volume: Pick<VolumeEntity, 'id' | 'host' | 'status'>,
    host: string,
    changes: Partial<VolumeEntity>,
  ): Promise<boolean> {
    const result = await this.db.transaction((m) =>
      m.update(
        VolumeEntity,
        { id: volume.id, host: volume.host, status: volume.status },
        { ...changes, host, updatedAt: currentTime() },
      ),
    );
    return (result.affected ?? 0) > 0;
  }

  /** Sets values whatever the status (the outcome of an operation this process owns). */
  async set(id: string, changes: Partial<VolumeEntity>, manager?: EntityManager): Promise<void> {
    const update = (m: EntityManager) =>
      m.update(VolumeEntity, { id }, { ...changes, updatedAt: currentTime() });
    if (manager) await update(manager);
    else await this.db.transaction(update);
  }

  async setAdminMetadata(
    manager: EntityManager,
    volumeId: string,
    key: string,
    value: string | null,
  ): Promise<void> {
    await manager.delete(VolumeAdminMetadataEntity, { volumeId, key });
    if (value !== null) await manager.insert(VolumeAdminMetadataEntity, { volumeId, key, value });
  }

  async metadata(volumeId: string): Promise<Record<string, string>> {
    return toMap(await this.db.manager.findBy(VolumeMetadataEntity, { volumeId }));
  }

  /** Replaces (replace=true) or merges the volume's metadata; returns the resulting metadata. */
  async writeMetadata(
    volumeId: string,
    metadata: Record<string, string>,
    replace: boolean,
    manager?: EntityManager,
  ): Promise<Record<string, string>> {
    const write = async (m: EntityManager) => {
      if (replace) await m.delete(VolumeMetadataEntity, { volumeId });
      else if (Object.keys(metadata).length) {
        await m.delete(VolumeMetadataEntity, { volumeId, key: In(Object.keys(metadata)) });
      }
      const rows = Object.entries(metadata).map(([key, value]) => ({ volumeId, key, value }));
      if (rows.length) await m.insert(VolumeMetadataEntity, rows);
      await m.update(VolumeEntity, { id: volumeId }, { updatedAt: currentTime() });
      return toMap(await m.findBy(VolumeMetadataEntity, { volumeId }));
    };
    return manager ? write(manager) : this.db.transaction(write);
  }

  async deleteMetadataKey(volumeId: string, key: string): Promise<boolean> {
    const result = await this.db.transaction((m) => m.delete(VolumeMetadataEntity, { volumeId, key }));
    return (result.affected ?? 0) > 0;
  }

  async glanceMetadata(
    resourceId: string,
    manager: EntityManager = this.db.manager,
  ): Promise<Record<string, string>> {
    return toMap(await manager.findBy(GlanceMetadataEntity, { resourceId }));
  }

  async writeGlanceMetadata(
    manager: EntityManager,
    resourceId: string,
    metadata: Record<string, string>,
  ): Promise<void> {
    const rows = Object.entries(metadata).map(([key, value]) => ({ resourceId, key, value }));
    if (rows.length) await manager.insert(GlanceMetadataEntity, rows);
  }

  /** Removes a volume's rows once its data is gone. */
  async purge(manager: EntityManager, volumeId: string): Promise<void> {
    await manager.delete(VolumeMetadataEntity, { volumeId });
    await manager.delete(VolumeAdminMetadataEntity, { volumeId });
    await manager.delete(GlanceMetadataEntity, { resourceId: volumeId });
    await manager.delete(VolumeAttachmentEntity, { volumeId });
    await manager.delete(VolumeEntity, { id: volumeId });
  }
}
