import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { cleanAcl } from '../auth/acl';
import { Access, SwiftAuthorizer } from '../auth/swift-authorizer';
import { listingType, ObjectRecord, renderContainerListing } from '../listing/listing-format';
import { isSubdir, listEntries, listingQuery } from '../listing/listing-query';
import { listedBytes, ObjectRecordsService } from '../objects/object-records.service';
import type { ContainerEntity } from '../persistence/object-storage.entities';
import { CONSTRAINTS, STORAGE_POLICY } from '../swift/constraints';
import { publicContentType } from '../swift/content-type';
import {
  applyUpdates,
  checkMetadataTotals,
  checkRequestMetadata,
  headerBytes,
  headerText,
  metadataHeaders,
  metadataUpdates,
  parseMetadata,
} from '../swift/metadata';
import { ResponseHeaders, sendBody, sendEmpty } from '../swift/response';
import { swiftError } from '../swift/swift-errors';
import { byteLength, decodeUtf8Path } from '../swift/swift-path';
import type { SwiftRequest } from '../swift/swift-request';
import { lastModified, listingTimestamp, xTimestamp } from '../swift/timestamps';
import { ContainerFields, ContainersService } from './containers.service';

/** Metadata only the owner sees or sets (swift_owner_headers). */
const OWNER_ONLY_METADATA = ['temp-url-key', 'temp-url-key-2'];

