import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { SwiftAuthorizer } from '../auth/swift-authorizer';
import { ContainersService } from '../containers/containers.service';
import { nameKey, prefixEnd } from '../listing/name-key';
import { isLive, ObjectRecordsService } from '../objects/object-records.service';
import { ObjectAttributes, ObjectWriterService } from '../objects/object-writer.service';
import type { ContainerEntity, ObjectEntity } from '../persistence/object-storage.entities';
import { swiftError } from '../swift/swift-errors';
import type { SwiftRequest } from '../swift/swift-request';
import { nextTimestamp, xTimestamp } from '../swift/timestamps';

/** History mode's record of a DELETE, kept in the archive container. */
export const DELETE_MARKER_CONTENT_TYPE = 'application/x-deleted;swift_versions_deleted=1';

/** "<3 hex digits: name length in bytes><name>/": where an object's old versions are archived. */
export function versionsPrefix(name: string): string {
  return `${Buffer.byteLength(name).toString(16).padStart(3, '0')}${name}/`;
}

export function attributesOf(row: ObjectEntity, name = row.name): ObjectAttributes {
  return {
    name,
    contentType: row.contentType,
    deleteAt: row.deleteAt,
    metadata: row.metadata,
    headers: row.headers,
    dloManifest: row.dloManifest,
    sloEtag: row.sloEtag,
    sloSize: row.sloSize,
  };
}

/**
 * Swift's legacy versioned writes. X-Versions-Location (stack): a PUT archives the current
 * version; a DELETE restores the latest archived one. X-History-Location: a PUT archives too; a
 * DELETE archives the current version, writes a delete marker, then deletes.
 */
@Injectable()
export class VersioningService {
  constructor(
    private readonly containers: ContainersService,
    private readonly records: ObjectRecordsService,
    private readonly writer: ObjectWriterService,
    private readonly authorizer: SwiftAuthorizer,
  ) {}

  /** Before `name` is overwritten: its current version goes to the archive container. */
  async archiveCurrent(request: SwiftRequest, account: string, container: ContainerEntity, name: string) {
    if (!container.versionsLocation) return;
    const archive = await this.archiveContainer(request, account, container);
    const current = await this.records.find(container.id, name);
    if (!current || !isLive(current)) return;
    await this.archive(archive, current);
  }

  /** Deletes `name` as the container's versioning mode says; false when there was nothing to delete. */
  async delete(
    request: SwiftRequest,
    account: string,
    container: ContainerEntity,
    name: string,
  ): Promise<boolean> {
    const remove = async () => (await this.records.remove(container, name)) !== null;
    if (!container.versionsLocation) return remove();
    // With no archive to restore from, a stack-mode DELETE is a plain one (as Swift's listing 404).
    if (
      container.versionsMode !== 'history' &&
      !(await this.containers.find(account, container.versionsLocation))
    ) {
      return remove();
    }
    const archive = await this.archiveContainer(request, account, container);
    if (container.versionsMode === 'history') {
      const current = await this.records.find(container.id, name);
      if (current && isLive(current)) await this.archive(archive, current);
      await this.writer.write(
        Readable.from([]),
        archive,
        {
          name: `${versionsPrefix(name)}${xTimestamp(nextTimestamp())}`,
          contentType: DELETE_MARKER_CONTENT_TYPE,
          deleteAt: null,
          metadata: '{}',
          headers: '{}',
          dloManifest: null,
          sloEtag: null,
          sloSize: null,
        },
        { maxBytes: 0 },
      );
      return remove();
    }
    const prefix = nameKey(versionsPrefix(name));
    const [latest] = await this.records.list(archive.id, {
      gte: prefix,
      lt: prefixEnd(prefix),
      descending: true,
      limit: 1,
    });
    if (!latest || latest.contentType === DELETE_MARKER_CONTENT_TYPE) return remove();
    await this.writer.copy(latest, container, attributesOf(latest, name));
    await this.records.remove(archive, latest.name, latest.timestamp);
    return true;
  }

  private async archive(archive: ContainerEntity, current: ObjectEntity): Promise<void> {
    const archived = `${versionsPrefix(current.name)}${xTimestamp(current.timestamp)}`;
    await this.writer.copy(current, archive, attributesOf(current, archived));
  }

  /** The archive must exist and the caller must be able to write to it, or the write fails (412). */
  private async archiveContainer(request: SwiftRequest, account: string, container: ContainerEntity) {
    const archive = await this.containers.find(account, container.versionsLocation!);
    if (!archive) throw swiftError(412);
    this.authorizer.requireWrite(request, account, archive.writeAcl);
    return archive;
  }
}
