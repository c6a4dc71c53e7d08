/** How many leading bytes a meter keeps for format inspection (the qcow2 header needs 32). */
export const HEAD_BYTES = 512;

/** Glance's checksums: md5 for `checksum`, sha512 for `os_hash_value`. */
export const GLANCE_DIGESTS = ['md5', 'sha512'];

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
