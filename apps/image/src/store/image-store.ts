import type { ByteRange } from '@stratus/platform';
import type { Readable, Writable } from 'node:stream';

export type { ByteRange };

/**
 * Data being written to a store. Nothing is visible under the image's location until commit
 * succeeds; abort (or a crash) leaves nothing behind but what the store cleans at start-up.
 */
export interface PendingWrite {
  /** Write the image bytes here; end it before commit. */
  readonly stream: Writable;
  /** Makes the written data durable and returns its location. */
  commit(): Promise<string>;
  /** Throws the written data away. Safe to call more than once, or after a failed commit. */
  abort(): Promise<void>;
}

/**
 * Where image data lives, behind Glance's store driver contract: the filesystem store is the
 * default; the object-storage service becomes a second driver once it exists.
 */
export interface ImageStore {
  /** The store identifier Glance would report ("file"). */
  readonly id: string;
  /** Prepares the folders, removing what this process, or one long gone, left half-written. */
  init(): Promise<void>;
  /**
   * Called periodically while the process runs: shows other processes sharing the store that
   * this one is alive, and removes what the gone ones left half-written.
   */
  maintain(): Promise<void>;
  begin(imageId: string): Promise<PendingWrite>;
  /** Streams stored data, or a range of it. */
  open(location: string, range?: ByteRange): Promise<Readable>;
  /** Deletes stored data; a location that no longer exists is not an error. */
  delete(location: string): Promise<void>;
  /** The location data for this image has (or would have) once committed. */
  locationOf(imageId: string): string;
  /** True when the location names data this store holds. */
  has(location: string): Promise<boolean>;
}
