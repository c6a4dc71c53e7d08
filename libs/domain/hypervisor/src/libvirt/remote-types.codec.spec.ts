import { writeRemoteError, writeTypedParam } from '../../test/fake-libvirtd';
import { LibvirtError } from './libvirt.error';
import {
  bytesToUuid,
  readDomain,
  readOptionalString,
  readRemoteError,
  readTypedParam,
  uuidToBytes,
  writeDomain,
  writeOptionalString,
} from './remote-types.codec';
import { XdrError, XdrReader, XdrWriter } from './xdr.codec';

const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';

describe('remote protocol types', () => {
  it('converts UUIDs to their 16 raw bytes and back', () => {
    const bytes = uuidToBytes(UUID);
    expect(bytes).toHaveLength(16);
    expect(bytes[0]).toBe(0x66);
    expect(bytesToUuid(bytes)).toBe(UUID);
    expect(() => uuidToBytes('not-a-uuid')).toThrow(XdrError);
  });

  it('round-trips a domain reference (name, raw UUID, id)', () => {
    const writer = new XdrWriter();
    writeDomain(writer, { name: 'vm1', uuid: UUID, id: -1 });
    const bytes = writer.toBuffer();
    expect(bytes).toHaveLength(8 + 16 + 4);
    const reader = new XdrReader(bytes);
    expect(readDomain(reader)).toEqual({ name: 'vm1', uuid: UUID, id: -1 });
    reader.end();
  });

  it('round-trips nullable strings', () => {
    const writer = new XdrWriter();
    writeOptionalString(writer, 'test:///default');
    writeOptionalString(writer, null);
    const reader = new XdrReader(writer.toBuffer());
    expect([readOptionalString(reader), readOptionalString(reader)]).toEqual(['test:///default', null]);
  });

  it('decodes remote_error into a LibvirtError with code, domain and message', () => {
    const writer = new XdrWriter();
    writeRemoteError(writer, {
      code: 42,
      domain: 10,
      message: "Domain not found: no domain with matching name 'x'",
      level: 2,
    });
    const error = readRemoteError(new XdrReader(writer.toBuffer()), 23);
    expect(error).toBeInstanceOf(LibvirtError);
    expect(error).toMatchObject({ code: 42, domain: 10, level: 2, procedure: 23, isNoDomain: true });
    expect(error.message).toBe("Domain not found: no domain with matching name 'x'");
  });

  it.each([
    ['int', -5],
    ['uint', 0x9000_0000],
    ['llong', -(1n << 40n)],
    ['ullong', 1n << 62n],
    ['double', 0.25],
    ['boolean', true],
    ['string', 'running'],
  ])('round-trips a %s typed parameter', (_type, value) => {
    const writer = new XdrWriter();
    writeTypedParam(writer, { field: 'state.state', value });
    const reader = new XdrReader(writer.toBuffer());
    expect(readTypedParam(reader)).toEqual({ field: 'state.state', value });
    reader.end();
  });

  it('refuses a typed parameter of unknown type', () => {
    const writer = new XdrWriter().string('x').int(99);
    expect(() => readTypedParam(new XdrReader(writer.toBuffer()))).toThrow(/unknown typed parameter type 99/);
  });
});
