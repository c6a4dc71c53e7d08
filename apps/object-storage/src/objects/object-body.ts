import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ObjectDataStore } from '../store/object-data-store';
import type { Span } from './ranges';

/** Part of an object's bytes: a slice of stored data, or bytes inline in a static large object manifest. */
export type StoredPiece = { dataKey: string; start: number; length: number };
export type Piece = StoredPiece | { data: Buffer };

export function pieceLength(piece: Piece): number {
  return 'data' in piece ? piece.data.length : piece.length;
}

/** The pieces covering `span` of an object made of `pieces`, in order. */
export function slicePieces(pieces: Piece[], span: Span): Piece[] {
  const result: Piece[] = [];
  let offset = 0;
  for (const piece of pieces) {
    const length = pieceLength(piece);
    const from = Math.max(span.start, offset);
    const to = Math.min(span.end, offset + length);
    if (from < to) {
      const start = from - offset;
      const count = to - from;
      result.push(
        'data' in piece
          ? { data: piece.data.subarray(start, start + count) }
          : { dataKey: piece.dataKey, start: piece.start + start, length: count },
      );
    }
    offset += length;
    if (offset >= span.end) break;
  }
  return result;
}

/**
 * Streams pieces one after another. The first stored piece is opened before this returns, so a
 * missing file is an error the caller can still answer; later ones open as the stream reaches them.
 */
export async function openPieces(store: ObjectDataStore, pieces: Piece[]): Promise<Readable> {
  const first = pieces.findIndex((p) => !('data' in p));
  const opened = first >= 0 ? await openPiece(store, pieces[first] as StoredPiece) : undefined;
  if (opened && pieces.length === 1) return opened;
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if ('data' in piece) {
        yield piece.data;
        continue;
      }
      const stream = i === first && opened ? opened : await openPiece(store, piece);
      for await (const chunk of stream) yield chunk as Buffer;
    }
  }
  const readable = Readable.from(chunks(), { objectMode: false });
  readable.once('close', () => opened?.destroy());
  return readable;
}

function openPiece(store: ObjectDataStore, piece: StoredPiece) {
  return store.open(piece.dataKey, { start: piece.start, end: piece.start + piece.length - 1 });
}

/**
 * A multipart/byteranges body for several ranges, as swob writes it: each part headed by its
 * Content-Type and Content-Range. The first range is opened before this returns.
 */
export async function openByteranges(
  store: ObjectDataStore,
  pieces: Piece[],
  spans: Span[],
  size: number,
  contentType: string,
): Promise<{ stream: Readable; length: number; contentType: string }> {
  const boundary = randomBytes(16).toString('hex');
  const heads = spans.map((span) =>
    Buffer.from(
      `--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${span.start}-${span.end - 1}/${size}\r\n\r\n`,
      'latin1',
    ),
  );
  const tail = Buffer.from(`--${boundary}--`);
  const length =
    spans.reduce((sum, span, i) => sum + heads[i].length + (span.end - span.start) + 2, 0) + tail.length;
  const first = await openPieces(store, slicePieces(pieces, spans[0]));
  async function* parts(): AsyncGenerator<Buffer> {
    for (let i = 0; i < spans.length; i++) {
      yield heads[i];
      const part = i === 0 ? first : await openPieces(store, slicePieces(pieces, spans[i]));
      for await (const chunk of part) yield chunk as Buffer;
      yield Buffer.from('\r\n');
    }
    yield tail;
  }
  return { stream: Readable.from(parts()), length, contentType: `multipart/byteranges;boundary=${boundary}` };
}
