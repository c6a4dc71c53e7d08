import { CONSTRAINTS } from '../swift/constraints';
import { swiftError } from '../swift/swift-errors';
import { isTrue, SwiftRequest } from '../swift/swift-request';
import { nameKey, prefixEnd } from './name-key';

export interface ListingQuery {
  limit: number;
  marker?: string;
  endMarker?: string;
  prefix?: string;
  delimiter?: string;
  /** Objects directly inside a pseudo-folder (container listings only). */
  path?: string;
  reverse: boolean;
}

/** A slice of a listing in key order, bounds exclusive unless `gte`. */
export interface KeyRange {
  gt?: string;
  gte?: string;
  lt?: string;
  descending: boolean;
  limit: number;
}

export type Subdir = { subdir: string };
export type Listed<R> = R | Subdir;

export function isSubdir<R>(entry: Listed<R>): entry is Subdir {
  return typeof entry === 'object' && entry !== null && 'subdir' in entry;
}

/** The listing parameters as Swift's account and container servers read them. */
export function listingQuery(request: SwiftRequest, allowPath: boolean): ListingQuery {
  let limit: number = CONSTRAINTS.containerListingLimit;
  const given = request.param('limit');
  if (given !== undefined && /^\d+$/.test(given)) {
    limit = Number(given);
    if (limit > CONSTRAINTS.containerListingLimit) {
      throw swiftError(412, `Maximum limit is ${CONSTRAINTS.containerListingLimit}`);
    }
  }
  const delimiter = request.param('delimiter') || undefined;
  if (delimiter !== undefined && (delimiter.length > 1 || delimiter.charCodeAt(0) > 254)) {
    throw swiftError(412, 'Bad delimiter');
  }
  for (const name of ['marker', 'end_marker', 'prefix', 'path']) {
    const value = request.param(name);
    if (value !== undefined && value.includes('\0')) throw swiftError(412, 'Invalid UTF8 or contains NULL');
  }
  return {
    limit,
    marker: request.param('marker') || undefined,
    endMarker: request.param('end_marker') || undefined,
    prefix: request.param('prefix') || undefined,
    delimiter,
    path: allowPath ? request.param('path') : undefined,
    reverse: isTrue(request.param('reverse')),
  };
}

/**
 * Swift's list_objects_iter: queries in key order, rolling names that contain the delimiter after
 * the prefix up into one "subdir" entry each and skipping past them, until `limit` entries.
 */
export async function listEntries<R extends { name: string }>(
  query: ListingQuery,
  fetch: (range: KeyRange) => Promise<R[]>,
): Promise<Listed<R>[]> {
  let { prefix, delimiter } = query;
  let path = query.path;
  if (path !== undefined) {
    prefix = path = path ? `${path.replace(/\/+$/, '')}/` : '';
    delimiter = '/';
  } else if (delimiter && !prefix) prefix = '';
  const prefixKey = prefix ? nameKey(prefix) : undefined;
  const endPrefixKey = prefixKey !== undefined ? prefixEnd(prefixKey) : undefined;
  let markerKey = query.marker !== undefined ? nameKey(query.marker) : undefined;
  let endMarkerKey = query.endMarker !== undefined ? nameKey(query.endMarker) : undefined;
  if (query.reverse) [markerKey, endMarkerKey] = [endMarkerKey, markerKey];
  const origMarker = query.marker;
  let forceGte = false;
  const results: Listed<R>[] = [];

  while (results.length < query.limit) {
    const range: KeyRange = { descending: query.reverse, limit: query.limit - results.length };
    if (endMarkerKey !== undefined && (endPrefixKey === undefined || endMarkerKey < endPrefixKey)) {
      range.lt = endMarkerKey;
    } else if (endPrefixKey !== undefined) range.lt = endPrefixKey;
    if (forceGte && markerKey !== undefined) {
      range.gte = markerKey;
      forceGte = false;
    } else if (markerKey !== undefined && (prefixKey === undefined || markerKey >= prefixKey)) {
      range.gt = markerKey;
    } else if (prefixKey !== undefined) range.gte = prefixKey;

    const rows = await fetch(range);
    if (prefix === undefined || !delimiter) return rows;
    if (rows.length === 0) break;
    let rolledUp = false;
    for (const row of rows) {
      const name = row.name;
      if (query.reverse) endMarkerKey = nameKey(name);
      else markerKey = nameKey(name);
      if (results.length >= query.limit) return results;
      const end = name.indexOf(delimiter, prefix.length);
      if (path !== undefined) {
        if (name === path) continue;
        if (end >= 0 && name.length > end + delimiter.length) {
          if (query.reverse) endMarkerKey = nameKey(name.slice(0, end + delimiter.length));
          else markerKey = nameKey(name.slice(0, end) + nextChar(delimiter));
          rolledUp = true;
          break;
        }
      } else if (end >= 0) {
        if (query.reverse) endMarkerKey = nameKey(name.slice(0, end + delimiter.length));
        else {
          markerKey = nameKey(name.slice(0, end) + nextChar(delimiter));
          forceGte = true;
        }
        const dirName = name.slice(0, end + delimiter.length);
        if (dirName !== origMarker) results.push({ subdir: dirName });
        rolledUp = true;
        break;
      }
      results.push(row);
    }
    if (!rolledUp && rows.length < range.limit) break;
  }
  return results;
}

function nextChar(delimiter: string): string {
  return String.fromCharCode(delimiter.charCodeAt(0) + 1);
}
