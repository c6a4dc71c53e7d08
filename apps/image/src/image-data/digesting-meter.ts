import { createHash, Hash } from 'node:crypto';
import { Transform, TransformCallback } from 'node:stream';

/** How many leading bytes are kept for format inspection (the qcow2 header needs 32). */
const HEAD_BYTES = 512;

export class SizeLimitExceeded extends Error {
  constructor(readonly limit: number) {
    super(`more than ${limit} bytes`);
  }
}

/**
 * Passes image data through while computing Glance's checksums on the fly (md5 for `checksum`,
 * sha512 for `os_hash_value`), counting bytes against a limit, and keeping the first bytes for
 * format inspection. Nothing but the head is buffered.
 */
export class DigestingMeter extends Transform {
  private readonly md5: Hash = createHash('md5');
  private readonly sha512: Hash = createHash('sha512');
  private readonly headChunks: Buffer[] = [];
  private headLength = 0;
  bytes = 0;

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) return callback(new SizeLimitExceeded(this.limit));
    this.md5.update(chunk);
    this.sha512.update(chunk);
    if (this.headLength < HEAD_BYTES) {
      this.headChunks.push(chunk.subarray(0, HEAD_BYTES - this.headLength));
      this.headLength += Math.min(chunk.length, HEAD_BYTES - this.headLength);
    }
    callback(null, chunk);
  }

  get head(): Buffer {
    return Buffer.concat(this.headChunks);
  }

  digests(): { checksum: string; osHashValue: string } {
    return { checksum: this.md5.digest('hex'), osHashValue: this.sha512.digest('hex') };
  }
}

const QCOW2_MAGIC = 0x514649fb;

/**
 * The virtual size Glance's format inspector would report: from the qcow2 header (big-endian
 * size at offset 24), the data size for raw and iso, and null for formats not inspected.
 */
export function virtualSizeOf(diskFormat: string | null, head: Buffer, size: number): number | null {
  if (diskFormat === 'qcow2') {
    if (head.length < 32 || head.readUInt32BE(0) !== QCOW2_MAGIC) return null;
    const version = head.readUInt32BE(4);
    if (version !== 2 && version !== 3) return null;
    const virtual = head.readBigUInt64BE(24);
    return virtual <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(virtual) : null;
  }
  if (diskFormat === 'raw' || diskFormat === 'iso') return size;
  return null;
}
