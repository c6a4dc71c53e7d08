import type { VolumeConnectionInfo, VolumeConnector } from '@stratus/contracts';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { QemuImg, run } from './qemu-img';
import {
  BackendCapacity,
  BackendSnapshot,
  BackendVolume,
  LocalImage,
  RawSource,
  VolumeBackendError,
  VolumeDriver,
  VolumeFormat,
} from './volume-driver';

const GiB = 1024 ** 3;
const INCOMING = '.incoming';

export interface FileDriverOptions {
  folder: string;
  /** This service's host name: its unfinished files live under .incoming/<host>. */
  host: string;
  backendName: string;
  qemuImg: QemuImg;
  /** Timeout of a copy (cp) in milliseconds. */
  copyTimeoutMs: number;
}

/**
 * Volumes as files (`volume-<id>`, raw and sparse or qcow2) and snapshots as full copies
 * (`snapshot-<id>`, reflinked where the filesystem can) in one folder the compute hosts mount,
 * like Cinder's NFS driver. New data is always written under `.incoming/<host>` and renamed into place, so
 * a failed create or revert leaves nothing half-written where a volume's data lives.
 */
export class FileVolumeDriver implements VolumeDriver {
  readonly storageProtocol = 'file';
  readonly folder: string;
  private readonly incoming: string;

  constructor(private readonly options: FileDriverOptions) {
    this.folder = resolve(options.folder);
    this.incoming = join(this.folder, INCOMING, options.host);
  }

  get backendName(): string {
    return this.options.backendName;
  }

  async init(): Promise<void> {
    await fs.mkdir(this.folder, { recursive: true });
    // Anything still incoming here belonged to an operation of this host a crash interrupted;
    // other hosts sharing the folder keep theirs.
    await fs.rm(this.incoming, { recursive: true, force: true });
    await fs.mkdir(this.incoming, { recursive: true });
  }

  async discardLeftovers(host: string): Promise<void> {
    if (!/^[A-Za-z0-9._-]+$/.test(host) || host === '.' || host === '..' || host === this.options.host)
      return;
    await fs.rm(join(this.folder, INCOMING, host), { recursive: true, force: true });
  }

  async capacity(): Promise<BackendCapacity> {
    const stats = await fs.statfs(this.folder);
    const round = (bytes: number) => Math.floor((bytes / GiB) * 100) / 100;
    return { totalGb: round(stats.blocks * stats.bsize), freeGb: round(stats.bavail * stats.bsize) };
  }

  volumePath(id: string): string {
    return join(this.folder, `volume-${checkedId(id)}`);
  }

  snapshotPath(id: string): string {
    return join(this.folder, `snapshot-${checkedId(id)}`);
  }

  async createVolume(volume: BackendVolume): Promise<void> {
    await this.produce(this.volumePath(volume.id), async (temp) => {
      if (volume.format === 'raw') {
        const handle = await fs.open(temp, 'wx');
        try {
          await handle.truncate(volume.size * GiB);
          await handle.sync();
        } finally {
          await handle.close();
        }
      } else {
        await this.options.qemuImg.create(temp, 'qcow2', volume.size * GiB);
      }
    });
  }

  async createFromImage(volume: BackendVolume, image: LocalImage): Promise<void> {
    await this.produce(this.volumePath(volume.id), async (temp) => {
      await this.options.qemuImg.convert(image.path, image.format, temp, volume.format);
      await this.grow(temp, volume.format, volume.size);
    });
  }

  async reimageVolume(volume: BackendVolume, image: LocalImage): Promise<void> {
    await this.exists(this.volumePath(volume.id), volume.id);
    await this.produce(
      this.volumePath(volume.id),
      async (temp) => {
        await this.options.qemuImg.convert(image.path, image.format, temp, volume.format);
        await this.grow(temp, volume.format, volume.size);
      },
      true,
    );
  }

  async createFromSnapshot(volume: BackendVolume, snapshot: BackendSnapshot): Promise<void> {
    await this.copyInto(this.snapshotPath(snapshot.id), snapshot.format, volume);
  }

  async cloneVolume(volume: BackendVolume, source: BackendVolume): Promise<void> {
    await this.copyInto(this.volumePath(source.id), source.format, volume);
  }

  async extendVolume(volume: BackendVolume, newSize: number, online: boolean): Promise<void> {
    const path = this.volumePath(volume.id);
    await this.exists(path, volume.id);
    if (online && volume.format !== 'raw') {
      // qemu holds a lock on an open qcow2 image; only the hypervisor could grow it.
      throw new VolumeBackendError('An attached qcow2 volume cannot be extended by the file backend.');
    }
    // Growing a raw file or a qcow2 header touches no existing data, so a failure leaves it intact.
    await this.grow(path, volume.format, newSize);
  }

  async deleteVolume(volume: BackendVolume): Promise<void> {
    await fs.rm(this.volumePath(volume.id), { force: true });
  }

  async revertToSnapshot(volume: BackendVolume, snapshot: BackendSnapshot): Promise<void> {
    await this.exists(this.volumePath(volume.id), volume.id);
    // The volume keeps its data until the reverted copy replaces it in one rename.
    await this.produce(
      this.volumePath(volume.id),
      async (temp) => {
        await this.copy(this.snapshotPath(snapshot.id), temp);
        await this.grow(temp, volume.format, volume.size);
      },
      true,
    );
  }

