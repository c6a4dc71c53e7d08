import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Database } from '@stratus/platform';
import { In } from 'typeorm';
import { VolumeBackendError, VolumeDriver } from '../backend/volume-driver';
import { BLOCK_STORAGE_CONFIG, VOLUME_DRIVER } from '../block-storage.tokens';
import { currentTime } from '../common/time';
import type { BlockStorageConfig } from '../config/block-storage-config';
import {
  BackupEntity,
  BackupMetadataEntity,
  SnapshotEntity,
  VolumeEntity,
} from '../persistence/block-storage.entities';
import { AbandonedWork, backendSnapshot, backendVolume, VolumeManager } from '../volumes/volume-manager';
import { VolumeRecords } from '../volumes/volume-records';
import { BackupCorruptError, readManifest, restoreBackup, writeBackup } from './chunked-backup';
import { ObjectStore, ObjectStoreError } from './object-store';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/** What a failure may tell the backup's owner (fail_reason); anything else stays in the log. */
function reasonOf(error: unknown): string {
  const safe =
    error instanceof ObjectStoreError ||
    error instanceof BackupCorruptError ||
    error instanceof VolumeBackendError;
  return (safe ? error.message : 'An unexpected error occurred.').slice(0, 255);
}

/**
 * Cinder's backup manager with its Swift driver: runs backups, restores and deletes after the API
 * answered, against the caller's object storage account, and moves the backup and its volume to
 * their final statuses. On start-up it settles what a previous process on this host left
 * half-done, and ServiceLiveness has it settle what processes that are down left.
 */
