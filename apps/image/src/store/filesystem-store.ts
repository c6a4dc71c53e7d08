import { ByteRange, FileBlobStore } from '@stratus/platform';
import { resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ImageStore, PendingWrite } from './image-store';

/**
 * Glance's filesystem store: one file per image under a folder, written through the platform's
 * blob store (temporary file, fsync, rename), so a location only ever names complete data and an
 * interrupted upload leaves no file behind after its abort (or, for a crash, after the process
 * restarts or, on a shared folder, another process finds it gone).
 */
export class FilesystemStore implements ImageStore {
  private readonly blobs: FileBlobStore;

  /**
   * `writer` names this process's temporary files, kept apart from those of other processes
   * sharing the folder; theirs are removed once untouched for `abandonedAfterMs`.
   */
  constructor(
    root: string,
    readonly id = 'file',
    { writer, abandonedAfterMs }: { writer?: string; abandonedAfterMs?: number } = {},
  ) {
    this.blobs = new FileBlobStore(root, writer, { abandonedAfterMs });
  }

  get root(): string {
    return this.blobs.root;
  }

  init(): Promise<void> {
    return this.blobs.init();
  }

  async maintain(): Promise<void> {
    await this.blobs.touch();
    await this.blobs.removeAbandoned();
  }

  async begin(imageId: string): Promise<PendingWrite> {
    const pending = await this.blobs.begin(imageKey(imageId));
    return {
      stream: pending.stream,
      abort: () => pending.abort(),
      commit: async () => {
        await pending.commit();
        return this.locationOf(imageId);
      },
    };
  }

  open(location: string, range?: ByteRange): Promise<Readable> {
    return this.blobs.open(this.keyOfLocation(location), range);
  }

  delete(location: string): Promise<void> {
    return this.blobs.delete(this.keyOfLocation(location));
  }

  has(location: string): Promise<boolean> {
    return this.blobs.has(this.keyOfLocation(location));
  }

  locationOf(imageId: string): string {
    return pathToFileURL(this.pathOf(imageId)).href;
  }

  pathOf(imageId: string): string {
    return this.blobs.pathOf(imageKey(imageId));
  }

  /** Only locations inside this store's folder are ever opened or deleted. */
  private keyOfLocation(location: string): string {
    const path = resolve(fileURLToPath(location));
    if (!path.startsWith(this.root + sep)) throw new Error(`location outside the store: ${location}`);
    return path.slice(this.root.length + 1);
  }
}

function imageKey(imageId: string): string {
  if (!/^[0-9a-fA-F-]{36}$/.test(imageId)) throw new Error(`not an image id: ${imageId}`);
  return imageId;
}
