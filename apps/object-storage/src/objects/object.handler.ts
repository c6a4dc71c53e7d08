import { Inject, Injectable, Logger } from '@nestjs/common';
import { declaredLength } from '@stratus/platform';
import type { Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tempUrlDisposition, tempUrlParams } from '../auth/temp-url';
import { BulkDeleteService, readBody } from '../bulk/bulk-delete.service';
import type { ObjectStorageConfig } from '../config/object-storage-config';
import { ContainersService } from '../containers/containers.service';
import { LargeObjectsService } from '../large-objects/large-objects.service';
import { rawManifest } from '../large-objects/slo-manifest';
import { OBJECT_DATA_STORE, OBJECT_STORAGE_CONFIG } from '../object-storage.tokens';
import type { ContainerEntity, ObjectEntity } from '../persistence/object-storage.entities';
import type { ObjectDataStore } from '../store/object-data-store';
import { checkObjectName, SLO_LIMITS } from '../swift/constraints';
import { guessContentType } from '../swift/content-type';
import { deleteAtOf } from '../swift/expiry';
import { checkRequestMetadata, headerText, keptHeaders, objectMetadata } from '../swift/metadata';
import { ResponseHeaders, sendBody, sendEmpty, setHeaders } from '../swift/response';
import { ACCEPTED_BODY, swiftError } from '../swift/swift-errors';
import { decodeUtf8Path } from '../swift/swift-path';
import { isTrue, SwiftRequest } from '../swift/swift-request';
import { lastModified, lastModifiedSeconds, nextTimestamp, xTimestamp } from '../swift/timestamps';
import { VersioningService } from '../versioning/versioning.service';
import { conditionalStatus } from './conditions';
import { ContainerAccess } from './container-access.service';
import { openByteranges, openPieces, Piece, slicePieces } from './object-body';
import { ObjectCopierService, ObjectRef } from './object-copier.service';
import { ObjectDeleterService } from './object-deleter.service';
import { objectHeaders } from './object-headers';
import { isLive, ObjectRecordsService } from './object-records.service';
import { ObjectAttributes, ObjectWriterService } from './object-writer.service';
import { parseRangeHeader, rangesForLength, Span } from './ranges';

/** Object requests: GET and HEAD with ranges and conditions, PUT, POST, DELETE and COPY. */
@Injectable()
export class ObjectHandler {
  private readonly logger = new Logger('Objects');

  constructor(
    @Inject(OBJECT_STORAGE_CONFIG) private readonly config: ObjectStorageConfig,
    @Inject(OBJECT_DATA_STORE) private readonly store: ObjectDataStore,
    private readonly containers: ContainersService,
    private readonly records: ObjectRecordsService,
    private readonly writer: ObjectWriterService,
    private readonly largeObjects: LargeObjectsService,
    private readonly versioning: VersioningService,
    private readonly deleter: ObjectDeleterService,
    private readonly bulkDelete: BulkDeleteService,
    private readonly copier: ObjectCopierService,
    private readonly access: ContainerAccess,
  ) {}

  async handle(request: SwiftRequest, response: Response): Promise<void> {
    switch (request.method) {
      case 'GET':
      case 'HEAD':
        return this.read(request, response);
      case 'PUT':
        return this.put(request, response);
      case 'POST':
        return this.post(request, response);
      case 'DELETE':
        return this.delete(request, response);
      case 'COPY':
        return this.copier.copyTo(request, response, this.ref(request));
      default:
        response.setHeader('Allow', 'HEAD, GET, PUT, POST, DELETE, COPY');
        throw swiftError(405);
    }
  }

  private ref(request: SwiftRequest): ObjectRef {
    return { account: request.account, container: request.path.container!, object: request.path.object! };
  }

  // ---------------------------------------------------------------- GET and HEAD

