import { Injectable } from '@nestjs/common';
import { DomainError, reasonPhrase } from '@stratus/platform';
import type { Request } from 'express';
import { SwiftAuthorizer } from '../auth/swift-authorizer';
import { ContainersService } from '../containers/containers.service';
import { LargeObjectsService, quotePath } from '../large-objects/large-objects.service';
import { segmentPath } from '../large-objects/slo-manifest';
import { ObjectDeleterService } from '../objects/object-deleter.service';
import { ObjectRecordsService } from '../objects/object-records.service';
import type { ObjectEntity } from '../persistence/object-storage.entities';
import { BULK_LIMITS, SLO_LIMITS } from '../swift/constraints';
import { decodeUtf8Path } from '../swift/swift-path';
import { swiftError } from '../swift/swift-errors';
import type { SwiftRequest } from '../swift/swift-request';
import { bulkResponseBody, bulkResponseType } from './bulk-response';

export interface BulkDeleteResult {
  deleted: number;
  notFound: number;
  errors: [string, string][];
  /** Set when the request itself failed (too many paths). */
  failure?: string;
}

/** Reads a request body as text, refusing more than `limit` bytes (413). */
export async function readBody(request: Request, limit: number, tooLarge: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw swiftError(413, tooLarge);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Swift's bulk delete (POST or DELETE ?bulk-delete with a newline-separated list of URL-encoded
 * /container/object and /container paths) and the segment deletion of `multipart-manifest=delete`.
 */
@Injectable()
export class BulkDeleteService {
  constructor(
    private readonly containers: ContainersService,
    private readonly authorizer: SwiftAuthorizer,
    private readonly deleter: ObjectDeleterService,
    private readonly largeObjects: LargeObjectsService,
    private readonly records: ObjectRecordsService,
  ) {}

  async bulkDelete(request: SwiftRequest): Promise<{ type: string; body: string }> {
    const type = bulkResponseType(request);
    const text = (
      await readBody(
        request.http,
        BULK_LIMITS.maxDeletesPerRequest * (BULK_LIMITS.maxPathLength + 1),
        'Maximum Bulk Deletes: 10000 per request',
      )
    ).toString('utf8');
    const lines = text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '');
    const result: BulkDeleteResult = { deleted: 0, notFound: 0, errors: [] };
    if (lines.length > BULK_LIMITS.maxDeletesPerRequest) {
      result.failure = '413 Request Entity Too Large';
    } else {
      for (const line of lines) {
        await this.deletePath(request, line, result);
        if (result.errors.length >= BULK_LIMITS.maxFailedDeletes) {
          result.failure = '400 Bad Request';
          break;
        }
      }
    }
    return { type, body: render(type, result) };
  }

  /** Deletes a static large object's segments (nested manifests too), then the manifest. */
  async deleteSlo(request: SwiftRequest, containerName: string, manifest: ObjectEntity) {
    const type = bulkResponseType(request);
    const result: BulkDeleteResult = { deleted: 0, notFound: 0, errors: [] };
    const paths: string[] = [];
    await this.collectSegments(request.account, manifest, paths, 0);
    for (const path of [...paths, `/${containerName}/${manifest.name}`]) {
      await this.deletePath(request, quotePath(path), result);
    }
    return { type, body: render(type, result) };
  }

  private async collectSegments(
    account: string,
    manifest: ObjectEntity,
    paths: string[],
    depth: number,
  ): Promise<void> {
    for (const segment of await this.largeObjects.readManifest(manifest)) {
      if ('data' in segment) continue;
      const path = segmentPath(segment.name);
      if (segment.sub_slo && path && depth < SLO_LIMITS.maxNesting) {
        const container = await this.containers.find(account, path.container);
        const nested = container && (await this.records.find(container.id, path.object));
        if (nested && nested.sloEtag !== null) await this.collectSegments(account, nested, paths, depth + 1);
      }
      paths.push(segment.name);
    }
  }

  private async deletePath(request: SwiftRequest, line: string, result: BulkDeleteResult): Promise<void> {
    let path: string;
    try {
      path = decodeUtf8Path(line).replace(/^\/+/, '');
    } catch {
      result.errors.push([line, '412 Precondition Failed']);
      return;
    }
    const slash = path.indexOf('/');
    const container = slash < 0 ? path : path.slice(0, slash);
    const object = slash < 0 ? '' : path.slice(slash + 1);
    try {
      if (object) {
        if (await this.deleter.delete(request, request.account, container, object)) result.deleted += 1;
        else result.notFound += 1;
      } else {
        this.authorizer.requireAccount(request, true);
        const found = await this.containers.find(request.account, container);
        if (!found) result.notFound += 1;
        else {
          await this.containers.delete(found);
          result.deleted += 1;
        }
      }
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if (error.status === 404) result.notFound += 1;
      else result.errors.push([quotePath(`/${path}`), `${error.status} ${reasonPhrase(error.status)}`]);
    }
  }
}

function render(type: string, result: BulkDeleteResult): string {
  const status = result.failure ?? (result.errors.length ? '400 Bad Request' : '200 OK');
  return bulkResponseBody(
    type as Parameters<typeof bulkResponseBody>[0],
    {
      'Number Deleted': result.deleted,
      'Number Not Found': result.notFound,
      'Response Body': '',
      'Response Status': status,
    },
    result.errors,
    'delete',
  );
}
