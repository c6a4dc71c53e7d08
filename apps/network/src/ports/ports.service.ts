import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { BindPortRequest, CreatePortRequest, PortChange, PortRef } from '@stratus/contracts';
import {
  badRequest,
  chunks,
  conflict,
  DomainError,
  findForUpdate,
  isForeignKeyViolation,
  isUniqueViolation,
  settled,
  withTransientRetry,
} from '@stratus/platform';
import { DataSource, EntityManager, In, SelectQueryBuilder } from 'typeorm';
import type { NetworkConfig } from '../config/network-config';
import { Actor, owns, SERVICE_ACTOR } from '../common/actor';
import { newId, nowSeconds } from '../common/ids';
import { applyFilters, fetchPage, ListRequest, ListSpec, ParamCounter } from '../common/list-query';
import { checkRevision } from '../common/neutron-http';
import {
  macAddressInUse,
  networkNotFound,
  policyNotAuthorized,
  portInUse,
  portNotFound,
  securityGroupNotFound,
  servicePortInUse,
} from '../common/neutron-errors';
import { targetProject } from '../common/ownership';
import { AddressRequest, IpamService } from '../ipam/ipam.service';
import { normaliseIp } from '../ipam/ip-address';
import { normaliseMac } from '../ipam/mac-address';
import { NETWORK_CONFIG } from '../network.tokens';
import { NetworksService } from '../networks/networks.service';
import {
  FloatingIpEntity,
  IpAllocationEntity,
  JsonObject,
  NetworkEntity,
  PortEntity,
  PortSecurityGroupEntity,
  SubnetEntity,
} from '../persistence/network.entities';
import { QuotasService } from '../quotas/quotas.service';
import { SecurityGroupsService } from '../security-groups/security-groups.service';
import { SubnetsService } from '../subnets/subnets.service';
import { TagsService } from '../tags/tags.service';
import { addressPairsNeedPortSecurity, PendingAddressPair, validateAddressPairs } from './address-pairs';
import {
  dhcpAddresses,
  dhcpDeviceId,
  DHCP_OWNER,
  firstPoolAddress,
  isAddressTaken,
  servedByDhcp,
} from './dhcp-addresses';
import { bindingFor, portStatus } from './port-binding';
import { PortEventsService } from './port-events.service';
import type { FixedIpRequest, PortCreate, PortUpdate } from './port.schemas';
import { PortBundle, portRef, portView } from './port.view';

/** Random MACs tried before concluding the network is somehow saturated. */
const MAC_ATTEMPTS = 16;

/** Reads and compare-and-sets of one binding before giving up on a port others keep changing. */
const BINDING_ATTEMPTS = 8;

/** Ports that routers and floating IPs own: removed through their owners, never directly. */
const SERVICE_OWNERS = [
  'network:router_interface',
  'network:router_gateway',
  'network:floatingip',
  'network:router_interface_distributed',
  'network:ha_router_replicated_interface',
];

function fixedIpsFilter(values: string[], param: (value: unknown) => string): string {
  const byKey: Record<'ip_address' | 'subnet_id', string[]> = { ip_address: [], subnet_id: [] };
  for (const value of values) {
    const [key, ...rest] = value.split('=');
    if (key !== 'ip_address' && key !== 'subnet_id') {
      throw badRequest(
        `Invalid input for fixed_ips filter: '${value}' is not subnet_id=<id> or ip_address=<address>.`,
      );
    }
    byKey[key].push(rest.join('='));
  }
  const conditions = Object.entries(byKey)
    .filter(([, list]) => list.length > 0)
    .map(([key, list]) => `fa.${key} IN (${list.map((v) => `:${param(v)}`).join(', ')})`);
  return `EXISTS (SELECT 1 FROM ip_allocation fa WHERE fa.port_id = p.id AND ${conditions.join(' AND ')})`;
}

