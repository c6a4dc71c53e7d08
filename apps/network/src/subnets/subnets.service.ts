import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest, conflict, findForUpdate, isForeignKeyViolation } from '@stratus/platform';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { Actor, owns } from '../common/actor';
import { newId, nowSeconds } from '../common/ids';
import { applyFilters, fetchPage, ListRequest, ListSpec, ParamCounter } from '../common/list-query';
import { checkRevision } from '../common/neutron-http';
import { invalidInput, policyNotAuthorized, subnetInUse, subnetNotFound } from '../common/neutron-errors';
import { targetProject } from '../common/ownership';
import { Cidr, cidrsOverlap, formatCidr, formatIp, IpRange, parseIp } from '../ipam/ip-address';
import { NetworksService } from '../networks/networks.service';
import { IpAllocationEntity, NetworkEntity, SubnetEntity } from '../persistence/network.entities';
import { QuotasService } from '../quotas/quotas.service';
import { TagsService } from '../tags/tags.service';
import type { SubnetCreate, SubnetUpdate } from './subnet.schemas';
import { subnetView } from './subnet.view';
import {
  defaultPools,
  parseSubnetCidr,
  resolveGateway,
  validateHostRoutes,
  validateIpv6Modes,
  validateNameservers,
  validatePools,
} from './subnet-rules';

export const SUBNET_LIST_SPEC: ListSpec = {
  alias: 's',
  attributes: {
    id: { sql: 's.id', type: 'string' },
    name: { sql: 's.name', type: 'string' },
    description: { sql: 's.description', type: 'string' },
    project_id: { sql: 's.project_id', type: 'string' },
    network_id: { sql: 's.network_id', type: 'string' },
    ip_version: { sql: 's.ip_version', type: 'integer' },
    cidr: { sql: 's.cidr', type: 'string' },
    gateway_ip: { sql: "COALESCE(s.gateway_ip, '')", type: 'string' },
    enable_dhcp: { sql: 's.enable_dhcp', type: 'boolean' },
    ipv6_ra_mode: { sql: "COALESCE(s.ipv6_ra_mode, '')", type: 'string' },
    ipv6_address_mode: { sql: "COALESCE(s.ipv6_address_mode, '')", type: 'string' },
    revision_number: { sql: 's.revision_number', type: 'integer' },
    created_at: { sql: 's.created_at', type: 'string', sortOnly: true },
    updated_at: { sql: 's.updated_at', type: 'string', sortOnly: true },
  },
  tagged: true,
  notFound: subnetNotFound,
};

function format(cidr: Cidr, value: bigint): string {
  return formatIp({ version: cidr.version, value });
}

function poolsOf(cidr: Cidr, ranges: IpRange[]) {
  return ranges.map((r) => ({ start: format(cidr, r.first), end: format(cidr, r.last) }));
}

