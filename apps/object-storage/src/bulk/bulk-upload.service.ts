import { Inject, Injectable } from '@nestjs/common';
import { DomainError, reasonPhrase } from '@stratus/platform';
import type { Response } from 'express';
import { createGunzip } from 'node:zlib';
import { SwiftAuthorizer } from '../auth/swift-authorizer';
import type { ObjectStorageConfig } from '../config/object-storage-config';
import { ContainersService } from '../containers/containers.service';
import { quotePath } from '../large-objects/large-objects.service';
import { ObjectWriterService } from '../objects/object-writer.service';
import { OBJECT_STORAGE_CONFIG } from '../object-storage.tokens';
import type { ContainerEntity } from '../persistence/object-storage.entities';
import { BULK_LIMITS, CONSTRAINTS } from '../swift/constraints';
import { guessContentType } from '../swift/content-type';
import { sendBody } from '../swift/response';
import { swiftError } from '../swift/swift-errors';
import { byteLength } from '../swift/swift-path';
import type { SwiftRequest } from '../swift/swift-request';
import { VersioningService } from '../versioning/versioning.service';
import { bulkResponseBody, bulkResponseType } from './bulk-response';
import { InvalidTar, readTar, TarEntry } from './tar-reader';

/**
 * Swift's bulk upload: PUT ?extract-archive=tar|tar.gz to an account (the first folder of each
 * member names its container) or to a container (members become objects there, under the
 * path's prefix). Each member is streamed into its own object.
 */
@Injectable()
export class BulkUploadService {
  constructor(
    @Inject(OBJECT_STORAGE_CONFIG) private readonly config: ObjectStorageConfig,
    private readonly containers: ContainersService,
    private readonly writer: ObjectWriterService,
    private readonly versioning: VersioningService,
    private readonly authorizer: SwiftAuthorizer,
  ) {}

  async extract(request: SwiftRequest, response: Response): Promise<void> {
    const format = (request.param('extract-archive') ?? '').toLowerCase().replace(/^\.+|\.+$/g, '');
    if (!['tar', 'tar.gz', 'tgz'].includes(format)) throw swiftError(400, 'Unsupported archive format');
    const type = bulkResponseType(request);
    const base = [request.path.container, request.path.object].filter(Boolean).join('/').replace(/\/+$/, '');
    const source = format === 'tar' ? request.http : request.http.pipe(createGunzip());
    const errors: [string, string][] = [];
    const created = new Map<string, ContainerEntity>();
    let files = 0;
    let failure: string | undefined;
    let body = '';
    try {
      for await (const entry of readTar(source)) {
        if (entry.type !== 'file') continue;
        const path = `${base ? `${base}/` : ''}${entry.name.replace(/^(\.\/)+/, '').replace(/^\/+/, '')}`;
        const slash = path.indexOf('/');
        if (slash <= 0 || slash === path.length - 1) {
          errors.push([quotePath(`/${path}`), '412 Precondition Failed']);
        } else {
          try {
            await this.store(request, path.slice(0, slash), path.slice(slash + 1), entry, created);
            files += 1;
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            errors.push([quotePath(`/${path}`), `${error.status} ${reasonPhrase(error.status)}`]);
          }
        }
        if (errors.length >= BULK_LIMITS.maxFailedExtractions) {
          failure = '400 Bad Request';
          break;
        }
      }
      if (files === 0 && errors.length === 0) {
        failure = '400 Bad Request';
        body = 'Invalid Tar File: No Valid Files';
      }
    } catch (error) {
      if (!(error instanceof InvalidTar) && (error as { code?: string }).code !== 'Z_DATA_ERROR') throw error;
      failure = '400 Bad Request';
      body = `Invalid Tar File: ${(error as Error).message}`;
    }
    const status = failure ?? (errors.length ? '400 Bad Request' : '201 Created');
    const report = bulkResponseBody(
      type,
      { 'Number Files Created': files, 'Response Body': body, 'Response Status': status },
      errors,
      'extract',
    );
    sendBody(response, 200, { 'Content-Type': type }, report);
  }

  private async store(
    request: SwiftRequest,
    containerName: string,
    objectName: string,
    entry: TarEntry,
    created: Map<string, ContainerEntity>,
  ): Promise<void> {
    if (byteLength(containerName) > CONSTRAINTS.maxContainerNameLength) throw swiftError(400);
    if (byteLength(objectName) > CONSTRAINTS.maxObjectNameLength) throw swiftError(400);
    if (entry.size > this.config.OBJECT_STORAGE_MAX_FILE_SIZE) throw swiftError(413);
    const account = request.account;
    let container = created.get(containerName) ?? (await this.containers.find(account, containerName));
    if (!container) {
      if (created.size >= BULK_LIMITS.maxContainersPerExtraction) throw swiftError(400);
      this.authorizer.requireAccount(request, true);
      container = (
        await this.containers.put(account, containerName, (existing) => ({
          metadata: existing?.metadata ?? '{}',
          readAcl: existing?.readAcl ?? null,
          writeAcl: existing?.writeAcl ?? null,
          versionsLocation: existing?.versionsLocation ?? null,
          versionsMode: existing?.versionsMode ?? null,
        }))
      ).container;
    }
    created.set(containerName, container);
    this.authorizer.requireWrite(request, account, container.writeAcl);
    await this.versioning.archiveCurrent(request, account, container, objectName);
    await this.writer.write(
      entry.body,
      container,
      {
        name: objectName,
        contentType: guessContentType(objectName),
        deleteAt: null,
        metadata: '{}',
        headers: '{}',
        dloManifest: null,
        sloEtag: null,
        sloSize: null,
      },
      { maxBytes: this.config.OBJECT_STORAGE_MAX_FILE_SIZE, expectedLength: entry.size },
    );
  }
}
