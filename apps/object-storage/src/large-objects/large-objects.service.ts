import { Inject, Injectable } from '@nestjs/common';
import { DomainError, reasonPhrase } from '@stratus/platform';
import { createHash } from 'node:crypto';
import { SwiftAuthorizer } from '../auth/swift-authorizer';
import { bulkResponseBody, bulkResponseType } from '../bulk/bulk-response';
import { ContainersService } from '../containers/containers.service';
import { nameKey, prefixEnd } from '../listing/name-key';
import { OBJECT_DATA_STORE } from '../object-storage.tokens';
import { Piece, slicePieces } from '../objects/object-body';
import { isLive, ObjectRecordsService } from '../objects/object-records.service';
import { rangesForLength } from '../objects/ranges';
import type { ContainerEntity, ObjectEntity } from '../persistence/object-storage.entities';
import type { ObjectDataStore } from '../store/object-data-store';
import { SLO_LIMITS } from '../swift/constraints';
import { decodeUtf8Path } from '../swift/swift-path';
import { swiftError } from '../swift/swift-errors';
import type { SwiftRequest } from '../swift/swift-request';
import { listingTimestamp } from '../swift/timestamps';
import {
  ManifestInput,
  parseManifestInput,
  parseSegmentRange,
  segmentPath,
  sloEtag,
  StoredSegment,
} from './slo-manifest';

/** What a GET of an object returns: its size, its ETag, and where its bytes are. */
export interface ObjectBody {
  size: number;
  etag: string;
  /** Large objects answer a quoted ETag (it is not the md5 of the bytes). */
  quoted: boolean;
  pieces(): Promise<Piece[]>;
}

