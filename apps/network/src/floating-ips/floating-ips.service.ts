import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { badRequest, conflict, findForUpdate, isUniqueViolation, notFound } from '@stratus/platform';
import { DataSource, SelectQueryBuilder } from 'typeorm';
import { Actor, owns } from '../common/actor';
import { newId, nowSeconds } from '../common/ids';
import { applyFilters, fetchPage, ListRequest, ListSpec, ParamCounter } from '../common/list-query';
import { checkRevision } from '../common/neutron-http';
import { floatingIpNotFound, policyNotAuthorized, portNotFound } from '../common/neutron-errors';
import { targetProject } from '../common/ownership';
import { normaliseIp, parseIp } from '../ipam/ip-address';
import { NetworksService } from '../networks/networks.service';
import { FloatingIpEntity, IpAllocationEntity } from '../persistence/network.entities';
import { PortsService } from '../ports/ports.service';
import { QuotasService } from '../quotas/quotas.service';
import { RoutersService } from '../routers/routers.service';
import { SubnetsService } from '../subnets/subnets.service';
import { TagsService } from '../tags/tags.service';
import type { FloatingIpCreate, FloatingIpUpdate } from './floating-ip.schemas';
import { floatingIpView } from './floating-ip.view';

export const FLOATING_IP_LIST_SPEC: ListSpec = {
  alias: 'f',
  attributes: {
    id: { sql: 'f.id', type: 'string' },
    project_id: { sql: 'f.project_id', type: 'string' },
    floating_ip_address: { sql: 'f.floating_ip_address', type: 'string' },
    floating_network_id: { sql: 'f.floating_network_id', type: 'string' },
    router_id: { sql: "COALESCE(f.router_id, '')", type: 'string' },
    port_id: { sql: "COALESCE(f.fixed_port_id, '')", type: 'string' },
    fixed_ip_address: { sql: "COALESCE(f.fixed_ip_address, '')", type: 'string' },
    status: { sql: 'f.status', type: 'string' },
    description: { sql: 'f.description', type: 'string' },
    revision_number: { sql: 'f.revision_number', type: 'integer' },
    created_at: { sql: 'f.created_at', type: 'string', sortOnly: true },
    updated_at: { sql: 'f.updated_at', type: 'string', sortOnly: true },
  },
  tagged: true,
  notFound: floatingIpNotFound,
};

interface Association {
  fixedPortId: string | null;
  fixedIpAddress: string | null;
  routerId: string | null;
}

const NONE: Association = { fixedPortId: null, fixedIpAddress: null, routerId: null };

const badFloatingIpRequest = (message: string) =>
  badRequest(`Bad floatingip request: ${message}.`, 'BadRequest');

