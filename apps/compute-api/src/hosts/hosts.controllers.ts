import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode } from '@stratus/contracts';
import { Auth, AuthContext, badRequest, DomainError, notFound } from '@stratus/platform';
import { In, Repository } from 'typeorm';
import { z } from 'zod';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';
import { computePolicy } from '../common/compute-policy';
import type { Microversion } from '../common/microversion';
import { pageRequest, paginate, parseBody, queryBool, queryString, usageTime } from '../common/nova-input';
import { ApiVersion, LinkBuilder, Links } from '../common/nova-request';
import { booleanParam } from '../common/nova-schemas';
import { InstanceEntity } from '../servers/instance.entity';
import {
  COMPUTE_BINARY,
  hypervisorDetail,
  hypervisorStatistics,
  hypervisorSummary,
  serviceView,
} from './host-views';
import { ComputeHost, HostsService } from './hosts.service';

/** os-availability-zone: zones of the compute hosts; the detail, with hosts, for admins. */
@Controller('v2.1/os-availability-zone')
export class AvailabilityZonesController {
  constructor(private readonly hosts: HostsService) {}

  @Get()
  async list(@Auth() auth: AuthContext) {
    computePolicy.reader(auth, 'os_compute_api:os-availability-zone:list');
    const zones = new Map<string, boolean>();
    for (const host of await this.hosts.list()) {
      zones.set(host.zone, (zones.get(host.zone) ?? false) || (host.up && !host.service.disabled));
    }
    return {
      availabilityZoneInfo: [...zones].map(([zoneName, available]) => ({
        zoneName,
        zoneState: { available },
        hosts: null,
      })),
    };
  }

  @Get('detail')
  async detail(@Auth() auth: AuthContext) {
    computePolicy.admin(auth, 'os_compute_api:os-availability-zone:detail');
    const zones = new Map<string, ComputeHost[]>();
    for (const host of await this.hosts.list()) zones.set(host.zone, [...(zones.get(host.zone) ?? []), host]);
    return {
      availabilityZoneInfo: [...zones].map(([zoneName, hosts]) => ({
        zoneName,
        zoneState: { available: hosts.some((h) => h.up && !h.service.disabled) },
        hosts: Object.fromEntries(
          hosts.map((h) => [
            h.host,
            {
              [COMPUTE_BINARY]: {
                available: h.up,
                active: !h.service.disabled,
                updated_at: usageTime(new Date(h.state.heartbeatAt)),
              },
            },
          ]),
        ),
      })),
    };
  }
}

/** os-hypervisors, from the agents' host state and the scheduler's allocations. */
@Controller('v2.1/os-hypervisors')
export class HypervisorsController {
  constructor(
    private readonly hosts: HostsService,
    @InjectRepository(InstanceEntity) private readonly instances: Repository<InstanceEntity>,
    @Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig,
  ) {}

