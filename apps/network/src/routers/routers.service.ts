import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest, conflict, findForUpdate, notFound } from '@stratus/platform';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import type { NetworkConfig } from '../config/network-config';
import { Actor, owns, SERVICE_ACTOR } from '../common/actor';
import { newId, nowSeconds } from '../common/ids';
import { applyFilters, fetchPage, ListRequest, ListSpec, ParamCounter } from '../common/list-query';
import { checkRevision } from '../common/neutron-http';
import { policyNotAuthorized, portInUse, routerNotFound } from '../common/neutron-errors';
import { targetProject } from '../common/ownership';
import { cidrContains, cidrsOverlap, formatCidr, formatIp, parseIp } from '../ipam/ip-address';
import { NETWORK_CONFIG } from '../network.tokens';
import { NetworksService } from '../networks/networks.service';
import {
  FloatingIpEntity,
  IpAllocationEntity,
  PortEntity,
  RouterEntity,
  RouterRoute,
  SubnetEntity,
} from '../persistence/network.entities';
import { PortsService } from '../ports/ports.service';
import { QuotasService } from '../quotas/quotas.service';
import { parseSubnetCidr } from '../subnets/subnet-rules';
import { SubnetsService } from '../subnets/subnets.service';
import { TagsService } from '../tags/tags.service';
import type {
  GatewayInfo,
  InterfaceRequest,
  RouteRequest,
  RouterCreate,
  RouterUpdate,
} from './router.schemas';
import { routerView } from './router.view';

export const MAX_ROUTES = 30;
const INTERFACE_OWNER = 'network:router_interface';
const GATEWAY_OWNER = 'network:router_gateway';

export const ROUTER_LIST_SPEC: ListSpec = {
  alias: 'r',
  attributes: {
    id: { sql: 'r.id', type: 'string' },
    name: { sql: 'r.name', type: 'string' },
    description: { sql: 'r.description', type: 'string' },
    project_id: { sql: 'r.project_id', type: 'string' },
    admin_state_up: { sql: 'r.admin_state_up', type: 'boolean' },
    status: { sql: 'r.status', type: 'string' },
    revision_number: { sql: 'r.revision_number', type: 'integer' },
    created_at: { sql: 'r.created_at', type: 'string', sortOnly: true },
    updated_at: { sql: 'r.updated_at', type: 'string', sortOnly: true },
  },
  tagged: true,
  notFound: routerNotFound,
};

const badRouterRequest = (message: string) => badRequest(`Bad router request: ${message}.`, 'BadRequest');

