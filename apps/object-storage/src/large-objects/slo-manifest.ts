import { createHash } from 'node:crypto';
import { parseRangeHeader } from '../objects/ranges';
import { SLO_LIMITS } from '../swift/constraints';
import { swiftError } from '../swift/swift-errors';

/** One entry of a manifest PUT (`multipart-manifest=put`). */
export type ManifestInput =
  | { path: string; etag?: string | null; size_bytes?: number | null; range?: string | null }
  | { data: string };

/** One entry of a stored manifest, as Swift stores it and answers `multipart-manifest=get`. */
export type StoredSegment =
  | {
      name: string;
      bytes: number;
      hash: string;
      content_type: string;
      last_modified: string;
      range?: string;
      sub_slo?: boolean;
    }
  | { data: string };

const PATH_KEYS = ['path', 'etag', 'size_bytes', 'range'];

/** "/container/object" of a segment path, or undefined when it names no object. */
export function segmentPath(path: string): { container: string; object: string } | undefined {
  const trimmed = path.replace(/^\/+/, '');
  const slash = trimmed.indexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) return undefined;
  return { container: trimmed.slice(0, slash), object: trimmed.slice(slash + 1) };
}

/** A segment's single range ("0-99", "-10", "5-"), as swob parses it. */
export function parseSegmentRange(text: string) {
  const specs = parseRangeHeader(`bytes=${text}`);
  if (!specs) return 'invalid' as const;
  if (specs.length !== 1) return 'multiple' as const;
  return specs[0];
}

/** Swift's parse_and_validate_input: every problem, one line each, as a 400. */
export function parseManifestInput(
  body: Buffer,
  self: { container: string; object: string },
): ManifestInput[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw swiftError(400, 'Manifest must be valid JSON.\n');
  }
  if (!Array.isArray(parsed)) throw swiftError(400, 'Manifest must be a list.\n');
  if (parsed.length > SLO_LIMITS.maxManifestSegments) {
    throw swiftError(413, `Number of segments must be <= ${SLO_LIMITS.maxManifestSegments}`);
  }
  const errors: string[] = [];
  parsed.forEach((entry: unknown, index) => {
    const problem = (text: string) => errors.push(`Index ${index}: ${text}`);
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      return problem('not a JSON object');
    }
    const segment = entry as Record<string, unknown>;
    if ('data' in segment) {
      const extra = Object.keys(segment).filter((k) => k !== 'data');
      if (extra.length) return problem(`extraneous keys ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
      if (typeof segment.data !== 'string' || !/^[A-Za-z0-9+/_-]*={0,2}$/.test(segment.data)) {
        return problem('data must be valid base64');
      }
      if (Buffer.from(segment.data, 'base64').length === 0) {
        return problem('too small; each segment must be at least 1 byte.');
      }
      return;
    }
    const extra = Object.keys(segment)
      .filter((k) => !PATH_KEYS.includes(k))
      .sort();
    if (extra.length) problem(`extraneous keys ${extra.map((k) => JSON.stringify(k)).join(', ')}`);
    if (typeof segment.path !== 'string') return problem('"path" must be a string');
    if (!(segment.etag === undefined || segment.etag === null || typeof segment.etag === 'string')) {
      problem('"etag" must be a string or null (if provided)');
    }
    const size = segment.size_bytes;
    if (!(size === undefined || size === null || Number.isInteger(size))) {
      problem('"size_bytes" must be an integer or null (if provided)');
    } else if (typeof size === 'number' && size < SLO_LIMITS.minSegmentSize) {
      problem('too small; each segment must be at least 1 byte.');
    }
    const path = segmentPath(segment.path);
    if (!path) {
      problem('path does not refer to an object. Path must be of the form /container/object.');
    } else if (path.container === self.container && path.object === self.object) {
      problem('manifest must not include itself as a segment');
    }
    if (segment.range !== undefined && segment.range !== null) {
      if (typeof segment.range !== 'string') problem('"range" must be a string or null (if provided)');
      else {
        const range = parseSegmentRange(segment.range);
        if (range === 'invalid') problem('invalid range');
        else if (range === 'multiple') problem('multiple ranges (only one allowed)');
      }
    }
  });
  if (errors.length) throw swiftError(400, errors.map((e) => `${e}\n`).join(''));
  return parsed as ManifestInput[];
}

/** md5 of the segments' etags (with their ranges), which a static large object answers as its ETag. */
export function sloEtag(segments: StoredSegment[]): string {
  const md5 = createHash('md5');
  for (const segment of segments) {
    if ('data' in segment)
      md5.update(createHash('md5').update(Buffer.from(segment.data, 'base64')).digest('hex'));
    else if (segment.range) md5.update(`${segment.hash}:${segment.range};`);
    else md5.update(segment.hash);
  }
  return md5.digest('hex');
}

/** The stored manifest back in the PUT format (`multipart-manifest=get&format=raw`). */
export function rawManifest(segments: StoredSegment[]): ManifestInput[] {
  return segments.map((segment) =>
    'data' in segment
      ? { data: segment.data }
      : {
          path: segment.name,
          etag: segment.hash,
          size_bytes: segment.bytes,
          ...(segment.range ? { range: segment.range } : {}),
        },
  );
}
