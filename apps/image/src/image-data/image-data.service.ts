import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ClientGone,
  declaredLength,
  DigestingMeter,
  DomainError,
  drain,
  SizeLimitExceeded,
  streamBody,
} from '@stratus/platform';
import type { Request, Response } from 'express';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { DataSource, FindOptionsWhere, In, IsNull, LessThan } from 'typeorm';
import { glanceErrors, nowSeconds } from '../common/glance-errors';
import type { ImageConfig } from '../config/image-config';
import { IMAGE_CONFIG, IMAGE_STORE, STAGING_STORE } from '../image.tokens';
import { Caller, imagePolicy } from '../images/image-policy';
import { ImagesService } from '../images/images.service';
import { ImageEntity } from '../persistence/image.entities';
import { QuotaService } from '../quota/quota.service';
import type { ByteRange, ImageStore } from '../store/image-store';
import { GLANCE_DIGESTS, HEAD_BYTES, virtualSizeOf } from './format-inspection';
import { refusal, WebDownloadFilter, webDownloadFilter } from './web-download-filter';

export const IMPORT_METHODS = ['glance-direct', 'web-download'];

/** How long a web-download may take before the import fails. */
const WEB_DOWNLOAD_TIMEOUT_MS = 3_600_000;

/** The states in which some process is moving an image's data and owns the image. */
const IN_FLIGHT = ['saving', 'importing'];

/** Columns of an image nobody is moving data for. */
const RELEASED: Partial<ImageEntity> = { uploadOwner: null, uploadHeartbeatAt: null };

function mediaType(request: Request): string {
  return (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}

/** Parses a single-range Range header against the data size; null means "send everything". */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (!header) return null;
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === '' && match[2] === '')) {
    throw glanceErrors.rangeNotSatisfiable('Requested range not satisfiable');
  }
  let start: number;
  let end: number;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) throw glanceErrors.rangeNotSatisfiable('Requested range not satisfiable');
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
    if (match[2] !== '' && Number(match[2]) < start) {
      throw glanceErrors.rangeNotSatisfiable('Requested range not satisfiable');
    }
  }
  if (start >= size) throw glanceErrors.rangeNotSatisfiable('Requested range not satisfiable');
  return { start, end };
}

/**
 * Image data: uploads streamed to the store without buffering (queued, saving, active; back to
 * queued on any failure, with nothing left in the store), downloads streamed back with Range,
 * and interoperable import (stage, then glance-direct).
 *
 * Replicas share the database and the store folders. An image being saved or imported records
 * which process (IMAGE_NODE_ID) does it, and that process renews a heartbeat on it while it
 * works, so only the process itself after a restart, or any replica once the heartbeat is stale,
 * puts the image back to where a client can retry.
 */