/** Container requests: PUT, POST, DELETE, HEAD, and GET (the object listing). */
@Injectable()
export class ContainerHandler {
  constructor(
    private readonly containers: ContainersService,
    private readonly records: ObjectRecordsService,
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
      default:
        response.setHeader('Allow', 'HEAD, GET, PUT, POST, DELETE');
        throw swiftError(405);
    }
  }

  private async read(request: SwiftRequest, response: Response): Promise<void> {
    const container = await this.containers.find(request.account, containerName(request));
    const access = this.authorizer.requireRead(request, request.account, container?.readAcl, false);
    if (!container) throw swiftError(404);
    const type = listingType(request);
    const headers = await this.headersOf(container, access);
    if (request.isHead)
      return sendEmpty(response, 204, { ...headers, 'Content-Type': `${type}; charset=utf-8` });
    const query = listingQuery(request, true);
    const entries = await listEntries(query, (range) => this.records.list(container.id, range));
    const records = entries.map((entry) => {
      if (isSubdir(entry)) return entry;
      const record: ObjectRecord = {
        bytes: listedBytes(entry),
        hash: entry.etag,
        name: entry.name,
        content_type: publicContentType(entry.contentType),
        last_modified: listingTimestamp(entry.timestamp),
      };
      if (entry.sloEtag !== null) record.slo_etag = `"${entry.sloEtag}"`;
      return record;
    });
    const contentType = `${type}; charset=utf-8`;
    if (type === 'text/plain' && records.length === 0) {
      return sendEmpty(response, 204, { ...headers, 'Content-Type': contentType });
    }
    sendBody(
      response,
      200,
      { ...headers, 'Content-Type': contentType },
      renderContainerListing(type, container.name, records),
    );
  }

  private async headersOf(container: ContainerEntity, access: Access): Promise<ResponseHeaders> {
    const stats = await this.containers.stats(container.id);
    const owner = access === 'owner';
    const headers: ResponseHeaders = {
      'X-Container-Object-Count': stats.objectCount,
      'X-Container-Bytes-Used': stats.bytesUsed,
      'X-Timestamp': xTimestamp(container.createdAt),
      'X-Put-Timestamp': xTimestamp(container.updatedAt),
      'Last-Modified': lastModified(container.updatedAt),
      'Accept-Ranges': 'bytes',
      'X-Storage-Policy': STORAGE_POLICY,
    };
    const metadata = parseMetadata(container.metadata);
    for (const [name, value] of metadataHeaders('container', metadata, owner ? [] : OWNER_ONLY_METADATA)) {
      headers[name] = value;
    }
    if (owner && container.readAcl) headers['X-Container-Read'] = headerBytes(container.readAcl);
    if (owner && container.writeAcl) headers['X-Container-Write'] = headerBytes(container.writeAcl);
    if (container.versionsLocation) {
      const header = container.versionsMode === 'history' ? 'X-History-Location' : 'X-Versions-Location';
      headers[header] = encodeURIComponent(container.versionsLocation);
    }
    return headers;
  }

  private async put(request: SwiftRequest, response: Response): Promise<void> {
    const name = containerName(request);
    const length = byteLength(name);
    if (length > CONSTRAINTS.maxContainerNameLength) {
      throw swiftError(
        400,
        `Container name length of ${length} longer than ${CONSTRAINTS.maxContainerNameLength}`,
      );
    }
    this.authorizer.requireAccount(request, true);
    const policy = request.header('x-storage-policy');
    if (policy !== undefined && policy.toLowerCase() !== STORAGE_POLICY.toLowerCase()) {
      throw swiftError(400, `Invalid X-Storage-Policy '${policy}'`);
    }
    const change = this.changesOf(request);
    const { created } = await this.containers.put(request.account, name, (existing) =>
      this.apply(existing, change),
    );
    sendEmpty(response, created ? 201 : 202);
  }

  private async post(request: SwiftRequest, response: Response): Promise<void> {
    this.authorizer.requireAccount(request, true);
    const container = await this.containers.find(request.account, containerName(request));
    if (!container) throw swiftError(404);
    const change = this.changesOf(request);
    await this.containers.update(container, (current) => this.apply(current, change));
    sendEmpty(response, 204);
  }

  private async delete(request: SwiftRequest, response: Response): Promise<void> {
    this.authorizer.requireAccount(request, true);
    const container = await this.containers.find(request.account, containerName(request));
    if (!container) throw swiftError(404);
    await this.containers.delete(container);
    sendEmpty(response, 204);
  }

  /** What a container PUT or POST asks to change, validated as Swift's proxy and middlewares do. */
  private changesOf(request: SwiftRequest): ContainerChange {
    checkRequestMetadata(request, 'container');
    const metadata = metadataUpdates(request, 'container');
    for (const [key, label] of [
      ['quota-bytes', 'bytes'],
      ['quota-count', 'count'],
    ]) {
      const value = metadata[key];
      if (value !== undefined && value !== null && !/^\d+$/.test(value)) {
        throw swiftError(400, `Invalid ${label} quota.`);
      }
    }
    const change: ContainerChange = { metadata };
    for (const [header, field] of [
      ['x-container-read', 'readAcl'],
      ['x-container-write', 'writeAcl'],
    ] as const) {
      const value = request.header(header);
      if (request.hasHeader(`x-remove-${header.slice(2)}`)) change[field] = null;
      if (value !== undefined) {
        const text = headerText(value);
        if (text === undefined) throw swiftError(400, 'Metadata must be valid UTF-8');
        change[field] = cleanAcl(header, text) || null;
      }
    }
    change.versions = this.versionsChange(request);
    return change;
  }

  /** X-Versions-Location / X-History-Location, as legacy versioned_writes reads them. */
  private versionsChange(request: SwiftRequest): ContainerChange['versions'] {
    let stack = request.header('x-versions-location');
    let history = request.header('x-history-location');
    if (stack !== undefined && history !== undefined) {
      if (!history) history = undefined;
      else if (stack)
        throw swiftError(400, 'Only one of x-versions-location or x-history-location may be specified');
      else stack = undefined;
    }
    const value = stack ?? history;
    if (value !== undefined) {
      if (!value) return null;
      const location = decodeUtf8Path(value);
      if (location.includes('/') || byteLength(location) > CONSTRAINTS.maxContainerNameLength) {
        throw swiftError(412, 'Container name cannot contain slashes');
      }
      return { location, mode: stack !== undefined ? 'stack' : 'history' };
    }
    if (request.header('x-remove-versions-location') || request.header('x-remove-history-location'))
      return null;
    return undefined;
  }

  private apply(existing: ContainerEntity | null, change: ContainerChange): ContainerFields {
    const metadata = applyUpdates(existing ? parseMetadata(existing.metadata) : {}, change.metadata);
    checkMetadataTotals(metadata);
    const versions =
      change.versions === undefined
        ? { location: existing?.versionsLocation ?? null, mode: existing?.versionsMode ?? null }
        : (change.versions ?? { location: null, mode: null });
    return {
      metadata: JSON.stringify(metadata),
      readAcl: change.readAcl !== undefined ? change.readAcl : (existing?.readAcl ?? null),
      writeAcl: change.writeAcl !== undefined ? change.writeAcl : (existing?.writeAcl ?? null),
      versionsLocation: versions.location,
      versionsMode: versions.mode,
    };
  }
}

function containerName(request: SwiftRequest): string {
  return request.path.container!;
}

interface ContainerChange {
  metadata: Record<string, string | null>;
  readAcl?: string | null;
  writeAcl?: string | null;
  /** undefined: unchanged; null: versioning off. */
  versions?: { location: string; mode: 'stack' | 'history' } | null;
}
