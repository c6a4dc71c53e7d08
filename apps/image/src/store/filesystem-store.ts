import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Readable } from 'node:stream';
import type { ByteRange, ImageStore, PendingWrite } from './image-store';

const INCOMING = '.incoming';
/** Read size and write buffering per transfer: small enough that eight at once stay cheap. */
const CHUNK = 256 * 1024;

/**
 * Glance's filesystem store: one file per image under a folder. Writes go to a temporary file in
 * the same folder tree, are fsynced, then renamed into place, so a location only ever names
 * complete data and an interrupted upload leaves no file behind after its abort (or after the
 * next start, for a crash).
 */
export class FilesystemStore implements ImageStore {
  readonly root: string;
  private readonly incoming: string;

  constructor(
    root: string,
    readonly id = 'file',
  ) {
    this.root = resolve(root);
    this.incoming = join(this.root, INCOMING);
  }

  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    // Anything still incoming belonged to a process that died mid-upload.
    await fs.rm(this.incoming, { recursive: true, force: true });
    await fs.mkdir(this.incoming, { recursive: true });
  }

  async begin(imageId: string): Promise<PendingWrite> {
    const final = this.pathOf(imageId);
    const temp = join(this.incoming, `${imageId}.${randomBytes(6).toString('hex')}.part`);
    // `flush` fsyncs the file before close, so a committed image survives a power loss.
    const stream = createWriteStream(temp, { flags: 'wx', flush: true, highWaterMark: CHUNK });
    let settled = false;
    const closed = new Promise<void>((resolveClosed, rejectClosed) => {
      stream.once('close', resolveClosed);
      stream.once('error', rejectClosed);
    });
    closed.catch(() => undefined);
    const abort = async (): Promise<void> => {
      settled = true;
      if (!stream.destroyed) stream.destroy();
      await closed.catch(() => undefined);
      await fs.rm(temp, { force: true });
    };
    return {
      stream,
      abort,
      commit: async () => {
        if (settled) throw new Error('write already settled');
        await closed;
        await fs.rename(temp, final);
        settled = true;
        await fsyncDir(dirname(final));
        return pathToFileURL(final).href;
      },
    };
  }

  async open(location: string, range?: ByteRange): Promise<Readable> {
    const path = this.pathOfLocation(location);
    const stream = createReadStream(path, {
      start: range?.start,
      end: range?.end,
      highWaterMark: CHUNK,
    });
    // Surface a missing file as an error here, not halfway through a response.
    await new Promise<void>((resolveOpen, rejectOpen) => {
      stream.once('open', () => resolveOpen());
      stream.once('error', rejectOpen);
    });
    return stream;
  }

  async delete(location: string): Promise<void> {
    await fs.rm(this.pathOfLocation(location), { force: true });
  }

  async has(location: string): Promise<boolean> {
    try {
      await fs.access(this.pathOfLocation(location));
      return true;
    } catch {
      return false;
    }
  }

  locationOf(imageId: string): string {
    return pathToFileURL(this.pathOf(imageId)).href;
  }

  pathOf(imageId: string): string {
    if (!/^[0-9a-fA-F-]{36}$/.test(imageId)) throw new Error(`not an image id: ${imageId}`);
    return join(this.root, imageId);
  }

  /** Only locations inside this store's folder are ever opened or deleted. */
  private pathOfLocation(location: string): string {
    const path = resolve(fileURLToPath(location));
    if (!path.startsWith(this.root + sep)) throw new Error(`location outside the store: ${location}`);
    return path;
  }
}

async function fsyncDir(path: string): Promise<void> {
  const handle = await fs.open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
