import { Inject, Injectable } from '@nestjs/common';
import { ClientGone, DigestingMeter, SizeLimitExceeded, streamBody } from '@stratus/platform';
import type { Request } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { OBJECT_DATA_STORE } from '../object-storage.tokens';
import type { ContainerEntity, ObjectEntity } from '../persistence/object-storage.entities';
import { DataJournal } from '../store/data-journal.service';
import { newDataKey, ObjectDataStore } from '../store/object-data-store';
import { swiftError } from '../swift/swift-errors';
import { nextTimestamp } from '../swift/timestamps';
import { ObjectRecord, ObjectRecordsService } from './object-records.service';

/** Everything about a new object version except its bytes. */
export type ObjectAttributes = Omit<ObjectRecord, 'dataKey' | 'size' | 'etag' | 'timestamp'>;

export interface StreamLimits {
  /** Largest body accepted (413 beyond it). */
  maxBytes: number;
  /** The declared Content-Length, when there is one: fewer bytes means the client went away. */
  expectedLength?: number;
  /** The ETag header: the md5 the body must have (422 otherwise). */
  expectedEtag?: string;
  ifNoneMatch?: boolean;
}

/** "abc", '"abc"' and W/"abc" all name the etag abc. */
export function bareEtag(value: string): string {
  return value
    .trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1')
    .toLowerCase();
}

/**
 * Writes new object versions: bytes streamed to a new data key (md5 and size measured on the way,
 * nothing buffered), made durable, then committed as the object's row. Any failure before the
 * commit leaves neither data nor row.
 */
@Injectable()
export class ObjectWriterService {
  constructor(
    @Inject(OBJECT_DATA_STORE) private readonly store: ObjectDataStore,
    private readonly journal: DataJournal,
    private readonly records: ObjectRecordsService,
  ) {}

  /** A PUT body (request) or any stream (a copy of a large object, an archive member). */
  async write(
    source: Request | Readable,
    container: ContainerEntity,
    attributes: ObjectAttributes,
    limits: StreamLimits,
  ): Promise<{ record: ObjectRecord; replaced: ObjectEntity | null }> {
    const dataKey = newDataKey();
    // Journaled while the body streams: it must be on record before the data lands in place.
    const reserved = this.journal.reserve(dataKey);
    reserved.catch(() => undefined);
    const meter = new DigestingMeter(limits.maxBytes);
    let pending;
    try {
      pending = await this.store.begin(dataKey);
      if (isRequest(source)) await streamBody(source, meter, pending.stream);
      else await pipeline(source, meter, pending.stream);
      if (limits.expectedLength !== undefined && meter.bytes !== limits.expectedLength) {
        throw swiftError(499);
      }
      const etag = meter.hex('md5');
      if (limits.expectedEtag !== undefined && bareEtag(limits.expectedEtag) !== etag) throw swiftError(422);
      await reserved;
      await pending.commit();
    } catch (error) {
      await pending?.abort();
      await reserved.catch(() => undefined);
      await this.journal.discard(dataKey);
      if (error instanceof SizeLimitExceeded) throw swiftError(413, 'Your request is too large.');
      if (error instanceof ClientGone) throw swiftError(499);
      throw error;
    }
    return this.commit(
      container,
      { ...attributes, dataKey, size: meter.bytes, etag: meter.hex('md5') },
      limits,
    );
  }

  /** A new version holding the same bytes as an existing one (COPY, versioning), without reading them. */
  async copy(
    source: Pick<ObjectEntity, 'dataKey' | 'size' | 'etag'>,
    container: ContainerEntity,
    attributes: ObjectAttributes,
    options: { ifNoneMatch?: boolean } = {},
  ): Promise<{ record: ObjectRecord; replaced: ObjectEntity | null }> {
    const dataKey = newDataKey();
    await this.journal.reserve(dataKey);
    try {
      await this.store.copy(source.dataKey, dataKey);
    } catch (error) {
      await this.journal.discard(dataKey);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw swiftError(404);
      throw error;
    }
    return this.commit(container, { ...attributes, dataKey, size: source.size, etag: source.etag }, options);
  }

  private async commit(
    container: ContainerEntity,
    fields: Omit<ObjectRecord, 'timestamp'>,
    options: { ifNoneMatch?: boolean },
  ): Promise<{ record: ObjectRecord; replaced: ObjectEntity | null }> {
    const record: ObjectRecord = { ...fields, timestamp: nextTimestamp() };
    try {
      const replaced = await this.records.commit(container, record, options);
      return { record, replaced };
    } catch (error) {
      await this.journal.discard(fields.dataKey);
      throw error;
    }
  }
}

function isRequest(source: Request | Readable): source is Request {
  return 'httpVersion' in source;
}
