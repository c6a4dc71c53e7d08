import { Inject, Injectable, Logger } from '@nestjs/common';
import { declaredLength } from '@stratus/platform';
import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SwiftAuthorizer } from '../auth/swift-authorizer';
import { tempUrlDisposition, tempUrlParams } from '../auth/temp-url';
import { BulkDeleteService, readBody } from '../bulk/bulk-delete.service';
import type { ObjectStorageConfig } from '../config/object-storage-config';
import { ContainersService } from '../containers/containers.service';
import { LargeObjectsService, quotePath } from '../large-objects/large-objects.service';
import { rawManifest } from '../large-objects/slo-manifest';
import { OBJECT_DATA_STORE, OBJECT_STORAGE_CONFIG } from '../object-storage.tokens';
import type { ContainerEntity, ObjectEntity } from '../persistence/object-storage.entities';
import type { ObjectDataStore } from '../store/object-data-store';
import { CONSTRAINTS, SLO_LIMITS } from '../swift/constraints';
import { guessContentType } from '../swift/content-type';
import { deleteAtOf } from '../swift/expiry';
import {
  checkRequestMetadata,
  headerText,
  keptHeaders,
  Metadata,
  objectMetadata,
  parseMetadata,
} from '../swift/metadata';
import { Headers, sendBody, sendEmpty, setHeaders } from '../swift/response';
import { ACCEPTED_BODY, swiftError } from '../swift/swift-errors';
import { byteLength, decodeUtf8Path, parseObjectReference } from '../swift/swift-path';
import { isTrue, SwiftRequest } from '../swift/swift-request';
import { lastModified, lastModifiedSeconds, nextTimestamp, xTimestamp } from '../swift/timestamps';
import { attributesOf, VersioningService } from '../versioning/versioning.service';
import { conditionalStatus } from './conditions';
import { openPieces, Piece, slicePieces } from './object-body';
import { ObjectDeleterService } from './object-deleter.service';
import { objectHeaders } from './object-headers';
import { isLive, ObjectRecordsService } from './object-records.service';
import { ObjectAttributes, ObjectWriterService } from './object-writer.service';
import { parseRangeHeader, rangesForLength, Span } from './ranges';

