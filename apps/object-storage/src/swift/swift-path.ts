import { CONSTRAINTS } from './constraints';
import { swiftError } from './swift-errors';

export interface SwiftPath {
  version: string;
  account: string;
  container?: string;
  object?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Percent-decodes to bytes first, as WSGI does, so a name is checked as UTF-8 once, whole. */
export function decodeUtf8Path(raw: string): string {
  const bytes: number[] = [];
  const source = Buffer.from(raw, 'utf8');
  for (let i = 0; i < source.length; i++) {
    const byte = source[i];
    if (byte === 0x25 && i + 2 < source.length && isHex(source[i + 1]) && isHex(source[i + 2])) {
      bytes.push(parseInt(String.fromCharCode(source[i + 1], source[i + 2]), 16));
      i += 2;
    } else bytes.push(byte);
  }
  let text: string;
  try {
    text = utf8.decode(Uint8Array.from(bytes));
  } catch {
    throw swiftError(412, 'Invalid UTF8 or contains NULL');
  }
  if (text.includes('\0')) throw swiftError(412, 'Invalid UTF8 or contains NULL');
  return text;
}

function isHex(byte: number | undefined): boolean {
  return (
    byte !== undefined &&
    ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66))
  );
}

/**
 * Splits /v1/<account>[/<container>[/<object>]] as Swift's split_path does: the object keeps every
 * further slash, and an empty container or object (a trailing slash) means none.
 */
export function parseSwiftPath(rawPath: string): SwiftPath {
  const path = decodeUtf8Path(rawPath);
  const [empty, version, account, container, ...rest] = path.split('/');
  if (empty !== '' || !version || !account) throw swiftError(404);
  if (!(CONSTRAINTS.validApiVersions as readonly string[]).includes(version)) {
    throw swiftError(400, `Invalid path: ${path}`);
  }
  const object = rest.join('/');
  if (!container && object) throw swiftError(404);
  return { version, account, container: container || undefined, object: object || undefined };
}

/** A "<container>/<object>" header (X-Copy-From, Destination), URL-encoded, with or without a leading slash. */
export function parseObjectReference(value: string, problem: string): { container: string; object: string } {
  let decoded: string;
  try {
    decoded = decodeUtf8Path(value.replace(/^\/+/, ''));
  } catch {
    throw swiftError(412, problem);
  }
  const slash = decoded.indexOf('/');
  const container = slash > 0 ? decoded.slice(0, slash) : '';
  const object = slash > 0 ? decoded.slice(slash + 1) : '';
  if (!container || !object) throw swiftError(412, problem);
  return { container, object };
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
