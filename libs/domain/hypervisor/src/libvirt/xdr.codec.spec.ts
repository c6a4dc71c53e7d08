import { XdrError, XdrReader, XdrWriter } from './xdr.codec';

const roundTrip = <T>(
  write: (w: XdrWriter) => void,
  read: (r: XdrReader) => T,
): { value: T; bytes: Buffer } => {
  const writer = new XdrWriter(4);
  write(writer);
  const bytes = writer.toBuffer();
  const reader = new XdrReader(bytes);
  const value = read(reader);
  reader.end();
  return { value, bytes };
};

describe('XDR codec', () => {
  it.each([0, 1, -1, 0x7fff_ffff, -0x8000_0000])('round-trips int %d as four big-endian bytes', (n) => {
    const { value, bytes } = roundTrip(
      (w) => w.int(n),
      (r) => r.int(),
    );
    expect(value).toBe(n);
    expect(bytes).toHaveLength(4);
  });

  it.each([0, 1, 0xffff_ffff])('round-trips unsigned int %d', (n) => {
    expect(
      roundTrip(
        (w) => w.uint(n),
        (r) => r.uint(),
      ).value,
    ).toBe(n);
  });

  it('writes network byte order', () => {
    expect(
      roundTrip(
        (w) => w.uint(0x20008086),
        (r) => r.uint(),
      ).bytes,
    ).toEqual(Buffer.from([0x20, 0x00, 0x80, 0x86]));
  });

  it.each([0n, -1n, (1n << 63n) - 1n, -(1n << 63n)])('round-trips hyper %s', (n) => {
    const { value, bytes } = roundTrip(
      (w) => w.hyper(n),
      (r) => r.hyper(),
    );
    expect(value).toBe(n);
    expect(bytes).toHaveLength(8);
  });

  it.each([0n, (1n << 64n) - 1n, 24_684_084n])('round-trips unsigned hyper %s', (n) => {
    expect(
      roundTrip(
        (w) => w.uhyper(n),
        (r) => r.uhyper(),
      ).value,
    ).toBe(n);
  });

  it.each([0, 1.5, -273.15, Number.MAX_VALUE])('round-trips double %d', (n) => {
    expect(
      roundTrip(
        (w) => w.double(n),
        (r) => r.double(),
      ).value,
    ).toBe(n);
  });

  it('round-trips booleans and refuses anything but 0 and 1 when reading', () => {
    expect(
      roundTrip(
        (w) => w.bool(true).bool(false),
        (r) => [r.bool(), r.bool()],
      ).value,
    ).toEqual([true, false]);
    expect(() => new XdrReader(Buffer.from([0, 0, 0, 2])).bool()).toThrow(XdrError);
  });

  it.each(['', 'a', 'abc', 'abcd', 'qemu:///system', 'héllo wörld ✓'])(
    'round-trips string %j padded to 4 bytes',
    (s) => {
      const { value, bytes } = roundTrip(
        (w) => w.string(s),
        (r) => r.string(),
      );
      expect(value).toBe(s);
      expect(bytes.length % 4).toBe(0);
      expect(bytes.readUInt32BE(0)).toBe(Buffer.byteLength(s));
    },
  );

  it('pads with zero bytes', () => {
    expect(
      roundTrip(
        (w) => w.string('ab'),
        (r) => r.string(),
      ).bytes,
    ).toEqual(Buffer.from([0, 0, 0, 2, 0x61, 0x62, 0, 0]));
  });

  it('round-trips variable and fixed opaque data', () => {
    const data = Buffer.from([1, 2, 3, 4, 5]);
    const { value, bytes } = roundTrip(
      (w) => w.opaque(data).fixedOpaque(data),
      (r) => [r.opaque(), r.fixedOpaque(5)],
    );
    expect(value).toEqual([data, data]);
    expect(bytes).toHaveLength(4 + 8 + 8);
  });

  it('round-trips optional values as a boolean then the value', () => {
    const { value, bytes } = roundTrip(
      (w) => w.optional('x', (x, v) => x.string(v)).optional(null, (x, v: string) => x.string(v)),
      (r) => [r.optional((x) => x.string()), r.optional((x) => x.string())],
    );
    expect(value).toEqual(['x', null]);
    expect(bytes).toHaveLength(4 + 8 + 4);
  });

  it('round-trips arrays of structs', () => {
    const items = [
      { name: 'a', id: 1 },
      { name: 'bcdef', id: -1 },
    ];
    const { value } = roundTrip(
      (w) => w.array(items, (x, i) => x.string(i.name).int(i.id)),
      (r) => r.array((x) => ({ name: x.string(), id: x.int() })),
    );
    expect(value).toEqual(items);
  });

  it('refuses values out of range when writing', () => {
    const w = new XdrWriter();
    expect(() => w.int(0x8000_0000)).toThrow(XdrError);
    expect(() => w.int(1.5)).toThrow(XdrError);
    expect(() => w.uint(-1)).toThrow(XdrError);
    expect(() => w.hyper(1n << 63n)).toThrow(XdrError);
    expect(() => w.uhyper(-1n)).toThrow(XdrError);
    expect(() => w.string('abc', 2)).toThrow(XdrError);
    expect(() => w.array([1, 2, 3], (x, i) => x.int(i), 2)).toThrow(XdrError);
  });

  it('refuses truncated input, oversized lengths and trailing bytes when reading', () => {
    expect(() => new XdrReader(Buffer.from([0, 0, 1])).int()).toThrow(/truncated/);
    expect(() => new XdrReader(Buffer.from([0, 0, 0, 8, 1, 2, 3, 4])).string()).toThrow(/truncated/);
    expect(() => new XdrReader(Buffer.from([0, 0, 0, 9, 0, 0, 0, 0])).string(8)).toThrow(/exceeds/);
    expect(() => new XdrReader(Buffer.from([0xff, 0xff, 0xff, 0xff])).array((r) => r.int())).toThrow(
      /overruns/,
    );
    const reader = new XdrReader(Buffer.from([0, 0, 0, 1, 0, 0, 0, 2]));
    reader.int();
    expect(() => reader.end()).toThrow(/trailing/);
  });

  it('grows its buffer as needed', () => {
    const writer = new XdrWriter(1);
    const big = 'x'.repeat(100_000);
    writer.string(big).int(7);
    const reader = new XdrReader(writer.toBuffer());
    expect(reader.string()).toBe(big);
    expect(reader.int()).toBe(7);
  });
});
