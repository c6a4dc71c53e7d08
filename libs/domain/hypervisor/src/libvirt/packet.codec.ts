import { HEADER_LENGTH, MESSAGE_MAX } from './remote-protocol';
import { XdrError, XdrReader, XdrWriter } from './xdr.codec';

/** The header every libvirt RPC message starts with, after its length word. */
export interface MessageHeader {
  program: number;
  version: number;
  procedure: number;
  type: number;
  serial: number;
  status: number;
}

export interface Message {
  header: MessageHeader;
  /** The XDR payload: the procedure's args or ret, or a remote_error when status is Error. */
  body: Buffer;
}

/** Frames one message: a length word that counts itself, the header, then the payload. */
export function encodeMessage(header: MessageHeader, body: Buffer = Buffer.alloc(0)): Buffer {
  const length = HEADER_LENGTH + body.length;
  if (length - 4 > MESSAGE_MAX) throw new XdrError(`message of ${length} bytes exceeds ${MESSAGE_MAX}`);
  const writer = new XdrWriter(length);
  writer
    .uint(length)
    .uint(header.program)
    .uint(header.version)
    .int(header.procedure)
    .int(header.type)
    .uint(header.serial)
    .int(header.status);
  return Buffer.concat([writer.toBuffer(), body]);
}

/** Reads the header of one complete frame, as cut by {@link FrameDecoder}. */
export function decodeMessage(frame: Buffer): Message {
  const reader = new XdrReader(frame, 4);
  const header: MessageHeader = {
    program: reader.uint(),
    version: reader.uint(),
    procedure: reader.int(),
    type: reader.int(),
    serial: reader.uint(),
    status: reader.int(),
  };
  return { header, body: frame.subarray(HEADER_LENGTH) };
}

/**
 * Cuts a byte stream into whole frames. A socket delivers chunks of any size: one may hold half a
 * length word, another the end of one message and the start of the next.
 */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingLength = 0;

  /** Adds received bytes; returns the frames they complete, in order. Throws on an impossible length. */
  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.pendingLength < 4) break;
      const length = this.peekLength();
      if (length < HEADER_LENGTH || length - 4 > MESSAGE_MAX) {
        throw new XdrError(`invalid message length ${length}`);
      }
      if (this.pendingLength < length) break;
      frames.push(this.take(length));
    }
    return frames;
  }

  private peekLength(): number {
    const head = this.pending[0];
    if (head.length >= 4) return head.readUInt32BE(0);
    this.pending = [Buffer.concat(this.pending)];
    return this.pending[0].readUInt32BE(0);
  }

  private take(length: number): Buffer {
    const head = this.pending[0];
    let frame: Buffer;
    if (head.length >= length) {
      frame = head.subarray(0, length);
      this.pending[0] = head.subarray(length);
    } else {
      const joined = Buffer.concat(this.pending, this.pendingLength);
      frame = joined.subarray(0, length);
      this.pending = [joined.subarray(length)];
    }
    if (this.pending[0].length === 0) this.pending.shift();
    this.pendingLength -= length;
    return frame;
  }
}