/** Subnets: CIDR, gateway and pool validation, DNS servers and host routes. */
@Injectable()
export class SubnetsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly networks: NetworksService,
    private readonly quotas: QuotasService,
    private readonly tags: TagsService,
  ) {}

  /** A project sees its own subnets and those of shared and external networks. */
  visibleQuery(
    actor: Actor,
    manager: EntityManager = this.dataSource.manager,
  ): SelectQueryBuilder<SubnetEntity> {
    const qb = manager.createQueryBuilder(SubnetEntity, 's');
    if (!actor.isAdmin) {
      qb.where(
        '(s.project_id = :actorProject OR EXISTS (SELECT 1 FROM network vn WHERE vn.id = s.network_id AND (vn.shared = 1 OR vn.external = 1 OR vn.project_id = :actorProject)))',
        { actorProject: actor.projectId ?? '' },
      );
    }
    return qb;
  }

  async find(actor: Actor, id: string, manager?: EntityManager): Promise<SubnetEntity> {
    const subnet = await this.visibleQuery(actor, manager).andWhere('s.id = :id', { id }).getOne();
    if (!subnet) throw subnetNotFound(id);
    return subnet;
  }

  async findOwned(actor: Actor, id: string, action: string): Promise<SubnetEntity> {
    const subnet = await this.find(actor, id);
    if (!owns(actor, subnet.projectId)) throw policyNotAuthorized(action);
    return subnet;
  }

  async ofNetwork(
    networkId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<SubnetEntity[]> {
    return manager.find(SubnetEntity, { where: { networkId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async get(actor: Actor, id: string) {
    const subnet = await this.find(actor, id);
    return subnetView(subnet, await this.tags.of(id));
  }

  async list(actor: Actor, request: ListRequest) {
    const qb = this.visibleQuery(actor);
    const params = new ParamCounter();
    applyFilters(qb, request, SUBNET_LIST_SPEC, params);
    const page = await fetchPage(qb, request, SUBNET_LIST_SPEC, params);
    const tags = await this.tags.load(page.rows.map((s) => s.id));
    return { views: page.rows.map((s) => subnetView(s, tags.get(s.id) ?? [])), page };
  }

  async create(actor: Actor, input: SubnetCreate) {
    const projectId = targetProject(actor, input);
    const network = await this.networks.find(actor, input.network_id);
    if (!owns(actor, network.projectId)) throw policyNotAuthorized('create_subnet');
    if (input.cidr === undefined) {
      throw badRequest(
        'Bad subnet request: a subnetpool must be specified in the absence of a cidr.',
        'BadRequest',
      );
    }
    const cidr = parseSubnetCidr(input.cidr);
    if (cidr.prefix === 0) throw invalidInput('0 is not allowed as CIDR prefix length');
    if (cidr.version !== input.ip_version) {
      throw invalidInput(`Cidr ${input.cidr} does not match the ip_version ${input.ip_version}`);
    }
    const modes = validateIpv6Modes(cidr, input.ipv6_ra_mode, input.ipv6_address_mode);
    const gateway = resolveGateway(cidr, input.gateway_ip);
    const ranges =
      input.allocation_pools === undefined
        ? defaultPools(cidr, gateway)
        : validatePools(cidr, input.allocation_pools, gateway);
    const now = nowSeconds();
    const subnet: SubnetEntity = {
      id: newId(),
      projectId,
      networkId: network.id,
      name: input.name ?? '',
      description: input.description ?? '',
      ipVersion: cidr.version,
      cidr: formatCidr(cidr),
      gatewayIp: gateway === null ? null : format(cidr, gateway),
      enableDhcp: input.enable_dhcp ?? true,
      ipv6RaMode: modes.raMode,
      ipv6AddressMode: modes.addressMode,
      allocationPools: poolsOf(cidr, ranges),
      dnsNameservers: validateNameservers(input.dns_nameservers ?? []),
      hostRoutes: validateHostRoutes(cidr.version, input.host_routes ?? []),
      revisionNumber: 1,
      createdAt: now,
      updatedAt: now,
    };
    const tags = await this.dataSource.transaction(async (manager) => {
      // Serialises subnet creation per network, so two overlapping CIDRs cannot both get in.
      await findForUpdate(manager, NetworkEntity, network.id);
      await this.quotas.check(manager, projectId, 'subnet');
      for (const other of await this.ofNetwork(network.id, manager)) {
        if (cidrsOverlap(cidr, parseSubnetCidr(other.cidr))) {
          throw invalidInput(
            `Requested subnet with cidr: ${subnet.cidr} for network: ${network.id} overlaps with another subnet`,
          );
        }
      }
      await manager.insert(SubnetEntity, subnet);
      return this.tags.initial(manager, subnet.id, input.tags ?? []);
    });
    return subnetView(subnet, tags);
  }

  async update(actor: Actor, id: string, input: SubnetUpdate, ifMatch?: number) {
    await this.findOwned(actor, id, 'update_subnet');
    const subnet = await this.dataSource.transaction(async (manager) => {
      const current = await findForUpdate(manager, SubnetEntity, id);
      if (!current) throw subnetNotFound(id);
      checkRevision(ifMatch, current.revisionNumber);
      const cidr = parseSubnetCidr(current.cidr);
      const currentGateway = current.gatewayIp === null ? null : parseIp(current.gatewayIp)!.value;
      const gateway =
        input.gateway_ip === undefined ? currentGateway : resolveGateway(cidr, input.gateway_ip);
      if (gateway !== currentGateway) await this.refuseGatewayChange(manager, current, gateway, cidr);
      let pools = current.allocationPools;
      if (input.allocation_pools !== undefined) {
        pools = poolsOf(cidr, validatePools(cidr, input.allocation_pools, gateway));
      } else if (gateway !== currentGateway && gateway !== null) {
        pools = poolsOf(cidr, validatePools(cidr, current.allocationPools, gateway));
      }
      const next: SubnetEntity = {
        ...current,
        name: input.name ?? current.name,
        description: input.description ?? current.description,
        gatewayIp: gateway === null ? null : format(cidr, gateway),
        allocationPools: pools,
        dnsNameservers:
          input.dns_nameservers === undefined
            ? current.dnsNameservers
            : validateNameservers(input.dns_nameservers),
        hostRoutes:
          input.host_routes === undefined
            ? current.hostRoutes
            : validateHostRoutes(cidr.version, input.host_routes),
        enableDhcp: input.enable_dhcp ?? current.enableDhcp,
        revisionNumber: current.revisionNumber + 1,
        updatedAt: nowSeconds(),
      };
      await manager.save(SubnetEntity, next);
      return next;
    });
    return subnetView(subnet, await this.tags.of(id));
  }

  /** A gateway a router interface holds, or an address a port holds, cannot become or stop being the gateway. */
  private async refuseGatewayChange(
    manager: EntityManager,
    subnet: SubnetEntity,
    gateway: bigint | null,
    cidr: Cidr,
  ): Promise<void> {
    if (subnet.gatewayIp !== null) {
      const holder = await manager.findOne(IpAllocationEntity, {
        where: { subnetId: subnet.id, ipAddress: subnet.gatewayIp },
      });
      if (holder) {
        throw conflict(
          `Current gateway ip ${subnet.gatewayIp} already in use by port ${holder.portId}. Unable to update.`,
          'GatewayIpInUse',
        );
      }
    }
    if (gateway !== null) {
      const address = format(cidr, gateway);
      const taken = await manager.exists(IpAllocationEntity, {
        where: { subnetId: subnet.id, ipAddress: address },
      });
      if (taken) {
        throw conflict(
          `Unable to complete operation for network ${subnet.networkId}. The IP address ${address} is in use.`,
          'IpAddressInUse',
        );
      }
    }
  }

  /**
   * Refused with 409 SubnetInUse while a port other than a DHCP port holds an address from it (DHCP
   * ports just lose theirs, as in Neutron); the foreign key settles races with new allocations.
   */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.findOwned(actor, id, 'delete_subnet');
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(
          "DELETE FROM ip_allocation WHERE subnet_id = ? AND port_id IN (SELECT id FROM port WHERE device_owner = 'network:dhcp')",
          [id],
        );
        if (await manager.exists(IpAllocationEntity, { where: { subnetId: id } })) throw subnetInUse(id);
        await this.tags.removeAll(manager, id);
        await manager.delete(SubnetEntity, { id });
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw subnetInUse(id);
      throw error;
    }
  }
}
