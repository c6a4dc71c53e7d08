import type { Request } from 'express';
import type { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** At most this much of a refused upload is read and discarded so the client can read the answer. */
export const DRAIN_LIMIT = 256 * 1024 * 1024;

export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection before the upload completed');
  }
}

/** The Content-Length a request declares, or undefined when it is chunked or has none. */
export function declaredLength(request: Request): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined || request.headers['transfer-encoding'] !== undefined) return undefined;
  const n = Number(header);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Streams a request body through a transform (a meter, a hasher) into the sink. Unlike
 * pipeline(request, ...), a failure does not destroy the request: the connection stays usable
 * for the error response. A client that goes away fails the transform with ClientGone.
 */
export async function streamBody(request: Request, through: Transform, sink: Writable): Promise<void> {
  const done = pipeline(through, sink);
  const onClose = () => {
    if (!request.complete) through.destroy(new ClientGone());
  };
  const onError = (error: Error) => through.destroy(error);
  request.once('close', onClose);
  request.once('error', onError);
  request.pipe(through);
  try {
    await done;
  } finally {
    request.unpipe(through);
    request.off('close', onClose);
    request.off('error', onError);
  }
}

/** Reads and discards the rest of a refused upload, so the client sees the error, not a reset. */
export function drain(request: Request): Promise<void> {
  return new Promise((resolve) => {
    if (request.complete || request.destroyed) return resolve();
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > DRAIN_LIMIT) request.destroy();
    });
    request.once('end', () => resolve());
    request.once('close', () => resolve());
    request.resume();
  });
}