/** Floating IPs: an address on an external network, NATed by a router to a port's fixed address. */
@Injectable()
export class FloatingIpsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly networks: NetworksService,
    private readonly subnets: SubnetsService,
    private readonly ports: PortsService,
    private readonly routers: RoutersService,
    private readonly quotas: QuotasService,
    private readonly tags: TagsService,
  ) {}

  visibleQuery(actor: Actor): SelectQueryBuilder<FloatingIpEntity> {
    const qb = this.dataSource.manager.createQueryBuilder(FloatingIpEntity, 'f');
    if (!actor.isAdmin) qb.where('f.project_id = :actorProject', { actorProject: actor.projectId ?? '' });
    return qb;
  }

  async find(actor: Actor, id: string): Promise<FloatingIpEntity> {
    const floatingIp = await this.visibleQuery(actor).andWhere('f.id = :id', { id }).getOne();
    if (!floatingIp) throw floatingIpNotFound(id);
    return floatingIp;
  }

  async get(actor: Actor, id: string) {
    return floatingIpView(await this.find(actor, id), await this.tags.of(id));
  }

  async list(actor: Actor, request: ListRequest) {
    const qb = this.visibleQuery(actor);
    const params = new ParamCounter();
    applyFilters(qb, request, FLOATING_IP_LIST_SPEC, params);
    const page = await fetchPage(qb, request, FLOATING_IP_LIST_SPEC, params);
    const tags = await this.tags.load(page.rows.map((f) => f.id));
    return { views: page.rows.map((f) => floatingIpView(f, tags.get(f.id) ?? [])), page };
  }

  async create(actor: Actor, input: FloatingIpCreate) {
    const projectId = targetProject(actor, input);
    const network = await this.networks.find(actor, input.floating_network_id);
    if (!network.external)
      throw badFloatingIpRequest(`Network ${network.id} is not a valid external network`);
    if (input.floating_ip_address !== undefined && !actor.isAdmin) {
      throw policyNotAuthorized('create_floatingip:floating_ip_address');
    }
    const subnets = (await this.subnets.ofNetwork(network.id)).filter((s) => s.ipVersion === 4);
    if (!subnets.length) throw badFloatingIpRequest(`Network ${network.id} does not contain any IPv4 subnet`);
    if (input.subnet_id && !subnets.some((s) => s.id === input.subnet_id)) {
      throw badFloatingIpRequest(`Subnet ${input.subnet_id} is not an IPv4 subnet of network ${network.id}`);
    }
    const id = newId();
    const association = input.port_id
      ? await this.associate(actor, network.id, projectId, input.port_id, input.fixed_ip_address ?? undefined)
      : NONE;
    const requested =
      input.subnet_id || input.floating_ip_address !== undefined
        ? [{ subnetId: input.subnet_id ?? undefined, ipAddress: input.floating_ip_address }]
        : undefined;
    const now = nowSeconds();
    let created: FloatingIpEntity | undefined;
    await this.ports.createPort({
      network,
      projectId: '',
      deviceOwner: 'network:floatingip',
      deviceId: id,
      fixedIps: requested,
      ipv4Only: true,
      alongside: async (manager, bundle) => {
        const allocation = bundle.allocations[0];
        await this.quotas.check(manager, projectId, 'floatingip');
        created = {
          id,
          projectId,
          floatingNetworkId: network.id,
          floatingPortId: bundle.port.id,
          floatingSubnetId: allocation.subnetId,
          floatingIpAddress: allocation.ipAddress,
          ...association,
          status: association.fixedPortId ? 'ACTIVE' : 'DOWN',
          description: input.description ?? '',
          revisionNumber: 1,
          createdAt: now,
          updatedAt: now,
        };
        await this.insertOrExplain(() => manager.insert(FloatingIpEntity, created!), created, network.id);
        await this.tags.initial(manager, id, input.tags ?? []);
      },
    });
    return this.get(actor, id);
  }

  private async insertOrExplain(
    write: () => Promise<unknown>,
    floatingIp: FloatingIpEntity,
    networkId: string,
  ) {
    try {
      await write();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw conflict(
        `Cannot associate floating IP ${floatingIp.floatingIpAddress} (${floatingIp.id}) with port ${floatingIp.fixedPortId} using fixed IP ${floatingIp.fixedIpAddress}, as that fixed IP already has a floating IP on external network ${networkId}.`,
        'FloatingIPPortAlreadyAssociated',
      );
    }
  }

  /**
   * Checks that a port of the floating IP's project can be reached from the external network: one of
   * its IPv4 addresses is on a subnet with an interface on a router whose gateway is that network.
   */
  private async associate(
    actor: Actor,
    floatingNetworkId: string,
    projectId: string,
    portId: string,
    fixedIpAddress: string | undefined,
  ): Promise<Association> {
    const port = await this.ports.find(actor, portId);
    if (port.projectId !== projectId && !actor.isAdmin) throw portNotFound(portId);
    if (port.networkId === floatingNetworkId) {
      throw badFloatingIpRequest(`Port ${portId} is on the external network ${floatingNetworkId}`);
    }
    const allocations = (
      await this.dataSource.manager.find(IpAllocationEntity, { where: { portId } })
    ).filter((a) => parseIp(a.ipAddress)?.version === 4);
    let chosen: IpAllocationEntity | undefined;
    if (fixedIpAddress !== undefined) {
      const wanted = normaliseIp(fixedIpAddress);
      chosen = allocations.find((a) => a.ipAddress === wanted);
      if (!chosen) throw badFloatingIpRequest(`Port ${portId} does not have fixed ip ${fixedIpAddress}`);
    } else if (allocations.length === 1) {
      chosen = allocations[0];
    } else if (allocations.length === 0) {
      throw badFloatingIpRequest(
        `Port ${portId} does not have any IPv4 address to associate a floating IP with`,
      );
    } else {
      throw badFloatingIpRequest(
        `Port ${portId} has multiple fixed IPv4 addresses. Must provide a specific IPv4 address when assigning a floating IP`,
      );
    }
    const routerId = await this.routers.routerFor(floatingNetworkId, chosen.subnetId);
    if (!routerId) {
      throw notFound(
        `External network ${floatingNetworkId} is not reachable from subnet ${chosen.subnetId}.  Therefore, cannot associate Port ${portId} with a Floating IP.`,
        'ExternalGatewayForFloatingIPNotFound',
      );
    }
    return { fixedPortId: portId, fixedIpAddress: chosen.ipAddress, routerId };
  }

  async update(actor: Actor, id: string, input: FloatingIpUpdate, ifMatch?: number) {
    const floatingIp = await this.find(actor, id);
    if (!owns(actor, floatingIp.projectId)) throw policyNotAuthorized('update_floatingip');
    let association: Association | undefined;
    if (input.port_id === null) association = NONE;
    else if (input.port_id !== undefined) {
      association = await this.associate(
        actor,
        floatingIp.floatingNetworkId,
        floatingIp.projectId,
        input.port_id,
        input.fixed_ip_address ?? undefined,
      );
    }
    await this.dataSource.transaction(async (manager) => {
      const current = await findForUpdate(manager, FloatingIpEntity, id);
      if (!current) throw floatingIpNotFound(id);
      checkRevision(ifMatch, current.revisionNumber);
      const next: FloatingIpEntity = {
        ...current,
        ...(association ?? {}),
        description: input.description ?? current.description,
        revisionNumber: current.revisionNumber + 1,
        updatedAt: nowSeconds(),
      };
      next.status = next.fixedPortId ? 'ACTIVE' : 'DOWN';
      await this.insertOrExplain(() => manager.save(FloatingIpEntity, next), next, current.floatingNetworkId);
    });
    return this.get(actor, id);
  }

  /** Releases the address: the floating IP and its port on the external network go together. */
  async delete(actor: Actor, id: string): Promise<void> {
    const floatingIp = await this.find(actor, id);
    if (!owns(actor, floatingIp.projectId)) throw policyNotAuthorized('delete_floatingip');
    await this.ports.deletePort(floatingIp.floatingPortId, async (manager) => {
      await this.tags.removeAll(manager, id);
      await manager.delete(FloatingIpEntity, { id });
    });
  }
}
