import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  chunks,
  conflict,
  findForUpdate,
  isForeignKeyViolation,
  isUniqueViolation,
  notFound,
} from '@stratus/platform';
import { DataSource, EntityManager, In, Not, SelectQueryBuilder } from 'typeorm';
import type { NetworkConfig } from '../config/network-config';
import { Actor, owns } from '../common/actor';
import { newId, nowSeconds } from '../common/ids';
import { applyFilters, fetchPage, ListRequest, ListSpec, ParamCounter } from '../common/list-query';
import { checkRevision } from '../common/neutron-http';
import { invalidInput, networkInUse, networkNotFound, policyNotAuthorized } from '../common/neutron-errors';
import { targetProject } from '../common/ownership';
import { NETWORK_CONFIG } from '../network.tokens';
import { NetworkEntity, PortEntity, SubnetEntity } from '../persistence/network.entities';
import { QuotasService } from '../quotas/quotas.service';
import { TagsService } from '../tags/tags.service';
import type { NetworkCreate, NetworkUpdate } from './network.schemas';
import { networkView } from './network.view';
import {
  candidateSegmentationId,
  maxMtu,
  NetworkType,
  resolveSegment,
  segmentInUse,
  segmentKey,
} from './provider-segment';

const SEGMENT_ATTEMPTS = 20;
const DHCP_OWNER = 'network:dhcp';

export const NETWORK_LIST_SPEC: ListSpec = {
  alias: 'n',
  attributes: {
    id: { sql: 'n.id', type: 'string' },
    name: { sql: 'n.name', type: 'string' },
    description: { sql: 'n.description', type: 'string' },
    project_id: { sql: 'n.project_id', type: 'string' },
    admin_state_up: { sql: 'n.admin_state_up', type: 'boolean' },
    status: { sql: 'n.status', type: 'string' },
    shared: { sql: 'n.shared', type: 'boolean' },
    'router:external': { sql: 'n.external', type: 'boolean' },
    mtu: { sql: 'n.mtu', type: 'integer' },
    port_security_enabled: { sql: 'n.port_security_enabled', type: 'boolean' },
    revision_number: { sql: 'n.revision_number', type: 'integer' },
    created_at: { sql: 'n.created_at', type: 'string', sortOnly: true },
    updated_at: { sql: 'n.updated_at', type: 'string', sortOnly: true },
    'provider:network_type': { sql: 'n.network_type', type: 'string', adminOnly: true },
    'provider:physical_network': { sql: "COALESCE(n.physical_network, '')", type: 'string', adminOnly: true },
    'provider:segmentation_id': { sql: 'COALESCE(n.segmentation_id, 0)', type: 'integer', adminOnly: true },
  },
  custom: {
    subnets: (where, values, param) =>
      where.andWhere(
        `EXISTS (SELECT 1 FROM subnet fs WHERE fs.network_id = n.id AND fs.id IN (${values.map((v) => `:${param(v)}`).join(', ')}))`,
      ),
  },
  tagged: true,
  notFound: networkNotFound,
};

