import type { VolumeConnectionInfo, VolumeConnector } from '@stratus/contracts';

export type VolumeFormat = 'raw' | 'qcow2';

/** A volume as a backend sees it. */
export interface BackendVolume {
  id: string;
  /** GiB. */
  size: number;
  format: VolumeFormat;
}

export interface BackendSnapshot {
  id: string;
  volumeId: string;
  size: number;
  format: VolumeFormat;
}

/** Image data already downloaded and verified, in a local file of the given qemu-img format. */
export interface LocalImage {
  path: string;
  /** The image's disk_format as qemu-img names it (raw, qcow2, vmdk, vdi, vpc, vhdx). */
  format: string;
}

/** Data a backup reads: a volume's or a snapshot's. */
export type RawSource = { volume: BackendVolume } | { snapshot: BackendSnapshot };

export interface BackendCapacity {
  totalGb: number;
  freeGb: number;
}

/** A backend operation that failed; the message is safe to show the volume's owner. */
export class VolumeBackendError extends Error {}

/**
 * Cinder's volume driver contract, reduced to what Stratus uses. Every operation is all-or-nothing
 * for the data it touches: a failed create leaves no volume data behind, and a failed extend,
 * revert or snapshot leaves the volume's existing data as it was. Deletes are idempotent.
 *
 * The file driver keeps volumes as files on a folder the compute hosts share; a multi-host cloud
 * would add an `lvm` driver (iSCSI targets, connection type `iscsi`) or an `rbd` driver (Ceph,
 * connection type `rbd`) behind this same interface, with connection info the compute agent maps
 * to the matching libvirt disk source.
 */
export interface VolumeDriver {
  /** Cinder's volume_backend_name and storage_protocol, for pools and volume types. */
  readonly backendName: string;
  readonly storageProtocol: string;
  /** Prepares the backend and drops leftovers of operations a crash interrupted. */
  init(): Promise<void>;
  /** Drops the leftovers of the operations another host (its BLOCK_STORAGE_HOST) ran when it went down. */
  discardLeftovers(host: string): Promise<void>;
  capacity(): Promise<BackendCapacity>;

  createVolume(volume: BackendVolume): Promise<void>;
  createFromImage(volume: BackendVolume, image: LocalImage): Promise<void>;
  createFromSnapshot(volume: BackendVolume, snapshot: BackendSnapshot): Promise<void>;
  cloneVolume(volume: BackendVolume, source: BackendVolume): Promise<void>;
  /** Replaces the volume's data with an image's (os-reimage, 3.68); the old data stays until it succeeds. */
  reimageVolume(volume: BackendVolume, image: LocalImage): Promise<void>;
  /** Grows a volume to `newSize` GiB; `online` when a guest has it attached. */
  extendVolume(volume: BackendVolume, newSize: number, online: boolean): Promise<void>;
  deleteVolume(volume: BackendVolume): Promise<void>;
  /** Replaces the volume's data with the snapshot's (revert to snapshot, 3.40). */
  revertToSnapshot(volume: BackendVolume, snapshot: BackendSnapshot): Promise<void>;

  createSnapshot(snapshot: BackendSnapshot, volume: BackendVolume): Promise<void>;
  deleteSnapshot(snapshot: BackendSnapshot): Promise<void>;

  /**
   * Lends `use` a path holding the source's data as raw bytes, for reading only (a backup reads
   * through it). Whatever was made for it is gone once `use` settles.
   */
  readRaw<T>(source: RawSource, use: (path: string) => Promise<T>): Promise<T>;
  /**
   * Makes the volume's data from raw bytes (a backup restore): `write` fills a sparse raw file of
   * the volume's size, which replaces the volume's data in one step once complete. On failure the
   * volume keeps the data it had, or still has none.
   */
  writeRaw(volume: BackendVolume, write: (path: string) => Promise<void>): Promise<void>;

  /** Writes the volume's data as `diskFormat` into `target` (for upload to the image service). */
  exportVolume(volume: BackendVolume, diskFormat: string, target: string): Promise<void>;

  initializeConnection(
    volume: BackendVolume,
    connector: VolumeConnector | null,
    accessMode: 'rw' | 'ro',
  ): VolumeConnectionInfo;
  terminateConnection(volume: BackendVolume, connector: VolumeConnector | null): Promise<void>;
}
