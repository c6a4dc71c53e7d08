import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { Auth, AuthContext, badRequest } from '@stratus/platform';
import { z } from 'zod';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';
import { computePolicy } from '../common/compute-policy';
import { paginate, pageRequest, parseBody, queryString } from '../common/nova-input';
import { LinkBuilder, Links } from '../common/nova-request';
import { booleanParam, intParam, nameParam } from '../common/nova-schemas';
import type { FlavorEntity } from './flavor.entity';
import { flavorDetail, flavorSummary } from './flavor.view';
import { FlavorListFilter, FlavorsService, parseSortKey } from './flavors.service';

const flavorIdParam = z.union([
  z
    .string()
    .min(1)
    .max(255)
    .regex(/^(?! )[a-zA-Z0-9. _-]+(?<! )$/, 'may contain letters, digits, spaces, ".", "_" and "-" only'),
  z.number().int().min(0),
  z.null(),
]);

const rxtxParam = z.preprocess(
  (value) => (typeof value === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(value) ? Number(value) : value),
  z.number().gt(0).max(3.40282e38),
);

const createSchema = z.object({
  flavor: z
    .object({
      name: nameParam,
      id: flavorIdParam.optional(),
      ram: intParam(1),
      vcpus: intParam(1),
      disk: intParam(0),
      'OS-FLV-EXT-DATA:ephemeral': intParam(0).optional(),
      swap: intParam(0).optional(),
      rxtx_factor: rxtxParam.optional(),
      'os-flavor-access:is_public': booleanParam.optional(),
    })
    .strict(),
});

@Controller('v2.1/flavors')
export class FlavorsController {
  constructor(
    private readonly flavors: FlavorsService,
    @Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig,
  ) {}

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Links() links: LinkBuilder,
  ) {
    const page = await this.page(auth, query, links);
    return { flavors: page.items.map((f) => flavorSummary(f, links)), ...page.links };
  }

  @Get('detail')
  async detail(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Links() links: LinkBuilder,
  ) {
    const page = await this.page(auth, query, links, 'flavors/detail');
    return { flavors: page.items.map((f) => flavorDetail(f, links)), ...page.links };
  }

  @Get(':id')
  async show(@Auth() auth: AuthContext, @Param('id') id: string, @Links() links: LinkBuilder) {
    const flavor = await this.flavors.get(id, { projectId: auth.projectId, isAdmin: auth.isAdmin });
    return { flavor: flavorDetail(flavor, links) };
  }

  @Post()
  @HttpCode(200)
  async create(@Auth() auth: AuthContext, @Body() body: unknown, @Links() links: LinkBuilder) {
    computePolicy.admin(auth, 'os_compute_api:os-flavor-manage:create');
    const { flavor } = parseBody(createSchema, body);
    const created = await this.flavors.create({
      id: flavor.id === null || flavor.id === undefined ? undefined : String(flavor.id),
      name: flavor.name,
      memoryMb: flavor.ram,
      vcpus: flavor.vcpus,
      rootGb: flavor.disk,
      ephemeralGb: flavor['OS-FLV-EXT-DATA:ephemeral'] ?? 0,
      swap: flavor.swap ?? 0,
      rxtxFactor: flavor.rxtx_factor ?? 1,
      isPublic: flavor['os-flavor-access:is_public'] ?? true,
      description: null,
    });
    return { flavor: flavorDetail(created, links) };
  }

  @Delete(':id')
  @HttpCode(202)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    computePolicy.admin(auth, 'os_compute_api:os-flavor-manage:delete');
    await this.flavors.delete(id);
  }

  private async page(
    auth: AuthContext,
    query: Record<string, unknown>,
    links: LinkBuilder,
    collection = 'flavors',
  ): Promise<{ items: FlavorEntity[]; links: { flavors_links?: unknown[] } }> {
    const filter: FlavorListFilter = {
      isPublic: auth.isAdmin ? parseIsPublic(queryString(query.is_public)) : true,
      projectId: auth.projectId,
      includeDisabled: auth.isAdmin,
      minRam: intFilter(query.minRam, 'minRam'),
      minDisk: intFilter(query.minDisk, 'minDisk'),
      sortKey: parseSortKey(queryString(query.sort_key)),
      sortDir: parseSortDir(queryString(query.sort_dir)),
    };
    const all = await this.flavors.list(filter);
    const page = pageRequest(query, this.config.COMPUTE_MAX_LIMIT);
    const { items, more } = paginate(
      all,
      page,
      (f) => f.id,
      (marker) => badRequest(`marker [${marker}] not found`),
    );
    return {
      items,
      links: more ? { flavors_links: [links.next(collection, query, items[items.length - 1].id)] } : {},
    };
  }
}

function parseIsPublic(value: string | undefined): boolean | null {
  if (value === undefined) return true;
  const normal = value.toLowerCase();
  if (normal === 'none') return null;
  if (['true', 't', '1', 'yes', 'y', 'on'].includes(normal)) return true;
  if (['false', 'f', '0', 'no', 'n', 'off'].includes(normal)) return false;
  throw badRequest(`Invalid is_public filter [${value}]`);
}

function parseSortDir(value: string | undefined): 'asc' | 'desc' {
  const dir = value ?? 'asc';
  if (dir !== 'asc' && dir !== 'desc') throw badRequest(`Invalid sort direction: ${dir}`);
  return dir;
}

function intFilter(value: unknown, name: string): number | undefined {
  const text = queryString(value);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw badRequest(`Invalid ${name} filter [${text}]`);
  return Number(text);
}