/** Path quoting as Swift's quote(): everything but unreserved characters and "/". */
export function quotePath(path: string): string {
  return encodeURIComponent(path)
    .replace(/%2F/g, '/')
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Static large objects (a stored JSON manifest of segments, `multipart-manifest=put`) and
 * dynamic large objects (X-Object-Manifest: every object under a container/prefix), read as one
 * object. Segments are read with the caller's own access to their containers.
 */
@Injectable()
export class LargeObjectsService {
  constructor(
    private readonly containers: ContainersService,
    private readonly records: ObjectRecordsService,
    private readonly authorizer: SwiftAuthorizer,
    @Inject(OBJECT_DATA_STORE) private readonly store: ObjectDataStore,
  ) {}

  async bodyOf(request: SwiftRequest, account: string, row: ObjectEntity): Promise<ObjectBody> {
    if (row.sloEtag !== null) {
      return {
        size: row.sloSize ?? 0,
        etag: row.sloEtag,
        quoted: true,
        pieces: () => this.sloPieces(request, account, row, 0),
      };
    }
    if (row.dloManifest !== null) return this.dloBody(request, account, row.dloManifest);
    return { size: row.size, etag: row.etag, quoted: false, pieces: async () => plainPieces(row) };
  }

  /** The stored manifest of a static large object. */
  async readManifest(row: ObjectEntity): Promise<StoredSegment[]> {
    const chunks: Buffer[] = [];
    if (row.size > 0)
      for await (const chunk of await this.store.open(row.dataKey)) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as StoredSegment[];
  }

  private async sloPieces(
    request: SwiftRequest,
    account: string,
    row: ObjectEntity,
    depth: number,
  ): Promise<Piece[]> {
    if (depth > SLO_LIMITS.maxNesting) throw swiftError(409);
    const segments = await this.readManifest(row);
    const found = await this.segmentRows(request, account, segments);
    const pieces: Piece[] = [];
    for (const segment of segments) {
      if ('data' in segment) {
        pieces.push({ data: Buffer.from(segment.data, 'base64') });
        continue;
      }
      const target = found.get(segment.name);
      // Swift refuses a manifest whose segments changed: 409 before the first byte.
      if (!target || !isLive(target)) throw swiftError(409);
      let inner: Piece[];
      let size: number;
      if (segment.sub_slo) {
        if (target.sloEtag !== segment.hash) throw swiftError(409);
        inner = await this.sloPieces(request, account, target, depth + 1);
        size = target.sloSize ?? 0;
      } else {
        if (target.etag !== segment.hash || target.sloEtag !== null) throw swiftError(409);
        inner = plainPieces(target);
        size = target.size;
      }
      if (segment.range) {
        const spec = parseSegmentRange(segment.range);
        const span = typeof spec === 'string' ? undefined : rangesForLength([spec], size)[0];
        if (!span) throw swiftError(409);
        inner = slicePieces(inner, span);
      }
      pieces.push(...inner);
    }
    return pieces;
  }

  /** Segment rows by "/container/object", one query per container, with read access checked. */
  private async segmentRows(
    request: SwiftRequest,
    account: string,
    segments: StoredSegment[],
  ): Promise<Map<string, ObjectEntity>> {
    const byContainer = new Map<string, string[]>();
    for (const segment of segments) {
      if ('data' in segment) continue;
      const path = segmentPath(segment.name);
      if (!path) throw swiftError(409);
      byContainer.set(path.container, [...(byContainer.get(path.container) ?? []), path.object]);
    }
    const found = new Map<string, ObjectEntity>();
    for (const [containerName, objects] of byContainer) {
      const container = await this.containers.find(account, containerName);
      if (!container) throw swiftError(409);
      this.authorizer.requireRead(request, account, container.readAcl, true);
      for (const [name, row] of await this.records.findMany(container.id, objects)) {
        found.set(`/${containerName}/${name}`, row);
      }
    }
    return found;
  }

  /** Every object under the manifest's container/prefix, in name order, concatenated. */
  private async dloBody(request: SwiftRequest, account: string, manifest: string): Promise<ObjectBody> {
    const decoded = decodeUtf8Path(manifest);
    const slash = decoded.indexOf('/');
    const container = await this.containers.find(account, decoded.slice(0, slash));
    const pieces: Piece[] = [];
    const etag = createHash('md5');
    let size = 0;
    if (container) {
      this.authorizer.requireRead(request, account, container.readAcl, false);
      const prefix = nameKey(decoded.slice(slash + 1));
      let after: string | undefined;
      for (;;) {
        const rows = await this.records.list(container.id, {
          gte: after === undefined ? prefix : undefined,
          gt: after,
          lt: prefixEnd(prefix),
          descending: false,
          limit: 1000,
        });
        // As in Swift, segments are read as stored: a segment that is itself a manifest is not expanded.
        for (const row of rows) {
          if (!isLive(row)) continue;
          etag.update(row.etag);
          size += row.size;
          pieces.push(...plainPieces(row));
        }
        if (rows.length < 1000) break;
        after = rows[rows.length - 1].nameKey;
      }
    }
    const digest = etag.digest('hex');
    return { size, etag: digest, quoted: true, pieces: async () => pieces };
  }

  /** Validates a manifest PUT against the segments as they are now; problems answer 400 in bulk format. */
  async buildManifest(
    request: SwiftRequest,
    account: string,
    container: ContainerEntity,
    objectName: string,
    body: Buffer,
  ): Promise<{ segments: StoredSegment[]; size: number; etag: string }> {
    const input = parseManifestInput(body, { container: container.name, object: objectName });
    const problems: [string, string][] = [];
    const segments: StoredSegment[] = [];
    let size = 0;
    for (const entry of input) {
      if ('data' in entry) {
        segments.push({ data: entry.data });
        size += Buffer.from(entry.data, 'base64').length;
        continue;
      }
      const stored = await this.checkSegment(request, account, entry, problems);
      if (stored) {
        segments.push(stored.segment);
        size += stored.length;
      }
    }
    if (problems.length) {
      throw swiftError(400, bulkResponseBody(bulkResponseType(request), {}, problems, 'upload'));
    }
    return { segments, size, etag: sloEtag(segments) };
  }

  private async checkSegment(
    request: SwiftRequest,
    account: string,
    entry: Extract<ManifestInput, { path: string }>,
    problems: [string, string][],
  ): Promise<{ segment: StoredSegment; length: number } | undefined> {
    const path = segmentPath(entry.path)!;
    const name = `/${path.container}/${path.object}`;
    const quoted = quotePath(name);
    let row: ObjectEntity | null = null;
    try {
      const container = await this.containers.find(account, path.container);
      this.authorizer.requireRead(request, account, container?.readAcl, true);
      row = container ? await this.records.find(container.id, path.object) : null;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problems.push([quoted, `${error.status} ${reasonPhrase(error.status)}`]);
      return undefined;
    }
    if (!row || !isLive(row)) {
      problems.push([quoted, '404 Not Found']);
      return undefined;
    }
    const bytes = row.sloSize ?? row.size;
    const hash = row.sloEtag ?? row.etag;
    let range = entry.range ?? undefined;
    let length = bytes;
    if (range) {
      const spec = parseSegmentRange(range);
      const span = typeof spec === 'string' ? undefined : rangesForLength([spec], bytes)[0];
      if (!span) {
        problems.push([quoted, 'Unsatisfiable Range']);
        return undefined;
      }
      if (span.start === 0 && span.end === bytes) range = undefined;
      else range = `${span.start}-${span.end - 1}`;
      length = span.end - span.start;
    }
    if (length < SLO_LIMITS.minSegmentSize)
      problems.push([quoted, 'Too small; each segment must be at least 1 byte.']);
    if (entry.size_bytes !== undefined && entry.size_bytes !== null && entry.size_bytes !== bytes) {
      problems.push([quoted, 'Size Mismatch']);
    }
    if (entry.etag !== undefined && entry.etag !== null && entry.etag.replace(/"/g, '') !== hash) {
      problems.push([quoted, 'Etag Mismatch']);
    }
    const segment: StoredSegment = {
      name,
      bytes,
      hash,
      content_type: row.contentType,
      last_modified: listingTimestamp(row.timestamp),
      ...(range ? { range } : {}),
      ...(row.sloEtag !== null ? { sub_slo: true } : {}),
    };
    return { segment, length };
  }
}

function plainPieces(row: ObjectEntity): Piece[] {
  return row.size > 0 ? [{ dataKey: row.dataKey, start: 0, length: row.size }] : [];
}