  @Get()
  list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
  ) {
    computePolicy.admin(auth, 'os_compute_api:os-hypervisors:list');
    return this.listed(query, version, links, 'os-hypervisors', (h) => hypervisorSummary(h, version));
  }

  @Get('detail')
  detail(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
    @Links() links: LinkBuilder,
  ) {
    computePolicy.admin(auth, 'os_compute_api:os-hypervisors:list-detail');
    return this.listed(query, version, links, 'os-hypervisors/detail', (h) => hypervisorDetail(h, version));
  }

  @Get('statistics')
  async statistics(@Auth() auth: AuthContext) {
    computePolicy.admin(auth, 'os_compute_api:os-hypervisors:statistics');
    return { hypervisor_statistics: hypervisorStatistics(await this.hosts.list()) };
  }

  @Get(':id')
  async show(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
  ) {
    computePolicy.admin(auth, 'os_compute_api:os-hypervisors:show');
    const host = (await this.hosts.list()).find((h) =>
      version.atLeast('2.53') ? h.uuid === id : String(h.id) === id,
    );
    if (!host) {
      if (version.atLeast('2.53') && !/^[0-9a-f-]{36}$/i.test(id)) {
        throw badRequest(`Invalid uuid ${id}`);
      }
      throw notFound(`Hypervisor with ID ${id} could not be found.`, 'ComputeHostNotFound');
    }
    const view: Record<string, unknown> = hypervisorDetail(host, version);
    if (version.atLeast('2.53') && queryBool(query.with_servers, 'with_servers')) {
      view.servers = (await this.serversOn([host])).get(host.host) ?? [];
    }
    return { hypervisor: view };
  }

  /** Nova answers 501 when the virt driver cannot tell the host's uptime; neither driver here can. */
  @Get(':id/uptime')
  async uptime(@Auth() auth: AuthContext, @Param('id') id: string, @ApiVersion() version: Microversion) {
    computePolicy.admin(auth, 'os_compute_api:os-hypervisors:uptime');
    await this.show(auth, id, {}, version);
    throw new DomainError(
      ErrorCode.Internal,
      'Virt driver does not implement uptime function.',
      'NotImplemented',
      501,
    );
  }

  @Get(':pattern/search')
  async search(
    @Auth() auth: AuthContext,
    @Param('pattern') pattern: string,
    @ApiVersion() version: Microversion,
  ) {
    computePolicy.admin(auth, 'os_compute_api:os-hypervisors:search');
    this.requireBefore253(version);
    const hosts = this.matching(await this.hosts.list(), pattern);
    return { hypervisors: hosts.map((h) => hypervisorSummary(h, version)) };
  }

  @Get(':pattern/servers')
  async servers(
    @Auth() auth: AuthContext,
    @Param('pattern') pattern: string,
    @ApiVersion() version: Microversion,
  ) {
    computePolicy.admin(auth, 'os_compute_api:os-hypervisors:servers');
    this.requireBefore253(version);
    const hosts = this.matching(await this.hosts.list(), pattern);
    const servers = await this.serversOn(hosts);
    return {
      hypervisors: hosts.map((h) => ({
        ...hypervisorSummary(h, version),
        servers: servers.get(h.host) ?? [],
      })),
    };
  }

  private async listed(
    query: Record<string, unknown>,
    version: Microversion,
    links: LinkBuilder,
    collection: string,
    view: (host: ComputeHost) => Record<string, unknown>,
  ) {
    let hosts = await this.hosts.list();
    const pattern = version.atLeast('2.53') ? queryString(query.hypervisor_hostname_pattern) : undefined;
    if (pattern !== undefined) {
      if (query.limit !== undefined || query.marker !== undefined) {
        throw badRequest(
          'Paging over hypervisors with the hypervisor_hostname_pattern query parameter is not supported.',
        );
      }
      hosts = this.matching(hosts, pattern);
    }
    let more = false;
    if (version.atLeast('2.33')) {
      const page = paginate(
        hosts,
        pageRequest(query, this.config.COMPUTE_MAX_LIMIT),
        (h) => (version.atLeast('2.53') ? h.uuid : String(h.id)),
        (marker) => badRequest(`marker [${marker}] not found`),
      );
      hosts = page.items;
      more = page.more;
    }
    const withServers = version.atLeast('2.53') && queryBool(query.with_servers, 'with_servers');
    const servers = withServers ? await this.serversOn(hosts) : undefined;
    const last = hosts[hosts.length - 1];
    return {
      hypervisors: hosts.map((h) => ({
        ...view(h),
        ...(servers ? { servers: servers.get(h.host) ?? [] } : {}),
      })),
      ...(more && last
        ? {
            hypervisors_links: [links.next(collection, query, version.atLeast('2.53') ? last.uuid : last.id)],
          }
        : {}),
    };
  }

  private matching(hosts: ComputeHost[], pattern: string): ComputeHost[] {
    const found = hosts.filter((h) => h.state.nodename.includes(pattern));
    if (found.length === 0) throw notFound(`No hypervisor matching '${pattern}' could be found.`);
    return found;
  }

  private requireBefore253(version: Microversion): void {
    if (version.atLeast('2.53')) throw notFound('The resource could not be found.');
  }

  private async serversOn(hosts: ComputeHost[]): Promise<Map<string, { name: string; uuid: string }[]>> {
    const byHost = new Map<string, { name: string; uuid: string }[]>();
    if (hosts.length === 0) return byHost;
    const rows = await this.instances.find({
      where: { host: In(hosts.map((h) => h.host)), deleted: false },
      order: { id: 'ASC' },
    });
    for (const row of rows) {
      const list = byHost.get(row.host!) ?? [];
      list.push({ name: `instance-${row.id.toString(16).padStart(8, '0')}`, uuid: row.uuid });
      byHost.set(row.host!, list);
    }
    return byHost;
  }
}