/** Routers: an external gateway (SNAT), interfaces on subnets, extra routes. */
@Injectable()
export class RoutersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(NETWORK_CONFIG) private readonly config: NetworkConfig,
    private readonly networks: NetworksService,
    private readonly subnets: SubnetsService,
    private readonly ports: PortsService,
    private readonly quotas: QuotasService,
    private readonly tags: TagsService,
  ) {}

  visibleQuery(actor: Actor): SelectQueryBuilder<RouterEntity> {
    const qb = this.dataSource.manager.createQueryBuilder(RouterEntity, 'r');
    if (!actor.isAdmin) qb.where('r.project_id = :actorProject', { actorProject: actor.projectId ?? '' });
    return qb;
  }

  async find(actor: Actor, id: string): Promise<RouterEntity> {
    const router = await this.visibleQuery(actor).andWhere('r.id = :id', { id }).getOne();
    if (!router) throw routerNotFound(id);
    return router;
  }

  private async views(actor: Actor, routers: RouterEntity[]) {
    const gatewayPorts = routers.map((r) => r.gatewayPortId).filter((id): id is string => id !== null);
    const allocations = gatewayPorts.length
      ? await this.dataSource.manager.find(IpAllocationEntity, { where: { portId: In(gatewayPorts) } })
      : [];
    const tags = await this.tags.load(routers.map((r) => r.id));
    return routers.map((r) =>
      routerView(
        r,
        allocations.filter((a) => a.portId === r.gatewayPortId),
        tags.get(r.id) ?? [],
        actor.isAdmin,
      ),
    );
  }

  async get(actor: Actor, id: string) {
    const [view] = await this.views(actor, [await this.find(actor, id)]);
    return view;
  }

  async list(actor: Actor, request: ListRequest) {
    const qb = this.visibleQuery(actor);
    const params = new ParamCounter();
    applyFilters(qb, request, ROUTER_LIST_SPEC, params);
    const page = await fetchPage(qb, request, ROUTER_LIST_SPEC, params);
    return { views: await this.views(actor, page.rows), page };
  }

  async create(actor: Actor, input: RouterCreate) {
    const projectId = targetProject(actor, input);
    for (const zone of input.availability_zone_hints ?? []) {
      if (!this.config.NETWORK_AVAILABILITY_ZONES.includes(zone)) {
        throw notFound(`AvailabilityZone ${zone} could not be found.`, 'AvailabilityZoneNotFound');
      }
    }
    const now = nowSeconds();
    const router: RouterEntity = {
      id: newId(),
      projectId,
      name: input.name ?? '',
      description: input.description ?? '',
      adminStateUp: input.admin_state_up ?? true,
      status: 'ACTIVE',
      gatewayNetworkId: null,
      gatewayPortId: null,
      enableSnat: this.config.NETWORK_ENABLE_SNAT_BY_DEFAULT,
      routes: [],
      availabilityZoneHints: input.availability_zone_hints ?? [],
      revisionNumber: 1,
      createdAt: now,
      updatedAt: now,
    };
    const gateway = input.external_gateway_info;
    const gatewayNetwork = gateway?.network_id
      ? await this.externalNetwork(actor, gateway.network_id)
      : undefined;
    if (gateway) this.checkGatewayPolicy(actor, gateway, 'create_router');
    await this.dataSource.transaction(async (manager) => {
      await this.quotas.check(manager, projectId, 'router');
      await manager.insert(RouterEntity, router);
      await this.tags.initial(manager, router.id, input.tags ?? []);
    });
    if (gateway && gatewayNetwork) {
      try {
        await this.setGateway(router.id, gateway, gatewayNetwork.id);
      } catch (error) {
        // A gateway that cannot be set (no free address, say) means no router, as in Neutron.
        await this.deleteRouterRow(router.id);
        throw error;
      }
    }
    return this.get(actor, router.id);
  }

  private checkGatewayPolicy(actor: Actor, gateway: NonNullable<GatewayInfo>, action: string): void {
    if (actor.isAdmin) return;
    if (gateway.enable_snat !== undefined)
      throw policyNotAuthorized(`${action}:external_gateway_info:enable_snat`);
    if (gateway.external_fixed_ips !== undefined) {
      throw policyNotAuthorized(`${action}:external_gateway_info:external_fixed_ips`);
    }
  }

  private async externalNetwork(actor: Actor, networkId: string) {
    const network = await this.networks.find(actor, networkId);
    if (!network.external) throw badRouterRequest(`Network ${networkId} is not an external network`);
    return network;
  }

  async update(actor: Actor, id: string, input: RouterUpdate, ifMatch?: number) {
    const router = await this.find(actor, id);
    checkRevision(ifMatch, router.revisionNumber);
    if (input.external_gateway_info !== undefined) {
      const gateway = input.external_gateway_info;
      if (gateway?.network_id) {
        await this.externalNetwork(actor, gateway.network_id);
        this.checkGatewayPolicy(actor, gateway, 'update_router');
        await this.setGateway(id, gateway, gateway.network_id);
      } else {
        await this.clearGateway(id);
      }
    }
    const routes = input.routes === undefined ? undefined : await this.validateRoutes(id, input.routes);
    await this.dataSource.transaction(async (manager) => {
      const current = await findForUpdate(manager, RouterEntity, id);
      if (!current) throw routerNotFound(id);
      await manager.update(
        RouterEntity,
        { id },
        {
          name: input.name ?? current.name,
          description: input.description ?? current.description,
          adminStateUp: input.admin_state_up ?? current.adminStateUp,
          routes: routes ?? current.routes,
          revisionNumber: current.revisionNumber + 1,
          updatedAt: nowSeconds(),
        },
      );
    });
    return this.get(actor, id);
  }

  /**
   * Points the router's gateway at an external network: a gateway port (owned by no project, as
   * Neutron does it) with an address on the network, made in one transaction with the router row.
   */
  private async setGateway(
    routerId: string,
    gateway: NonNullable<GatewayInfo>,
    networkId: string,
  ): Promise<void> {
    const router = await this.find(SERVICE_ACTOR, routerId);
    const enableSnat =
      gateway.enable_snat ??
      (router.gatewayNetworkId === null ? this.config.NETWORK_ENABLE_SNAT_BY_DEFAULT : router.enableSnat);
    if (router.gatewayNetworkId === networkId && gateway.external_fixed_ips === undefined) {
      await this.dataSource.manager.update(RouterEntity, { id: routerId }, { enableSnat });
      return;
    }
    if (router.gatewayNetworkId !== null) await this.clearGateway(routerId);
    const network = await this.networks.find(SERVICE_ACTOR, networkId);
    await this.ports.createPort({
      network,
      projectId: '',
      deviceOwner: GATEWAY_OWNER,
      deviceId: routerId,
      fixedIps: gateway.external_fixed_ips?.map((f) => ({ subnetId: f.subnet_id, ipAddress: f.ip_address })),
      alongside: async (manager, bundle) => {
        await manager.update(
          RouterEntity,
          { id: routerId },
          { gatewayNetworkId: networkId, gatewayPortId: bundle.port.id, enableSnat, updatedAt: nowSeconds() },
        );
      },
    });
  }

  private async clearGateway(routerId: string): Promise<void> {
    const router = await this.find(SERVICE_ACTOR, routerId);
    if (router.gatewayNetworkId === null) return;
    if (await this.dataSource.manager.exists(FloatingIpEntity, { where: { routerId } })) {
      throw conflict(
        `Gateway cannot be updated for router ${routerId}, since a gateway to external network ${router.gatewayNetworkId} is required by one or more floating IPs.`,
        'RouterExternalGatewayInUseByFloatingIp',
      );
    }
    await this.dataSource.manager.update(
      RouterEntity,
      { id: routerId },
      { gatewayNetworkId: null, gatewayPortId: null, updatedAt: nowSeconds() },
    );
    if (router.gatewayPortId) await this.ports.deletePort(router.gatewayPortId);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const router = await this.find(actor, id);
    if (!owns(actor, router.projectId)) throw policyNotAuthorized('delete_router');
    if ((await this.interfacePorts(id)).length) {
      throw conflict(`Router ${id} still has ports`, 'RouterInUse');
    }
    await this.clearGateway(id);
    await this.deleteRouterRow(id);
  }

  private async deleteRouterRow(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.tags.removeAll(manager, id);
      await manager.delete(RouterEntity, { id });
    });
  }

  private async interfacePorts(
    routerId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<PortEntity[]> {
    return manager.find(PortEntity, { where: { deviceId: routerId, deviceOwner: INTERFACE_OWNER } });
  }

  /** The subnets the router is on, by interface and by gateway, for route and floating IP checks. */
  async connectedSubnets(routerId: string): Promise<SubnetEntity[]> {
    const router = await this.find(SERVICE_ACTOR, routerId);
    const portIds = (await this.interfacePorts(routerId)).map((p) => p.id);
    if (router.gatewayPortId) portIds.push(router.gatewayPortId);
    if (!portIds.length) return [];
    const allocations = await this.dataSource.manager.find(IpAllocationEntity, {
      where: { portId: In(portIds) },
    });
    if (!allocations.length) return [];
    return this.dataSource.manager.find(SubnetEntity, {
      where: { id: In(allocations.map((a) => a.subnetId)) },
    });
  }

  private async validateRoutes(routerId: string, routes: RouteRequest[]): Promise<RouterRoute[]> {
    if (routes.length > MAX_ROUTES) {
      throw badRequest(
        `Unable to complete operation for ${routerId}. The number of routes exceeds the maximum ${MAX_ROUTES}.`,
        'RoutesExhausted',
      );
    }
    const subnets = (await this.connectedSubnets(routerId)).map((s) => parseSubnetCidr(s.cidr));
    const unique = new Map<string, RouterRoute>();
    for (const route of routes) {
      const destination = parseSubnetCidr(route.destination, 'routes');
      const nexthop = parseIp(route.nexthop);
      const invalid = (reason: string) =>
        badRequest(`Invalid format for routes: ${JSON.stringify(route)}, ${reason}.`, 'InvalidRoutes');
      if (!nexthop || nexthop.version !== destination.version)
        throw invalid('the nexthop is not a valid address');
      if (!subnets.some((cidr) => cidrContains(cidr, nexthop))) {
        throw invalid("the nexthop does not belong to router's subnets");
      }
      const canonical = { destination: formatCidr(destination), nexthop: formatIp(nexthop) };
      unique.set(`${canonical.destination} ${canonical.nexthop}`, canonical);
    }
    return [...unique.values()];
  }

  /** extraroute-atomic: adds routes to the router's, without racing other writers. */
  async addRoutes(actor: Actor, id: string, routes: RouteRequest[]) {
    const router = await this.find(actor, id);
    const added = await this.validateRoutes(id, [...router.routes, ...routes]);
    return this.writeRoutes(actor, id, (current) => {
      const known = new Set(current.map((r) => `${r.destination} ${r.nexthop}`));
      return [...current, ...added.filter((r) => !known.has(`${r.destination} ${r.nexthop}`))];
    });
  }

  async removeRoutes(actor: Actor, id: string, routes: RouteRequest[]) {
    await this.find(actor, id);
    const gone = new Set(
      routes.map((r) => {
        const destination = parseSubnetCidr(r.destination, 'routes');
        const nexthop = parseIp(r.nexthop);
        return `${formatCidr(destination)} ${nexthop ? formatIp(nexthop) : r.nexthop}`;
      }),
    );
    return this.writeRoutes(actor, id, (current) =>
      current.filter((r) => !gone.has(`${r.destination} ${r.nexthop}`)),
    );
  }

  private async writeRoutes(actor: Actor, id: string, change: (current: RouterRoute[]) => RouterRoute[]) {
    await this.dataSource.transaction(async (manager) => {
      const current = await findForUpdate(manager, RouterEntity, id);
      if (!current) throw routerNotFound(id);
      const routes = change(current.routes);
      if (routes.length > MAX_ROUTES) {
        throw badRequest(
          `Unable to complete operation for ${id}. The number of routes exceeds the maximum ${MAX_ROUTES}.`,
          'RoutesExhausted',
        );
      }
      await manager.update(
        RouterEntity,
        { id },
        { routes, revisionNumber: current.revisionNumber + 1, updatedAt: nowSeconds() },
      );
    });
    return this.get(actor, id);
  }

  async addInterface(actor: Actor, id: string, request: InterfaceRequest) {
    const router = await this.find(actor, id);
    if (!owns(actor, router.projectId)) throw policyNotAuthorized('add_router_interface');
    if ((request.subnet_id === undefined) === (request.port_id === undefined)) {
      throw badRouterRequest(
        request.subnet_id === undefined
          ? 'Either subnet_id or port_id must be specified'
          : 'Cannot specify both subnet-id and port-id',
      );
    }
    const attached = await this.connectedInterfaceSubnets(id);
    const checkOverlap = (subnet: SubnetEntity) => {
      if (attached.some((s) => s.id === subnet.id)) {
        throw badRouterRequest(`Router already has a port on subnet ${subnet.id}`);
      }
      const cidr = parseSubnetCidr(subnet.cidr);
      const clash = attached.find((s) => cidrsOverlap(cidr, parseSubnetCidr(s.cidr)));
      if (clash) {
        throw badRouterRequest(
          `Cidr ${subnet.cidr} of subnet ${subnet.id} overlaps with cidr ${clash.cidr} of subnet ${clash.id}`,
        );
      }
    };
    if (request.subnet_id !== undefined) {
      const subnet = await this.subnets.find(actor, request.subnet_id);
      if (subnet.gatewayIp === null)
        throw badRouterRequest('Subnet for router interface must have a gateway IP');
      const gateway = parseIp(subnet.gatewayIp)!;
      if (!cidrContains(parseSubnetCidr(subnet.cidr), gateway)) {
        throw badRouterRequest(`Gateway IP ${subnet.gatewayIp} of subnet ${subnet.id} is outside the subnet`);
      }
      checkOverlap(subnet);
      const network = await this.networks.find(SERVICE_ACTOR, subnet.networkId);
      if (network.external)
        throw badRouterRequest(`Router interface on external network ${network.id} is not allowed`);
      const bundle = await this.ports.createPort({
        network,
        projectId: router.projectId,
        deviceOwner: INTERFACE_OWNER,
        deviceId: id,
        fixedIps: [{ subnetId: subnet.id, ipAddress: subnet.gatewayIp }],
        alongside: (manager) => this.touch(manager, id),
      });
      return this.interfaceInfo(router, bundle.port, [subnet.id]);
    }
    const port = await this.ports.find(actor, request.port_id!);
    if (!owns(actor, port.projectId)) throw policyNotAuthorized('add_router_interface');
    if (port.deviceId !== '') throw portInUse(port.id, port.networkId, port.deviceId);
    const allocations = await this.dataSource.manager.find(IpAllocationEntity, {
      where: { portId: port.id },
    });
    if (!allocations.length) throw badRouterRequest(`Router port must have at least one fixed IP`);
    const subnets = await this.dataSource.manager.find(SubnetEntity, {
      where: { id: In(allocations.map((a) => a.subnetId)) },
    });
    if (subnets.filter((s) => s.ipVersion === 4).length > 1) {
      throw badRouterRequest('Cannot have multiple IPv4 subnets on router port');
    }
    subnets.forEach(checkOverlap);
    await this.dataSource.transaction(async (manager) => {
      const current = await findForUpdate(manager, PortEntity, port.id);
      if (!current || current.deviceId !== '')
        throw portInUse(port.id, port.networkId, current?.deviceId ?? '');
      await manager.update(
        PortEntity,
        { id: port.id },
        { deviceId: id, deviceOwner: INTERFACE_OWNER, status: 'ACTIVE', updatedAt: nowSeconds() },
      );
      await this.touch(manager, id);
    });
    return this.interfaceInfo(
      router,
      port,
      subnets.map((s) => s.id),
    );
  }

  private async connectedInterfaceSubnets(routerId: string): Promise<SubnetEntity[]> {
    const ports = await this.interfacePorts(routerId);
    if (!ports.length) return [];
    const allocations = await this.dataSource.manager.find(IpAllocationEntity, {
      where: { portId: In(ports.map((p) => p.id)) },
    });
    if (!allocations.length) return [];
    return this.dataSource.manager.find(SubnetEntity, {
      where: { id: In(allocations.map((a) => a.subnetId)) },
    });
  }

  private async touch(manager: EntityManager, routerId: string): Promise<void> {
    await manager.increment(RouterEntity, { id: routerId }, 'revisionNumber', 1);
  }

  private interfaceInfo(router: RouterEntity, port: PortEntity, subnetIds: string[]) {
    return {
      id: router.id,
      tenant_id: router.projectId,
      project_id: router.projectId,
      subnet_id: subnetIds[0],
      subnet_ids: subnetIds,
      port_id: port.id,
      network_id: port.networkId,
      tags: [],
    };
  }

  async removeInterface(actor: Actor, id: string, request: InterfaceRequest) {
    const router = await this.find(actor, id);
    if (!owns(actor, router.projectId)) throw policyNotAuthorized('remove_router_interface');
    if (request.subnet_id === undefined && request.port_id === undefined) {
      throw badRouterRequest('Either subnet_id or port_id must be specified');
    }
    const ports = await this.interfacePorts(id);
    const allocations = ports.length
      ? await this.dataSource.manager.find(IpAllocationEntity, {
          where: { portId: In(ports.map((p) => p.id)) },
        })
      : [];
    let port: PortEntity | undefined;
    if (request.port_id !== undefined) {
      port = ports.find((p) => p.id === request.port_id);
      if (!port) {
        throw notFound(
          `Router ${id} does not have an interface with id ${request.port_id}`,
          'RouterInterfaceNotFound',
        );
      }
      if (
        request.subnet_id !== undefined &&
        !allocations.some((a) => a.portId === port!.id && a.subnetId === request.subnet_id)
      ) {
        throw conflict(
          `Subnet ${request.subnet_id} is not on port ${request.port_id}`,
          'SubnetMismatchForPort',
        );
      }
    } else {
      const allocation = allocations.find((a) => a.subnetId === request.subnet_id);
      port = allocation && ports.find((p) => p.id === allocation.portId);
      if (!port) {
        throw notFound(
          `Router ${id} has no interface on subnet ${request.subnet_id}`,
          'RouterInterfaceNotFoundForSubnet',
        );
      }
    }
    const portSubnets = allocations.filter((a) => a.portId === port!.id).map((a) => a.subnetId);
    await this.refuseIfNeeded(router, portSubnets);
    await this.ports.deletePort(port.id);
    await this.dataSource.manager.increment(RouterEntity, { id }, 'revisionNumber', 1);
    return this.interfaceInfo(router, port, portSubnets);
  }

  /** An interface stays while floating IPs are reached through it or routes go via it. */
  private async refuseIfNeeded(router: RouterEntity, subnetIds: string[]): Promise<void> {
    if (!subnetIds.length) return;
    const subnets = await this.dataSource.manager.find(SubnetEntity, { where: { id: In(subnetIds) } });
    const cidrs = subnets.map((s) => parseSubnetCidr(s.cidr));
    const floatingIps = await this.dataSource.manager.find(FloatingIpEntity, {
      where: { routerId: router.id },
    });
    const inUse = (address: string | null) => {
      const ip = address === null ? undefined : parseIp(address);
      return ip !== undefined && cidrs.some((cidr) => cidrContains(cidr, ip));
    };
    if (floatingIps.some((f) => inUse(f.fixedIpAddress))) {
      throw conflict(
        `Router interface for subnet ${subnetIds[0]} on router ${router.id} cannot be deleted, as it is required by one or more floating IPs.`,
        'RouterInterfaceInUseByFloatingIP',
      );
    }
    if (router.routes.some((r) => inUse(r.nexthop))) {
      throw conflict(
        `Router interface for subnet ${subnetIds[0]} on router ${router.id} cannot be deleted, as it is required by one or more routes.`,
        'RouterInterfaceInUseByRoute',
      );
    }
  }

  /**
   * The router that reaches `floatingNetworkId` from the subnet of `fixedIp`: its gateway is on that
   * network and it has an interface on the subnet. Undefined when no router connects them.
   */
  async routerFor(floatingNetworkId: string, subnetId: string): Promise<string | undefined> {
    const row = await this.dataSource.manager
      .createQueryBuilder(RouterEntity, 'r')
      .where('r.gateway_network_id = :floatingNetworkId', { floatingNetworkId })
      .andWhere(
        `EXISTS (SELECT 1 FROM port ip JOIN ip_allocation ia ON ia.port_id = ip.id WHERE ip.device_id = r.id AND ip.device_owner = :owner AND ia.subnet_id = :subnetId)`,
        { owner: INTERFACE_OWNER, subnetId },
      )
      .orderBy('r.created_at', 'ASC')
      .getOne();
    return row?.id;
  }
}