export const PORT_LIST_SPEC: ListSpec = {
  alias: 'p',
  attributes: {
    id: { sql: 'p.id', type: 'string' },
    name: { sql: 'p.name', type: 'string' },
    description: { sql: 'p.description', type: 'string' },
    project_id: { sql: 'p.project_id', type: 'string' },
    network_id: { sql: 'p.network_id', type: 'string' },
    mac_address: { sql: 'p.mac_address', type: 'string' },
    admin_state_up: { sql: 'p.admin_state_up', type: 'boolean' },
    status: { sql: 'p.status', type: 'string' },
    device_id: { sql: 'p.device_id', type: 'string' },
    device_owner: { sql: 'p.device_owner', type: 'string' },
    port_security_enabled: { sql: 'p.port_security_enabled', type: 'boolean' },
    'binding:vnic_type': { sql: 'p.binding_vnic_type', type: 'string' },
    'binding:host_id': { sql: 'p.binding_host_id', type: 'string', adminOnly: true },
    'binding:vif_type': { sql: 'p.binding_vif_type', type: 'string', adminOnly: true },
    revision_number: { sql: 'p.revision_number', type: 'integer' },
    created_at: { sql: 'p.created_at', type: 'string', sortOnly: true },
    updated_at: { sql: 'p.updated_at', type: 'string', sortOnly: true },
  },
  custom: {
    fixed_ips: (where, values, param) => where.andWhere(fixedIpsFilter(values, param)),
    security_groups: (where, values, param) =>
      where.andWhere(
        `EXISTS (SELECT 1 FROM port_security_group fsg WHERE fsg.port_id = p.id AND fsg.security_group_id IN (${values.map((v) => `:${param(v)}`).join(', ')}))`,
      ),
  },
  tagged: true,
  notFound: portNotFound,
};

/** Everything needed to make a port, however it was asked for (API, compute, routers, floating IPs). */
export interface PortSpec {
  network: NetworkEntity;
  /** The network's subnets when the caller has already read them. */
  subnets?: SubnetEntity[];
  projectId: string;
  name?: string;
  description?: string;
  adminStateUp?: boolean;
  macAddress?: string;
  /** Undefined: Neutron's default addresses. */
  fixedIps?: AddressRequest[];
  ipv4Only?: boolean;
  deviceId?: string;
  deviceOwner?: string;
  /** Already checked to be usable by the project; undefined means the project's default group. */
  securityGroupIds?: string[];
  portSecurityEnabled?: boolean;
  allowedAddressPairs?: PendingAddressPair[];
  hostId?: string;
  vnicType?: string;
  profile?: JsonObject;
  tags?: string[];
  /** More writes that must commit with the port (a floating IP's row, say). */
  alongside?: (manager: EntityManager, bundle: PortBundle) => Promise<void>;
}

function toAddressRequests(fixedIps: FixedIpRequest[] | undefined): AddressRequest[] | undefined {
  return fixedIps?.map((f) => ({ subnetId: f.subnet_id, ipAddress: f.ip_address }));
}

function pairsFor(pairs: PendingAddressPair[], mac: string) {
  return pairs.map((pair) => ({ ip_address: pair.ip_address, mac_address: pair.mac_address ?? mac }));
}

function portSecurityHasGroups() {
  return badRequest(
    'Port security must be enabled and port must have an IP address in order to use security groups.',
    'PortSecurityAndIPRequiredForSecurityGroups',
  );
}

