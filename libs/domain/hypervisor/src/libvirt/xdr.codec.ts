/**
 * XDR (RFC 4506), the encoding of every libvirt RPC payload: big-endian 4-byte units, strings and
 * opaque data padded to a multiple of four, optional values as a boolean followed by the value.
 * Only the types remote_protocol.x uses are here.
 */

export class XdrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XdrError';
  }
}

const INT32_MIN = -0x8000_0000;
const INT32_MAX = 0x7fff_ffff;
const UINT32_MAX = 0xffff_ffff;
const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

const padding = (length: number): number => (4 - (length % 4)) % 4;

export class XdrWriter {
  private buffer: Buffer;
  private offset = 0;

  constructor(initialSize = 256) {
    this.buffer = Buffer.alloc(initialSize);
  }

  get length(): number {
    return this.offset;
  }

  int(value: number): this {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw new XdrError(`int out of range: ${value}`);
    }
    this.reserve(4);
    this.buffer.writeInt32BE(value, this.offset);
    this.offset += 4;
    return this;
  }

  uint(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > UINT32_MAX) {
      throw new XdrError(`unsigned int out of range: ${value}`);
    }
    this.reserve(4);
    this.buffer.writeUInt32BE(value, this.offset);
    this.offset += 4;
    return this;
  }

  hyper(value: bigint): this {
    if (value < INT64_MIN || value > INT64_MAX) throw new XdrError(`hyper out of range: ${value}`);
    this.reserve(8);
    this.buffer.writeBigInt64BE(value, this.offset);
    this.offset += 8;
    return this;
  }

  uhyper(value: bigint): this {
    if (value < 0n || value > UINT64_MAX) throw new XdrError(`unsigned hyper out of range: ${value}`);
    this.reserve(8);
    this.buffer.writeBigUInt64BE(value, this.offset);
    this.offset += 8;
    return this;
  }

  double(value: number): this {
    this.reserve(8);
    this.buffer.writeDoubleBE(value, this.offset);
    this.offset += 8;
    return this;
  }

  bool(value: boolean): this {
    return this.int(value ? 1 : 0);
  }

  /** Variable-length opaque data: length, bytes, padding. */
  opaque(data: Uint8Array, max = UINT32_MAX): this {
    if (data.length > max) throw new XdrError(`opaque of ${data.length} bytes exceeds ${max}`);
    this.uint(data.length);
    return this.fixedOpaque(data);
  }

  /** Fixed-length opaque data (a UUID, for instance): bytes and padding, no length. */
  fixedOpaque(data: Uint8Array): this {
    const pad = padding(data.length);
    this.reserve(data.length + pad);
    this.buffer.set(data, this.offset);
    this.buffer.fill(0, this.offset + data.length, this.offset + data.length + pad);
    this.offset += data.length + pad;
    return this;
  }

  string(value: string, max = UINT32_MAX): this {
    return this.opaque(Buffer.from(value, 'utf8'), max);
  }

  optional<T>(value: T | null | undefined, write: (writer: this, value: T) => void): this {
    if (value === null || value === undefined) return this.bool(false);
    this.bool(true);
    write(this, value);
    return this;
  }

  array<T>(items: readonly T[], write: (writer: this, item: T) => void, max = UINT32_MAX): this {
    if (items.length > max) throw new XdrError(`array of ${items.length} items exceeds ${max}`);
    this.uint(items.length);
    for (const item of items) write(this, item);
    return this;
  }

  toBuffer(): Buffer {
    return this.buffer.subarray(0, this.offset);
  }

  private reserve(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.offset + bytes) size *= 2;
    const grown = Buffer.alloc(size);
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }
}

export class XdrReader {
  private offset: number;

  constructor(
    private readonly buffer: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.buffer.length - this.offset;
  }

  int(): number {
    this.need(4);
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  uint(): number {
    this.need(4);
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  hyper(): bigint {
    this.need(8);
    const value = this.buffer.readBigInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  uhyper(): bigint {
    this.need(8);
    const value = this.buffer.readBigUInt64BE(this.offset);
    this.offset += 8;
    return value;
  }

  double(): number {
    this.need(8);
    const value = this.buffer.readDoubleBE(this.offset);
    this.offset += 8;
    return value;
  }

  bool(): boolean {
    const value = this.int();
    if (value !== 0 && value !== 1) throw new XdrError(`invalid boolean ${value}`);
    return value === 1;
  }

  opaque(max = UINT32_MAX): Buffer {
    const length = this.uint();
    if (length > max) throw new XdrError(`opaque of ${length} bytes exceeds ${max}`);
    return this.fixedOpaque(length);
  }

  fixedOpaque(length: number): Buffer {
    const pad = padding(length);
    this.need(length + pad);
    // A copy, so a decoded value never pins the whole received message in memory.
    const value = Buffer.from(this.buffer.subarray(this.offset, this.offset + length));
    this.offset += length + pad;
    return value;
  }

  string(max = UINT32_MAX): string {
    return this.opaque(max).toString('utf8');
  }

  optional<T>(read: (reader: this) => T): T | null {
    return this.bool() ? read(this) : null;
  }

  array<T>(read: (reader: this) => T, max = UINT32_MAX): T[] {
    const count = this.uint();
    if (count > max) throw new XdrError(`array of ${count} items exceeds ${max}`);
    // Each item takes at least four bytes: refuse a count the message cannot hold before looping.
    if (count * 4 > this.remaining) throw new XdrError(`array of ${count} items overruns the message`);
    const items: T[] = [];
    for (let i = 0; i < count; i++) items.push(read(this));
    return items;
  }

  /** Fails when bytes are left over: a reply longer than its type means the two sides disagree. */
  end(): void {
    if (this.remaining !== 0) throw new XdrError(`${this.remaining} unexpected trailing bytes`);
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.buffer.length) {
      throw new XdrError(`truncated: need ${bytes} bytes at offset ${this.offset} of ${this.buffer.length}`);
    }
  }
}