@Injectable()
export class ImageDataService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ImageData');
  private readonly imports = new Set<Promise<void>>();
  /** Images whose data this process is moving now. */
  private readonly inFlight = new Set<string>();
  private maintenanceTimer?: NodeJS.Timeout;
  private maintenance?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(IMAGE_CONFIG) private readonly config: ImageConfig,
    @Inject(IMAGE_STORE) private readonly store: ImageStore,
    @Inject(STAGING_STORE) private readonly staging: ImageStore,
    private readonly images: ImagesService,
    private readonly quotas: QuotaService,
  ) {}

  private get node(): string {
    return this.config.IMAGE_NODE_ID;
  }

  private get filter(): WebDownloadFilter {
    return webDownloadFilter(this.config);
  }

  private get staleMs(): number {
    return this.config.IMAGE_UPLOAD_STALE_SECONDS * 1000;
  }

  /** The columns that make this process the owner of an image's upload or import. */
  private claim(): Partial<ImageEntity> {
    return { uploadOwner: this.node, uploadHeartbeatAt: nowSeconds() };
  }

  /** Only the owner moves an image out of saving or importing, unless it is long gone. */
  private owned(): FindOptionsWhere<ImageEntity> {
    return { uploadOwner: this.node };
  }

  /**
   * Nothing of this process can be mid-upload when it starts: the stores drop its partial files,
   * and images it left saving or importing go back to where a client can retry; so do those of
   * processes gone for longer than IMAGE_UPLOAD_STALE_SECONDS. Uploads of live replicas go on.
   */
  async onApplicationBootstrap(): Promise<void> {
    await this.store.init();
    await this.staging.init();
    await this.takeBackAbandoned(true);
    this.maintenanceTimer = setInterval(() => this.maintain(), this.staleMs / 4);
    this.maintenanceTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.imports]);
    clearInterval(this.maintenanceTimer);
    await this.maintenance;
  }

  /** Renews this process's heartbeats and store folders, and takes back what dead processes left. */
  private maintain(): void {
    if (this.maintenance) return;
    const steps: [string, () => Promise<void>][] = [
      ['heartbeat', () => this.heartbeat()],
      ['store upkeep', () => this.store.maintain()],
      ['staging upkeep', () => this.staging.maintain()],
      ['taking back abandoned uploads', () => this.takeBackAbandoned(false)],
    ];
    this.maintenance = (async () => {
      for (const [name, step] of steps) {
        await step().catch((error: unknown) => this.logger.warn(`${name} failed: ${String(error)}`));
      }
    })().finally(() => (this.maintenance = undefined));
  }

  private async heartbeat(): Promise<void> {
    if (this.inFlight.size === 0) return;
    await this.dataSource
      .getRepository(ImageEntity)
      .update(
        { id: In([...this.inFlight]), status: In(IN_FLIGHT), uploadOwner: this.node },
        { uploadHeartbeatAt: nowSeconds() },
      );
  }

  /**
   * Puts images whose upload or import nobody is doing any more back to queued (or uploading, if
   * staged data is there): at start-up this process's own, and always those of processes silent
   * for longer than the stale time (without an owner, an image left by an older release, by its
   * last update).
   */
  private async takeBackAbandoned(atStart: boolean): Promise<void> {
    const cutoff = new Date(Date.now() - this.staleMs);
    const candidates = await this.dataSource.getRepository(ImageEntity).findBy({ status: In(IN_FLIGHT) });
    for (const image of candidates) {
      if (this.inFlight.has(image.id)) continue;
      const owner = image.uploadOwner;
      const lastSign = owner === null ? image.updatedAt : (image.uploadHeartbeatAt ?? image.updatedAt);
      const own = atStart && owner === this.node;
      if (!own && lastSign >= cutoff) continue;
      // Still as it was read: an owner that came back to life meanwhile keeps its image.
      const unchanged: FindOptionsWhere<ImageEntity> =
        owner === null
          ? { uploadOwner: IsNull(), updatedAt: LessThan(cutoff) }
          : own
            ? { uploadOwner: owner }
            : { uploadOwner: owner, uploadHeartbeatAt: LessThan(cutoff) };
      const staged =
        image.status === 'importing' && (await this.staging.has(this.staging.locationOf(image.id)));
      const next = staged ? 'uploading' : 'queued';
      if (await this.images.transition(image.id, image.status, next, RELEASED, unchanged)) {
        const by = owner === null ? 'a process' : owner === this.node ? 'this process' : `process ${owner}`;
        this.logger.warn(
          `image ${image.id} was left ${image.status} by ${by} ${own ? 'before it restarted' : 'that is gone'}; now ${next}`,
        );
      }
    }
  }

  /** The checks Glance makes before it touches the data of an image the caller owns. */
  private async writableImage(caller: Caller, id: string, action: string): Promise<ImageEntity> {
    const { loaded } = await this.images.findVisible(caller, id);
    imagePolicy.requireGet(caller);
    imagePolicy.requireOwnerMember(caller, loaded.image, action);
    return loaded.image;
  }

  private requireFormats(image: ImageEntity): void {
    const missing = [
      ...(image.diskFormat ? [] : ['disk_format']),
      ...(image.containerFormat ? [] : ['container_format']),
    ];
    if (missing.length === 1)
      throw glanceErrors.badRequest(`Property ${missing[0]} must be set prior to saving data.`);
    if (missing.length > 1) {
      throw glanceErrors.badRequest(`Properties ${missing.join(', ')} must be set prior to saving data.`);
    }
  }

  /** The most this upload may carry: the size cap, and what the owner's quota leaves. */
  private async byteBudget(image: ImageEntity, length: number | undefined): Promise<number> {
    const cap = this.config.IMAGE_SIZE_CAP;
    const remaining = await this.quotas.bytesRemaining(image.owner, image.id);
    if (length !== undefined && length > cap) {
      throw glanceErrors.tooLarge(
        `The incoming image is too large: ${length} bytes exceeds the limit of ${cap} bytes.`,
      );
    }
    if (length !== undefined && length > remaining) {
      throw this.quotas.storageQuotaError(image.owner, length, remaining);
    }
    return Math.min(cap, remaining);
  }

  private async streamError(
    error: unknown,
    image: ImageEntity,
    budget: number,
    request: Request,
  ): Promise<DomainError> {
    if (error instanceof DomainError) return error;
    if (error instanceof SizeLimitExceeded) {
      if (budget >= this.config.IMAGE_SIZE_CAP) {
        return glanceErrors.tooLarge(`The incoming image is too large: more than ${budget} bytes.`);
      }
      return this.quotas.storageQuotaError(image.owner, `more than ${budget}`, budget);
    }
    if (error instanceof ClientGone || request.destroyed || request.readableAborted) {
      return glanceErrors.badRequest('The upload was interrupted before all data arrived.');
    }
    this.logger.error(
      `upload of ${image.id} failed: ${error instanceof Error ? error.stack : String(error)}`,
    );
    return glanceErrors.unavailable(`Failed to upload image data due to internal error`);
  }

  // ---------------------------------------------------------------- upload

  async upload(caller: Caller, id: string, request: Request): Promise<void> {
    const type = mediaType(request);
    if (type !== 'application/octet-stream') {
      throw glanceErrors.unsupportedMediaType(`Invalid content type ${type || 'None'}`);
    }
    const image = await this.writableImage(caller, id, 'upload_image');
    if (image.status !== 'queued') {
      throw glanceErrors.conflict(`Image status transition from ${image.status} to saving is not allowed`);
    }
    this.requireFormats(image);
    const length = declaredLength(request);
    const budget = await this.byteBudget(image, length);
    if (!(await this.images.transition(id, 'queued', 'saving', this.claim()))) {
      throw glanceErrors.conflict(`Image status transition from ${image.status} to saving is not allowed`);
    }
    this.inFlight.add(id);
    try {
      await this.save(image, budget, length, request);
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** Streams the data of an image this process moved to saving, and ends it active or queued. */
  private async save(
    image: ImageEntity,
    budget: number,
    length: number | undefined,
    request: Request,
  ): Promise<void> {
    const id = image.id;
    let pending;
    const meter = new DigestingMeter(budget, GLANCE_DIGESTS, HEAD_BYTES);
    try {
      pending = await this.store.begin(id);
      await streamBody(request, meter, pending.stream);
      if (length !== undefined && meter.bytes !== length) {
        throw glanceErrors.badRequest(`Expected ${length} bytes of image data, received ${meter.bytes}.`);
      }
    } catch (error) {
      await pending?.abort();
      await this.images.transition(id, 'saving', 'queued', RELEASED, this.owned());
      const answer = await this.streamError(error, image, budget, request);
      await drain(request);
      throw answer;
    }

    let location: string;
    try {
      location = await pending.commit();
    } catch (error) {
      await pending.abort();
      await this.images.transition(id, 'saving', 'queued', RELEASED, this.owned());
      throw await this.streamError(error, image, budget, request);
    }
    const finished = await this.activate(image, 'saving', meter, location);
    if (!finished) {
      await this.store.delete(location);
      throw glanceErrors.gone(
        `Image ${id} could not be found after upload. The image may have been deleted during the upload, cleaning up the chunks uploaded.`,
      );
    }
  }

  // ---------------------------------------------------------------- download

  async download(caller: Caller, id: string, request: Request, response: Response): Promise<void> {
    const { loaded } = await this.images.findVisible(caller, id);
    imagePolicy.requireGet(caller);
    imagePolicy.requireDownload(caller);
    const image = loaded.image;
    if (image.status === 'deactivated' && !caller.isAdmin && !caller.isService) {
      throw glanceErrors.forbidden(
        'The requested image has been deactivated. Image data download is forbidden.',
      );
    }
    if (!image.location || image.size === null || !['active', 'deactivated'].includes(image.status)) {
      response.status(204).end();
      return;
    }
    const size = image.size;
    let range: ByteRange | null;
    try {
      range = size > 0 ? parseRange(request.headers.range, size) : null;
    } catch (error) {
      response.setHeader('Content-Range', `bytes */${size}`);
      throw error;
    }
    let data: Readable;
    try {
      data = size === 0 ? Readable.from([]) : await this.store.open(image.location, range ?? undefined);
    } catch (error) {
      this.logger.error(`data of image ${id} missing from the store: ${String(error)}`);
      response.status(204).end();
      return;
    }
    response.setHeader('Content-Type', 'application/octet-stream');
    if (range) {
      response.status(206);
      response.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
      response.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      response.status(200);
      response.setHeader('Content-Length', String(size));
      if (image.checksum) response.setHeader('Content-MD5', image.checksum);
    }
    try {
      await pipeline(data, response);
    } catch (error) {
      // The client went away, or the disk failed mid-stream: the connection is all there is to close.
      if (!response.destroyed) response.destroy();
      this.logger.debug(`download of ${id} ended early: ${String(error)}`);
    }
  }

  // ---------------------------------------------------------------- interoperable import

  /** PUT /v2/images/{id}/stage: the data goes to the staging area; the image becomes 'uploading'. */
  async stage(caller: Caller, id: string, request: Request): Promise<void> {
    const type = mediaType(request);
    if (type !== 'application/octet-stream') {
      throw glanceErrors.unsupportedMediaType(`Invalid content type ${type || 'None'}`);
    }
    const image = await this.writableImage(caller, id, 'modify_image');
    if (image.status !== 'queued') {
      throw glanceErrors.conflict(`Image status transition from ${image.status} to uploading is not allowed`);
    }
    const length = declaredLength(request);
    const budget = await this.byteBudget(image, length);
    if (!(await this.images.transition(id, 'queued', 'uploading'))) {
      throw glanceErrors.conflict(`Image status transition from ${image.status} to uploading is not allowed`);
    }
    let pending;
    const meter = new DigestingMeter(budget, GLANCE_DIGESTS, HEAD_BYTES);
    try {
      pending = await this.staging.begin(id);
      await streamBody(request, meter, pending.stream);
      if (length !== undefined && meter.bytes !== length) {
        throw glanceErrors.badRequest(`Expected ${length} bytes of image data, received ${meter.bytes}.`);
      }
      await pending.commit();
    } catch (error) {
      await pending?.abort();
      await this.images.transition(id, 'uploading', 'queued');
      const answer = await this.streamError(error, image, budget, request);
      await drain(request);
      throw answer;
    }
    await this.images.transition(id, 'uploading', 'uploading', { size: meter.bytes });
  }

  /** POST /v2/images/{id}/import: validates, answers 202, and moves the staged data in the background. */
  async startImport(caller: Caller, id: string, body: unknown): Promise<void> {
    if (body === undefined) throw glanceErrors.badRequest('Body expected in request.');
    const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const method = request.method as Record<string, unknown> | undefined;
    if (typeof method !== 'object' || method === null) {
      throw glanceErrors.badRequest("Import request requires a 'method' field.");
    }
    if (!('name' in method)) throw glanceErrors.badRequest("Import request requires a 'name' field.");
    if (!IMPORT_METHODS.includes(String(method.name))) {
      throw glanceErrors.badRequest(`Unknown import method name '${String(method.name)}'.`);
    }
    if ('all_stores_must_succeed' in request && typeof request.all_stores_must_succeed !== 'boolean') {
      throw glanceErrors.badRequest("'all_stores_must_succeed' must be boolean value only");
    }
    if ('all_stores' in request && typeof request.all_stores !== 'boolean') {
      throw glanceErrors.badRequest("'all_stores' must be boolean value only");
    }
    if (request.all_stores_must_succeed === false) {
      throw glanceErrors.badRequest('All_stores_must_succeed can only be set with enabled_backends None');
    }

    const webDownload = method.name === 'web-download';
    let uri: string | undefined;
    if (webDownload) {
      if (typeof method.uri !== 'string' || !method.uri) {
        throw glanceErrors.badRequest("URI for web-download is required: 'uri' must be a string.");
      }
      const refused = refusal(method.uri, this.filter);
      if (refused) throw glanceErrors.badRequest(`URI for web-download does not pass filtering: ${refused}`);
      uri = method.uri;
    }

    const image = await this.writableImage(caller, id, 'modify_image');
    if (image.status === 'active')
      throw glanceErrors.conflict('Image with status active cannot be target for import');
    const from = webDownload ? 'queued' : 'uploading';
    if (image.status !== from) {
      throw glanceErrors.conflict(
        webDownload
          ? `Image status transition from ${image.status} to importing is not allowed`
          : "Image needs to be staged before 'glance-direct' method can be used",
      );
    }
    if (!image.containerFormat)
      throw glanceErrors.conflict("'container_format' needs to be set before import");
    if (!image.diskFormat) throw glanceErrors.conflict("'disk_format' needs to be set before import");
    const remaining = await this.quotas.bytesRemaining(image.owner, image.id);
    if (image.size !== null && image.size > remaining) {
      throw this.quotas.storageQuotaError(image.owner, image.size, remaining);
    }
    if (!(await this.images.transition(id, from, 'importing', this.claim()))) {
      throw glanceErrors.conflict(
        `New operation on image '${id}' is not permitted as prior operation is still in progress`,
      );
    }
    this.inFlight.add(id);
    const task = (uri ? this.runWebDownload(image, uri, remaining) : this.runStagedImport(image)).finally(
      () => {
        this.inFlight.delete(id);
        this.imports.delete(task);
      },
    );
    this.imports.add(task);
  }

  /** glance-direct: the staged data moves into the store. */
  private async runStagedImport(image: ImageEntity): Promise<void> {
    const stagedLocation = this.staging.locationOf(image.id);
    const imported = await this.importData(
      image,
      async () => createReadStream(fileURLToPath(stagedLocation), { highWaterMark: 256 * 1024 }),
      this.config.IMAGE_SIZE_CAP,
    );
    if (imported) await this.staging.delete(stagedLocation);
    else await this.staging.delete(stagedLocation).catch(() => undefined);
  }

  /** web-download: the image service fetches the data itself, within the owner's remaining quota. */
  private async runWebDownload(image: ImageEntity, uri: string, remaining: number): Promise<void> {
    await this.importData(
      image,
      async () => {
        const response = await fetch(uri, {
          redirect: 'follow',
          signal: AbortSignal.timeout(WEB_DOWNLOAD_TIMEOUT_MS),
        });
        // A redirect may lead somewhere the filter would have refused.
        const refused = refusal(response.url || uri, this.filter);
        if (refused) throw new Error(`redirected to a URI that does not pass filtering: ${refused}`);
        if (!response.ok || !response.body) throw new Error(`${uri} answered ${response.status}`);
        return Readable.fromWeb(response.body as Parameters<typeof Readable.fromWeb>[0]);
      },
      Math.min(this.config.IMAGE_SIZE_CAP, remaining),
    );
  }

  /** The data is in the store: the image becomes active with its size and digests, if this process still owns it. */
  private activate(
    image: ImageEntity,
    from: 'saving' | 'importing',
    meter: DigestingMeter,
    location: string,
  ): Promise<boolean> {
    const [checksum, osHashValue] = GLANCE_DIGESTS.map((algorithm) => meter.hex(algorithm));
    return this.images.transition(
      image.id,
      from,
      'active',
      {
        ...RELEASED,
        size: meter.bytes,
        virtualSize: virtualSizeOf(image.diskFormat, meter.head, meter.bytes),
        checksum,
        osHashAlgo: 'sha512',
        osHashValue,
        location,
      },
      this.owned(),
    );
  }

  /**
   * Moves an import's data into the store and activates the image with its size and digests; on
   * any failure the image goes back to queued with nothing kept. True when the image is active.
   */
  private async importData(
    image: ImageEntity,
    open: () => Promise<Readable>,
    budget: number,
  ): Promise<boolean> {
    let pending;
    const meter = new DigestingMeter(budget, GLANCE_DIGESTS, HEAD_BYTES);
    try {
      pending = await this.store.begin(image.id);
      await pipeline(await open(), meter, pending.stream);
      const location = await pending.commit();
      const finished = await this.activate(image, 'importing', meter, location);
      if (!finished) await this.store.delete(location);
      return finished;
    } catch (error) {
      this.logger.error(`import of ${image.id} failed: ${String(error)}`);
      await pending?.abort();
      await this.images.transition(
        image.id,
        'importing',
        'queued',
        { ...RELEASED, size: null },
        this.owned(),
      );
      return false;
    }
  }
}