const legacyUpdate = z
  .object({ host: z.string().min(1).max(255), binary: z.string().min(1).max(255) })
  .strict();
const legacyDisableWithReason = legacyUpdate.extend({ disabled_reason: z.string().min(1).max(255) }).strict();
const legacyForceDown = legacyUpdate.extend({ forced_down: booleanParam }).strict();
const serviceUpdate = z
  .object({
    status: z.enum(['enabled', 'disabled']).optional(),
    disabled_reason: z.string().min(1).max(255).optional(),
    forced_down: booleanParam.optional(),
  })
  .strict();

/** os-services: the compute services, enabled or disabled by admins, and forced down. */
@Controller('v2.1/os-services')
export class ServicesController {
  constructor(private readonly hosts: HostsService) {}

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
  ) {
    computePolicy.admin(auth, 'os_compute_api:os-services:list');
    const host = queryString(query.host);
    const binary = queryString(query.binary);
    const hosts = (await this.hosts.list()).filter(
      (h) => (host === undefined || h.host === host) && (binary === undefined || binary === COMPUTE_BINARY),
    );
    return { services: hosts.map((h) => serviceView(h, version)) };
  }

  /** Before 2.53: PUT /os-services/{enable,disable,disable-log-reason,force-down}; from 2.53: PUT /os-services/{uuid}. */
  @Put(':id')
  async update(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @ApiVersion() version: Microversion,
  ) {
    computePolicy.admin(auth, 'os_compute_api:os-services:update');
    if (version.atLeast('2.53')) return this.updateById(id, body, version);
    switch (id) {
      case 'enable':
      case 'disable': {
        const { host, binary } = parseBody(legacyUpdate, body);
        await this.requireService(host, binary);
        const state = await this.hosts.setService(host, { disabled: id === 'disable' });
        return { service: { host, binary, status: state.disabled ? 'disabled' : 'enabled' } };
      }
      case 'disable-log-reason': {
        const { host, binary, disabled_reason } = parseBody(legacyDisableWithReason, body);
        await this.requireService(host, binary);
        await this.hosts.setService(host, { disabled: true, disabledReason: disabled_reason });
        return { service: { host, binary, status: 'disabled', disabled_reason } };
      }
      case 'force-down': {
        if (!version.atLeast('2.11')) throw notFound('The resource could not be found.');
        const { host, binary, forced_down } = parseBody(legacyForceDown, body);
        await this.requireService(host, binary);
        await this.hosts.setService(host, { forcedDown: forced_down });
        return { service: { host, binary, forced_down } };
      }
      default:
        throw notFound(`Unknown action ${id}`);
    }
  }

  private async updateById(id: string, body: unknown, version: Microversion) {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      throw badRequest(`Invalid uuid ${id}`);
    }
    const change = parseBody(serviceUpdate, body);
    if (change.status === undefined && change.forced_down === undefined) {
      throw badRequest("At least one of 'status' or 'forced_down' must be specified in the request body.");
    }
    if (change.disabled_reason !== undefined && change.status !== 'disabled') {
      throw badRequest("Specifying 'disabled_reason' with status other than 'disabled' is not allowed.");
    }
    const host = (await this.hosts.list()).find((h) => h.uuid === id);
    if (!host) throw notFound(`Service ${id} could not be found.`, 'ServiceNotFound');
    await this.hosts.setService(host.host, {
      ...(change.status !== undefined
        ? { disabled: change.status === 'disabled', disabledReason: change.disabled_reason ?? null }
        : {}),
      ...(change.forced_down !== undefined ? { forcedDown: change.forced_down } : {}),
    });
    return { service: serviceView((await this.hosts.find(host.host))!, version) };
  }

  private async requireService(host: string, binary: string): Promise<void> {
    if (binary !== COMPUTE_BINARY || !(await this.hosts.find(host))) {
      throw notFound(`Service ${binary} on host ${host} could not be found.`, 'HostBinaryNotFound');
    }
  }
}

/** os-aggregates: host aggregates are not kept here, so the list is empty (clients read it for hypervisor show). */
@Controller('v2.1/os-aggregates')
export class AggregatesController {
  @Get()
  list(@Auth() auth: AuthContext) {
    computePolicy.admin(auth, 'os_compute_api:os-aggregates:index');
    return { aggregates: [] };
  }
}
