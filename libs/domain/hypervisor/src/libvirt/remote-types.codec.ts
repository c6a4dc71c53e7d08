import { LibvirtError } from './libvirt.error';
import { Limits, TypedParamType } from './remote-protocol';
import { XdrError, XdrReader, XdrWriter } from './xdr.codec';

/** remote_nonnull_domain: how the protocol names a domain. `id` is -1 while the domain is not running. */
export interface DomainRef {
  name: string;
  uuid: string;
  id: number;
}

export type TypedParamValue = number | bigint | boolean | string;

export interface TypedParam {
  field: string;
  value: TypedParamValue;
}

const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function uuidToBytes(uuid: string): Buffer {
  if (!UUID_PATTERN.test(uuid)) throw new XdrError(`not a UUID: ${uuid}`);
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

export function bytesToUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function writeString(writer: XdrWriter, value: string): void {
  writer.string(value, Limits.string);
}

export function readString(reader: XdrReader): string {
  return reader.string(Limits.string);
}

/** remote_string: a string that may be NULL. */
export function writeOptionalString(writer: XdrWriter, value: string | null): void {
  writer.optional(value, writeString);
}

export function readOptionalString(reader: XdrReader): string | null {
  return reader.optional(readString);
}

export function writeUuid(writer: XdrWriter, uuid: string): void {
  writer.fixedOpaque(uuidToBytes(uuid));
}

export function readUuid(reader: XdrReader): string {
  return bytesToUuid(reader.fixedOpaque(Limits.uuid));
}

export function writeDomain(writer: XdrWriter, domain: DomainRef): void {
  writeString(writer, domain.name);
  writeUuid(writer, domain.uuid);
  writer.int(domain.id);
}

export function readDomain(reader: XdrReader): DomainRef {
  return { name: readString(reader), uuid: readUuid(reader), id: reader.int() };
}

/** remote_network, only ever skipped: errors carry it but no caller here needs it. */
function skipOptionalNetwork(reader: XdrReader): void {
  reader.optional((r) => {
    readString(r);
    readUuid(r);
  });
}

/** remote_error, the payload of a reply whose status is Error. */
export function readRemoteError(reader: XdrReader, procedure: number): LibvirtError {
  const code = reader.int();
  const domain = reader.int();
  const message = readOptionalString(reader);
  const level = reader.int();
  reader.optional(readDomain);
  readOptionalString(reader);
  readOptionalString(reader);
  readOptionalString(reader);
  reader.int();
  reader.int();
  skipOptionalNetwork(reader);
  return new LibvirtError(code, domain, message ?? `libvirt error ${code}`, level, procedure);
}

export function readTypedParam(reader: XdrReader): TypedParam {
  const field = readString(reader);
  const type = reader.int();
  switch (type) {
    case TypedParamType.Int:
      return { field, value: reader.int() };
    case TypedParamType.Uint:
      return { field, value: reader.uint() };
    case TypedParamType.Llong:
      return { field, value: reader.hyper() };
    case TypedParamType.Ullong:
      return { field, value: reader.uhyper() };
    case TypedParamType.Double:
      return { field, value: reader.double() };
    case TypedParamType.Boolean:
      return { field, value: reader.int() !== 0 };
    case TypedParamType.String:
      return { field, value: readString(reader) };
    default:
      throw new XdrError(`unknown typed parameter type ${type} for ${field}`);
  }
}