interface ObjectRef {
  account: string;
  container: string;
  object: string;
}

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
    private readonly authorizer: SwiftAuthorizer,
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
        return this.copyVerb(request, response);
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
    const container = await this.containers.find(account, containerName);
    const access = this.authorizer.requireRead(request, account, container?.readAcl, true);
    if (!container) throw swiftError(404);
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
    headers: Headers,
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
    const boundary = randomBytes(16).toString('hex');
    const contentType = String(headers['Content-Type']);
    const heads = spans.map((span) =>
      Buffer.from(
        `--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: bytes ${span.start}-${span.end - 1}/${size}\r\n\r\n`,
        'latin1',
      ),
    );
    const tail = Buffer.from(`--${boundary}--`);
    const length =
      spans.reduce((sum, span, i) => sum + heads[i].length + (span.end - span.start) + 2, 0) + tail.length;
    const first = await openPieces(this.store, slicePieces(pieces, spans[0]));
    const store = this.store;
    async function* parts(): AsyncGenerator<Buffer> {
      for (let i = 0; i < spans!.length; i++) {
        yield heads[i];
        const part = i === 0 ? first : await openPieces(store, slicePieces(pieces, spans![i]));
        for await (const chunk of part) yield chunk as Buffer;
        yield Buffer.from('\r\n');
      }
      yield tail;
    }
    setHeaders(response, {
      ...headers,
      'Content-Type': `multipart/byteranges;boundary=${boundary}`,
      'Content-Length': length,
    });
    response.status(206);
    return Readable.from(parts());
  }

  private async sendManifest(request: SwiftRequest, response: Response, row: ObjectEntity): Promise<void> {
    const segments = await this.largeObjects.readManifest(row);
    const raw = request.param('format') === 'raw';
    const body = JSON.stringify(raw ? rawManifest(segments) : segments);
    const headers: Headers = {
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
    const container = await this.writableContainer(request, target);
    const copyFrom = request.header('x-copy-from');
    if (copyFrom !== undefined) {
      if ((declaredLength(request.http) ?? 0) > 0 || request.hasHeader('transfer-encoding')) {
        throw swiftError(400, 'Copy requests require a zero byte body');
      }
      const source = parseObjectReference(
        copyFrom,
        'X-Copy-From header must be of the form <container name>/<object name>',
      );
      const sourceAccount = request.header('x-copy-from-account');
      return this.copy(
        request,
        response,
        { account: sourceAccount ? decodeUtf8Path(sourceAccount) : target.account, ...source },
        target,
        container,
      );
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
    this.checkObjectName(target.object);
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
    const quotaLeft = await this.checkQuota(container, length ?? 0);
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
    await this.checkQuota(container, manifest.size);
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
    const container = await this.writableContainer(request, target);
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
      const container = await this.writableContainer(request, target);
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

  // ---------------------------------------------------------------- COPY

  private async copyVerb(request: SwiftRequest, response: Response): Promise<void> {
    const source = this.ref(request);
    const destination = request.header('destination');
    if (destination === undefined) throw swiftError(412, 'Destination header required');
    const target = parseObjectReference(
      destination,
      'Destination header must be of the form <container name>/<object name>',
    );
    const destinationAccount = request.header('destination-account');
    const targetRef = {
      account: destinationAccount ? decodeUtf8Path(destinationAccount) : source.account,
      ...target,
    };
    const container = await this.writableContainer(request, targetRef);
    return this.copy(request, response, source, targetRef, container);
  }

  /** COPY and PUT with X-Copy-From: the source's bytes and metadata, the request's metadata on top. */
  private async copy(
    request: SwiftRequest,
    response: Response,
    source: ObjectRef,
    target: ObjectRef,
    targetContainer: ContainerEntity,
  ): Promise<void> {
    const sourceContainer = await this.containers.find(source.account, source.container);
    this.authorizer.requireRead(request, source.account, sourceContainer?.readAcl, true);
    if (!sourceContainer) throw swiftError(404);
    const row = await this.records.find(sourceContainer.id, source.object);
    if (!row || !isLive(row)) throw swiftError(404);
    this.checkObjectName(target.object);
    const deleteAt = deleteAtOf(request);
    checkRequestMetadata(request, 'object');

    const fresh = isTrue(request.header('x-fresh-metadata'));
    const metadata: Metadata = { ...(fresh ? {} : parseMetadata(row.metadata)), ...objectMetadata(request) };
    const kept = { ...parseMetadata(row.headers), ...keptHeaders(request) };
    const manifestCopy = request.param('multipart-manifest') === 'get';
    const requestType = request.header('content-type');
    const attributes: ObjectAttributes = {
      ...attributesOf(row, target.object),
      contentType: requestType ? (headerText(requestType) ?? requestType) : row.contentType,
      deleteAt: deleteAt ?? null,
      metadata: JSON.stringify(metadata),
      headers: JSON.stringify(kept),
    };
    const isLarge = row.sloEtag !== null || row.dloManifest !== null;
    await this.checkQuota(targetContainer, row.sloSize ?? row.size);
    await this.versioning.archiveCurrent(request, target.account, targetContainer, target.object);

    let written;
    if (isLarge && !manifestCopy) {
      const body = await this.largeObjects.bodyOf(request, source.account, row);
      if (body.size > this.config.OBJECT_STORAGE_MAX_FILE_SIZE)
        throw swiftError(413, 'Your request is too large.');
      const stream = await openPieces(this.store, await body.pieces());
      written = await this.writer.write(
        stream,
        targetContainer,
        { ...attributes, dloManifest: null, sloEtag: null, sloSize: null },
        { maxBytes: this.config.OBJECT_STORAGE_MAX_FILE_SIZE },
      );
    } else {
      written = await this.writer.copy(row, targetContainer, attributes);
    }
    const headers: Headers = {
      Etag: written.record.sloEtag !== null ? `"${written.record.sloEtag}"` : written.record.etag,
      'Last-Modified': lastModified(written.record.timestamp),
      'X-Copied-From': quotePath(`${source.container}/${source.object}`),
      'X-Copied-From-Last-Modified': lastModified(row.timestamp),
    };
    if (source.account !== target.account) headers['X-Copied-From-Account'] = quotePath(source.account);
    sendEmpty(response, 201, headers);
  }

  // ---------------------------------------------------------------- shared checks

  /** The container an object write goes to, after the write ACL check (auth before 404, as Swift). */
  private async writableContainer(request: SwiftRequest, target: ObjectRef): Promise<ContainerEntity> {
    const container = await this.containers.find(target.account, target.container);
    this.authorizer.requireWrite(request, target.account, container?.writeAcl);
    if (!container) throw swiftError(404);
    return container;
  }

  private checkObjectName(name: string): void {
    const length = byteLength(name);
    if (length > CONSTRAINTS.maxObjectNameLength) {
      throw swiftError(400, `Object name length of ${length} longer than ${CONSTRAINTS.maxObjectNameLength}`);
    }
  }

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

  /** Container quotas (X-Container-Meta-Quota-Bytes/-Count): 413 when a write would pass them. */
  private async checkQuota(container: ContainerEntity, addedBytes: number): Promise<number> {
    const metadata = parseMetadata(container.metadata);
    const quotaBytes = /^\d+$/.test(metadata['quota-bytes'] ?? '')
      ? Number(metadata['quota-bytes'])
      : undefined;
    const quotaCount = /^\d+$/.test(metadata['quota-count'] ?? '')
      ? Number(metadata['quota-count'])
      : undefined;
    if (quotaBytes === undefined && quotaCount === undefined) return Number.MAX_SAFE_INTEGER;
    const stats = await this.containers.stats(container.id);
    if (quotaBytes !== undefined && stats.bytesUsed + addedBytes > quotaBytes) {
      throw swiftError(413, 'Upload exceeds quota.');
    }
    if (quotaCount !== undefined && stats.objectCount + 1 > quotaCount)
      throw swiftError(413, 'Upload exceeds quota.');
    return quotaBytes === undefined ? Number.MAX_SAFE_INTEGER : quotaBytes - stats.bytesUsed;
  }
}
