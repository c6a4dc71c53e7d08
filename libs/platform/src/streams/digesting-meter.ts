import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

export class SizeLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} bytes`);
  }
}

/**
 * Passes data through while hashing it on the fly (md5 for Swift's ETag and Glance's checksum,
 * sha512 for Glance's os_hash_value), counting bytes against a limit, and keeping the first
 * `headBytes` for inspection. Nothing but the head is buffered.
 */
export class DigestingMeter extends Transform {
  private readonly hashes = new Map<string, Hash>();
  private readonly digests = new Map<string, string>();
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  bytes = 0;

  constructor(
    private readonly limit: number,
    algorithms: readonly string[] = ['md5'],
    private readonly headBytes = 0,
  ) {
    super();
    for (const algorithm of algorithms) this.hashes.set(algorithm, createHash(algorithm));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return callback(new SizeLimitExceeded(this.limit));
    for (const hash of this.hashes.values()) hash.update(chunk);
    if (this.headLength < this.headBytes) {
      this.headChunks.push(chunk.subarray(0, this.headBytes - this.headLength));
      this.headLength += Math.min(chunk.length, this.headBytes - this.headLength);
    }
    callback(null, chunk);
  }

  get head(): Buffer {
    return Buffer.concat(this.headChunks);
  }

  /** The hex digest of everything passed through; call once the data has ended. */
  hex(algorithm: string): string {
    let digest = this.digests.get(algorithm);
    if (digest === undefined) {
      const hash = this.hashes.get(algorithm);
      if (!hash) throw new Error(`${algorithm} is not computed by this meter`);
      digest = hash.digest('hex');
      this.digests.set(algorithm, digest);
    }
    return digest;
  }
}
