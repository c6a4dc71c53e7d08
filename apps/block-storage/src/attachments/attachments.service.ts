import { Inject, Injectable } from '@nestjs/common';
import type {
  AttachmentRef,
  AttachmentStatus,
  VolumeConnectionInfo,
  VolumeConnector,
} from '@stratus/contracts';
import { randomUUID } from 'node:crypto';
import { EntityManager, Not } from 'typeorm';
import { Database } from '@stratus/platform';
import type { VolumeDriver } from '../backend/volume-driver';
import { VOLUME_DRIVER } from '../block-storage.tokens';
import { Actor, cinderPolicy } from '../common/actor';
import { cinderErrors } from '../common/cinder-errors';
import { applyFilters, fetchPage, ListRequest, ListSpec, Page } from '../common/list-params';
import { cinderTime, currentTime } from '../common/time';
import { VolumeAttachmentEntity, VolumeEntity } from '../persistence/block-storage.entities';
import { backendVolume } from '../volumes/volume-manager';
import { VolumeRecords } from '../volumes/volume-records';
import { isReadonly } from '../volumes/volume-view';

export const ATTACHMENT_LIST_SPEC: ListSpec = {
  alias: 'a',
  sortKeys: {
    id: 'a.id',
    created_at: 'a.created_at',
    updated_at: 'a.updated_at',
    status: 'a.attach_status',
    volume_id: 'a.volume_id',
    instance_id: 'a.instance_uuid',
  },
  defaultSort: [{ key: 'created_at', descending: true }],
  filters: {
    volume_id: { type: 'string', sql: 'a.volume_id' },
    status: { type: 'string', sql: 'a.attach_status' },
    attach_status: { type: 'string', sql: 'a.attach_status' },
    instance_id: { type: 'string', sql: 'a.instance_uuid' },
    instance_uuid: { type: 'string', sql: 'a.instance_uuid' },
  },
  markerNotFound: (marker) => cinderErrors.attachmentNotFound(marker),
};

const IS_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The volume's status and attach_status follow from its live attachments. */
function statusFrom(attachments: VolumeAttachmentEntity[]): { status: string; attachStatus: string } {
  const states = new Set(attachments.map((a) => a.attachStatus));
  if (states.has('attached')) return { status: 'in-use', attachStatus: 'attached' };
  if (states.has('attaching')) return { status: 'attaching', attachStatus: 'attaching' };
  if (states.has('reserved')) return { status: 'reserved', attachStatus: 'reserved' };
  return { status: 'available', attachStatus: 'detached' };
}

function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

export function attachmentRef(row: VolumeAttachmentEntity): AttachmentRef {
  return {
    id: row.id,
    volumeId: row.volumeId,
    instanceUuid: row.instanceUuid,
    status: row.attachStatus as AttachmentStatus,
    attachMode: row.attachMode as 'rw' | 'ro',
    connector: parseJson<VolumeConnector>(row.connector),
    connectionInfo: parseJson<VolumeConnectionInfo>(row.connectionInfo),
    attachedAt: row.attachTime ? cinderTime(row.attachTime) : null,
    detachedAt: row.detachTime ? cinderTime(row.detachTime) : null,
  };
}

/** connection_info as Cinder's REST API shows it: snake_case, with the attachment's id. */
export function connectionInfoView(
  info: VolumeConnectionInfo,
  attachmentId?: string,
): Record<string, unknown> {
  const d = info.data;
  return {
    driver_volume_type: info.driverVolumeType,
    data: {
      volume_id: d.volumeId,
      export: d.export,
      name: d.name,
      path: d.path,
      format: d.format,
      access_mode: d.accessMode,
      serial: d.serial,
      discard: d.discard,
      encrypted: d.encrypted,
    },
    ...(attachmentId ? { attachment_id: attachmentId } : {}),
  };
}

