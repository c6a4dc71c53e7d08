import { ByteRange, FileBlobStore, PendingWrite } from '@stratus/platform';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

/**
 * Where object bytes live. Each stored version of an object has its own immutable key; the
 * service database says which key an object currently names, so replacing or deleting an object
 * is a database change first and a store delete afterwards.
 *
 * The filesystem driver is the default. The same contract fits a driver that spreads keys over
 * several storage nodes by a consistent-hash ring with replicas (Swift's own design: hash the key,
 * write to N nodes, commit on a quorum), or one that puts them in an S3-compatible bucket
 * (multipart upload for `begin`, CopyObject for `copy`).
 */
export interface ObjectDataStore {
  /** Prepares the store and removes writes a crash interrupted. */
  init(): Promise<void>;
  /** Starts writing a new key; nothing is readable under it until commit. */
  begin(key: string): Promise<PendingWrite>;
  /** Streams a key's bytes, or a range of them; fails before streaming if the key is missing. */
  open(key: string, range?: ByteRange): Promise<Readable>;
  /** Makes `to` hold the same bytes as `from`, independently of it. */
  copy(from: string, to: string): Promise<void>;
  /** Removes a key; a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** Object data as files, fanned out over two levels of folders so no folder grows huge. */
export class FilesystemDataStore extends FileBlobStore implements ObjectDataStore {
  /** A hard link: instant, and each key can be deleted without affecting the other. */
  copy(from: string, to: string): Promise<void> {
    return this.link(from, to);
  }
}

/** A fresh key for one stored version: "ab/cd/<32 hex>". */
export function newDataKey(): string {
  const id = randomBytes(16).toString('hex');
  return `${id.slice(0, 2)}/${id.slice(2, 4)}/${id}`;
}
