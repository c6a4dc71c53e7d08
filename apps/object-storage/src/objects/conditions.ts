import { parseHttpDate } from '../swift/timestamps';

/** An If-Match / If-None-Match list as swob reads it: quotes stripped, "*" matches anything. */
export function etagListMatches(header: string, etag: string): boolean {
  const tags = header
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((t) => (t.length >= 2 && t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t));
  return tags.includes('*') || tags.includes(etag);
}

export interface ConditionalHeaders {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  ifUnmodifiedSince?: string;
}

/**
 * swob's conditional response for GET and HEAD, checked in its order: If-Match (412),
 * If-None-Match (304), If-Modified-Since (304), If-Unmodified-Since (412).
 */
export function conditionalStatus(
  headers: ConditionalHeaders,
  etag: string,
  lastModifiedSeconds: number,
): 304 | 412 | undefined {
  if (headers.ifMatch !== undefined && !etagListMatches(headers.ifMatch, etag)) return 412;
  if (headers.ifNoneMatch !== undefined && etagListMatches(headers.ifNoneMatch, etag)) return 304;
  const since = parseHttpDate(headers.ifModifiedSince);
  if (since !== undefined && lastModifiedSeconds <= since) return 304;
  const unmodifiedSince = parseHttpDate(headers.ifUnmodifiedSince);
  if (unmodifiedSince !== undefined && lastModifiedSeconds > unmodifiedSince) return 412;
  return undefined;
}
