import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';

/** A byte range, both ends inclusive, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Data being written. Nothing is visible under the key until commit succeeds; abort (or a crash)
 * leaves nothing behind but what init() removes at the next start.
 */
export interface PendingWrite {
  /** Write the bytes here; end it before commit. */
  readonly stream: Writable;
  /** Makes the written data durable and visible under its key. */
  commit(): Promise<void>;
  /** Throws the written data away. Safe to call more than once, or after a failed commit. */
  abort(): Promise<void>;
}

const INCOMING = '.incoming';
/** Read size and write buffering per transfer: small enough that many at once stay cheap. */
const CHUNK = 256 * 1024;
const MAX_KNOWN_FOLDERS = 100_000;
const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]*(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$/;

/**
 * Immutable blobs as files under a folder, named by keys ("ab/cd/0123..."). A write goes to a
 * temporary file, is fsynced, then renamed into place and its folder fsynced, so a key only ever
 * names complete, durable data; an interrupted write leaves a temporary file that init() removes.
 */
export class FileBlobStore {
  readonly root: string;
  private readonly incoming: string;
  /** Folders known to exist, so a write to a known folder costs no mkdir. */
  private readonly folders = new Set<string>();

  /**
   * `writer` names the process writing here when several share the folder (replicas on one
   * shared filesystem): each then keeps, and cleans at start, only its own temporary files.
   */
  constructor(root: string, writer?: string) {
    this.root = resolve(root);
    this.incoming = join(this.root, INCOMING, ...(writer ? [writer.replace(/[^A-Za-z0-9._-]/g, '_')] : []));
  }

  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    // Anything still incoming belonged to a process that died mid-write.
    await fs.rm(this.incoming, { recursive: true, force: true });
    await fs.mkdir(this.incoming, { recursive: true });
  }

  async begin(key: string): Promise<PendingWrite> {
    const final = this.pathOf(key);
    const temp = join(this.incoming, `${key.replace(/\//g, '_')}.${randomBytes(6).toString('hex')}.part`);
    // `flush` fsyncs the file before close, so committed data survives a power loss.
    const stream = createWriteStream(temp, { flags: 'wx', flush: true, highWaterMark: CHUNK });
    let settled = false;
    const closed = new Promise<void>((resolveClosed, rejectClosed) => {
      stream.once('close', resolveClosed);
      stream.once('error', rejectClosed);
    });
    closed.catch(() => undefined);
    return {
      stream,
      abort: async () => {
        settled = true;
        if (!stream.destroyed) stream.destroy();
        await closed.catch(() => undefined);
        await fs.rm(temp, { force: true });
      },
      commit: async () => {
        if (settled) throw new Error('write already settled');
        await closed;
        await this.ensureFolder(dirname(final));
        await fs.rename(temp, final);
        settled = true;
        await fsyncDir(dirname(final));
      },
    };
  }

  /** Streams stored data, or a range of it; a missing key fails here, not mid-stream. */
  async open(key: string, range?: ByteRange): Promise<Readable> {
    const stream = createReadStream(this.pathOf(key), {
      start: range?.start,
      end: range?.end,
      highWaterMark: CHUNK,
    });
    await new Promise<void>((resolveOpen, rejectOpen) => {
      stream.once('open', () => resolveOpen());
      stream.once('error', rejectOpen);
    });
    return stream;
  }

  /** A second key for the same bytes: a hard link, so neither depends on the other's deletion. */
  async link(from: string, to: string): Promise<void> {
    const target = this.pathOf(to);
    await this.ensureFolder(dirname(target));
    await fs.link(this.pathOf(from), target);
    await fsyncDir(dirname(target));
  }

  /** Deletes stored data; a key that no longer exists is not an error. */
  async delete(key: string): Promise<void> {
    await fs.rm(this.pathOf(key), { force: true });
  }

  async has(key: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  /** Only keys made of safe path segments are accepted, so no key escapes the folder. */
  pathOf(key: string): string {
    if (!KEY.test(key)) throw new Error(`not a blob key: ${key}`);
    return join(this.root, key);
  }

  /** Creates a key's folder if needed, fsyncing each parent that gained an entry. */
  private async ensureFolder(folder: string): Promise<void> {
    if (this.folders.has(folder)) return;
    const first = await fs.mkdir(folder, { recursive: true });
    if (first !== undefined) {
      for (let created = folder; ; created = dirname(created)) {
        await fsyncDir(dirname(created));
        if (created === first) break;
      }
    }
    if (this.folders.size >= MAX_KNOWN_FOLDERS) this.folders.clear();
    this.folders.add(folder);
  }
}

export async function fsyncDir(path: string): Promise<void> {
  const handle = await fs.open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
