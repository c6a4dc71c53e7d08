import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import {
  Brackets,
  DataSource,
  EntityManager,
  FindOptionsWhere,
  In,
  SelectQueryBuilder,
  WhereExpressionBuilder,
} from 'typeorm';
import { glanceErrors, nowSeconds } from '../common/glance-errors';
import type { ImageConfig } from '../config/image-config';
import { IMAGE_CONFIG, IMAGE_STORE, STAGING_STORE } from '../image.tokens';
import {
  ImageEntity,
  ImageMemberEntity,
  ImagePropertyEntity,
  ImageTagEntity,
} from '../persistence/image.entities';
import { QuotaService } from '../quota/quota.service';
import {
  BASE_PROPERTY_NAMES,
  IMAGE_PROPERTIES,
  imageSchema,
  MAX_PROPERTY_VALUE,
  violation,
} from '../schemas/image-schemas';
import type { ImageStore } from '../store/image-store';
import { Caller, imagePolicy } from './image-policy';
import type { LoadedImage } from './image-view';
import type { Change } from './json-patch';
import { Filter, ListQuery, SORT_KEYS, SortDir } from './list-query';

/** Attributes a client may never send (Glance's _disallowed_properties). */
const DISALLOWED = ['direct_url', 'self', 'file', 'schema', 'stores'];
/** Attributes only the service sets. */
const READ_ONLY = [
  'created_at',
  'updated_at',
  'status',
  'checksum',
  'size',
  'virtual_size',
  'direct_url',
  'self',
  'file',
  'schema',
  'id',
  'os_hash_algo',
  'os_hash_value',
];
const RESERVED = ['location', 'deleted', 'deleted_at', 'locations'];
const RESERVED_NAMESPACE = 'os_glance';

/** The image columns a client may set, by API name. */
const WRITABLE_COLUMNS: Record<string, keyof ImageEntity> = {
  name: 'name',
  visibility: 'visibility',
  protected: 'protected',
  os_hidden: 'osHidden',
  min_disk: 'minDisk',
  min_ram: 'minRam',
  disk_format: 'diskFormat',
  container_format: 'containerFormat',
  owner: 'owner',
};

export interface ImagePage {
  images: LoadedImage[];
  nextMarker?: string;
}

function isUuid(id: string): boolean {
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(id);
}

function validateAgainstSchema(partial: Record<string, unknown>): void {
  const problem = violation(imageSchema(), partial);
  if (problem) throw glanceErrors.schema('image', problem);
  // The column holds 65535 bytes; multi-byte characters count more than once.
  for (const [key, value] of Object.entries(partial)) {
    if (
      typeof value === 'string' &&
      !BASE_PROPERTY_NAMES.has(key) &&
      Buffer.byteLength(value) > MAX_PROPERTY_VALUE
    ) {
      throw glanceErrors.badRequest(`Property ${key} is longer than ${MAX_PROPERTY_VALUE} bytes.`);
    }
  }
}

