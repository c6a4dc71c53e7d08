import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { BLOCK_STORAGE_VOLUME_STREAM, ImageRef, VolumeExtended } from '@stratus/contracts';
import { BusService, Database } from '@stratus/platform';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { EntityManager, In } from 'typeorm';
import { QemuImg, qemuFormatOf } from '../backend/qemu-img';
import {
  BackendSnapshot,
  BackendVolume,
  LocalImage,
  VolumeBackendError,
  VolumeDriver,
  VolumeFormat,
} from '../backend/volume-driver';
import { BLOCK_STORAGE_CONFIG, QEMU_IMG, VOLUME_DRIVER } from '../block-storage.tokens';
import { currentTime } from '../common/time';
import type { BlockStorageConfig } from '../config/block-storage-config';
import { ImageTransfer, ImageTransferError } from '../images/image-transfer';
import { MessageAction, MessageDetail, MessagesService } from '../messages/messages.service';
import {
  GlanceMetadataEntity,
  SnapshotEntity,
  SnapshotMetadataEntity,
  VolumeAttachmentEntity,
  VolumeEntity,
} from '../persistence/block-storage.entities';
import { VolumeRecords } from './volume-records';

const GiB = 1024 ** 3;

/** Volume statuses of an operation some process is running; the others are at rest. */
const VOLUME_IN_FLIGHT = ['creating', 'downloading', 'extending', 'deleting', 'uploading', 'reverting'];
const SNAPSHOT_IN_FLIGHT = ['creating', 'deleting', 'restoring'];
/** The request id of user messages about work settled on behalf of a process that is gone. */
const SETTLING_REQUEST = 'req-init-host';

/**
 * Whether a resource's operation was left by a process that no longer runs it: its host's, when
 * that host is down (or, at start-up, is this process's own).
 */
export type AbandonedWork = (resource: { host: string; updatedAt: Date }) => boolean;

export type CreateSource =
  | { kind: 'empty' }
  | { kind: 'image'; image: ImageRef; token: string }
  | { kind: 'snapshot'; snapshot: SnapshotEntity }
  | { kind: 'volume'; source: VolumeEntity }
  | { kind: 'unplaceable' };

/** A failure whose cause the owner should read in a user message. */
class OperationFailed extends Error {
  constructor(
    message: string,
    readonly detail: MessageDetail,
  ) {
    super(message);
  }
}

export function backendVolume(volume: VolumeEntity): BackendVolume {
  return { id: volume.id, size: volume.size, format: volume.format as VolumeFormat };
}

export function backendSnapshot(snapshot: SnapshotEntity): BackendSnapshot {
  return {
    id: snapshot.id,
    volumeId: snapshot.volumeId,
    size: snapshot.size,
    format: snapshot.format as VolumeFormat,
  };
}

export function conversionDir(config: BlockStorageConfig): string {
  return config.BLOCK_STORAGE_CONVERSION_DIR ?? join(config.DATA_DIR, 'conversion');
}

/**
 * Cinder's volume manager: runs the backend work of volume and snapshot operations after the API
 * answered, and moves each resource to its final status (or to error, with a user message saying
 * why). On start-up it settles what a previous process on this host left half-done, as Cinder's
 * init_host does: creates become errors, deletes resume; ServiceLiveness has it do the same for
 * processes that are down.
 */