/** Ports: addresses through IPAM, MACs, security groups, address pairs and host bindings. */
@Injectable()
export class PortsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(NETWORK_CONFIG) private readonly config: NetworkConfig,
    private readonly networks: NetworksService,
    private readonly subnets: SubnetsService,
    private readonly securityGroups: SecurityGroupsService,
    private readonly ipam: IpamService,
    private readonly quotas: QuotasService,
    private readonly tags: TagsService,
    private readonly events: PortEventsService,
  ) {}

  /** A project sees its own ports and every port on its own networks. */
  visibleQuery(actor: Actor, manager = this.dataSource.manager): SelectQueryBuilder<PortEntity> {
    const qb = manager.createQueryBuilder(PortEntity, 'p');
    if (!actor.isAdmin) {
      qb.where(
        '(p.project_id = :actorProject OR EXISTS (SELECT 1 FROM network pn WHERE pn.id = p.network_id AND pn.project_id = :actorProject))',
        { actorProject: actor.projectId ?? '' },
      );
    }
    return qb;
  }

  async find(actor: Actor, id: string, manager?: EntityManager): Promise<PortEntity> {
    const port = await this.visibleQuery(actor, manager).andWhere('p.id = :id', { id }).getOne();
    if (!port) throw portNotFound(id);
    return port;
  }

  async bundles(ports: PortEntity[], manager = this.dataSource.manager): Promise<PortBundle[]> {
    const ids = ports.map((p) => p.id);
    const allocations = new Map<string, IpAllocationEntity[]>(ids.map((id) => [id, []]));
    const groups = new Map<string, string[]>(ids.map((id) => [id, []]));
    for (const batch of chunks(ids)) {
      for (const row of await manager.find(IpAllocationEntity, { where: { portId: In(batch) } })) {
        allocations.get(row.portId)?.push(row);
      }
      for (const row of await manager.find(PortSecurityGroupEntity, { where: { portId: In(batch) } })) {
        groups.get(row.portId)?.push(row.securityGroupId);
      }
    }
    const tags = await this.tags.load(ids, manager);
    return ports.map((port) => ({
      port,
      allocations: allocations.get(port.id) ?? [],
      securityGroupIds: groups.get(port.id) ?? [],
      tags: tags.get(port.id) ?? [],
    }));
  }

  async get(actor: Actor, id: string) {
    const [bundle] = await this.bundles([await this.find(actor, id)]);
    return portView(bundle, actor.isAdmin);
  }

  async list(actor: Actor, request: ListRequest) {
    const qb = this.visibleQuery(actor);
    const params = new ParamCounter();
    applyFilters(qb, request, PORT_LIST_SPEC, params);
    const page = await fetchPage(qb, request, PORT_LIST_SPEC, params);
    const bundles = await this.bundles(page.rows);
    return { views: bundles.map((b) => portView(b, actor.isAdmin)), page };
  }

  async create(actor: Actor, input: PortCreate) {
    const projectId = targetProject(actor, input);
    const network = await this.networks.find(actor, input.network_id);
    const networkOwner = owns(actor, network.projectId);
    if (!networkOwner && !network.shared) throw policyNotAuthorized('create_port');
    if (!networkOwner) {
      if (input.mac_address !== undefined) throw policyNotAuthorized('create_port:mac_address');
      if (input.fixed_ips?.some((f) => f.ip_address !== undefined)) {
        throw policyNotAuthorized('create_port:fixed_ips:ip_address');
      }
      if (input.device_owner?.startsWith('network:')) throw policyNotAuthorized('create_port:device_owner');
    }
    for (const attribute of ['binding:host_id', 'binding:profile'] as const) {
      if (input[attribute] !== undefined && !actor.isAdmin)
        throw policyNotAuthorized(`create_port:${attribute}`);
    }
    const bundle = await this.createPort({
      network,
      projectId,
      name: input.name,
      description: input.description,
      adminStateUp: input.admin_state_up,
      macAddress: input.mac_address === undefined ? undefined : this.mac(input.mac_address),
      fixedIps: toAddressRequests(input.fixed_ips),
      deviceId: input.device_id,
      deviceOwner: input.device_owner,
      securityGroupIds:
        input.security_groups === undefined
          ? undefined
          : await this.securityGroups.resolveIds(actor, projectId, input.security_groups),
      portSecurityEnabled: input.port_security_enabled,
      allowedAddressPairs:
        input.allowed_address_pairs === undefined
          ? undefined
          : validateAddressPairs(input.allowed_address_pairs),
      hostId: input['binding:host_id'],
      vnicType: input['binding:vnic_type'],
      profile: input['binding:profile'] ?? undefined,
      tags: input.tags,
    });
    return portView(bundle, actor.isAdmin);
  }

  private mac(text: string): string {
    const mac = normaliseMac(text);
    if (!mac)
      throw badRequest(`Invalid input for mac_address. Reason: '${text}' is not a valid MAC address.`);
    return mac;
  }

  /**
   * Creates a port in one transaction: quota, port row (a random MAC retried on collision), its
   * addresses (see IpamService), security group bindings and tags. Deadlocks rerun it whole.
   */
  async createPort(spec: PortSpec): Promise<PortBundle> {
    const { network, projectId } = spec;
    const deviceOwner = spec.deviceOwner ?? '';
    const subnets = spec.subnets ?? (await this.subnets.ofNetwork(network.id));
    const plan = this.ipam.plan(network.id, subnets, spec.fixedIps, { deviceOwner, ipv4Only: spec.ipv4Only });
    const portSecurity = spec.portSecurityEnabled ?? network.portSecurityEnabled;
    const pairs = spec.allowedAddressPairs ?? [];
    if (!portSecurity && pairs.length) throw addressPairsNeedPortSecurity();
    if (!portSecurity && spec.securityGroupIds?.length) throw portSecurityHasGroups();
    const usesDefaultGroup =
      portSecurity &&
      spec.securityGroupIds === undefined &&
      !deviceOwner.startsWith('network:') &&
      projectId !== '';
    const explicitGroups = portSecurity ? (spec.securityGroupIds ?? []) : [];
    const hostId = spec.hostId ?? '';
    const vnicType = spec.vnicType ?? 'normal';
    const binding = bindingFor(hostId, vnicType, network, this.config.NETWORK_BRIDGE_PREFIX);
    const now = nowSeconds();
    const port: PortEntity = {
      id: newId(),
      projectId,
      networkId: network.id,
      name: spec.name ?? '',
      description: spec.description ?? '',
      macAddress: spec.macAddress ?? this.ipam.macs.next(),
      adminStateUp: spec.adminStateUp ?? true,
      status: 'DOWN',
      deviceId: spec.deviceId ?? '',
      deviceOwner,
      portSecurityEnabled: portSecurity,
      allowedAddressPairs: [],
      bindingHostId: hostId,
      bindingVifType: binding.vifType,
      bindingVifDetails: binding.vifDetails,
      bindingVnicType: vnicType,
      bindingProfile: spec.profile ?? {},
      revisionNumber: 1,
      createdAt: now,
      updatedAt: now,
    };
    port.status = portStatus(port);
    for (let attempt = 1; ; attempt++) {
      const securityGroupIds = usesDefaultGroup
        ? [await this.securityGroups.ensureDefault(projectId)]
        : explicitGroups;
      try {
        const bundle = await withTransientRetry(() =>
          this.dataSource.transaction(async (manager) => {
            await this.quotas.check(manager, projectId, 'port');
            await this.insertPort(manager, port, pairs, spec.macAddress !== undefined);
            const allocations = await this.ipam.allocate(manager, network.id, port.id, port.macAddress, plan);
            if (securityGroupIds.length) await this.bindGroups(manager, port.id, securityGroupIds);
            const tags = await this.tags.initial(manager, port.id, spec.tags ?? []);
            const created: PortBundle = { port, allocations, securityGroupIds, tags };
            await spec.alongside?.(manager, created);
            return created;
          }),
        );
        await this.publish('created', bundle, network, subnets);
        return bundle;
      } catch (error) {
        const staleDefault =
          usesDefaultGroup &&
          error instanceof DomainError &&
          error.type === 'SecurityGroupNotFound' &&
          attempt === 1;
        if (!staleDefault) throw error;
        this.securityGroups.forgetDefault(projectId);
      }
    }
  }

  private async insertPort(
    manager: EntityManager,
    port: PortEntity,
    pairs: PendingAddressPair[],
    macRequested: boolean,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      port.allowedAddressPairs = pairsFor(pairs, port.macAddress);
      try {
        await manager.insert(PortEntity, port);
        return;
      } catch (error) {
        if (isForeignKeyViolation(error)) throw networkNotFound(port.networkId);
        if (!isUniqueViolation(error)) throw error;
        if (macRequested || attempt >= MAC_ATTEMPTS) throw macAddressInUse(port.networkId, port.macAddress);
        port.macAddress = this.ipam.macs.next();
      }
    }
  }

  private async bindGroups(manager: EntityManager, portId: string, groupIds: string[]): Promise<void> {
    try {
      await manager.insert(
        PortSecurityGroupEntity,
        groupIds.map((securityGroupId) => ({ portId, securityGroupId })),
      );
    } catch (error) {
      if (isForeignKeyViolation(error)) throw securityGroupNotFound(groupIds.join(', '));
      throw error;
    }
  }

  async update(actor: Actor, id: string, input: PortUpdate, ifMatch?: number) {
    const visible = await this.find(actor, id);
    const network = await this.networks.find(SERVICE_ACTOR, visible.networkId);
    const networkOwner = owns(actor, network.projectId);
    if (!owns(actor, visible.projectId) && !networkOwner) throw policyNotAuthorized('update_port');
    if (input.mac_address !== undefined && !actor.isAdmin)
      throw policyNotAuthorized('update_port:mac_address');
    for (const attribute of ['binding:host_id', 'binding:profile'] as const) {
      if (input[attribute] !== undefined && !actor.isAdmin)
        throw policyNotAuthorized(`update_port:${attribute}`);
    }
    if (!networkOwner) {
      if (input.fixed_ips?.some((f) => f.ip_address !== undefined)) {
        throw policyNotAuthorized('update_port:fixed_ips:ip_address');
      }
      if (input.device_owner?.startsWith('network:')) throw policyNotAuthorized('update_port:device_owner');
    }
    const requestedGroups =
      input.security_groups === undefined
        ? undefined
        : await this.securityGroups.resolveIds(actor, visible.projectId, input.security_groups);
    const pairs =
      input.allowed_address_pairs === undefined
        ? undefined
        : validateAddressPairs(input.allowed_address_pairs);
    const subnets = await this.subnets.ofNetwork(network.id);
    const { bundle, change } = await withTransientRetry(() =>
      this.dataSource.transaction(async (manager) => {
        const current = await findForUpdate(manager, PortEntity, id);
        if (!current) throw portNotFound(id);
        checkRevision(ifMatch, current.revisionNumber);
        const [before] = await this.bundles([current], manager);
        const next: PortEntity = { ...current, allowedAddressPairs: [...current.allowedAddressPairs] };
        next.name = input.name ?? current.name;
        next.description = input.description ?? current.description;
        next.adminStateUp = input.admin_state_up ?? current.adminStateUp;
        next.deviceId = input.device_id ?? current.deviceId;
        next.deviceOwner = input.device_owner ?? current.deviceOwner;
        next.portSecurityEnabled = input.port_security_enabled ?? current.portSecurityEnabled;
        if (input.mac_address !== undefined) {
          const mac = this.mac(input.mac_address);
          if (mac !== current.macAddress && current.bindingVifType !== 'unbound') {
            throw conflict(
              `Unable to complete operation on port ${id}, port is already bound, port type: ${current.bindingVifType}, old_mac ${current.macAddress}, new_mac ${mac}.`,
              'PortBound',
            );
          }
          next.macAddress = mac;
        }
        if (pairs !== undefined) next.allowedAddressPairs = pairsFor(pairs, next.macAddress);
        const groups = requestedGroups ?? before.securityGroupIds;
        if (!next.portSecurityEnabled) {
          if (requestedGroups?.length) throw portSecurityHasGroups();
          if (groups.length) {
            throw conflict(
              'Port has security group associated. Cannot disable port security or ip address until security group is removed',
              'PortSecurityPortHasSecurityGroup',
            );
          }
          if (next.allowedAddressPairs.length) throw addressPairsNeedPortSecurity();
        }
        let change: PortChange = 'updated';
        const hostChanged =
          input['binding:host_id'] !== undefined && input['binding:host_id'] !== current.bindingHostId;
        const vnicChanged =
          input['binding:vnic_type'] !== undefined && input['binding:vnic_type'] !== current.bindingVnicType;
        if (vnicChanged && current.bindingVifType !== 'unbound') {
          throw conflict(`Unable to change the vnic_type of bound port ${id}.`, 'PortBound');
        }
        next.bindingHostId = input['binding:host_id'] ?? current.bindingHostId;
        next.bindingVnicType = input['binding:vnic_type'] ?? current.bindingVnicType;
        next.bindingProfile =
          input['binding:profile'] === undefined ? current.bindingProfile : (input['binding:profile'] ?? {});
        if (hostChanged || vnicChanged) {
          const binding = bindingFor(
            next.bindingHostId,
            next.bindingVnicType,
            network,
            this.config.NETWORK_BRIDGE_PREFIX,
          );
          next.bindingVifType = binding.vifType;
          next.bindingVifDetails = binding.vifDetails;
          if (hostChanged) change = next.bindingHostId === '' ? 'unbound' : 'bound';
        }
        next.status = portStatus(next);
        next.revisionNumber = current.revisionNumber + 1;
        next.updatedAt = nowSeconds();
        try {
          await manager.save(PortEntity, next);
        } catch (error) {
          if (isUniqueViolation(error)) throw macAddressInUse(network.id, next.macAddress);
          throw error;
        }
        const allocations =
          input.fixed_ips === undefined
            ? before.allocations
            : await this.replaceAddresses(
                manager,
                next,
                before.allocations,
                subnets,
                toAddressRequests(input.fixed_ips)!,
              );
        if (requestedGroups !== undefined) {
          await manager.delete(PortSecurityGroupEntity, { portId: id });
          if (requestedGroups.length) await this.bindGroups(manager, id, requestedGroups);
        }
        return { bundle: { ...before, port: next, allocations, securityGroupIds: groups }, change };
      }),
    );
    await this.publish(change, bundle, network, subnets);
    return portView(bundle, actor.isAdmin);
  }

  /**
   * Neutron's fixed_ips update: the list is the port's new set of addresses. Addresses named in it
   * (or a subnet the port already has an address on) are kept, the rest given back, new ones claimed.
   */
  private async replaceAddresses(
    manager: EntityManager,
    port: PortEntity,
    existing: IpAllocationEntity[],
    subnets: SubnetEntity[],
    requests: AddressRequest[],
  ): Promise<IpAllocationEntity[]> {
    const kept: IpAllocationEntity[] = [];
    const fresh: AddressRequest[] = [];
    for (const request of requests) {
      const address = request.ipAddress === undefined ? undefined : normaliseIp(request.ipAddress);
      const match = existing.find((a) => {
        if (kept.includes(a)) return false;
        if (request.subnetId !== undefined && a.subnetId !== request.subnetId) return false;
        return request.ipAddress === undefined ? request.subnetId !== undefined : a.ipAddress === address;
      });
      if (match) kept.push(match);
      else fresh.push(request);
    }
    const released = existing.filter((a) => !kept.includes(a));
    for (const allocation of released) {
      await manager.delete(IpAllocationEntity, {
        subnetId: allocation.subnetId,
        ipAddress: allocation.ipAddress,
      });
    }
    const plan = this.ipam.planRequested(port.networkId, subnets, fresh, { deviceOwner: port.deviceOwner });
    const added = await this.ipam.allocate(manager, port.networkId, port.id, port.macAddress, plan);
    return [...kept, ...added];
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const port = await this.find(actor, id);
    if (SERVICE_OWNERS.includes(port.deviceOwner)) {
      throw servicePortInUse(id, `has device owner ${port.deviceOwner}`);
    }
    await this.deletePort(id);
  }

  /**
   * Deletes a port and gives its addresses back (the allocations go with it by cascade); a
   * floating IP pointing at it is disassociated, as in Neutron. `alongside` commits with it.
   */
  async deletePort(id: string, alongside?: (manager: EntityManager) => Promise<void>): Promise<void> {
    const result = await withTransientRetry(() =>
      this.dataSource.transaction(async (manager) => {
        const port = await findForUpdate(manager, PortEntity, id);
        if (!port) throw portNotFound(id);
        const [bundle] = await this.bundles([port], manager);
        await alongside?.(manager);
        await manager.update(
          FloatingIpEntity,
          { fixedPortId: id },
          { fixedPortId: null, fixedIpAddress: null, routerId: null, status: 'DOWN' },
        );
        await this.tags.removeAll(manager, id);
        await manager.delete(PortEntity, { id });
        return bundle;
      }),
    );
    const network = await this.dataSource.manager.findOne(NetworkEntity, {
      where: { id: result.port.networkId },
    });
    if (network) await this.publish('deleted', result, network, await this.subnets.ofNetwork(network.id));
  }

  private async publish(
    change: PortChange,
    bundle: PortBundle,
    network: NetworkEntity,
    subnets: SubnetEntity[],
  ) {
    await this.events.publish(change, portRef(bundle, network, new Map(subnets.map((s) => [s.id, s]))));
  }

  // For compute, over the bus.

  async ref(id: string): Promise<PortRef> {
    const port = await this.dataSource.manager.findOne(PortEntity, { where: { id } });
    if (!port) throw portNotFound(id);
    return this.refOf(port, await this.refParts(port));
  }

  /**
   * A port for a server: on a network the project owns or shares, in the project, with its
   * security groups. The network, its subnets and the groups are read side by side: compute asks
   * for one port per server it boots, and each sequential round trip adds to every boot.
   */
  async createForServer(request: CreatePortRequest): Promise<PortRef> {
    const project: Actor = { projectId: request.projectId, isAdmin: false };
    const [foundNetwork, foundSubnets, foundGroups] = await Promise.allSettled([
      this.networks.find(project, request.networkId),
      this.subnets.ofNetwork(request.networkId),
      request.securityGroups === undefined
        ? Promise.resolve(undefined)
        : this.securityGroups.resolveForProject(request.projectId, request.securityGroups),
    ]);
    const network = settled(foundNetwork);
    if (!owns(project, network.projectId) && !network.shared) throw policyNotAuthorized('create_port');
    const subnets = settled(foundSubnets);
    const bundle = await this.createPort({
      network,
      subnets,
      projectId: request.projectId,
      name: request.name,
      deviceId: request.deviceId,
      deviceOwner: request.deviceOwner ?? 'compute:nova',
      fixedIps: request.fixedIps,
      securityGroupIds: settled(foundGroups),
    });
    return portRef(bundle, network, new Map(subnets.map((s) => [s.id, s])));
  }

  async bind(request: BindPortRequest): Promise<PortRef> {
    return this.changeBinding(request.portId, (port) => {
      if (request.deviceId !== undefined && port.deviceId !== '' && port.deviceId !== request.deviceId) {
        throw portInUse(port.id, port.networkId, port.deviceId);
      }
      return {
        hostId: request.hostId,
        deviceId: request.deviceId ?? port.deviceId,
        deviceOwner: request.deviceOwner ?? port.deviceOwner,
        profile: (request.profile as JsonObject | undefined) ?? port.bindingProfile,
      };
    });
  }

  async unbind(portId: string, releaseDevice: boolean): Promise<PortRef> {
    return this.changeBinding(portId, (port) => ({
      hostId: '',
      deviceId: releaseDevice ? '' : port.deviceId,
      deviceOwner: releaseDevice ? '' : port.deviceOwner,
      profile: {},
    }));
  }

  /**
   * Binds or unbinds with a compare-and-set on the revision instead of a row lock: read the port,
   * then what its reference needs, then update it only if no one changed it in between (every
   * change of a port, its addresses or its groups bumps the revision). Three round trips and no
   * lock held, where a locking transaction took ten; a lost race reads again.
   */
  private async changeBinding(
    portId: string,
    decide: (port: PortEntity) => {
      hostId: string;
      deviceId: string;
      deviceOwner: string;
      profile: JsonObject;
    },
  ): Promise<PortRef> {
    const manager = this.dataSource.manager;
    for (let attempt = 1; ; attempt++) {
      const current = await manager.findOne(PortEntity, { where: { id: portId } });
      if (!current) throw portNotFound(portId);
      const wanted = decide(current);
      const parts = await this.refParts(current);
      const binding = bindingFor(
        wanted.hostId,
        current.bindingVnicType,
        parts.network,
        this.config.NETWORK_BRIDGE_PREFIX,
      );
      const change = {
        deviceId: wanted.deviceId,
        deviceOwner: wanted.deviceOwner,
        bindingHostId: wanted.hostId,
        bindingProfile: wanted.profile,
        bindingVifType: binding.vifType,
        bindingVifDetails: binding.vifDetails,
        status: portStatus({ ...current, deviceOwner: wanted.deviceOwner, bindingVifType: binding.vifType }),
        revisionNumber: current.revisionNumber + 1,
        updatedAt: nowSeconds(),
      };
      const result = await manager.update(
        PortEntity,
        { id: portId, revisionNumber: current.revisionNumber },
        change,
      );
      if ((result.affected ?? 0) > 0) {
        const next: PortEntity = { ...current, ...change };
        const bundle: PortBundle = { ...parts, port: next, tags: [] };
        await this.publish(
          next.bindingHostId === '' ? 'unbound' : 'bound',
          bundle,
          parts.network,
          parts.subnets,
        );
        // Only the first binding on a network has to reserve anything: the rest just read.
        const dhcp =
          next.bindingHostId === ''
            ? parts.dhcp
            : await this.reserveDhcpAddresses(parts.network, parts.subnets, parts.dhcp);
        return this.refOf(next, { ...parts, dhcp });
      }
      if (attempt >= BINDING_ATTEMPTS) {
        throw conflict(`Port ${portId} kept changing while it was being bound; try again.`, 'PortChanged');
      }
    }
  }

  /** What a port's reference needs besides its row, read side by side. */
  private async refParts(port: PortEntity): Promise<PortRefParts> {
    const manager = this.dataSource.manager;
    const [allocations, groups, network, subnets, dhcp] = await Promise.all([
      manager.find(IpAllocationEntity, { where: { portId: port.id } }),
      manager.find(PortSecurityGroupEntity, { where: { portId: port.id } }),
      manager.findOne(NetworkEntity, { where: { id: port.networkId } }),
      this.subnets.ofNetwork(port.networkId),
      dhcpAddresses(manager, port.networkId),
    ]);
    if (!network) throw networkNotFound(port.networkId);
    return { allocations, securityGroupIds: groups.map((g) => g.securityGroupId), network, subnets, dhcp };
  }

  private refOf(port: PortEntity, parts: PortRefParts): PortRef {
    return portRef(
      { port, allocations: parts.allocations, securityGroupIds: parts.securityGroupIds, tags: [] },
      parts.network,
      new Map(parts.subnets.map((s) => [s.id, s])),
      parts.dhcp,
    );
  }

  /**
   * The DHCP server address of each IPv4 subnet with DHCP, held by one `network:dhcp` port per
   * network, which compute hosts answer DHCP from. It is reserved when a port of the network is
   * first bound to a host, the moment some host has to answer, and it is the first address of the
   * pools as with Neutron's DHCP port, or any free one when a server holds that already. A full
   * pool leaves the subnet without DHCP rather than failing the binding.
   */
  private async reserveDhcpAddresses(
    network: NetworkEntity,
    subnets: SubnetEntity[],
    known: Map<string, string>,
  ): Promise<Map<string, string>> {
    const wanted = subnets.filter(servedByDhcp);
    if (wanted.every((s) => known.has(s.id))) return known;
    const result = await withTransientRetry(() =>
      this.dataSource.transaction(async (manager) => {
        // One reservation per network at a time, so concurrent bindings agree on one DHCP port.
        await findForUpdate(manager, NetworkEntity, network.id);
        const held = await dhcpAddresses(manager, network.id);
        const missing = wanted.filter((s) => !held.has(s.id));
        if (missing.length === 0) return { held, bundle: undefined, change: undefined };
        let port = await manager.findOne(PortEntity, {
          where: { networkId: network.id, deviceOwner: DHCP_OWNER, deviceId: dhcpDeviceId(network.id) },
        });
        const change: PortChange = port ? 'updated' : 'created';
        if (!port) {
          const now = nowSeconds();
          port = {
            id: newId(),
            projectId: network.projectId,
            networkId: network.id,
            name: '',
            description: '',
            macAddress: this.ipam.macs.next(),
            adminStateUp: true,
            status: 'ACTIVE',
            deviceId: dhcpDeviceId(network.id),
            deviceOwner: DHCP_OWNER,
            portSecurityEnabled: false,
            allowedAddressPairs: [],
            bindingHostId: '',
            bindingVifType: 'unbound',
            bindingVifDetails: {},
            bindingVnicType: 'normal',
            bindingProfile: {},
            revisionNumber: 1,
            createdAt: now,
            updatedAt: now,
          };
          await this.insertPort(manager, port, [], false);
        }
        for (const subnet of missing) {
          const address = await this.claimDhcpAddress(manager, network.id, port, subnet);
          if (address) held.set(subnet.id, address);
        }
        const [bundle] = await this.bundles([port], manager);
        return { held, bundle, change };
      }),
    );
    if (result.bundle && result.change) await this.publish(result.change, result.bundle, network, subnets);
    return result.held;
  }

  private async claimDhcpAddress(
    manager: EntityManager,
    networkId: string,
    port: PortEntity,
    subnet: SubnetEntity,
  ): Promise<string | undefined> {
    for (const plan of [firstPoolAddress(subnet), { kind: 'subnet' as const, subnet }]) {
      try {
        const [allocation] = await this.ipam.allocate(manager, networkId, port.id, port.macAddress, [plan]);
        return allocation.ipAddress;
      } catch (error) {
        if (!isAddressTaken(error)) throw error;
      }
    }
    return undefined;
  }
}

interface PortRefParts {
  allocations: IpAllocationEntity[];
  securityGroupIds: string[];
  network: NetworkEntity;
  subnets: SubnetEntity[];
  /** subnet id -> the network's DHCP server address on it. */
  dhcp: Map<string, string>;
}
