import { Readable } from 'node:stream';
import { ByteReader } from '../streams/byte-reader';

export class InvalidForm extends Error {}

export interface FormPart {
  /** The form field's name. */
  name: string;
  /** Set for file fields: the name the browser gave the file. */
  filename?: string;
  contentType?: string;
  /** The part's bytes; read it to the end (or not at all) before asking for the next part. */
  body: Readable;
}

/** The boundary of a multipart/form-data Content-Type, or undefined for any other type. */
export function formBoundary(contentType: string | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

function dispositionParam(disposition: string, name: string): string | undefined {
  const match = new RegExp(`;\\s*${name}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition);
  return match ? Buffer.from(match[1].replace(/\\(.)/g, '$1'), 'latin1').toString('utf8') : undefined;
}

/** Reads a multipart/form-data body part by part, streaming each part's bytes. */
export async function* readMultipart(
  source: AsyncIterable<Buffer>,
  boundary: string,
): AsyncGenerator<FormPart> {
  const reader = new ByteReader(source);
  const truncated = () => new InvalidForm('the form ended early');
  // Anything before the first delimiter is preamble.
  for await (const _preamble of reader.until(Buffer.from(`--${boundary}`), truncated)) continue;
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  for (;;) {
    const after = await reader.read(2);
    if (after.toString('latin1') === '--') return;
    if (after.toString('latin1') !== '\r\n') throw new InvalidForm('malformed boundary');
    const head: Buffer[] = [];
    for await (const chunk of reader.until(Buffer.from('\r\n\r\n'), truncated)) {
      head.push(chunk);
      if (head.reduce((n, c) => n + c.length, 0) > 16 * 1024) throw new InvalidForm('part headers too long');
    }
    const headers = parseHeaders(Buffer.concat(head).toString('latin1'));
    const disposition = headers['content-disposition'] ?? '';
    const name = dispositionParam(disposition, 'name');
    if (!/^form-data/i.test(disposition) || name === undefined) throw new InvalidForm('part without a name');
    let finished = false;
    const chunks = reader.until(delimiter, truncated);
    const body = Readable.from(
      (async function* () {
        for await (const chunk of chunks) yield chunk;
        finished = true;
      })(),
    );
    yield {
      name,
      filename: dispositionParam(disposition, 'filename'),
      contentType: headers['content-type'],
      body,
    };
    // Whatever the consumer left unread is skipped.
    if (!finished) for await (const _rest of chunks) continue;
  }
}
