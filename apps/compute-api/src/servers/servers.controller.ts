import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { Auth, AuthContext, badRequest } from '@stratus/platform';
import type { Response } from 'express';
import { FindOptionsWhere } from 'typeorm';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';
import { computePolicy } from '../common/compute-policy';
import type { Microversion } from '../common/microversion';
import { pageRequest, paginate, parseBody } from '../common/nova-input';
import { ApiVersion, LinkBuilder, Links, RequestId } from '../common/nova-request';
import type { InstanceEntity } from './instance.entity';
import { InstanceStore } from './instance.store';
import { requireUnlocked } from './server-locks';
import { ServerOperationsService } from './server-operations.service';
import { ServerViews } from './server-context';
import { filterServers, parseServerFilter } from './server-filters';
import { createServerSchema, updateServerSchema } from './server-schemas';
import { serverDetail, serverSummary } from './server-view';
import { ServersService } from './servers.service';

@Controller('v2.1/servers')
export class ServersController {
  constructor(
    private readonly servers: ServersService,
    private readonly store: InstanceStore,
    private readonly operations: ServerOperationsService,
    private readonly views: ServerViews,
    @Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig,
  ) {}

  @Post()
  @HttpCode(202)
  async create(
    @Auth() auth: AuthContext,
    @Body() body: unknown,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
    @RequestId() requestId: string,
    @Res({ passthrough: true }) response: Response,
  ) {
    const request = parseBody(createServerSchema(version), body);
    const created = await this.servers.create(auth, requestId, request, version);
    if (request.server.return_reservation_id) return { reservation_id: created.reservationId };
    const first = created.instances[0];
    response.setHeader('Location', links.self('servers', first.uuid));
    return {
      server: {
        id: first.uuid,
        links: links.links('servers', first.uuid),
        'OS-DCF:diskConfig': first.diskConfig,
        security_groups: first.securityGroups.map((name) => ({ name })),
        adminPass: created.adminPass,
      },
    };
  }

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
  ) {
    const page = await this.page(auth, query, version, links, 'servers', 'os_compute_api:servers:index');
    return { servers: page.items.map((i) => serverSummary(i, links)), ...page.next };
  }

  @Get('detail')
  async detail(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
  ) {
    const page = await this.page(
      auth,
      query,
      version,
      links,
      'servers/detail',
      'os_compute_api:servers:detail',
    );
    const context = this.views.context(auth, version, links);
    return { servers: page.items.map((i) => serverDetail(i, context)), ...page.next };
  }

  @Get(':id')
  async show(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
  ) {
    computePolicy.reader(auth, 'os_compute_api:servers:show');
    const instance = await this.store.visible(id, auth);
    return { server: serverDetail(instance, this.views.context(auth, version, links)) };
  }

  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
  ) {
    computePolicy.member(auth, 'os_compute_api:servers:update');
    const { server } = parseBody(updateServerSchema(version), body);
    const instance = await this.store.visible(id, auth);
    if (server.name !== undefined) instance.displayName = server.name;
    if (server.accessIPv4 !== undefined) instance.accessIpV4 = server.accessIPv4;
    if (server.accessIPv6 !== undefined) instance.accessIpV6 = server.accessIPv6;
    if (server['OS-DCF:diskConfig'] !== undefined) instance.diskConfig = server['OS-DCF:diskConfig'];
    const description = (server as { description?: string | null }).description;
    if (description !== undefined) instance.description = description;
    await this.store.save(instance);
    return { server: serverDetail(instance, this.views.context(auth, version, links)) };
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @RequestId() requestId: string,
  ): Promise<void> {
    computePolicy.member(auth, 'os_compute_api:servers:delete');
    const instance = await this.store.visible(id, auth);
    requireUnlocked(instance, auth);
    await this.operations.delete(instance, { auth, requestId });
  }

  private async page(
    auth: AuthContext,
    query: Record<string, unknown>,
    version: Microversion,
    links: LinkBuilder,
    collection: string,
    rule: string,
  ): Promise<{ items: InstanceEntity[]; next: { servers_links?: unknown[] } }> {
    const projectId = computePolicy.reader(auth, rule);
    const filter = parseServerFilter(query, { isAdmin: auth.isAdmin, projectId }, version);
    const where: FindOptionsWhere<InstanceEntity> = {};
    if (filter.projectId !== undefined) where.projectId = filter.projectId;
    if (filter.changesSince === undefined && !filter.statuses.includes('DELETED')) where.deleted = false;
    const matched = filterServers(await this.store.repository.find({ where }), filter);
    const { items, more } = paginate(
      matched,
      pageRequest(query, this.config.COMPUTE_MAX_LIMIT),
      (i) => i.uuid,
      (marker) => badRequest(`marker [${marker}] not found`),
    );
    return {
      items,
      next: more ? { servers_links: [links.next(collection, query, items[items.length - 1].uuid)] } : {},
    };
  }
}
