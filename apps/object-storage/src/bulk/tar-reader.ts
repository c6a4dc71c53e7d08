import { Readable } from 'node:stream';
import { ByteReader } from '../streams/byte-reader';

const BLOCK = 512;

export class InvalidTar extends Error {}

export interface TarEntry {
  /** The member's path, with GNU long names and pax paths applied. */
  name: string;
  type: 'file' | 'directory' | 'other';
  size: number;
  /** The member's bytes; read it to the end (or not at all) before asking for the next entry. */
  body: Readable;
}

function text(field: Buffer): string {
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
}

function octal(field: Buffer): number {
  if (field[0] & 0x80) {
    // GNU base-256 for sizes of 8 GiB and more.
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    return value;
  }
  const digits = text(field).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new InvalidTar('bad number in header');
  return parseInt(digits, 8);
}

function checksumValid(header: Buffer): boolean {
  const stored = octal(header.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i];
  return sum === stored;
}

/** pax extended header records: "<length> <key>=<value>\n". */
function paxRecords(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number(data.subarray(offset, space).toString('ascii'));
    if (!Number.isInteger(length) || length <= 0) throw new InvalidTar('bad pax record');
    const record = data.subarray(space + 1, offset + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}

/**
 * Reads a tar stream (ustar, GNU long names, pax paths) member by member, streaming each
 * member's bytes, so archives of any size pass through without being held in memory.
 */
export async function* readTar(source: AsyncIterable<Buffer>): AsyncGenerator<TarEntry> {
  const reader = new ByteReader(source);
  let longName: string | undefined;
  let paxPath: string | undefined;
  for (;;) {
    const header = await reader.read(BLOCK);
    if (header.length === 0) return;
    if (header.length < BLOCK) throw new InvalidTar('truncated header');
    if (header.every((b) => b === 0)) return;
    if (!checksumValid(header)) throw new InvalidTar('header checksum mismatch');
    const size = octal(header.subarray(124, 136));
    const flag = String.fromCharCode(header[156] || 0x30);
    const padding = (BLOCK - (size % BLOCK)) % BLOCK;

    if (flag === 'L' || flag === 'x' || flag === 'g') {
      const data = await reader.read(size + padding);
      if (data.length < size + padding) throw new InvalidTar('truncated member');
      if (flag === 'L') longName = text(data.subarray(0, size));
      else if (flag === 'x') paxPath = paxRecords(data.subarray(0, size)).get('path') ?? paxPath;
      continue;
    }

    const prefix =
      header.subarray(257, 262).toString('ascii') === 'ustar' ? text(header.subarray(345, 500)) : '';
    const baseName = text(header.subarray(0, 100));
    const name = paxPath ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
    longName = paxPath = undefined;
    const type = flag === '0' || flag === '7' ? 'file' : flag === '5' ? 'directory' : 'other';

    let remaining = size;
    const body = Readable.from(
      (async function* () {
        while (remaining > 0) {
          const chunk = await reader.readSome(Math.min(remaining, 256 * 1024));
          if (chunk.length === 0) throw new InvalidTar('truncated member');
          remaining -= chunk.length;
          yield chunk;
        }
      })(),
    );
    yield { name, type, size, body };
    // Whatever the consumer left unread is skipped, then the padding to the next block.
    while (remaining > 0) {
      const chunk = await reader.readSome(Math.min(remaining, 256 * 1024));
      if (chunk.length === 0) throw new InvalidTar('truncated member');
      remaining -= chunk.length;
    }
    if ((await reader.read(padding)).length < padding) throw new InvalidTar('truncated member');
  }
}
