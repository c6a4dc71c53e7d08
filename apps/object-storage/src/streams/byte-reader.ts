/** Pulls exact byte counts, or bytes up to a marker, out of a stream, buffering only what it must. */
export class ByteReader {
  private buffered: Buffer[] = [];
  private length = 0;
  private done = false;
  private readonly iterator: AsyncIterator<Buffer>;

  constructor(source: AsyncIterable<Buffer>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  /** Buffers at least `wanted` bytes, or everything left. */
  private async fill(wanted: number): Promise<void> {
    while (this.length < wanted && !this.done) {
      const next = await this.iterator.next();
      if (next.done) this.done = true;
      else {
        this.buffered.push(next.value);
        this.length += next.value.length;
      }
    }
  }

  private take(count: number): Buffer {
    const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
    this.buffered = all.length > count ? [all.subarray(count)] : [];
    this.length = Math.max(0, all.length - count);
    return all.subarray(0, count);
  }

  /** Exactly `count` bytes, or fewer only at the end of the stream. */
  async read(count: number): Promise<Buffer> {
    await this.fill(count);
    return this.take(count);
  }

  /** Up to `count` bytes, as they arrive, without waiting for all of them; empty at the end. */
  async readSome(count: number): Promise<Buffer> {
    await this.fill(1);
    if (this.length === 0) return Buffer.alloc(0);
    const first = this.buffered[0];
    if (first.length <= count) {
      this.buffered.shift();
      this.length -= first.length;
      return first;
    }
    this.buffered[0] = first.subarray(count);
    this.length -= count;
    return first.subarray(0, count);
  }

  /**
   * The bytes before the next `marker`, as they arrive; the marker itself is consumed. Throws
   * `onEnd()` if the stream ends first.
   */
  async *until(marker: Buffer, onEnd: () => Error): AsyncGenerator<Buffer> {
    for (;;) {
      await this.fill(Math.max(marker.length, this.length + 1));
      const all = Buffer.concat(this.buffered);
      const at = all.indexOf(marker);
      if (at >= 0) {
        this.buffered = [all.subarray(at + marker.length)];
        this.length = all.length - at - marker.length;
        if (at > 0) yield all.subarray(0, at);
        return;
      }
      if (this.done) throw onEnd();
      // Keep what could be the start of a marker split across chunks.
      const safe = all.length - (marker.length - 1);
      this.buffered = [all.subarray(Math.max(0, safe))];
      this.length = all.length - Math.max(0, safe);
      if (safe > 0) yield all.subarray(0, safe);
    }
  }
}