@Injectable()
export class VolumeManager implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('VolumeManager');
  private readonly running = new Set<Promise<void>>();
  /** Cinder's host of this process's pool, `<host>@<backend>#<pool>`, which its resources record. */
  readonly host: string;
  /** The volume service's host in the service list, `<host>@<backend>`. */
  readonly serviceHost: string;

  constructor(
    private readonly db: Database,
    private readonly records: VolumeRecords,
    private readonly images: ImageTransfer,
    private readonly messages: MessagesService,
    private readonly bus: BusService,
    @Inject(VOLUME_DRIVER) private readonly driver: VolumeDriver,
    @Inject(QEMU_IMG) private readonly qemuImg: QemuImg,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {
    this.serviceHost = `${config.BLOCK_STORAGE_HOST}@${driver.backendName}`;
    this.host = `${this.serviceHost}#${driver.backendName}`;
  }

  get format(): VolumeFormat {
    return this.config.BLOCK_STORAGE_VOLUME_FORMAT;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.driver.init();
    const scratch = conversionDir(this.config);
    await fs.rm(scratch, { recursive: true, force: true });
    await fs.mkdir(scratch, { recursive: true });
    await this.bus.ensureStream(BLOCK_STORAGE_VOLUME_STREAM, [VolumeExtended], 7 * 86_400_000);
    await this.settleAbandoned((resource) => resource.host === this.host);
  }

  /** Operations in flight finish before the database connection closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private spawn(label: string, work: () => Promise<void>): void {
    const job = work()
      .catch((error: unknown) => this.logger.error(`${label} failed unexpectedly: ${String(error)}`))
      .finally(() => this.running.delete(job));
    this.running.add(job);
  }

  /**
   * Records the user message of a failed operation. Called before the resource shows the failure,
   * so a client that sees `error` also finds the message.
   */
  private async fail(
    resource: { id: string; projectId: string },
    type: 'VOLUME' | 'SNAPSHOT',
    action: MessageAction,
    requestId: string,
    error: unknown,
  ): Promise<void> {
    const detail: MessageDetail =
      error instanceof OperationFailed
        ? error.detail
        : error instanceof VolumeBackendError
          ? 'driverFailed'
          : 'unknown';
    this.logger.warn(
      `${action} of ${resource.id} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    await this.messages.record({
      projectId: resource.projectId,
      requestId,
      resourceType: type,
      resourceUuid: resource.id,
      action,
      detail,
    });
  }

  // ---------------------------------------------------------------- volumes

  startCreate(volume: VolumeEntity, source: CreateSource, requestId: string): void {
    this.spawn(`create of ${volume.id}`, async () => {
      const action: MessageAction = source.kind === 'image' ? 'copyImageToVolume' : 'scheduleAllocateVolume';
      try {
        await this.create(volume, source);
        await this.records.transition(volume.id, ['creating', 'downloading'], {
          status: 'available',
          launchedAt: currentTime(),
        });
      } catch (error) {
        await this.fail(volume, 'VOLUME', action, requestId, error);
        await this.records.transition(volume.id, ['creating', 'downloading'], { status: 'error' });
      }
    });
  }

  private async create(volume: VolumeEntity, source: CreateSource): Promise<void> {
    const target = backendVolume(volume);
    switch (source.kind) {
      case 'unplaceable':
        throw new OperationFailed('No valid backend was found for the volume type.', 'noBackend');
      case 'empty':
        return this.driver.createVolume(target);
      case 'snapshot':
        return this.driver.createFromSnapshot(target, backendSnapshot(source.snapshot));
      case 'volume':
        return this.driver.cloneVolume(target, backendVolume(source.source));
      case 'image':
        await this.records.transition(volume.id, ['creating'], { status: 'downloading' });
        return this.copyImageToVolume(target, source.image, source.token);
    }
  }

  /**
   * Downloads the image (hash-checked), then inspects the data itself: its real format must be the
   * one the image declares, it must have no backing file (which could name any file on this host),
   * and its virtual size must fit the volume. Only then is it converted into the volume.
   */
  private async copyImageToVolume(
    volume: BackendVolume,
    image: ImageRef,
    token: string,
    write: (local: LocalImage) => Promise<void> = (local) => this.driver.createFromImage(volume, local),
  ): Promise<void> {
    const declared = qemuFormatOf(image.diskFormat);
    if (!declared)
      throw new OperationFailed(
        `Image disk format ${image.diskFormat} is not supported.`,
        'imageUnacceptable',
      );
    const scratch = join(conversionDir(this.config), `${volume.id}.image`);
    try {
      await this.images.download(image, token, scratch);
      const info = await this.qemuImg.info(scratch);
      if (info.format !== declared) {
        throw new OperationFailed(
          `Image ${image.id} declares disk format ${image.diskFormat} but holds ${info.format} data.`,
          'imageUnacceptable',
        );
      }
      if (info.backingFile) {
        throw new OperationFailed(`Image ${image.id} has a backing file.`, 'imageUnacceptable');
      }
      if (info.virtualSize > volume.size * GiB) {
        throw new OperationFailed(
          `Image virtual size is ${Math.ceil(info.virtualSize / GiB)}GB and doesn't fit in a volume of size ${volume.size}GB.`,
          'imageUnacceptable',
        );
      }
      await write({ path: scratch, format: declared });
    } catch (error) {
      if (error instanceof ImageTransferError) throw new OperationFailed(error.message, 'imageUnacceptable');
      throw error;
    } finally {
      await fs.rm(scratch, { force: true });
    }
  }

  startDelete(volume: VolumeEntity, snapshots: SnapshotEntity[], requestId: string): void {
    this.spawn(`delete of ${volume.id}`, async () => {
      try {
        for (const snapshot of snapshots) {
          await this.driver.deleteSnapshot(backendSnapshot(snapshot));
          await this.db.transaction((manager) => this.purgeSnapshot(manager, snapshot.id));
        }
        await this.driver.deleteVolume(backendVolume(volume));
        await this.db.transaction((manager) => this.records.purge(manager, volume.id));
      } catch (error) {
        await this.fail(volume, 'VOLUME', 'deleteVolume', requestId, error);
        await this.records.set(volume.id, { status: 'error_deleting' });
      }
    });
  }

  /** Grows the volume; on failure its size and data stay as they were (error_extending). */
  startExtend(volume: VolumeEntity, newSize: number, online: boolean, requestId: string): void {
    this.spawn(`extend of ${volume.id}`, async () => {
      try {
        await this.driver.extendVolume(backendVolume(volume), newSize, online);
        await this.records.transition(volume.id, ['extending'], {
          size: newSize,
          status: online ? 'in-use' : 'available',
        });
        if (online) await this.announceExtended(volume.id, newSize);
      } catch (error) {
        await this.fail(volume, 'VOLUME', 'extendVolume', requestId, error);
        await this.records.transition(volume.id, ['extending'], { status: 'error_extending' });
      }
    });
  }

  private async announceExtended(volumeId: string, size: number): Promise<void> {
    const attachments = await this.db.manager.findBy(VolumeAttachmentEntity, {
      volumeId,
      attachStatus: 'attached',
    });
    await this.bus.publishDurable(VolumeExtended, {
      volumeId,
      size,
      attachments: attachments.map((a) => ({
        attachmentId: a.id,
        instanceUuid: a.instanceUuid,
        hostName: a.attachedHost,
      })),
      at: new Date().toISOString(),
    });
  }

  /**
   * os-reimage (3.68): the image replaces the volume's data in one rename once converted; on
   * failure the volume is in error with its old data. It returns to `finalStatus` when done.
   */
  startReimage(
    volume: VolumeEntity,
    image: ImageRef,
    token: string,
    glance: Record<string, string>,
    finalStatus: string,
    requestId: string,
  ): void {
    this.spawn(`reimage of ${volume.id}`, async () => {
      try {
        const target = backendVolume(volume);
        await this.copyImageToVolume(target, image, token, (local) =>
          this.driver.reimageVolume(target, local),
        );
        await this.db.transaction(async (manager) => {
          await manager.delete(GlanceMetadataEntity, { resourceId: volume.id });
          await this.records.writeGlanceMetadata(manager, volume.id, glance);
          await this.records.transition(
            volume.id,
            ['downloading'],
            { status: finalStatus, bootable: true },
            manager,
          );
        });
      } catch (error) {
        await this.fail(volume, 'VOLUME', 'reimageVolume', requestId, error);
        await this.records.transition(volume.id, ['downloading'], { status: 'error' });
      }
    });
  }

  /** Revert to snapshot (3.40): the volume's data only changes when the whole copy succeeded. */
  startRevert(volume: VolumeEntity, snapshot: SnapshotEntity, requestId: string): void {
    this.spawn(`revert of ${volume.id}`, async () => {
      try {
        await this.driver.revertToSnapshot(backendVolume(volume), backendSnapshot(snapshot));
      } catch (error) {
        await this.fail(volume, 'VOLUME', 'revertVolume', requestId, error);
      }
      await this.records.transition(volume.id, ['reverting'], { status: 'available' });
      await this.db.transaction((manager) =>
        manager.update(
          SnapshotEntity,
          { id: snapshot.id, status: 'restoring' },
          { status: 'available', updatedAt: currentTime() },
        ),
      );
    });
  }

  /** os-volume-upload-image: the volume's data, converted to the image's format, goes to the image service. */
  startUpload(
    volume: VolumeEntity,
    upload: { imageId: string; diskFormat: string; token: string; previousStatus: string },
    requestId: string,
  ): void {
    this.spawn(`upload of ${volume.id}`, async () => {
      const scratch = join(conversionDir(this.config), `${volume.id}.${upload.imageId}.upload`);
      try {
        await this.driver.exportVolume(
          backendVolume(volume),
          qemuFormatOf(upload.diskFormat) ?? upload.diskFormat,
          scratch,
        );
        await this.images.uploadData(upload.token, upload.imageId, scratch);
      } catch (error) {
        await this.fail(volume, 'VOLUME', 'copyVolumeToImage', requestId, error);
      } finally {
        await fs.rm(scratch, { force: true });
      }
      await this.records.transition(volume.id, ['uploading'], {
        status: upload.previousStatus,
        previousStatus: null,
      });
    });
  }

  // ---------------------------------------------------------------- snapshots

  startSnapshot(snapshot: SnapshotEntity, volume: VolumeEntity, requestId: string): void {
    this.spawn(`snapshot ${snapshot.id}`, async () => {
      let status = 'available';
      try {
        await this.driver.createSnapshot(backendSnapshot(snapshot), backendVolume(volume));
      } catch (error) {
        status = 'error';
        await this.fail(snapshot, 'SNAPSHOT', 'snapshotCreate', requestId, error);
      }
      await this.db.transaction((manager) =>
        manager.update(
          SnapshotEntity,
          { id: snapshot.id, status: 'creating' },
          { status, progress: status === 'available' ? '100%' : '0%', updatedAt: currentTime() },
        ),
      );
    });
  }

  startSnapshotDelete(snapshot: SnapshotEntity, requestId: string): void {
    this.spawn(`delete of snapshot ${snapshot.id}`, async () => {
      try {
        await this.driver.deleteSnapshot(backendSnapshot(snapshot));
        await this.db.transaction((manager) => this.purgeSnapshot(manager, snapshot.id));
      } catch (error) {
        await this.fail(snapshot, 'SNAPSHOT', 'snapshotDelete', requestId, error);
        await this.db.transaction((manager) =>
          manager.update(
            SnapshotEntity,
            { id: snapshot.id },
            { status: 'error_deleting', updatedAt: currentTime() },
          ),
        );
      }
    });
  }

  private async purgeSnapshot(manager: EntityManager, snapshotId: string): Promise<void> {
    await manager.delete(SnapshotMetadataEntity, { snapshotId });
    await manager.delete(GlanceMetadataEntity, { resourceId: snapshotId });
    await manager.delete(SnapshotEntity, { id: snapshotId });
  }

  // ---------------------------------------------------------------- abandoned work

  /**
   * Settles the volumes and snapshots `abandoned` picks among those in an operation, as Cinder's
   * init_host does for its own host and its clean-up does for a service that is down: creates
   * become errors, deletes resume here, the others return to where they were. Each is taken over
   * first (its host set to this process's while its host and status are still as read), so when
   * several processes settle at once only one settles each.
   */
  async settleAbandoned(abandoned: AbandonedWork): Promise<void> {
    const volumes = await this.db.manager.findBy(VolumeEntity, { status: In(VOLUME_IN_FLIGHT) });
    for (const volume of volumes.filter(abandoned)) await this.settleVolume(volume);
    const snapshots = await this.db.manager.findBy(SnapshotEntity, { status: In(SNAPSHOT_IN_FLIGHT) });
    for (const snapshot of snapshots.filter(abandoned)) await this.settleSnapshot(snapshot);
  }

  private leftBy(host: string): string {
    return host === this.host ? 'before this process started' : `by ${host}, which is down`;
  }

  private async settleVolume(volume: VolumeEntity): Promise<void> {
    const left = `volume ${volume.id} was left ${volume.status} ${this.leftBy(volume.host)}`;
    if (volume.status === 'deleting') {
      if (!(await this.records.takeOver(volume, this.host, {}))) return;
      this.logger.warn(`${left}; deleting it here`);
      this.startDelete({ ...volume, host: this.host }, [], SETTLING_REQUEST);
      return;
    }
    const outcome: Record<string, string> = {
      creating: 'error',
      downloading: 'error',
      extending: 'error_extending',
      uploading: volume.previousStatus ?? 'available',
      reverting: 'available',
    };
    const status = outcome[volume.status];
    if (await this.records.takeOver(volume, this.host, { status, previousStatus: null })) {
      this.logger.warn(`${left}; now ${status}`);
    }
  }

  private async settleSnapshot(snapshot: SnapshotEntity): Promise<void> {
    const take = async (changes: Partial<SnapshotEntity>) => {
      const result = await this.db.transaction((manager) =>
        manager.update(
          SnapshotEntity,
          { id: snapshot.id, host: snapshot.host, status: snapshot.status },
          { ...changes, host: this.host, updatedAt: currentTime() },
        ),
      );
      return (result.affected ?? 0) > 0;
    };
    const left = `snapshot ${snapshot.id} was left ${snapshot.status} ${this.leftBy(snapshot.host)}`;
    if (snapshot.status === 'deleting') {
      if (!(await take({}))) return;
      this.logger.warn(`${left}; deleting it here`);
      this.startSnapshotDelete({ ...snapshot, host: this.host }, SETTLING_REQUEST);
      return;
    }
    const status = snapshot.status === 'creating' ? 'error' : 'available';
    if (await take({ status })) this.logger.warn(`${left}; now ${status}`);
  }
}
