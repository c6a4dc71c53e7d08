import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { Auth, AuthContext, policy } from '@stratus/platform';
import { z } from 'zod';
import { descriptionSchema, Links, parseBody, queryString, RequestLinks } from '../common/keystone-http';
import { endpointView, regionView, serviceView } from '../common/views';
import { CatalogService } from './catalog.service';

const regionBody = z.object({
  id: z.string().min(1).max(255).optional(),
  description: descriptionSchema,
  parent_region_id: z.string().max(255).nullable().optional(),
});

const serviceBody = z.object({
  type: z.string().min(1).max(255),
  name: z.string().max(255).nullable().optional(),
  description: descriptionSchema,
  enabled: z.boolean().optional(),
});

const endpointBody = z.object({
  service_id: z.string().min(1).max(64),
  interface: z.enum(['public', 'internal', 'admin']),
  url: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^[a-z][a-z0-9+.-]*:\/\//i, 'must be a URL'),
  region_id: z.string().max(255).nullable().optional(),
  region: z.string().max(255).nullable().optional(),
  enabled: z.boolean().optional(),
});

@Controller('v3/regions')
export class RegionsController {
  constructor(private readonly catalog: CatalogService) {}

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    const { region } = parseBody(z.object({ region: regionBody }), body);
    const created = await this.catalog.createRegion({
      id: region.id,
      description: region.description,
      parentRegionId: region.parent_region_id,
    });
    return { region: regionView(created, links.to) };
  }

  @Get()
  async list(@Query() query: Record<string, unknown>, @Links() links: RequestLinks) {
    const regions = await this.catalog.listRegions({ parentRegionId: queryString(query.parent_region_id) });
    return { regions: regions.map((r) => regionView(r, links.to)), links: links.collection };
  }

  @Get(':id')
  async get(@Param('id') id: string, @Links() links: RequestLinks) {
    return { region: regionView(await this.catalog.getRegion(id), links.to) };
  }

  @Patch(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const { region } = parseBody(z.object({ region: regionBody.omit({ id: true }) }), body);
    const updated = await this.catalog.updateRegion(id, {
      description: region.description,
      parentRegionId: region.parent_region_id,
    });
    return { region: regionView(updated, links.to) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    policy.requireAdmin(auth);
    await this.catalog.deleteRegion(id);
  }
}

@Controller('v3/services')
export class ServicesController {
  constructor(private readonly catalog: CatalogService) {}

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    const { service } = parseBody(z.object({ service: serviceBody }), body);
    return { service: serviceView(await this.catalog.createService(service), links.to) };
  }

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const services = await this.catalog.listServices({
      type: queryString(query.type),
      name: queryString(query.name),
    });
    return { services: services.map((s) => serviceView(s, links.to)), links: links.collection };
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    return { service: serviceView(await this.catalog.getService(id), links.to) };
  }

  @Patch(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const { service } = parseBody(z.object({ service: serviceBody.partial() }), body);
    return { service: serviceView(await this.catalog.updateService(id, service), links.to) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    policy.requireAdmin(auth);
    await this.catalog.deleteService(id);
  }
}

@Controller('v3/endpoints')
export class EndpointsController {
  constructor(private readonly catalog: CatalogService) {}

  @Post()
  @HttpCode(201)
  async create(@Auth() auth: AuthContext, @Body() body: unknown, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    const { endpoint } = parseBody(z.object({ endpoint: endpointBody }), body);
    const created = await this.catalog.createEndpoint({
      serviceId: endpoint.service_id,
      interface: endpoint.interface,
      url: endpoint.url,
      regionId: endpoint.region_id ?? endpoint.region,
      enabled: endpoint.enabled,
    });
    return { endpoint: endpointView(created, links.to) };
  }

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const endpoints = await this.catalog.listEndpoints({
      interface: queryString(query.interface),
      serviceId: queryString(query.service_id),
      regionId: queryString(query.region_id),
    });
    return { endpoints: endpoints.map((e) => endpointView(e, links.to)), links: links.collection };
  }

  @Get(':id')
  async get(@Auth() auth: AuthContext, @Param('id') id: string, @Links() links: RequestLinks) {
    policy.requireAdmin(auth);
    return { endpoint: endpointView(await this.catalog.getEndpoint(id), links.to) };
  }

  @Patch(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @Links() links: RequestLinks,
  ) {
    policy.requireAdmin(auth);
    const { endpoint } = parseBody(z.object({ endpoint: endpointBody.partial() }), body);
    const updated = await this.catalog.updateEndpoint(id, {
      serviceId: endpoint.service_id,
      interface: endpoint.interface,
      url: endpoint.url,
      regionId: endpoint.region_id ?? endpoint.region,
      enabled: endpoint.enabled,
    });
    return { endpoint: endpointView(updated, links.to) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Auth() auth: AuthContext, @Param('id') id: string): Promise<void> {
    policy.requireAdmin(auth);
    await this.catalog.deleteEndpoint(id);
  }
}