/**
 * Attaching volumes to instances, by Cinder's attachments API (3.27+: reserve, update with a
 * connector, complete, delete) and by the older volume actions (os-reserve, os-initialize_connection,
 * os-attach, os-begin_detaching, os-detach, ...), over HTTP and for compute over NATS. Every change
 * locks the volume row, so the volume's status always matches its attachments.
 */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly db: Database,
    private readonly records: VolumeRecords,
    @Inject(VOLUME_DRIVER) private readonly driver: VolumeDriver,
  ) {}

  private async live(manager: EntityManager, volumeId: string): Promise<VolumeAttachmentEntity[]> {
    return manager.findBy(VolumeAttachmentEntity, { volumeId, attachStatus: Not('detached') });
  }

  /** Recomputes the volume's status from its attachments and keeps attached_mode in step. */
  private async settle(manager: EntityManager, volume: VolumeEntity): Promise<string> {
    const attachments = await this.live(manager, volume.id);
    const next = statusFrom(attachments);
    await this.records.set(volume.id, next, manager);
    const modes = attachments.filter((a) => a.attachStatus !== 'reserved').map((a) => a.attachMode);
    await this.records.setAdminMetadata(manager, volume.id, 'attached_mode', modes.length ? modes[0] : null);
    return next.status;
  }

  private async modeFor(
    manager: EntityManager,
    volume: VolumeEntity,
    requested?: 'rw' | 'ro',
  ): Promise<'rw' | 'ro'> {
    const readonly = isReadonly(await this.records.loadOne(volume, manager));
    if (requested === 'rw' && readonly) throw cinderErrors.invalidAttachMode(requested, volume.id);
    return requested ?? (readonly ? 'ro' : 'rw');
  }

  private async findAttachment(
    actor: Actor,
    id: string,
    manager: EntityManager,
  ): Promise<VolumeAttachmentEntity> {
    const row = IS_UUID.test(id)
      ? await manager.findOneBy(VolumeAttachmentEntity, { id: id.toLowerCase() })
      : null;
    if (!row || !cinderPolicy.owns(actor, row.projectId)) throw cinderErrors.attachmentNotFound(id);
    return row;
  }

  private connect(row: VolumeAttachmentEntity, volume: VolumeEntity, connector: VolumeConnector): void {
    const info = this.driver.initializeConnection(
      backendVolume(volume),
      connector,
      row.attachMode as 'rw' | 'ro',
    );
    row.connector = JSON.stringify(connector);
    row.connectionInfo = JSON.stringify(info);
    row.attachedHost = connector.host;
    row.mountpoint = connector.mountpoint ?? row.mountpoint;
    row.attachStatus = 'attaching';
    row.updatedAt = currentTime();
  }

  // ---------------------------------------------------------------- attachments API

  async create(
    actor: Actor,
    input: { volumeId: string; instanceUuid: string | null; connector?: VolumeConnector; mode?: 'rw' | 'ro' },
  ): Promise<VolumeAttachmentEntity> {
    cinderPolicy.member(actor, 'volume:attachment_create');
    return this.db.transaction(async (manager) => {
      const volume = await this.records.findForUpdate(actor, input.volumeId, manager);
      const attachments = await this.live(manager, volume.id);
      const allowed = volume.multiattach ? ['available', 'in-use', 'reserved', 'attaching'] : ['available'];
      if (!allowed.includes(volume.status)) {
        throw cinderErrors.invalidVolume(
          `Volume ${volume.id} status must be ${volume.multiattach ? 'available or in-use' : 'available'} to reserve, but the current status is ${volume.status}.`,
        );
      }
      if (input.instanceUuid && attachments.some((a) => a.instanceUuid === input.instanceUuid)) {
        throw cinderErrors.invalidVolume(
          `Volume ${volume.id} is already attached to instance ${input.instanceUuid}.`,
        );
      }
      const now = currentTime();
      const row: VolumeAttachmentEntity = {
        id: randomUUID(),
        volumeId: volume.id,
        projectId: volume.projectId,
        instanceUuid: input.instanceUuid,
        attachedHost: null,
        mountpoint: null,
        attachStatus: 'reserved',
        attachMode: await this.modeFor(manager, volume, input.mode),
        connector: null,
        connectionInfo: null,
        attachTime: null,
        detachTime: null,
        createdAt: now,
        updatedAt: now,
      };
      if (input.connector) this.connect(row, volume, input.connector);
      await manager.insert(VolumeAttachmentEntity, row);
      await this.settle(manager, volume);
      return row;
    });
  }

  /** Initialises the connection for the connector's host: the attachment and volume go attaching. */
  async update(actor: Actor, id: string, connector: VolumeConnector): Promise<VolumeAttachmentEntity> {
    cinderPolicy.member(actor, 'volume:attachment_update');
    return this.db.transaction(async (manager) => {
      const found = await this.findAttachment(actor, id, manager);
      const volume = await this.records.findForUpdate(actor, found.volumeId, manager);
      const row = await this.findAttachment(actor, id, manager);
      if (!['reserved', 'attaching', 'error_attaching'].includes(row.attachStatus)) {
        throw cinderErrors.invalidVolume(
          `Attachment ${row.id} status must be reserved or attaching to be updated, but is ${row.attachStatus}.`,
        );
      }
      this.connect(row, volume, connector);
      await manager.save(VolumeAttachmentEntity, row);
      await this.settle(manager, volume);
      return row;
    });
  }

  /** The host plugged the volume: attachment attached, volume in-use. */
  async complete(actor: Actor, id: string): Promise<VolumeAttachmentEntity> {
    cinderPolicy.member(actor, 'volume:attachment_complete');
    return this.db.transaction(async (manager) => {
      const found = await this.findAttachment(actor, id, manager);
      const volume = await this.records.findForUpdate(actor, found.volumeId, manager);
      const row = await this.findAttachment(actor, id, manager);
      if (!['reserved', 'attaching', 'attached'].includes(row.attachStatus)) {
        throw cinderErrors.invalidVolume(
          `Attachment ${row.id} cannot be completed from ${row.attachStatus}.`,
        );
      }
      const now = currentTime();
      Object.assign(row, { attachStatus: 'attached', attachTime: row.attachTime ?? now, updatedAt: now });
      await manager.save(VolumeAttachmentEntity, row);
      await this.settle(manager, volume);
      return row;
    });
  }

  /** The attachment goes (terminating its connection); the volume's other attachments stay. */
  async delete(
    actor: Actor,
    id: string,
  ): Promise<{ volumeStatus: string; remaining: VolumeAttachmentEntity[] }> {
    cinderPolicy.member(actor, 'volume:attachment_delete');
    return this.db.transaction(async (manager) => {
      const found = await this.findAttachment(actor, id, manager);
      const volume = await this.records.findForUpdate(actor, found.volumeId, manager);
      await this.driver.terminateConnection(
        backendVolume(volume),
        parseJson<VolumeConnector>(found.connector),
      );
      await manager.delete(VolumeAttachmentEntity, { id: found.id });
      const volumeStatus = await this.settle(manager, volume);
      return { volumeStatus, remaining: await this.live(manager, volume.id) };
    });
  }

  async get(actor: Actor, id: string): Promise<VolumeAttachmentEntity> {
    cinderPolicy.reader(actor, 'volume:attachment_get');
    return this.findAttachment(actor, id, this.db.manager);
  }

  async list(actor: Actor, request: ListRequest): Promise<Page<VolumeAttachmentEntity>> {
    cinderPolicy.reader(actor, 'volume:attachment_get_all');
    const qb = this.db.manager.createQueryBuilder(VolumeAttachmentEntity, 'a');
    if (!actor.isAdmin || !request.allTenants)
      qb.where('a.project_id = :scope', { scope: actor.projectId ?? '' });
    else if (request.projectId) qb.where('a.project_id = :scope', { scope: request.projectId });
    applyFilters(qb, request, ATTACHMENT_LIST_SPEC);
    return fetchPage(qb, request, ATTACHMENT_LIST_SPEC);
  }

  /** Live attachments of an instance or a volume, for compute. */
  async find(
    actor: Actor,
    filter: { instanceUuid?: string; volumeId?: string },
  ): Promise<VolumeAttachmentEntity[]> {
    const qb = this.db.manager
      .createQueryBuilder(VolumeAttachmentEntity, 'a')
      .where('a.attach_status <> :detached', { detached: 'detached' });
    if (!actor.isAdmin) qb.andWhere('a.project_id = :scope', { scope: actor.projectId ?? '' });
    if (filter.instanceUuid) qb.andWhere('a.instance_uuid = :instance', { instance: filter.instanceUuid });
    if (filter.volumeId) qb.andWhere('a.volume_id = :volume', { volume: filter.volumeId });
    return qb.orderBy('a.created_at', 'ASC').addOrderBy('a.id', 'ASC').getMany();
  }

  // ---------------------------------------------------------------- the older volume actions

  /** os-reserve: available (or in-use when multiattach) -> attaching. */
  async reserve(actor: Actor, volumeId: string): Promise<void> {
    cinderPolicy.member(actor, 'volume_extension:volume_actions:reserve');
    await this.db.transaction(async (manager) => {
      const volume = await this.records.findForUpdate(actor, volumeId, manager);
      const allowed = volume.multiattach ? ['available', 'in-use'] : ['available'];
      if (!allowed.includes(volume.status)) {
        throw cinderErrors.invalidVolume(
          `Volume status must be ${allowed.join(' or ')} to reserve, but the status is ${volume.status}.`,
        );
      }
      await this.records.set(volume.id, { status: 'attaching' }, manager);
    });
  }

  /** os-unreserve: attaching -> back to what the attachments say. */
  async unreserve(actor: Actor, volumeId: string): Promise<void> {
    cinderPolicy.member(actor, 'volume_extension:volume_actions:unreserve');
    await this.db.transaction(async (manager) => {
      const volume = await this.records.findForUpdate(actor, volumeId, manager);
      if (volume.status === 'attaching') await this.settle(manager, volume);
    });
  }

  /** os-begin_detaching: in-use -> detaching, before the host unplugs. */
  async beginDetaching(actor: Actor, volumeId: string): Promise<VolumeEntity> {
    cinderPolicy.member(actor, 'volume_extension:volume_actions:begin_detaching');
    return this.db.transaction(async (manager) => {
      const volume = await this.records.findForUpdate(actor, volumeId, manager);
      if (volume.status !== 'in-use' || volume.attachStatus !== 'attached') {
        throw cinderErrors.invalidVolume(
          `Unable to detach volume. Volume status must be 'in-use' and attach_status must be 'attached' to detach.`,
        );
      }
      await this.records.set(volume.id, { status: 'detaching' }, manager);
      return { ...volume, status: 'detaching' };
    });
  }

  /** os-roll_detaching: a detach that did not happen; detaching -> in-use. */
  async rollDetaching(actor: Actor, volumeId: string): Promise<VolumeEntity> {
    cinderPolicy.member(actor, 'volume_extension:volume_actions:roll_detaching');
    return this.db.transaction(async (manager) => {
      const volume = await this.records.findForUpdate(actor, volumeId, manager);
      if (volume.status === 'detaching') await this.settle(manager, volume);
      return (await manager.findOneBy(VolumeEntity, { id: volume.id })) ?? volume;
    });
  }

  /** os-initialize_connection: the connection info, with no change of status. */
  async initializeConnection(
    actor: Actor,
    volumeId: string,
    connector: VolumeConnector,
  ): Promise<VolumeConnectionInfo> {
    cinderPolicy.member(actor, 'volume_extension:volume_actions:initialize_connection');
    const volume = await this.records.find(actor, volumeId);
    if (
      ['creating', 'downloading', 'deleting', 'error', 'error_deleting', 'maintenance'].includes(
        volume.status,
      )
    ) {
      throw cinderErrors.invalidVolume(`Volume ${volume.id} cannot be connected while ${volume.status}.`);
    }
    const loaded = await this.records.loadOne(volume);
    const mode = loaded.adminMetadata.attached_mode ?? (isReadonly(loaded) ? 'ro' : 'rw');
    return this.driver.initializeConnection(backendVolume(volume), connector, mode as 'rw' | 'ro');
  }

  async terminateConnection(actor: Actor, volumeId: string, connector: VolumeConnector): Promise<void> {
    cinderPolicy.member(actor, 'volume_extension:volume_actions:terminate_connection');
    const volume = await this.records.find(actor, volumeId);
    await this.driver.terminateConnection(backendVolume(volume), connector);
  }

  /** os-attach: records the attachment as done (the older flow, after os-reserve). */
  async attach(
    actor: Actor,
    volumeId: string,
    input: { instanceUuid: string | null; hostName: string | null; mountpoint: string; mode?: 'rw' | 'ro' },
  ): Promise<void> {
    cinderPolicy.member(actor, 'volume_extension:volume_actions:attach');
    await this.db.transaction(async (manager) => {
      const volume = await this.records.findForUpdate(actor, volumeId, manager);
      const allowed = volume.multiattach
        ? ['available', 'attaching', 'reserved', 'in-use']
        : ['available', 'attaching', 'reserved'];
      if (!allowed.includes(volume.status)) {
        throw cinderErrors.invalidVolume(
          `Volume ${volume.id} status must be available or attaching, but is ${volume.status}.`,
        );
      }
      const now = currentTime();
      await manager.insert(VolumeAttachmentEntity, {
        id: randomUUID(),
        volumeId: volume.id,
        projectId: volume.projectId,
        instanceUuid: input.instanceUuid,
        attachedHost: input.hostName,
        mountpoint: input.mountpoint,
        attachStatus: 'attached',
        attachMode: await this.modeFor(manager, volume, input.mode),
        connector: null,
        connectionInfo: null,
        attachTime: now,
        detachTime: null,
        createdAt: now,
        updatedAt: now,
      });
      await this.settle(manager, volume);
    });
  }

  /** os-detach (and os-force_detach): removes one attachment, or the only one. */
  async detach(
    actor: Actor,
    volumeId: string,
    attachmentId: string | undefined,
    force = false,
  ): Promise<void> {
    if (force) cinderPolicy.admin(actor, 'volume_extension:volume_admin_actions:force_detach');
    else cinderPolicy.member(actor, 'volume_extension:volume_actions:detach');
    await this.db.transaction(async (manager) => {
      const volume = await this.records.findForUpdate(actor, volumeId, manager);
      const attachments = await this.live(manager, volume.id);
      let target: VolumeAttachmentEntity | undefined;
      if (attachmentId) {
        target = attachments.find((a) => a.id === attachmentId);
        if (!target) throw cinderErrors.attachmentNotFound(attachmentId);
      } else if (attachments.length > 1) {
        throw cinderErrors.invalidVolume(
          'Detach volume failed: More than one attachment, but no attachment_id provided.',
        );
      } else {
        target = attachments[0];
      }
      if (!target && !force) throw cinderErrors.invalidVolume('Volume must be attached in order to detach.');
      if (target) {
        await this.driver.terminateConnection(
          backendVolume(volume),
          parseJson<VolumeConnector>(target.connector),
        );
        await manager.delete(VolumeAttachmentEntity, { id: target.id });
      }
      await this.settle(manager, volume);
    });
  }
}