  async createSnapshot(snapshot: BackendSnapshot, volume: BackendVolume): Promise<void> {
    await this.exists(this.volumePath(volume.id), volume.id);
    await this.produce(this.snapshotPath(snapshot.id), (temp) => this.copy(this.volumePath(volume.id), temp));
  }

  async deleteSnapshot(snapshot: BackendSnapshot): Promise<void> {
    await fs.rm(this.snapshotPath(snapshot.id), { force: true });
  }

  async readRaw<T>(source: RawSource, use: (path: string) => Promise<T>): Promise<T> {
    const [path, format, id] =
      'volume' in source
        ? [this.volumePath(source.volume.id), source.volume.format, source.volume.id]
        : [this.snapshotPath(source.snapshot.id), source.snapshot.format, source.snapshot.id];
    await this.exists(path, id);
    if (format === 'raw') return use(path);
    const temp = this.scratchPath('raw');
    try {
      await this.options.qemuImg.convert(path, format, temp, 'raw');
      return await use(temp);
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  async writeRaw(volume: BackendVolume, write: (path: string) => Promise<void>): Promise<void> {
    const fill = async (path: string) => {
      const handle = await fs.open(path, 'wx');
      try {
        await handle.truncate(volume.size * GiB);
      } finally {
        await handle.close();
      }
      await write(path);
    };
    if (volume.format === 'raw') {
      await this.produce(this.volumePath(volume.id), fill, true);
      return;
    }
    const raw = this.scratchPath('raw');
    try {
      await fill(raw);
      await this.produce(
        this.volumePath(volume.id),
        (temp) => this.options.qemuImg.convert(raw, 'raw', temp, volume.format),
        true,
      );
    } finally {
      await fs.rm(raw, { force: true });
    }
  }

  async exportVolume(volume: BackendVolume, diskFormat: string, target: string): Promise<void> {
    const path = this.volumePath(volume.id);
    await this.exists(path, volume.id);
    await this.options.qemuImg.convert(path, volume.format, target, diskFormat);
  }

  initializeConnection(
    volume: BackendVolume,
    _connector: VolumeConnector | null,
    accessMode: 'rw' | 'ro',
  ): VolumeConnectionInfo {
    const name = `volume-${checkedId(volume.id)}`;
    return {
      driverVolumeType: 'file',
      data: {
        volumeId: volume.id,
        export: this.folder,
        name,
        path: join(this.folder, name),
        format: volume.format,
        accessMode,
        serial: volume.id,
        discard: true,
        encrypted: false,
      },
    };
  }

  async terminateConnection(): Promise<void> {
    // A shared folder has nothing to unexport per host.
  }

  private async copyInto(source: string, sourceFormat: VolumeFormat, volume: BackendVolume): Promise<void> {
    await this.exists(source, volume.id);
    await this.produce(this.volumePath(volume.id), async (temp) => {
      if (sourceFormat === volume.format) await this.copy(source, temp);
      else await this.options.qemuImg.convert(source, sourceFormat, temp, volume.format);
      await this.grow(temp, volume.format, volume.size);
    });
  }

  /** Grows a file to `size` GiB when it is smaller; never shrinks. */
  private async grow(path: string, format: VolumeFormat, size: number): Promise<void> {
    const bytes = size * GiB;
    if (format === 'raw') {
      const { size: current } = await fs.stat(path);
      if (current < bytes) await fs.truncate(path, bytes);
      return;
    }
    const info = await this.options.qemuImg.info(path);
    if (info.virtualSize < bytes) await this.options.qemuImg.resize(path, 'qcow2', bytes);
  }

  /** Copies keeping holes (and sharing blocks where the filesystem supports reflinks). */
  private async copy(source: string, target: string): Promise<void> {
    await run('cp', ['--reflink=auto', '--sparse=always', source, target], this.options.copyTimeoutMs);
  }

  /** A fresh name under this host's .incoming folder, which start-up clears after a crash. */
  private scratchPath(suffix: string): string {
    return join(this.incoming, `${randomBytes(8).toString('hex')}.${suffix}`);
  }

  private async exists(path: string, id: string): Promise<void> {
    try {
      await fs.access(path);
    } catch {
      throw new VolumeBackendError(`The data of ${id} is missing from the backend.`);
    }
  }

  /**
   * Writes a new file under .incoming and renames it to `final` once complete and synced; on any
   * failure the partial file goes and `final` is untouched. `replace` allows an existing `final`.
   */
  private async produce(
    final: string,
    write: (temp: string) => Promise<void>,
    replace = false,
  ): Promise<void> {
    if (!replace) {
      const taken = await fs.access(final).then(
        () => true,
        () => false,
      );
      if (taken) throw new VolumeBackendError(`${final} already exists.`);
    }
    const temp = this.scratchPath('part');
    try {
      await write(temp);
      const handle = await fs.open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, final);
      await syncFolder(this.folder);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
  }
}

function checkedId(id: string): string {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new VolumeBackendError(`not a volume or snapshot id: ${id}`);
  return id;
}

async function syncFolder(path: string): Promise<void> {
  const handle = await fs.open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
