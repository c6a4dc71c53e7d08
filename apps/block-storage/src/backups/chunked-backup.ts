import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import { deflate, inflate } from 'node:zlib';

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

/** One chunk of a backup: where it sits in the volume, its hash, and the object holding it. */
export interface ChunkRecord {
  offset: number;
  length: number;
  /** sha256 of the chunk's uncompressed bytes. */
  sha256: string;
  /** The object with the (zlib-compressed) bytes; null for a chunk of zeros, which is not stored. */
  object: string | null;
}

/**
 * The metadata object each backup writes last, as Cinder's chunked driver writes `_metadata`: a
 * backup whose metadata object exists is complete, and restoring needs nothing but it.
 */
export interface BackupManifest {
  version: 1;
  backup_id: string;
  volume_id: string;
  parent_id: string | null;
  created_at: string;
  /** Bytes of volume data the backup covers. */
  size: number;
  chunk_size: number;
  compression: 'zlib';
  chunks: ChunkRecord[];
}

/** The part of the object store a backup needs (a Swift account, or a fake in unit tests). */
export interface BackupObjects {
  put(container: string, name: string, data: Buffer, contentType?: string): Promise<void>;
  get(container: string, name: string): Promise<Buffer>;
}

/** Stored data that does not match what the backup recorded. */
export class BackupCorruptError extends Error {}

export function chunkName(prefix: string, index: number): string {
  return `${prefix}-${String(index + 1).padStart(5, '0')}`;
}

export function manifestName(prefix: string): string {
  return `${prefix}_metadata`;
}

const zeroHashes = new Map<number, string>();

function zeroHash(length: number): string {
  let hash = zeroHashes.get(length);
  if (!hash) {
    hash = createHash('sha256').update(Buffer.alloc(length)).digest('hex');
    zeroHashes.set(length, hash);
  }
  return hash;
}

function isZero(data: Buffer): boolean {
  // Comparing 8 KiB windows with memcmp is far faster than a byte loop.
  const zeros = Buffer.alloc(Math.min(8192, data.length));
  for (let at = 0; at < data.length; at += zeros.length) {
    const end = Math.min(at + zeros.length, data.length);
    if (!data.subarray(at, end).equals(zeros.subarray(0, end - at))) return false;
  }
  return true;
}

/**
 * Reads `source` (raw volume data, `size` bytes) chunk by chunk and stores each chunk that is not
 * all zeros, compressed, as its own object. With a parent's manifest, a chunk whose hash equals
 * the parent's chunk at the same place is not stored again: the record names the parent's object
 * (incremental backup). The manifest goes last. Answers the manifest and how many objects were written.
 */
export async function writeBackup(options: {
  objects: BackupObjects;
  container: string;
  prefix: string;
  source: string;
  size: number;
  chunkSize: number;
  identity: { backupId: string; volumeId: string; parentId: string | null; createdAt: Date };
  parent?: BackupManifest;
}): Promise<{ manifest: BackupManifest; objectCount: number }> {
  const { objects, container, prefix, size, chunkSize } = options;
  const chunks: ChunkRecord[] = [];
  let objectCount = 0;
  const buffer = Buffer.alloc(Math.min(chunkSize, Math.max(size, 1)));
  const handle = await fs.open(options.source, 'r');
  try {
    for (let index = 0, offset = 0; offset < size; index++, offset += chunkSize) {
      const length = Math.min(chunkSize, size - offset);
      const data = buffer.subarray(0, length);
      let read = 0;
      while (read < length) {
        const { bytesRead } = await handle.read(data, read, length - read, offset + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      // A source shorter than the volume reads as zeros past its end, as a sparse file does.
      data.fill(0, read);
      if (isZero(data)) {
        chunks.push({ offset, length, sha256: zeroHash(length), object: null });
        continue;
      }
      const sha256 = createHash('sha256').update(data).digest('hex');
      const previous = options.parent?.chunks[index];
      if (
        previous?.object &&
        previous.offset === offset &&
        previous.length === length &&
        previous.sha256 === sha256
      ) {
        chunks.push({ offset, length, sha256, object: previous.object });
        continue;
      }
      const name = chunkName(prefix, index);
      await objects.put(container, name, await deflateAsync(data));
      objectCount++;
      chunks.push({ offset, length, sha256, object: name });
    }
  } finally {
    await handle.close();
  }
  const manifest: BackupManifest = {
    version: 1,
    backup_id: options.identity.backupId,
    volume_id: options.identity.volumeId,
    parent_id: options.identity.parentId,
    created_at: options.identity.createdAt.toISOString(),
    size,
    chunk_size: chunkSize,
    compression: 'zlib',
    chunks,
  };
  await objects.put(
    container,
    manifestName(prefix),
    Buffer.from(JSON.stringify(manifest)),
    'application/json',
  );
  return { manifest, objectCount: objectCount + 1 };
}

export async function readManifest(
  objects: BackupObjects,
  container: string,
  prefix: string,
): Promise<BackupManifest> {
  const data = await objects.get(container, manifestName(prefix));
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(data.toString('utf8')) as BackupManifest;
  } catch {
    throw new BackupCorruptError(`The metadata object of backup ${prefix} is not JSON.`);
  }
  if (manifest?.version !== 1 || !Array.isArray(manifest.chunks) || typeof manifest.size !== 'number') {
    throw new BackupCorruptError(`The metadata object of backup ${prefix} is not one this service wrote.`);
  }
  return manifest;
}

/**
 * Writes a backup's data into `target`, a sparse file at least `manifest.size` bytes long and
 * holding zeros: each stored chunk is fetched, decompressed and checked against its recorded
 * length and sha256 before it is written, so corrupted data fails the restore instead of landing.
 */
export async function restoreBackup(options: {
  objects: BackupObjects;
  container: string;
  manifest: BackupManifest;
  target: string;
}): Promise<void> {
  const { objects, container, manifest } = options;
  const handle = await fs.open(options.target, 'r+');
  try {
    const { size } = await handle.stat();
    if (size < manifest.size) {
      throw new BackupCorruptError(
        `The backup holds ${manifest.size} bytes, more than the volume's ${size}.`,
      );
    }
    for (const chunk of manifest.chunks) {
      if (chunk.object === null) {
        if (chunk.sha256 !== zeroHash(chunk.length)) {
          throw new BackupCorruptError(`Chunk at ${chunk.offset} has no object but is not zeros.`);
        }
        continue;
      }
      const stored = await objects.get(container, chunk.object);
      let data: Buffer;
      try {
        data = await inflateAsync(stored);
      } catch {
        throw new BackupCorruptError(`Object ${chunk.object} does not decompress.`);
      }
      const sha256 = createHash('sha256').update(data).digest('hex');
      if (data.length !== chunk.length || sha256 !== chunk.sha256) {
        throw new BackupCorruptError(`Object ${chunk.object} does not match its recorded sha256.`);
      }
      let written = 0;
      while (written < data.length) {
        const { bytesWritten } = await handle.write(
          data,
          written,
          data.length - written,
          chunk.offset + written,
        );
        written += bytesWritten;
      }
    }
    await handle.sync();
  } finally {
    await handle.close();
  }
}