/** Networks: ownership, sharing, external networks, provider segments and MTU. */
@Injectable()
export class NetworksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(NETWORK_CONFIG) private readonly config: NetworkConfig,
    private readonly quotas: QuotasService,
    private readonly tags: TagsService,
  ) {}

  /** Networks a project sees: its own, shared ones and external ones (which it may route to). */
  visibleQuery(
    actor: Actor,
    manager: EntityManager = this.dataSource.manager,
  ): SelectQueryBuilder<NetworkEntity> {
    const qb = manager.createQueryBuilder(NetworkEntity, 'n');
    if (!actor.isAdmin) {
      qb.where('(n.project_id = :actorProject OR n.shared = 1 OR n.external = 1)', {
        actorProject: actor.projectId ?? '',
      });
    }
    return qb;
  }

  async find(actor: Actor, id: string, manager?: EntityManager): Promise<NetworkEntity> {
    const network = await this.visibleQuery(actor, manager).andWhere('n.id = :id', { id }).getOne();
    if (!network) throw networkNotFound(id);
    return network;
  }

  /** A network the actor may change: its own, or any for an admin; a visible one owned by another is 403. */
  async findOwned(actor: Actor, id: string, action: string, manager?: EntityManager): Promise<NetworkEntity> {
    const network = await this.find(actor, id, manager);
    if (!owns(actor, network.projectId)) throw policyNotAuthorized(action);
    return network;
  }

  async subnetIds(
    networkIds: readonly string[],
    manager = this.dataSource.manager,
  ): Promise<Map<string, string[]>> {
    const byNetwork = new Map<string, string[]>(networkIds.map((id) => [id, []]));
    for (const batch of chunks([...new Set(networkIds)])) {
      const rows = await manager.find(SubnetEntity, {
        select: { id: true, networkId: true },
        where: { networkId: In(batch) },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      for (const row of rows) byNetwork.get(row.networkId)?.push(row.id);
    }
    return byNetwork;
  }

  async views(actor: Actor, networks: NetworkEntity[]) {
    const ids = networks.map((n) => n.id);
    const [subnets, tags] = await Promise.all([this.subnetIds(ids), this.tags.load(ids)]);
    return networks.map((n) => networkView(n, subnets.get(n.id) ?? [], tags.get(n.id) ?? [], actor.isAdmin));
  }

  async get(actor: Actor, id: string) {
    const [view] = await this.views(actor, [await this.find(actor, id)]);
    return view;
  }

  async list(actor: Actor, request: ListRequest) {
    const qb = this.visibleQuery(actor);
    const params = new ParamCounter();
    applyFilters(qb, request, NETWORK_LIST_SPEC, params);
    const page = await fetchPage(qb, request, NETWORK_LIST_SPEC, params);
    return { views: await this.views(actor, page.rows), page };
  }

  async create(actor: Actor, input: NetworkCreate) {
    const projectId = targetProject(actor, input);
    for (const attribute of ['shared', 'router:external'] as const) {
      if (input[attribute] !== undefined && !actor.isAdmin)
        throw policyNotAuthorized(`create_network:${attribute}`);
    }
    const providerGiven =
      input['provider:network_type'] !== undefined ||
      input['provider:physical_network'] !== undefined ||
      input['provider:segmentation_id'] !== undefined;
    if (providerGiven && !actor.isAdmin) throw policyNotAuthorized('create_network:provider:network_type');
    const segment = resolveSegment(
      {
        networkType: input['provider:network_type'],
        physicalNetwork: input['provider:physical_network'],
        segmentationId: input['provider:segmentation_id'],
      },
      this.config,
    );
    const limit = maxMtu(segment.networkType, this.config);
    const mtu = input.mtu ?? limit;
    if (mtu > limit) throw invalidInput(`Requested MTU is too big, maximum is ${limit}`);
    if (mtu < 68) throw invalidInput('Requested MTU is too small, minimum is 68');
    for (const zone of input.availability_zone_hints ?? []) {
      if (!this.config.NETWORK_AVAILABILITY_ZONES.includes(zone)) {
        throw notFound(`AvailabilityZone ${zone} could not be found.`, 'AvailabilityZoneNotFound');
      }
    }
    const now = nowSeconds();
    for (let attempt = 1; ; attempt++) {
      const segmentationId = candidateSegmentationId(segment, this.config);
      const network: NetworkEntity = {
        id: newId(),
        projectId,
        name: input.name ?? '',
        description: input.description ?? '',
        adminStateUp: input.admin_state_up ?? true,
        status: 'ACTIVE',
        shared: input.shared ?? false,
        external: input['router:external'] ?? false,
        mtu,
        portSecurityEnabled: input.port_security_enabled ?? true,
        networkType: segment.networkType,
        physicalNetwork: segment.physicalNetwork,
        segmentationId,
        segmentKey: segmentKey(segment.networkType, segment.physicalNetwork, segmentationId),
        availabilityZoneHints: input.availability_zone_hints ?? [],
        revisionNumber: 1,
        createdAt: now,
        updatedAt: now,
      };
      try {
        const tags = await this.dataSource.transaction(async (manager) => {
          await this.quotas.check(manager, projectId, 'network');
          await manager.insert(NetworkEntity, network);
          return this.tags.initial(manager, network.id, input.tags ?? []);
        });
        return networkView(network, [], tags, actor.isAdmin);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // An allocated id collided with another network's; an explicit one is simply taken.
        if (segment.segmentationId !== undefined || segmentationId === null || attempt >= SEGMENT_ATTEMPTS) {
          throw segmentInUse(segment.networkType, segment.physicalNetwork, segmentationId);
        }
      }
    }
  }

  async update(actor: Actor, id: string, input: NetworkUpdate, ifMatch?: number) {
    await this.findOwned(actor, id, 'update_network');
    for (const attribute of ['shared', 'router:external'] as const) {
      if (input[attribute] !== undefined && !actor.isAdmin)
        throw policyNotAuthorized(`update_network:${attribute}`);
    }
    const network = await this.dataSource.transaction(async (manager) => {
      const current = await findForUpdate(manager, NetworkEntity, id);
      if (!current) throw networkNotFound(id);
      checkRevision(ifMatch, current.revisionNumber);
      this.refuseProviderChange(current, input);
      if (input.mtu !== undefined) {
        const limit = maxMtu(current.networkType as NetworkType, this.config);
        if (input.mtu > limit) throw invalidInput(`Requested MTU is too big, maximum is ${limit}`);
        if (input.mtu < 68) throw invalidInput('Requested MTU is too small, minimum is 68');
      }
      if (input.shared === false && current.shared) await this.refuseUnshare(manager, current);
      if (input['router:external'] === false && current.external)
        await this.refuseInternalise(manager, current);
      const next: NetworkEntity = {
        ...current,
        name: input.name ?? current.name,
        description: input.description ?? current.description,
        adminStateUp: input.admin_state_up ?? current.adminStateUp,
        shared: input.shared ?? current.shared,
        external: input['router:external'] ?? current.external,
        mtu: input.mtu ?? current.mtu,
        portSecurityEnabled: input.port_security_enabled ?? current.portSecurityEnabled,
        revisionNumber: current.revisionNumber + 1,
        updatedAt: nowSeconds(),
      };
      await manager.save(NetworkEntity, next);
      return next;
    });
    const [view] = await this.views(actor, [network]);
    return view;
  }

  private refuseProviderChange(current: NetworkEntity, input: NetworkUpdate): void {
    const changed =
      (input['provider:network_type'] !== undefined &&
        input['provider:network_type'] !== current.networkType) ||
      (input['provider:physical_network'] !== undefined &&
        input['provider:physical_network'] !== current.physicalNetwork) ||
      (input['provider:segmentation_id'] !== undefined &&
        input['provider:segmentation_id'] !== current.segmentationId);
    if (changed) throw invalidInput('Plugin does not support updating provider attributes');
  }

  private async refuseUnshare(manager: EntityManager, network: NetworkEntity): Promise<void> {
    const foreign = await manager
      .createQueryBuilder(PortEntity, 'p')
      .where('p.network_id = :id AND p.project_id NOT IN (:owner, :none)', {
        id: network.id,
        owner: network.projectId,
        none: '',
      })
      .getExists();
    if (foreign) {
      throw conflict(
        `Unable to reconfigure sharing settings for network ${network.id}. Multiple tenants are using it.`,
        'InvalidSharedSetting',
      );
    }
  }

  private async refuseInternalise(manager: EntityManager, network: NetworkEntity): Promise<void> {
    const gateways = await manager
      .createQueryBuilder(PortEntity, 'p')
      .where("p.network_id = :id AND p.device_owner IN ('network:router_gateway', 'network:floatingip')", {
        id: network.id,
      })
      .getExists();
    if (gateways) {
      throw conflict(
        `External network ${network.id} cannot be updated to be made non-external, since it has existing gateway ports.`,
        'ExternalNetworkInUse',
      );
    }
  }

  /**
   * Deletes the network with its subnets and its DHCP ports, which serve nothing without it, as
   * Neutron does; any other port (a server's, a router's) makes it 409 NetworkInUse.
   */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.findOwned(actor, id, 'delete_network');
    try {
      await this.dataSource.transaction(async (manager) => {
        const inUse = await manager.exists(PortEntity, {
          where: { networkId: id, deviceOwner: Not(DHCP_OWNER) },
        });
        if (inUse) throw networkInUse(id);
        const dhcpPorts = await manager.find(PortEntity, { select: { id: true }, where: { networkId: id } });
        for (const port of dhcpPorts) await this.tags.removeAll(manager, port.id);
        await manager.delete(PortEntity, { networkId: id, deviceOwner: DHCP_OWNER });
        const subnets = await manager.find(SubnetEntity, { select: { id: true }, where: { networkId: id } });
        for (const subnet of subnets) await this.tags.removeAll(manager, subnet.id);
        await manager.delete(SubnetEntity, { networkId: id });
        await this.tags.removeAll(manager, id);
        await manager.delete(NetworkEntity, { id });
      });
    } catch (error) {
      // A port created by another replica between the check and the delete.
      if (isForeignKeyViolation(error)) throw networkInUse(id);
      throw error;
    }
  }

  /** Networks a server of the project may use: its own and shared, not external ones. */
  async forProject(projectId: string): Promise<NetworkEntity[]> {
    return this.dataSource.manager
      .createQueryBuilder(NetworkEntity, 'n')
      .where('(n.project_id = :projectId OR n.shared = 1) AND n.external = 0', { projectId })
      .orderBy('n.created_at', 'ASC')
      .addOrderBy('n.id', 'ASC')
      .getMany();
  }
}
