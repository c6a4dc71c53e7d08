import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CatalogChanged } from '@stratus/contracts';
import { badRequest, BusService, conflict, isUniqueViolation, notFound } from '@stratus/platform';
import { DataSource, FindOptionsWhere } from 'typeorm';
import { newId } from '../common/keystone-http';
import { EndpointEntity, RegionEntity, ServiceEntity } from '../persistence/identity.entities';
import { definedOnly } from '../projects/resource.service';

export interface CatalogEntry {
  id: string;
  type: string;
  name: string;
  endpoints: {
    id: string;
    interface: string;
    region: string | null;
    region_id: string | null;
    url: string;
  }[];
}

export type EndpointInterface = 'public' | 'internal' | 'admin';

/**
 * Regions, services and endpoints, and the catalog built from them. The built catalog is cached
 * and dropped on any change here or on another replica (announced on the bus).
 */
@Injectable()
export class CatalogService implements OnModuleInit {
  private cached?: Promise<CatalogEntry[]>;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly bus: BusService,
  ) {}

  onModuleInit(): void {
    this.bus.onBroadcast(CatalogChanged, () => (this.cached = undefined));
  }

  catalog(): Promise<CatalogEntry[]> {
    this.cached ??= this.build().catch((error: unknown) => {
      this.cached = undefined;
      throw error;
    });
    return this.cached;
  }

  /**
   * The catalog a token carries: Keystone fills $(project_id)s / %(project_id)s (also tenant_id
   * and user_id) in endpoint URLs, as Swift's /v1/AUTH_%(project_id)s needs, and leaves out the
   * endpoints that need a value the token does not have.
   */
  async scopedCatalog(values: { project_id?: string; user_id: string }): Promise<CatalogEntry[]> {
    const known: Record<string, string | undefined> = { ...values, tenant_id: values.project_id };
    return (await this.catalog()).map((service) => ({
      ...service,
      endpoints: service.endpoints.flatMap((endpoint) => {
        const url = substituteUrl(endpoint.url, known);
        return url === undefined ? [] : [{ ...endpoint, url }];
      }),
    }));
  }

  private async build(): Promise<CatalogEntry[]> {
    const services = await this.db
      .getRepository(ServiceEntity)
      .find({ where: { enabled: true }, order: { type: 'ASC' } });
    const endpoints = await this.db.getRepository(EndpointEntity).find({ where: { enabled: true } });
    return services.map((s) => ({
      id: s.id,
      type: s.type,
      name: s.name ?? '',
      endpoints: endpoints
        .filter((e) => e.serviceId === s.id)
        .map((e) => ({
          id: e.id,
          interface: e.interface,
          region: e.regionId,
          region_id: e.regionId,
          url: e.url,
        })),
    }));
  }

  private changed(): void {
    this.cached = undefined;
    this.bus.broadcast(CatalogChanged, { at: new Date().toISOString() });
  }

  async createRegion(input: { id?: string; description?: string | null; parentRegionId?: string | null }) {
    if (input.parentRegionId) await this.getRegion(input.parentRegionId);
    const region = this.db.getRepository(RegionEntity).create({
      id: input.id ?? newId(),
      description: input.description ?? '',
      parentRegionId: input.parentRegionId ?? null,
    });
    if (await this.db.getRepository(RegionEntity).existsBy({ id: region.id })) {
      throw conflict(`Conflict occurred attempting to store region - Duplicate ID, ${region.id}.`);
    }
    await this.db.getRepository(RegionEntity).save(region);
    this.changed();
    return region;
  }

  listRegions(filter: { parentRegionId?: string }): Promise<RegionEntity[]> {
    const where: FindOptionsWhere<RegionEntity> = {};
    if (filter.parentRegionId !== undefined) where.parentRegionId = filter.parentRegionId;
    return this.db.getRepository(RegionEntity).find({ where, order: { id: 'ASC' } });
  }

  async getRegion(id: string): Promise<RegionEntity> {
    const region = await this.db.getRepository(RegionEntity).findOneBy({ id });
    if (!region) throw notFound(`Could not find region: ${id}.`);
    return region;
  }

  async updateRegion(id: string, patch: { description?: string | null; parentRegionId?: string | null }) {
    const region = await this.getRegion(id);
    if (patch.parentRegionId) {
      if (patch.parentRegionId === id) throw badRequest('A region cannot be its own parent.');
      await this.getRegion(patch.parentRegionId);
    }
    Object.assign(region, definedOnly(patch));
    await this.db.getRepository(RegionEntity).save(region);
    this.changed();
    return region;
  }

  async deleteRegion(id: string): Promise<void> {
    await this.getRegion(id);
    if (await this.db.getRepository(RegionEntity).existsBy({ parentRegionId: id })) {
      throw conflict(
        `Unable to delete region ${id} because it or its child regions have associated endpoints.`,
      );
    }
    if (await this.db.getRepository(EndpointEntity).existsBy({ regionId: id })) {
      throw conflict(
        `Unable to delete region ${id} because it or its child regions have associated endpoints.`,
      );
    }
    await this.db.getRepository(RegionEntity).delete({ id });
    this.changed();
  }

  async createService(input: {
    type: string;
    name?: string | null;
    description?: string | null;
    enabled?: boolean;
  }) {
    const service = this.db.getRepository(ServiceEntity).create({
      id: newId(),
      type: input.type,
      name: input.name ?? null,
      description: input.description ?? null,
      enabled: input.enabled ?? true,
    });
    await this.db.getRepository(ServiceEntity).save(service);
    this.changed();
    return service;
  }

  listServices(filter: { type?: string; name?: string }): Promise<ServiceEntity[]> {
    const where: FindOptionsWhere<ServiceEntity> = {};
    if (filter.type !== undefined) where.type = filter.type;
    if (filter.name !== undefined) where.name = filter.name;
    return this.db.getRepository(ServiceEntity).find({ where, order: { type: 'ASC' } });
  }

  async getService(id: string): Promise<ServiceEntity> {
    const service = await this.db.getRepository(ServiceEntity).findOneBy({ id });
    if (!service) throw notFound(`Could not find service: ${id}.`);
    return service;
  }

  async updateService(
    id: string,
    patch: { type?: string; name?: string | null; description?: string | null; enabled?: boolean },
  ) {
    const service = await this.getService(id);
    Object.assign(service, definedOnly(patch));
    await this.db.getRepository(ServiceEntity).save(service);
    this.changed();
    return service;
  }

  async deleteService(id: string): Promise<void> {
    await this.getService(id);
    await this.db.transaction(async (tx) => {
      await tx.getRepository(EndpointEntity).delete({ serviceId: id });
      await tx.getRepository(ServiceEntity).delete({ id });
    });
    this.changed();
  }

  async createEndpoint(input: {
    serviceId: string;
    regionId?: string | null;
    interface: EndpointInterface;
    url: string;
    enabled?: boolean;
  }) {
    await this.getService(input.serviceId);
    if (input.regionId && !(await this.db.getRepository(RegionEntity).existsBy({ id: input.regionId }))) {
      // Keystone creates a region named by an endpoint on the fly.
      await this.createRegion({ id: input.regionId });
    }
    const endpoint = this.db.getRepository(EndpointEntity).create({
      id: newId(),
      serviceId: input.serviceId,
      regionId: input.regionId ?? null,
      interface: input.interface,
      url: input.url,
      enabled: input.enabled ?? true,
    });
    try {
      await this.db.getRepository(EndpointEntity).save(endpoint);
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('Conflict occurred attempting to store endpoint.');
      throw error;
    }
    this.changed();
    return endpoint;
  }

  listEndpoints(filter: {
    interface?: string;
    serviceId?: string;
    regionId?: string;
  }): Promise<EndpointEntity[]> {
    const where: FindOptionsWhere<EndpointEntity> = {};
    if (filter.interface !== undefined) where.interface = filter.interface as EndpointInterface;
    if (filter.serviceId !== undefined) where.serviceId = filter.serviceId;
    if (filter.regionId !== undefined) where.regionId = filter.regionId;
    return this.db
      .getRepository(EndpointEntity)
      .find({ where, order: { serviceId: 'ASC', interface: 'ASC' } });
  }

  async getEndpoint(id: string): Promise<EndpointEntity> {
    const endpoint = await this.db.getRepository(EndpointEntity).findOneBy({ id });
    if (!endpoint) throw notFound(`Could not find endpoint: ${id}.`);
    return endpoint;
  }

  async updateEndpoint(
    id: string,
    patch: {
      serviceId?: string;
      regionId?: string | null;
      interface?: EndpointInterface;
      url?: string;
      enabled?: boolean;
    },
  ) {
    const endpoint = await this.getEndpoint(id);
    if (patch.serviceId) await this.getService(patch.serviceId);
    if (patch.regionId) await this.getRegion(patch.regionId);
    Object.assign(endpoint, definedOnly(patch));
    await this.db.getRepository(EndpointEntity).save(endpoint);
    this.changed();
    return endpoint;
  }

  async deleteEndpoint(id: string): Promise<void> {
    await this.getEndpoint(id);
    await this.db.getRepository(EndpointEntity).delete({ id });
    this.changed();
  }
}

export function substituteUrl(url: string, values: Record<string, string | undefined>): string | undefined {
  let missing = false;
  const result = url.replace(/[$%]\((\w+)\)s/g, (_match, key: string) => {
    const value = values[key];
    if (value === undefined) missing = true;
    return value ?? '';
  });
  return missing ? undefined : result;
}
