import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import type { ImageRef } from '@stratus/contracts';
import { Auth, AuthContext, badRequest, notFound } from '@stratus/platform';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';
import { computePolicy } from '../common/compute-policy';
import type { Microversion } from '../common/microversion';
import { isoTime, pageRequest, paginate, queryString, queryTime } from '../common/nova-input';
import { ApiVersion, LinkBuilder, Links } from '../common/nova-request';
import { ImagesClient } from './images.client';

const STATUS: Record<string, [string, number]> = {
  active: ['ACTIVE', 100],
  queued: ['SAVING', 25],
  saving: ['SAVING', 50],
  importing: ['SAVING', 50],
  uploading: ['SAVING', 50],
  deleted: ['DELETED', 0],
  pending_delete: ['DELETED', 0],
  killed: ['ERROR', 0],
};

/**
 * The deprecated image proxy (gone from 2.36): what openstacksdk's compute find_image still calls,
 * without a microversion.
 */
@Controller('v2.1/images')
export class ImageProxyController {
  constructor(
    private readonly images: ImagesClient,
    @Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig,
  ) {}

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
  ) {
    const page = await this.page(auth, query, version, links, 'images');
    return { images: page.items.map((i) => this.summary(i, links)), ...page.next };
  }

  @Get('detail')
  async detail(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
  ) {
    const page = await this.page(auth, query, version, links, 'images/detail');
    return { images: page.items.map((i) => this.detailView(i, links)), ...page.next };
  }

  @Get(':id')
  async show(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
  ) {
    this.requireProxy(auth, version);
    const image = await this.images.find(id, auth);
    if (!image) throw notFound('Image not found.', 'ImageNotFound');
    return { image: this.detailView(image, links) };
  }

  private async page(
    auth: AuthContext,
    query: Record<string, unknown>,
    version: Microversion,
    links: LinkBuilder,
    collection: string,
  ) {
    this.requireProxy(auth, version);
    const filters: Record<string, string> = {};
    const name = queryString(query.name);
    if (name !== undefined) filters.name = name;
    const since = queryTime(query['changes-since'], 'changes-since');
    const status = queryString(query.status)?.toUpperCase();
    const minRam = numberFilter(query.minRam, 'minRam');
    const minDisk = numberFilter(query.minDisk, 'minDisk');
    const server = queryString(query.server);
    const type = queryString(query.type);
    const all = (await this.images.list(auth, filters)).filter(
      (i) =>
        (status === undefined || STATUS[i.status]?.[0] === status) &&
        (minRam === undefined || i.minRam >= minRam) &&
        (minDisk === undefined || i.minDisk >= minDisk) &&
        (since === undefined || Date.parse(i.updatedAt) >= since.getTime()) &&
        (server === undefined || i.properties.instance_uuid === server) &&
        (type === undefined || (i.properties.image_type ?? 'image') === type),
    );
    const { items, more } = paginate(
      all,
      pageRequest(query, this.config.COMPUTE_MAX_LIMIT),
      (i) => i.id,
      (marker) => badRequest(`marker [${marker}] not found`),
    );
    return {
      items,
      next: more ? { images_links: [links.next(collection, query, items[items.length - 1].id)] } : {},
    };
  }

  private requireProxy(auth: AuthContext, version: Microversion): void {
    computePolicy.reader(auth, 'os_compute_api:image-metadata:show');
    if (version.atLeast('2.36')) throw notFound('The resource could not be found.');
  }

  private summary(image: ImageRef, links: LinkBuilder) {
    return {
      id: image.id,
      name: image.name,
      links: [
        ...links.links('images', image.id),
        {
          rel: 'alternate',
          type: 'application/vnd.openstack.image',
          href: `${this.images.endpoint}/images/${image.id}`,
        },
      ],
    };
  }

  private detailView(image: ImageRef, links: LinkBuilder) {
    const [status, progress] = STATUS[image.status] ?? ['UNKNOWN', 0];
    const view: Record<string, unknown> = {
      ...this.summary(image, links),
      minRam: image.minRam,
      minDisk: image.minDisk,
      metadata: image.properties,
      created: isoTime(new Date(image.createdAt)),
      updated: isoTime(new Date(image.updatedAt)),
      status,
      progress,
      'OS-EXT-IMG-SIZE:size': image.size,
    };
    const server = image.properties.instance_uuid;
    if (server) view.server = { id: server, links: links.links('servers', server) };
    return view;
  }
}

function numberFilter(value: unknown, name: string): number | undefined {
  const text = queryString(value);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw badRequest(`Invalid ${name} filter [${text}]`);
  return Number(text);
}
