import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import type { ObjectStorageConfig } from '../config/object-storage-config';
import { ContainersService } from '../containers/containers.service';
import { LargeObjectsService, quotePath } from '../large-objects/large-objects.service';
import { OBJECT_DATA_STORE, OBJECT_STORAGE_CONFIG } from '../object-storage.tokens';
import type { ContainerEntity } from '../persistence/object-storage.entities';
import type { ObjectDataStore } from '../store/object-data-store';
import { checkObjectName } from '../swift/constraints';
import { deleteAtOf } from '../swift/expiry';
import {
  checkRequestMetadata,
  headerText,
  keptHeaders,
  Metadata,
  objectMetadata,
  parseMetadata,
} from '../swift/metadata';
import { ResponseHeaders, sendEmpty } from '../swift/response';
import { swiftError } from '../swift/swift-errors';
import { decodeUtf8Path, parseObjectReference } from '../swift/swift-path';
import { isTrue, SwiftRequest } from '../swift/swift-request';
import { lastModified } from '../swift/timestamps';
import { attributesOf, VersioningService } from '../versioning/versioning.service';
import { ContainerAccess } from './container-access.service';
import { openPieces } from './object-body';
import { isLive, ObjectRecordsService } from './object-records.service';
import { ObjectAttributes, ObjectWriterService } from './object-writer.service';

export interface ObjectRef {
  account: string;
  container: string;
  object: string;
}

/**
 * Server-side copies (COPY with Destination, PUT with X-Copy-From): the source's bytes and
 * metadata with the request's metadata on top. A plain object's bytes are shared without being
 * read; a large object is copied as its joined bytes unless `multipart-manifest=get` asks for
 * the manifest itself.
 */
@Injectable()
export class ObjectCopierService {
  constructor(
    @Inject(OBJECT_STORAGE_CONFIG) private readonly config: ObjectStorageConfig,
    @Inject(OBJECT_DATA_STORE) private readonly store: ObjectDataStore,
    private readonly access: ContainerAccess,
    private readonly containers: ContainersService,
    private readonly records: ObjectRecordsService,
    private readonly writer: ObjectWriterService,
    private readonly largeObjects: LargeObjectsService,
    private readonly versioning: VersioningService,
  ) {}

  /** COPY: the request names the source; Destination (and Destination-Account) the target. */
  async copyTo(request: SwiftRequest, response: Response, source: ObjectRef): Promise<void> {
    const destination = request.header('destination');
    if (destination === undefined) throw swiftError(412, 'Destination header required');
    const target = parseObjectReference(
      destination,
      'Destination header must be of the form <container name>/<object name>',
    );
    const account = request.header('destination-account');
    const targetRef = { account: account ? decodeUtf8Path(account) : source.account, ...target };
    const container = await this.access.writable(request, targetRef.account, targetRef.container);
    await this.copy(request, response, source, targetRef, container);
  }

  /** PUT with X-Copy-From (and X-Copy-From-Account): the request names the target. */
  async copyFrom(
    request: SwiftRequest,
    response: Response,
    target: ObjectRef,
    container: ContainerEntity,
  ): Promise<void> {
    const source = parseObjectReference(
      request.header('x-copy-from')!,
      'X-Copy-From header must be of the form <container name>/<object name>',
    );
    const account = request.header('x-copy-from-account');
    const sourceRef = { account: account ? decodeUtf8Path(account) : target.account, ...source };
    await this.copy(request, response, sourceRef, target, container);
  }

  private async copy(
    request: SwiftRequest,
    response: Response,
    source: ObjectRef,
    target: ObjectRef,
    targetContainer: ContainerEntity,
  ): Promise<void> {
    const { container: sourceContainer } = await this.access.readable(
      request,
      source.account,
      source.container,
    );
    const row = await this.records.find(sourceContainer.id, source.object);
    if (!row || !isLive(row)) throw swiftError(404);
    checkObjectName(target.object);
    const deleteAt = deleteAtOf(request);
    checkRequestMetadata(request, 'object');

    const fresh = isTrue(request.header('x-fresh-metadata'));
    const metadata: Metadata = { ...(fresh ? {} : parseMetadata(row.metadata)), ...objectMetadata(request) };
    const requestType = request.header('content-type');
    const attributes: ObjectAttributes = {
      ...attributesOf(row, target.object),
      contentType: requestType ? (headerText(requestType) ?? requestType) : row.contentType,
      deleteAt: deleteAt ?? null,
      metadata: JSON.stringify(metadata),
      headers: JSON.stringify({ ...parseMetadata(row.headers), ...keptHeaders(request) }),
    };
    const joined =
      (row.sloEtag !== null || row.dloManifest !== null) && request.param('multipart-manifest') !== 'get';
    await this.containers.checkQuota(targetContainer, row.sloSize ?? row.size);
    await this.versioning.archiveCurrent(request, target.account, targetContainer, target.object);

    let written;
    if (joined) {
      const body = await this.largeObjects.bodyOf(request, source.account, row);
      const max = this.config.OBJECT_STORAGE_MAX_FILE_SIZE;
      if (body.size > max) throw swiftError(413, 'Your request is too large.');
      written = await this.writer.write(
        await openPieces(this.store, await body.pieces()),
        targetContainer,
        { ...attributes, dloManifest: null, sloEtag: null, sloSize: null },
        { maxBytes: max },
      );
    } else {
      written = await this.writer.copy(row, targetContainer, attributes);
    }
    const headers: ResponseHeaders = {
      Etag: written.record.sloEtag !== null ? `"${written.record.sloEtag}"` : written.record.etag,
      'Last-Modified': lastModified(written.record.timestamp),
      'X-Copied-From': quotePath(`${source.container}/${source.object}`),
      'X-Copied-From-Last-Modified': lastModified(row.timestamp),
    };
    if (source.account !== target.account) headers['X-Copied-From-Account'] = quotePath(source.account);
    sendEmpty(response, 201, headers);
  }
}