/** Glance's ImageRepo and ImageFactory: images, their properties and tags, with its policy. */
@Injectable()
export class ImagesService {
  private readonly logger = new Logger('Images');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(IMAGE_CONFIG) private readonly config: ImageConfig,
    @Inject(IMAGE_STORE) private readonly store: ImageStore,
    @Inject(STAGING_STORE) private readonly staging: ImageStore,
    private readonly quotas: QuotaService,
  ) {}

  private get images() {
    return this.dataSource.getRepository(ImageEntity);
  }

  async load(id: string, manager: EntityManager = this.dataSource.manager): Promise<LoadedImage | null> {
    if (!isUuid(id)) return null;
    const image = await manager.findOneBy(ImageEntity, { id });
    if (!image) return null;
    const [properties, tags] = await Promise.all([
      manager.findBy(ImagePropertyEntity, { imageId: id }),
      manager.findBy(ImageTagEntity, { imageId: id }),
    ]);
    return {
      image,
      properties: Object.fromEntries(properties.map((p) => [p.name, p.value])),
      tags: tags.map((t) => t.value).sort(),
    };
  }

  async membership(imageId: string, projectId: string | null): Promise<ImageMemberEntity | null> {
    if (projectId === null) return null;
    return this.dataSource.getRepository(ImageMemberEntity).findOneBy({ imageId, memberId: projectId });
  }

  /** The image if the caller may see it (404 otherwise, never telling it exists), and the caller's membership. */
  async findVisible(
    caller: Caller,
    id: string,
  ): Promise<{ loaded: LoadedImage; membership: ImageMemberEntity | null }> {
    const loaded = await this.load(id);
    if (!loaded) throw glanceErrors.imageNotFound(id);
    const membership = await this.membership(id, caller.projectId);
    if (!imagePolicy.isVisible(caller, loaded.image, membership)) throw glanceErrors.imageNotFound(id);
    return { loaded, membership };
  }

  async get(caller: Caller, id: string): Promise<LoadedImage> {
    const { loaded } = await this.findVisible(caller, id);
    imagePolicy.requireGet(caller);
    return loaded;
  }

  // ---------------------------------------------------------------- create

  async create(caller: Caller, body: unknown): Promise<LoadedImage> {
    if (body === undefined) throw glanceErrors.badRequest('Body expected in request.');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw glanceErrors.schema('image', `${JSON.stringify(body)} is not of type 'object'`);
    }
    const input = { ...(body as Record<string, unknown>) };
    for (const key of DISALLOWED) if (key in input) throw glanceErrors.readOnly(key);
    // Without a location API, locations are reserved here rather than described by the schema.
    if ('locations' in input) throw glanceErrors.reserved('locations');
    validateAgainstSchema(input);
    for (const key of READ_ONLY) if (key !== 'id' && key in input) throw glanceErrors.readOnly(key);

    const tags = [...new Set(((input.tags as string[] | undefined) ?? []).map((t) => t))];
    delete input.tags;
    const properties: Record<string, string> = {};
    const columns: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      if (BASE_PROPERTY_NAMES.has(key)) {
        columns[key] = value;
        continue;
      }
      if (key.length > 255)
        throw glanceErrors.badRequest('Custom property should not be greater than 255 characters.');
      if (RESERVED.includes(key) || key.startsWith(RESERVED_NAMESPACE)) throw glanceErrors.reserved(key);
      if (value === null) continue;
      properties[key] = value as string;
    }

    const owner = 'owner' in columns ? ((columns.owner as string | null) ?? null) : caller.projectId;
    imagePolicy.requireCreate(caller, owner);
    if (columns.visibility !== undefined) imagePolicy.requireVisibility(caller, columns.visibility);
    this.enforceCounts(Object.keys(properties).length, tags.length);

    const id = (columns.id as string | undefined) ?? randomUUID();
    const now = nowSeconds();
    const image = this.images.create({
      id,
      name: (columns.name as string | null | undefined) ?? null,
      status: 'queued',
      visibility: (columns.visibility as string | undefined) ?? 'shared',
      owner,
      size: null,
      virtualSize: null,
      checksum: null,
      osHashAlgo: null,
      osHashValue: null,
      diskFormat: (columns.disk_format as string | null | undefined) ?? null,
      containerFormat: (columns.container_format as string | null | undefined) ?? null,
      minDisk: (columns.min_disk as number | undefined) ?? 0,
      minRam: (columns.min_ram as number | undefined) ?? 0,
      protected: (columns.protected as boolean | undefined) ?? false,
      osHidden: (columns.os_hidden as boolean | undefined) ?? false,
      createdAt: now,
      updatedAt: now,
      location: null,
    });
    await this.quotas.enforceImageCount(owner);
    await this.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(ImageEntity, { id: image.id })) {
        throw glanceErrors.conflict(`Image with identifier ${image.id} already exists!`);
      }
      await manager.insert(ImageEntity, image);
      await this.writeProperties(manager, image.id, properties);
      await this.writeTags(manager, image.id, tags);
    });
    return { image, properties, tags: tags.sort() };
  }

  private enforceCounts(properties: number, tags: number): void {
    const propertyQuota = this.config.IMAGE_PROPERTY_QUOTA;
    if (propertyQuota >= 0 && properties > propertyQuota) {
      throw glanceErrors.tooLarge(
        `The limit has been exceeded on the number of allowed image properties. Attempted: ${properties}, Maximum: ${propertyQuota}`,
      );
    }
    const tagQuota = this.config.IMAGE_TAG_QUOTA;
    if (tagQuota >= 0 && tags > tagQuota) {
      throw glanceErrors.tooLarge(
        `The limit has been exceeded on the number of allowed image tags. Attempted: ${tags}, Maximum: ${tagQuota}`,
      );
    }
  }

  private async writeProperties(
    manager: EntityManager,
    imageId: string,
    properties: Record<string, string>,
  ): Promise<void> {
    await manager.delete(ImagePropertyEntity, { imageId });
    const rows = Object.entries(properties).map(([name, value]) => ({ imageId, name, value }));
    if (rows.length) await manager.insert(ImagePropertyEntity, rows);
  }

  private async writeTags(manager: EntityManager, imageId: string, tags: string[]): Promise<void> {
    await manager.delete(ImageTagEntity, { imageId });
    const rows = [...new Set(tags)].map((value) => ({ imageId, value }));
    if (rows.length) await manager.insert(ImageTagEntity, rows);
  }

  // ---------------------------------------------------------------- update

  /** PATCH with JSON-patch changes, applied in order the way Glance's ImagesController.update does. */
  async update(caller: Caller, id: string, changes: Change[]): Promise<LoadedImage> {
    // Validation that needs no image comes first, as in Glance's deserializer.
    for (const change of changes) this.validateChange(change);
    const { loaded } = await this.findVisible(caller, id);
    imagePolicy.requireGet(caller);
    imagePolicy.requireOwnerMember(caller, loaded.image, 'modify_image');
    if (changes.length === 0) return loaded;

    const image = { ...loaded.image } as ImageEntity;
    const properties = { ...loaded.properties };
    let tags = [...loaded.tags];
    const hasAttribute = (name: string) => name in WRITABLE_COLUMNS || name === 'tags';

    for (const change of changes) {
      const name = change.path[0];
      if (name === 'locations') {
        throw glanceErrors.forbidden(
          `It's not allowed to ${change.op === 'replace' ? 'update' : change.op} locations if locations are invisible.`,
        );
      }
      if (change.op === 'remove') {
        if (hasAttribute(name) || BASE_PROPERTY_NAMES.has(name)) {
          throw glanceErrors.forbidden(`Property ${name} may not be removed.`);
        }
        if (!(name in properties)) throw glanceErrors.conflict(`Property ${name} does not exist.`);
        delete properties[name];
        continue;
      }
      if (name === 'visibility') imagePolicy.requireVisibility(caller, change.value);
      if (name === 'owner' && !caller.isAdmin) {
        throw glanceErrors.forbidden("Owner can't be updated by non admin.");
      }
      if (change.op === 'replace') {
        if (!hasAttribute(name) && !(name in properties)) {
          throw glanceErrors.conflict(`Property ${name} does not exist.`);
        }
      } else if (change.draft === 4 && (hasAttribute(name) || name in properties)) {
        throw glanceErrors.conflict(`Property ${name} already present.`);
      }
      if (name === 'tags') {
        tags = [...new Set(change.value as string[])];
      } else if (name in WRITABLE_COLUMNS) {
        if (
          (name === 'disk_format' || name === 'container_format') &&
          !['queued', 'importing'].includes(image.status)
        ) {
          const current = name === 'disk_format' ? image.diskFormat : image.containerFormat;
          if (current !== change.value) {
            throw glanceErrors.forbidden(`Attribute ${name} can be only replaced for a queued image.`);
          }
        }
        (image as unknown as Record<string, unknown>)[WRITABLE_COLUMNS[name]] = change.value;
      } else if (change.value === null) {
        // kernel_id and ramdisk_id may be null in the schema; a null custom property is not kept.
        delete properties[name];
      } else {
        properties[name] = change.value as string;
      }
    }
    this.enforceCounts(Object.keys(properties).length, tags.length);

    image.updatedAt = nowSeconds();
    await this.dataSource.transaction(async (manager) => {
      // Only the columns a client may change: an upload finishing meanwhile keeps its own.
      const result = await manager.update(
        ImageEntity,
        { id },
        {
          name: image.name,
          visibility: image.visibility,
          protected: image.protected,
          osHidden: image.osHidden,
          minDisk: image.minDisk,
          minRam: image.minRam,
          diskFormat: image.diskFormat,
          containerFormat: image.containerFormat,
          owner: image.owner,
          updatedAt: image.updatedAt,
        },
      );
      if (!result.affected) throw glanceErrors.imageNotFound(id);
      await this.writeProperties(manager, id, properties);
      await this.writeTags(manager, id, tags);
    });
    const reloaded = await this.load(id);
    if (!reloaded) throw glanceErrors.imageNotFound(id);
    return reloaded;
  }

  /** Glance's _validate_change: read-only and reserved names, and the schema for the new value. */
  private validateChange(change: Change): void {
    const name = change.path[0];
    if (READ_ONLY.includes(name)) throw glanceErrors.readOnly(name);
    if (name === 'locations') return; // refused with Glance's answer once the image is found
    if (RESERVED.includes(name) && name !== 'locations') throw glanceErrors.reserved(name);
    if (name.startsWith(RESERVED_NAMESPACE)) throw glanceErrors.reserved(name);
    if (name.length > 255)
      throw glanceErrors.badRequest('Custom property should not be greater than 255 characters.');
    if (name === '') throw glanceErrors.badRequest("Invalid JSON pointer for this resource: '/'");
    if (change.op === 'remove') return;
    if (change.path.length === 1) validateAgainstSchema({ [name]: change.value });
    else if ((IMAGE_PROPERTIES[name]?.type as string | undefined) === 'array') {
      validateAgainstSchema({ [name]: [change.value] });
    }
  }

  // ---------------------------------------------------------------- delete, tags, actions

  async delete(caller: Caller, id: string): Promise<void> {
    const { loaded } = await this.findVisible(caller, id);
    imagePolicy.requireGet(caller);
    imagePolicy.requireOwnerMember(caller, loaded.image, 'delete_image');
    if (loaded.image.protected)
      throw glanceErrors.forbidden(`Image ${id} is protected and cannot be deleted.`);
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(ImagePropertyEntity, { imageId: id });
      await manager.delete(ImageTagEntity, { imageId: id });
      await manager.delete(ImageMemberEntity, { imageId: id });
      await manager.delete(ImageEntity, { id });
    });
    const location = loaded.image.location;
    if (location)
      await this.store.delete(location).catch((e) => this.logger.warn(`data of ${id} not deleted: ${e}`));
    await this.staging
      .delete(this.staging.locationOf(id))
      .catch((e) => this.logger.warn(`staged data of ${id} not deleted: ${e}`));
  }

  async addTag(caller: Caller, id: string, tag: string): Promise<void> {
    const { loaded } = await this.findVisible(caller, id);
    imagePolicy.requireGet(caller);
    imagePolicy.requireOwnerMember(caller, loaded.image, 'modify_image');
    if ([...tag].length > 255) {
      throw glanceErrors.badRequest(
        `Could not update image: Provided object does not match schema 'image': '${tag}' is too long`,
      );
    }
    if (loaded.tags.includes(tag)) return;
    const quota = this.config.IMAGE_TAG_QUOTA;
    if (quota >= 0 && loaded.tags.length + 1 > quota) {
      throw glanceErrors.tooLarge(
        `Image tag limit exceeded for image ${id}: The limit has been exceeded on the number of allowed image tags. Attempted: ${loaded.tags.length + 1}, Maximum: ${quota}:`,
      );
    }
    await this.dataSource.transaction(async (manager) => {
      await manager
        .createQueryBuilder()
        .insert()
        .into(ImageTagEntity)
        .values({ imageId: id, value: tag })
        .orIgnore()
        .execute();
      await manager.update(ImageEntity, { id }, { updatedAt: nowSeconds() });
    });
  }

  async removeTag(caller: Caller, id: string, tag: string): Promise<void> {
    const { loaded } = await this.findVisible(caller, id);
    imagePolicy.requireGet(caller);
    imagePolicy.requireOwnerMember(caller, loaded.image, 'modify_image');
    if (!loaded.tags.includes(tag)) throw glanceErrors.notFound(`Tag ${tag} not found.`);
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(ImageTagEntity, { imageId: id, value: tag });
      await manager.update(ImageEntity, { id }, { updatedAt: nowSeconds() });
    });
  }

  async deactivate(caller: Caller, id: string): Promise<void> {
    const { loaded } = await this.findVisible(caller, id);
    imagePolicy.requireGet(caller);
    imagePolicy.requireOwnerMember(caller, loaded.image, 'deactivate');
    const status = loaded.image.status;
    if (status === 'deactivated') return;
    if (status !== 'active')
      throw glanceErrors.forbidden(`Not allowed to deactivate image in status '${status}'`);
    await this.transition(id, 'active', 'deactivated');
  }

  async reactivate(caller: Caller, id: string): Promise<void> {
    const { loaded } = await this.findVisible(caller, id);
    imagePolicy.requireGet(caller);
    imagePolicy.requireOwnerMember(caller, loaded.image, 'reactivate');
    const status = loaded.image.status;
    if (status === 'active') return;
    if (status !== 'deactivated')
      throw glanceErrors.forbidden(`Not allowed to reactivate image in status '${status}'`);
    await this.transition(id, 'deactivated', 'active');
  }

  /**
   * Moves an image between states only if nobody moved it first (and it still matches `also`);
   * false when it had changed.
   */
  async transition(
    id: string,
    from: string,
    to: string,
    values: Partial<ImageEntity> = {},
    also: FindOptionsWhere<ImageEntity> = {},
  ): Promise<boolean> {
    const result = await this.images.update(
      { ...also, id, status: from },
      { ...values, status: to, updatedAt: nowSeconds() },
    );
    return (result.affected ?? 0) > 0;
  }

  // ---------------------------------------------------------------- list

  async list(caller: Caller, query: ListQuery): Promise<ImagePage> {
    imagePolicy.requireList(caller);
    const limit = Math.min(
      query.limit ?? this.config.IMAGE_LIST_LIMIT_DEFAULT,
      this.config.IMAGE_LIST_LIMIT_MAX,
    );

    if (query.marker !== undefined) {
      const marker = await this.load(query.marker);
      const membership = marker ? await this.membership(query.marker, caller.projectId) : null;
      if (!marker || !imagePolicy.isVisible(caller, marker.image, membership)) {
        throw glanceErrors.badRequest(`No image found with ID ${query.marker}`);
      }
    }
    if (limit === 0) return { images: [] };

    const qb = this.dataSource
      .getRepository(ImageEntity)
      .createQueryBuilder('image')
      .select('image.id', 'id');
    let p = 0;
    const param = (value: unknown): string => {
      const name = `p${p++}`;
      qb.setParameter(name, value);
      return `:${name}`;
    };
    const paramList = (values: unknown[]): string => {
      const name = `p${p++}`;
      qb.setParameter(name, values);
      return `(:...${name})`;
    };

    qb.where(`image.status != 'killed'`);
    qb.andWhere(`image.os_hidden = ${param(query.osHidden)}`);
    this.applyVisibility(qb, caller, query, param);
    for (const filter of query.filters) this.applyFilter(qb, filter, param, paramList);
    for (const tag of query.tags) {
      qb.andWhere(
        `EXISTS (SELECT 1 FROM image_tag t WHERE t.image_id = image.id AND t.value = ${param(tag)})`,
      );
    }

    // Sort keys, then created_at and id as tie-breakers, in the only or default direction.
    const keys = [...query.sortKeys];
    const dirs: SortDir[] = [...query.sortDirs];
    if (keys.length === 0) keys.push('created_at');
    const defaultDir: SortDir = dirs.length === 1 ? dirs[0] : 'desc';
    while (dirs.length < keys.length) dirs.push(defaultDir);
    for (const key of ['created_at', 'id']) {
      if (!keys.includes(key)) {
        keys.push(key);
        dirs.push(defaultDir);
      }
    }

    if (query.marker !== undefined) {
      const marker = param(query.marker);
      qb.andWhere(
        new Brackets((or) => {
          keys.forEach((key, i) => {
            or.orWhere(
              new Brackets((and) => {
                for (let j = 0; j < i; j++) {
                  and.andWhere(`${SORT_KEYS[keys[j]]('image')} = ${this.markerValue(keys[j], marker)}`);
                }
                const op = dirs[i] === 'asc' ? '>' : '<';
                and.andWhere(`${SORT_KEYS[key]('image')} ${op} ${this.markerValue(key, marker)}`);
              }),
            );
          });
        }),
      );
    }
    keys.forEach((key, i) => qb.addOrderBy(SORT_KEYS[key]('image'), dirs[i] === 'asc' ? 'ASC' : 'DESC'));
    qb.limit(limit);

    const ids = (await qb.getRawMany<{ id: string }>()).map((row) => row.id);
    const images = await this.loadMany(ids);
    return {
      images,
      nextMarker: images.length === limit && images.length > 0 ? ids[ids.length - 1] : undefined,
    };
  }

  private markerValue(key: string, marker: string): string {
    return `(SELECT ${SORT_KEYS[key]('mk')} FROM image mk WHERE mk.id = ${marker})`;
  }

  /** Glance's _select_images_query and the community rule of image_get_all. */
  private applyVisibility(
    qb: SelectQueryBuilder<ImageEntity>,
    caller: Caller,
    query: ListQuery,
    param: (v: unknown) => string,
  ): void {
    const project = caller.projectId;
    if (!caller.isAdmin) {
      qb.andWhere(
        new Brackets((or) => {
          or.where(`image.visibility IN ('public', 'community')`);
          if (project !== null) {
            or.orWhere(`image.owner = ${param(project)}`);
            const status = query.memberStatus === 'all' ? '' : ` AND m.status = ${param(query.memberStatus)}`;
            or.orWhere(
              `(image.visibility = 'shared' AND EXISTS (SELECT 1 FROM image_member m WHERE m.image_id = image.id AND m.member_id = ${param(project)}${status}))`,
            );
          }
        }),
      );
    }
    if (query.visibility !== undefined) {
      if (query.visibility !== 'all') qb.andWhere(`image.visibility = ${param(query.visibility)}`);
    } else if (project === null) {
      qb.andWhere(`image.visibility != 'community'`);
    } else {
      qb.andWhere(`(image.owner = ${param(project)} OR image.visibility != 'community')`);
    }
  }

  private applyFilter(
    qb: WhereExpressionBuilder,
    filter: Filter,
    param: (v: unknown) => string,
    paramList: (v: unknown[]) => string,
  ): void {
    switch (filter.kind) {
      case 'in':
        if (filter.values.length === 0) qb.andWhere('1 = 0');
        else qb.andWhere(`image.${filter.column} IN ${paramList(filter.values)}`);
        return;
      case 'eq':
        qb.andWhere(`image.${filter.column} = ${param(filter.value)}`);
        return;
      case 'range':
        qb.andWhere(`image.${filter.column} ${filter.op === 'gte' ? '>=' : '<='} ${param(filter.value)}`);
        return;
      case 'time': {
        const op = { eq: '=', neq: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' }[filter.op];
        qb.andWhere(`image.${filter.column} ${op} ${param(filter.value)}`);
        return;
      }
      case 'property':
        qb.andWhere(
          `EXISTS (SELECT 1 FROM image_property pf WHERE pf.image_id = image.id AND pf.name = ${param(filter.name)} AND pf.value = ${param(filter.value)})`,
        );
        return;
    }
  }

  /** Images with their properties and tags, in the order of the ids given. */
  async loadMany(ids: string[]): Promise<LoadedImage[]> {
    if (ids.length === 0) return [];
    const [images, properties, tags] = await Promise.all([
      this.images.findBy({ id: In(ids) }),
      this.dataSource.getRepository(ImagePropertyEntity).findBy({ imageId: In(ids) }),
      this.dataSource.getRepository(ImageTagEntity).findBy({ imageId: In(ids) }),
    ]);
    const byId = new Map(
      images.map((image) => [image.id, { image, properties: {}, tags: [] } as LoadedImage]),
    );
    for (const property of properties) {
      const loaded = byId.get(property.imageId);
      if (loaded) loaded.properties[property.name] = property.value;
    }
    for (const tag of tags) byId.get(tag.imageId)?.tags.push(tag.value);
    return ids.flatMap((id) => {
      const loaded = byId.get(id);
      if (!loaded) return [];
      loaded.tags.sort();
      return [loaded];
    });
  }
}