  private async read(request: SwiftRequest, response: Response, attempt = 0): Promise<void> {
    const { account, container: containerName, object: name } = this.ref(request);
    const { container, access } = await this.access.readable(request, account, containerName);
    const row = await this.records.find(container.id, name);
    if (!row || !isLive(row)) throw swiftError(404);

    if (request.param('multipart-manifest') === 'get' && row.sloEtag !== null) {
      return this.sendManifest(request, response, row);
    }
    const body = await this.largeObjects.bodyOf(request, account, row);
    const headers = objectHeaders(row, body, access);
    if (access === 'tempurl') {
      const params = tempUrlParams(request.query)!;
      headers['Content-Disposition'] = tempUrlDisposition(
        params,
        name,
        headers['Content-Disposition'] as string,
      );
    }
    const condition = conditionalStatus(
      {
        ifMatch: request.header('if-match'),
        ifNoneMatch: request.header('if-none-match'),
        ifModifiedSince: request.header('if-modified-since'),
        ifUnmodifiedSince: request.header('if-unmodified-since'),
      },
      body.etag,
      lastModifiedSeconds(row.timestamp),
    );
    if (condition) return sendEmpty(response, condition, headers);
    if (request.isHead) {
      setHeaders(response, { ...headers, 'Content-Length': body.size });
      response.status(200).end();
      return;
    }

    const specs = parseRangeHeader(request.header('range'));
    const spans = specs ? rangesForLength(specs, body.size) : undefined;
    if (spans && spans.length === 0) {
      setHeaders(response, { ...headers, 'Content-Range': `bytes */${body.size}` });
      throw swiftError(416);
    }
    const pieces = await body.pieces();
    let stream: Readable;
    try {
      stream = await this.openBody(response, headers, pieces, body.size, spans);
    } catch (error) {
      // The object was replaced between reading its row and opening its data: read it again.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && attempt === 0) {
        return this.read(request, response, attempt + 1);
      }
      throw error;
    }
    try {
      await pipeline(stream, response);
    } catch (error) {
      if (!response.destroyed) response.destroy();
      this.logger.debug(`GET ${request.pathText} ended early: ${String(error)}`);
    }
  }

  /** Opens the data first (so a missing file is still an HTTP error), then writes the head. */
  private async openBody(
    response: Response,
    headers: ResponseHeaders,
    pieces: Piece[],
    size: number,
    spans: Span[] | undefined,
  ): Promise<Readable> {
    if (!spans) {
      const stream = await openPieces(this.store, pieces);
      setHeaders(response, { ...headers, 'Content-Length': size });
      response.status(200);
      return stream;
    }
    if (spans.length === 1) {
      const [span] = spans;
      const stream = await openPieces(this.store, slicePieces(pieces, span));
      setHeaders(response, {
        ...headers,
        'Content-Length': span.end - span.start,
        'Content-Range': `bytes ${span.start}-${span.end - 1}/${size}`,
      });
      response.status(206);
      return stream;
    }
    const multipart = await openByteranges(this.store, pieces, spans, size, String(headers['Content-Type']));
    setHeaders(response, {
      ...headers,
      'Content-Type': multipart.contentType,
      'Content-Length': multipart.length,
    });
    response.status(206);
    return multipart.stream;
  }

  private async sendManifest(request: SwiftRequest, response: Response, row: ObjectEntity): Promise<void> {
    const segments = await this.largeObjects.readManifest(row);
    const raw = request.param('format') === 'raw';
    const body = JSON.stringify(raw ? rawManifest(segments) : segments);
    const headers: ResponseHeaders = {
      'Content-Type': 'application/json; charset=utf-8',
      Etag: raw ? undefined : row.etag,
      'Last-Modified': lastModified(row.timestamp),
      'X-Timestamp': xTimestamp(row.timestamp),
      'X-Static-Large-Object': 'True',
    };
    if (request.isHead) {
      setHeaders(response, { ...headers, 'Content-Length': Buffer.byteLength(body) });
      response.status(200).end();
      return;
    }
    sendBody(response, 200, headers, body);
  }

  // ---------------------------------------------------------------- PUT

  private async put(request: SwiftRequest, response: Response): Promise<void> {
    const target = this.ref(request);
    const container = await this.access.writable(request, target.account, target.container);
    if (request.hasHeader('x-copy-from')) {
      if ((declaredLength(request.http) ?? 0) > 0 || request.hasHeader('transfer-encoding')) {
        throw swiftError(400, 'Copy requests require a zero byte body');
      }
      return this.copier.copyFrom(request, response, target, container);
    }

    const length = declaredLength(request.http);
    const transferEncoding = request.header('transfer-encoding');
    if (length !== undefined && length > this.config.OBJECT_STORAGE_MAX_FILE_SIZE) {
      throw swiftError(413, 'Your request is too large.');
    }
    if (transferEncoding !== undefined && transferEncoding.toLowerCase() !== 'chunked') {
      throw swiftError(501, 'Invalid transfer encoding');
    }
    if (length === undefined && transferEncoding === undefined) {
      throw swiftError(411, 'Missing Content-Length header.');
    }
    checkObjectName(target.object);
    const deleteAt = deleteAtOf(request);
    const contentType = this.contentTypeOf(request, target.object);
    checkRequestMetadata(request, 'object');
    const ifNoneMatch = request.header('if-none-match');
    if (ifNoneMatch !== undefined && ifNoneMatch.trim() !== '*') {
      throw swiftError(400, 'If-None-Match only supports *');
    }
    const dloManifest = this.dloManifestOf(request);
    const attributes: ObjectAttributes = {
      name: target.object,
      contentType,
      deleteAt: deleteAt ?? null,
      metadata: JSON.stringify(objectMetadata(request)),
      headers: JSON.stringify(keptHeaders(request)),
      dloManifest,
      sloEtag: null,
      sloSize: null,
    };

    if (request.param('multipart-manifest') === 'put') {
      return this.putManifest(request, response, target, container, attributes, ifNoneMatch !== undefined);
    }
    const quotaLeft = await this.containers.checkQuota(container, length ?? 0);
    await this.versioning.archiveCurrent(request, target.account, container, target.object);
    const { record } = await this.writer.write(request.http, container, attributes, {
      maxBytes: Math.min(this.config.OBJECT_STORAGE_MAX_FILE_SIZE, quotaLeft),
      expectedLength: length,
      expectedEtag: request.header('etag'),
      ifNoneMatch: ifNoneMatch !== undefined,
    });
    sendEmpty(response, 201, { Etag: record.etag, 'Last-Modified': lastModified(record.timestamp) });
  }

  private async putManifest(
    request: SwiftRequest,
    response: Response,
    target: ObjectRef,
    container: ContainerEntity,
    attributes: ObjectAttributes,
    ifNoneMatch: boolean,
  ): Promise<void> {
    const body = await readBody(
      request.http,
      SLO_LIMITS.maxManifestSize,
      `Manifest File > ${SLO_LIMITS.maxManifestSize} bytes`,
    );
    const manifest = await this.largeObjects.buildManifest(
      request,
      target.account,
      container,
      target.object,
      body,
    );
    const expected = request.header('etag');
    if (expected !== undefined && expected.replace(/"/g, '').toLowerCase() !== manifest.etag)
      throw swiftError(422);
    await this.containers.checkQuota(container, manifest.size);
    await this.versioning.archiveCurrent(request, target.account, container, target.object);
    const stored = Buffer.from(JSON.stringify(manifest.segments), 'utf8');
    const { record } = await this.writer.write(
      Readable.from([stored]),
      container,
      { ...attributes, dloManifest: null, sloEtag: manifest.etag, sloSize: manifest.size },
      { maxBytes: SLO_LIMITS.maxManifestSize * 2, ifNoneMatch },
    );
    sendEmpty(response, 201, { Etag: `"${manifest.etag}"`, 'Last-Modified': lastModified(record.timestamp) });
  }

  // ---------------------------------------------------------------- POST

  private async post(request: SwiftRequest, response: Response): Promise<void> {
    const target = this.ref(request);
    const container = await this.access.writable(request, target.account, target.container);
    const row = await this.records.find(container.id, target.object);
    if (!row || !isLive(row)) throw swiftError(404);
    const deleteAt = deleteAtOf(request);
    const contentTypeHeader = request.header('content-type');
    if (contentTypeHeader !== undefined && headerText(contentTypeHeader) === undefined) {
      throw swiftError(400, 'Invalid Content-Type');
    }
    checkRequestMetadata(request, 'object');
    const updated = await this.records.update(container, target.object, {
      metadata: JSON.stringify(objectMetadata(request)),
      headers: JSON.stringify(keptHeaders(request)),
      contentType: contentTypeHeader ? headerText(contentTypeHeader)! : row.contentType,
      deleteAt: deleteAt ?? null,
      timestamp: nextTimestamp(),
    });
    if (!updated) throw swiftError(404);
    sendBody(response, 202, {}, ACCEPTED_BODY);
  }

  // ---------------------------------------------------------------- DELETE

  private async delete(request: SwiftRequest, response: Response): Promise<void> {
    const target = this.ref(request);
    if (request.param('multipart-manifest') === 'delete') {
      const container = await this.access.writable(request, target.account, target.container);
      const row = await this.records.find(container.id, target.object);
      if (row && isLive(row) && row.sloEtag !== null) {
        const { type, body } = await this.bulkDelete.deleteSlo(request, target.container, row);
        return sendBody(response, 200, { 'Content-Type': type }, body);
      }
    }
    if (!(await this.deleter.delete(request, target.account, target.container, target.object))) {
      throw swiftError(404);
    }
    sendEmpty(response, 204);
  }

  // ---------------------------------------------------------------- shared checks

  /** The type sent, or (when none is, or X-Detect-Content-Type asks) one guessed from the name. */
  private contentTypeOf(request: SwiftRequest, name: string): string {
    const sent = request.header('content-type');
    if (sent === undefined || sent === '' || isTrue(request.header('x-detect-content-type'))) {
      return guessContentType(name);
    }
    const text = headerText(sent);
    if (text === undefined) throw swiftError(400, 'Invalid Content-Type');
    return text;
  }

  /** X-Object-Manifest must be "<container>/<prefix>" (URL-encoded), as Swift's dlo middleware checks. */
  private dloManifestOf(request: SwiftRequest): string | null {
    const value = request.header('x-object-manifest');
    if (value === undefined) return null;
    const problem = swiftError(400, 'X-Object-Manifest must be in the format container/prefix');
    const slash = value.indexOf('/');
    if (slash <= 0 || value.startsWith('/') || value.includes('?') || value.includes('&')) throw problem;
    try {
      decodeUtf8Path(value);
    } catch {
      throw problem;
    }
    return headerText(value) ?? value;
  }
}