@Injectable()
export class BackupManager implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('BackupManager');
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly db: Database,
    private readonly records: VolumeRecords,
    private readonly volumes: VolumeManager,
    @Inject(VOLUME_DRIVER) private readonly driver: VolumeDriver,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.settleAbandoned((backup) => backup.host === this.volumes.host);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private spawn(label: string, work: () => Promise<void>): void {
    const job = work()
      .catch((error: unknown) => this.logger.error(`${label} failed unexpectedly: ${String(error)}`))
      .finally(() => this.running.delete(job));
    this.running.add(job);
  }

  private store(projectId: string, token: string): ObjectStore {
    return new ObjectStore(this.config.BLOCK_STORAGE_OBJECT_STORE_URL, projectId, token);
  }

  private async setBackup(id: string, from: string, changes: Partial<BackupEntity>): Promise<void> {
    await this.db.transaction((manager) =>
      manager.update(BackupEntity, { id, status: from }, { ...changes, updatedAt: currentTime() }),
    );
  }

  startCreate(
    backup: BackupEntity,
    volume: VolumeEntity,
    snapshot: SnapshotEntity | null,
    parent: BackupEntity | null,
    token: string,
    requestId: string,
  ): void {
    this.spawn(`backup ${backup.id}`, async () => {
      try {
        const store = this.store(backup.projectId, token);
        await store.ensureContainer(backup.container);
        const parentManifest = parent
          ? await readManifest(store, parent.container, parent.objectPrefix)
          : undefined;
        const source = snapshot ? { snapshot: backendSnapshot(snapshot) } : { volume: backendVolume(volume) };
        const { objectCount } = await this.driver.readRaw(source, (path) =>
          writeBackup({
            objects: store,
            container: backup.container,
            prefix: backup.objectPrefix,
            source: path,
            size: backup.size * GiB,
            chunkSize: this.config.BLOCK_STORAGE_BACKUP_CHUNK_MIB * MiB,
            identity: {
              backupId: backup.id,
              volumeId: backup.volumeId,
              parentId: backup.parentId,
              createdAt: backup.createdAt,
            },
            parent: parentManifest,
          }),
        );
        // The volume is given back before the backup shows available, so a client that saw the
        // backup finish finds its volume usable.
        await this.release(volume, snapshot);
        await this.setBackup(backup.id, 'creating', { status: 'available', objectCount });
      } catch (error) {
        this.logger.warn(`backup ${backup.id} (${requestId}) failed: ${String(error)}`);
        await this.release(volume, snapshot);
        await this.setBackup(backup.id, 'creating', { status: 'error', failReason: reasonOf(error) });
      }
    });
  }

  /** The volume (or snapshot) a backup read goes back to what it was. */
  private async release(volume: VolumeEntity, snapshot: SnapshotEntity | null): Promise<void> {
    if (snapshot) {
      await this.db.transaction((manager) =>
        manager.update(
          SnapshotEntity,
          { id: snapshot.id, status: 'backing-up' },
          { status: 'available', updatedAt: currentTime() },
        ),
      );
      return;
    }
    const current = await this.db.manager.findOneBy(VolumeEntity, { id: volume.id });
    await this.records.transition(volume.id, ['backing-up'], {
      status: current?.previousStatus ?? volume.status,
      previousStatus: null,
    });
  }

  /**
   * Writes the backup's data aside (hash-checked chunk by chunk) and only then replaces the
   * volume's data; a failed restore leaves the volume's old data, in error_restoring.
   */
  startRestore(
    backup: BackupEntity,
    volume: VolumeEntity,
    isNew: boolean,
    token: string,
    requestId: string,
  ): void {
    this.spawn(`restore of ${backup.id}`, async () => {
      try {
        const store = this.store(backup.projectId, token);
        const manifest = await readManifest(store, backup.container, backup.objectPrefix);
        await this.driver.writeRaw(backendVolume(volume), (path) =>
          restoreBackup({ objects: store, container: backup.container, manifest, target: path }),
        );
        await this.records.transition(volume.id, ['restoring-backup'], {
          status: 'available',
          ...(isNew ? { launchedAt: currentTime() } : {}),
        });
      } catch (error) {
        this.logger.warn(`restore of ${backup.id} into ${volume.id} (${requestId}) failed: ${String(error)}`);
        await this.records.transition(volume.id, ['restoring-backup'], { status: 'error_restoring' });
      }
      await this.setBackup(backup.id, 'restoring', { status: 'available', restoreVolumeId: null });
    });
  }

  startDelete(backup: BackupEntity, token: string, requestId: string): void {
    this.spawn(`delete of backup ${backup.id}`, async () => {
      try {
        const store = this.store(backup.projectId, token);
        const names = await store.list(backup.container, backup.objectPrefix);
        // Only this backup's own objects: `<prefix>-NNNNN` chunks and `<prefix>_metadata`.
        const own = names.filter(
          (n) => n.startsWith(`${backup.objectPrefix}-`) || n === `${backup.objectPrefix}_metadata`,
        );
        for (const name of own) await store.delete(backup.container, name);
        await this.db.transaction(async (manager) => {
          await manager.delete(BackupMetadataEntity, { backupId: backup.id });
          await manager.delete(BackupEntity, { id: backup.id, status: 'deleting' });
        });
      } catch (error) {
        this.logger.warn(`delete of backup ${backup.id} (${requestId}) failed: ${String(error)}`);
        await this.setBackup(backup.id, 'deleting', {
          status: 'error_deleting',
          failReason: reasonOf(error),
        });
      }
    });
  }

  /**
   * Settles the backups `abandoned` picks among those in an operation. The caller's token is gone,
   * so nothing resumes: creates and deletes end in error (a delete can be asked again), restores
   * leave their volume in error_restoring. Each is taken over first, its host set to this
   * process's while its host and status are still as read, so only one process settles it.
   */
  async settleAbandoned(abandoned: AbandonedWork): Promise<void> {
    const backups = await this.db.manager.findBy(BackupEntity, {
      status: In(['creating', 'restoring', 'deleting']),
    });
    for (const backup of backups.filter(abandoned)) {
      const own = backup.host === this.volumes.host;
      const interrupted = own
        ? 'Interrupted by a restart of the backup service.'
        : 'Interrupted: the backup service running it went down.';
      const take = async (changes: Partial<BackupEntity>) => {
        const result = await this.db.transaction((manager) =>
          manager.update(
            BackupEntity,
            { id: backup.id, host: backup.host, status: backup.status },
            { ...changes, host: this.volumes.host, updatedAt: currentTime() },
          ),
        );
        return (result.affected ?? 0) > 0;
      };
      if (backup.status === 'creating') {
        if (!(await take({ status: 'error', failReason: interrupted }))) continue;
        const volume = await this.db.manager.findOneBy(VolumeEntity, { id: backup.volumeId });
        const snapshot = backup.snapshotId
          ? await this.db.manager.findOneBy(SnapshotEntity, { id: backup.snapshotId })
          : null;
        if (volume) await this.release({ ...volume, status: 'available' }, snapshot);
      } else if (backup.status === 'restoring') {
        if (!(await take({ status: 'available', restoreVolumeId: null }))) continue;
        if (backup.restoreVolumeId) {
          await this.records.transition(backup.restoreVolumeId, ['restoring-backup'], {
            status: 'error_restoring',
          });
        }
      } else if (!(await take({ status: 'error_deleting', failReason: interrupted }))) {
        continue;
      }
      this.logger.warn(
        `backup ${backup.id} was left ${backup.status} ${own ? 'before this process started' : `by ${backup.host}, which is down`}`,
      );
    }
  }
}
