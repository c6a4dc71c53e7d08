import { CONSTRAINTS } from './constraints';
import { swiftError } from './swift-errors';
import type { SwiftRequest } from './swift-request';

export type MetaTarget = 'account' | 'container' | 'object';

/** User metadata: lower-case name (without the X-<target>-Meta- prefix) to value. */
export type Metadata = Record<string, string>;

/** Headers an object keeps besides its metadata (the object server's allowed_headers). */
export const KEPT_OBJECT_HEADERS = [
  'content-disposition',
  'content-encoding',
  'content-language',
  'cache-control',
  'expires',
  'x-robots-tag',
] as const;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Node reads header bytes as latin1; metadata is stored as the UTF-8 text those bytes spell. */
export function headerText(raw: string): string | undefined {
  try {
    return utf8.decode(Buffer.from(raw, 'latin1'));
  } catch {
    return undefined;
  }
}

/** The inverse of headerText, for writing a stored value back into a header. */
export function headerBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

/** "x-object-meta-color" as Swift shows it: "X-Object-Meta-Color". */
export function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** Swift's check_metadata: limits on one request's metadata headers (lengths in bytes). */
export function checkRequestMetadata(request: SwiftRequest, target: MetaTarget): void {
  const prefix = `x-${target}-meta-`;
  let count = 0;
  let size = 0;
  for (const [name, value] of request.headerEntries()) {
    if (value.length > CONSTRAINTS.maxHeaderSize) {
      throw swiftError(400, `Header value too long: ${name.slice(0, CONSTRAINTS.maxMetaNameLength)}`);
    }
    if (!name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length);
    if (!key) throw swiftError(400, 'Metadata name cannot be empty');
    if (headerText(key) === undefined || (value && headerText(value) === undefined)) {
      throw swiftError(400, 'Metadata must be valid UTF-8');
    }
    count += 1;
    size += key.length + value.length;
    if (key.length > CONSTRAINTS.maxMetaNameLength) {
      throw swiftError(400, `Metadata name too long: ${prefix}${key}`);
    }
    if (value.length > CONSTRAINTS.maxMetaValueLength) {
      throw swiftError(400, `Metadata value longer than ${CONSTRAINTS.maxMetaValueLength}: ${prefix}${key}`);
    }
    if (count > CONSTRAINTS.maxMetaCount) {
      throw swiftError(400, `Too many metadata items; max ${CONSTRAINTS.maxMetaCount}`);
    }
    if (size > CONSTRAINTS.maxMetaOverallSize) {
      throw swiftError(400, `Total metadata too large; max ${CONSTRAINTS.maxMetaOverallSize}`);
    }
  }
}

/**
 * Account and container metadata changes: X-<target>-Meta-Name sets (an empty value removes),
 * X-Remove-<target>-Meta-Name removes. Null means remove.
 */
export function metadataUpdates(request: SwiftRequest, target: MetaTarget): Record<string, string | null> {
  const set = `x-${target}-meta-`;
  const remove = `x-remove-${target}-meta-`;
  const updates: Record<string, string | null> = {};
  for (const [name] of request.headerEntries()) {
    if (name.startsWith(remove) && name.length > remove.length) {
      updates[headerText(name.slice(remove.length)) ?? name.slice(remove.length)] = null;
    }
  }
  for (const [name, value] of request.headerEntries()) {
    if (name.startsWith(set)) {
      const key = headerText(name.slice(set.length)) ?? name.slice(set.length);
      updates[key] = value === '' ? null : (headerText(value) ?? value);
    }
  }
  return updates;
}

export function applyUpdates(existing: Metadata, updates: Record<string, string | null>): Metadata {
  const merged: Metadata = { ...existing };
  for (const [key, value] of Object.entries(updates)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** The database's validate_metadata: account and container metadata limits, cumulatively. */
export function checkMetadataTotals(metadata: Metadata): void {
  let count = 0;
  let size = 0;
  for (const [key, value] of Object.entries(metadata)) {
    count += 1;
    size += Buffer.byteLength(key) + Buffer.byteLength(value);
  }
  if (count > CONSTRAINTS.maxMetaCount) {
    throw swiftError(400, `Too many metadata items; max ${CONSTRAINTS.maxMetaCount}`);
  }
  if (size > CONSTRAINTS.maxMetaOverallSize) {
    throw swiftError(400, `Total metadata too large; max ${CONSTRAINTS.maxMetaOverallSize}`);
  }
}

/** An object's metadata is replaced whole by each PUT and POST: the X-Object-Meta-* headers sent. */
export function objectMetadata(request: SwiftRequest): Metadata {
  const prefix = 'x-object-meta-';
  const metadata: Metadata = {};
  for (const [name, value] of request.headerEntries()) {
    if (name.startsWith(prefix) && value !== '') {
      metadata[headerText(name.slice(prefix.length)) ?? name.slice(prefix.length)] =
        headerText(value) ?? value;
    }
  }
  return metadata;
}

/** The kept headers (Content-Disposition, ...) a PUT or POST sends. */
export function keptHeaders(request: SwiftRequest): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of KEPT_OBJECT_HEADERS) {
    const value = request.header(name);
    if (value !== undefined) kept[name] = headerText(value) ?? value;
  }
  return kept;
}

/** Metadata as response headers, title-cased as Swift shows them. */
export function metadataHeaders(target: MetaTarget, metadata: Metadata, hidden: readonly string[] = []) {
  return Object.entries(metadata)
    .filter(([key]) => !hidden.includes(key))
    .map(([key, value]) => [titleCase(`x-${target}-meta-${headerBytes(key)}`), headerBytes(value)] as const);
}

export function parseMetadata(json: string): Metadata {
  return JSON.parse(json) as Metadata;
}
