import { decodeMessage, encodeMessage, FrameDecoder, MessageHeader } from './packet.codec';
import { MessageStatus, MessageType, REMOTE_PROGRAM } from './remote-protocol';
import { XdrError } from './xdr.codec';

const header = (serial: number, procedure = 4): MessageHeader => ({
  program: REMOTE_PROGRAM,
  version: 1,
  procedure,
  type: MessageType.Call,
  serial,
  status: MessageStatus.Ok,
});

describe('message framing', () => {
  it('frames a message as length (counting itself), header and body', () => {
    const frame = encodeMessage(header(7), Buffer.from([0, 0, 0, 1]));
    expect(frame).toHaveLength(32);
    expect(frame.readUInt32BE(0)).toBe(32);
    expect(frame.readUInt32BE(4)).toBe(0x20008086);
    expect(decodeMessage(frame)).toEqual({ header: header(7), body: Buffer.from([0, 0, 0, 1]) });
  });

  it('cuts a stream into frames whatever the chunk boundaries', () => {
    const frames = [1, 2, 3].map((serial) => encodeMessage(header(serial), Buffer.alloc(serial * 4, serial)));
    const stream = Buffer.concat(frames);
    for (const chunkSize of [1, 3, 4, 5, 28, 29, stream.length]) {
      const decoder = new FrameDecoder();
      const out: Buffer[] = [];
      for (let i = 0; i < stream.length; i += chunkSize)
        out.push(...decoder.push(stream.subarray(i, i + chunkSize)));
      expect(out.map((f) => decodeMessage(f).header.serial)).toEqual([1, 2, 3]);
      expect(out.map((f) => decodeMessage(f).body)).toEqual([1, 2, 3].map((s) => Buffer.alloc(s * 4, s)));
    }
  });

  it('keeps a partial frame until the rest arrives', () => {
    const frame = encodeMessage(header(1), Buffer.alloc(1000, 9));
    const decoder = new FrameDecoder();
    expect(decoder.push(frame.subarray(0, 500))).toEqual([]);
    expect(decoder.push(frame.subarray(500))).toEqual([frame]);
  });

  it('refuses a length shorter than a header or larger than libvirt allows', () => {
    const short = Buffer.alloc(8);
    short.writeUInt32BE(12, 0);
    expect(() => new FrameDecoder().push(short)).toThrow(XdrError);
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(0xffff_fff0, 0);
    expect(() => new FrameDecoder().push(huge)).toThrow(XdrError);
  });
});
