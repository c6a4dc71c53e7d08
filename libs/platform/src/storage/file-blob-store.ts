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

export interface FileBlobStoreOptions {
  /**
   * Other writers' incoming folders untouched for this long belong to processes that are gone and
   * are removed by init() and removeAbandoned(). Every writer sharing the folder must then call
   * touch() more often than this while it runs. Unset, only a writer's own leftovers are removed.
   */
  abandonedAfterMs?: number;
}

/**
 * Immutable blobs as files under a folder, named by keys ("ab/cd/0123..."). A write goes to a
 * temporary file, is fsynced, then renamed into place and its folder fsynced, so a key only ever
 * names complete, durable data; an interrupted write leaves a temporary file that init() removes.
 */
export class FileBlobStore {
  readonly root: string;
  private readonly incomingRoot: string;
  private readonly incoming: string;
  /** Folders known to exist, so a write to a known folder costs no mkdir. */
  private readonly folders = new Set<string>();

  /**
   * `writer` names the process writing here when several share the folder (replicas on one
   * shared filesystem): each then keeps, and cleans at start, only its own temporary files.
   */
  constructor(
    root: string,
    private readonly writer?: string,
    private readonly options: FileBlobStoreOptions = {},
  ) {
    this.root = resolve(root);
    this.incomingRoot = join(this.root, INCOMING);
    this.incoming = join(this.incomingRoot, ...(writer ? [writerFolder(writer)] : []));
  }

  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true });
    // Whatever this writer still has incoming was left by writes its crash or restart cut short.
    await fs.rm(this.incoming, { recursive: true, force: true });
    await fs.mkdir(this.incoming, { recursive: true });
    await this.removeAbandoned();
  }

  /**
   * Shows the other writers that this one is alive (its incoming folder's modification time), and
   * recreates the folder should one of them have taken this writer for gone.
   */
  async touch(): Promise<void> {
    await fs.mkdir(this.incoming, { recursive: true });
    const now = new Date();
    await fs.utimes(this.incoming, now, now);
  }

  /**
   * Removes the temporary files of writers that have not touched their folder for
   * `abandonedAfterMs`: a live writer touches it far more often, so they are gone.
   */
  async removeAbandoned(): Promise<void> {
    const limit = this.options.abandonedAfterMs;
    if (limit === undefined || !this.writer) return;
    const own = writerFolder(this.writer);
    const entries = await fs.readdir(this.incomingRoot).catch(() => [] as string[]);
    for (const entry of entries) {
      if (entry === own) continue;
      const path = join(this.incomingRoot, entry);
      const stat = await fs.stat(path).catch(() => null);
      if (stat && Date.now() - stat.mtimeMs > limit) await fs.rm(path, { recursive: true, force: true });
    }
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

function writerFolder(writer: string): string {
  const folder = writer.replace(/[^A-Za-z0-9._-]/g, '_');
  if (/^\.*$/.test(folder)) throw new Error(`not a writer name: ${writer}`);
  return folder;
}

export async function fsyncDir(path: string): Promise<void> {
  const handle = await fs.open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
