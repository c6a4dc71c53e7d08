import { Inject, Injectable } from '@nestjs/common';
import { badRequest, isForeignKeyViolation, isUniqueViolation, MetricsRegistry } from '@stratus/platform';
import type { Counter } from 'prom-client';
import type { EntityManager } from 'typeorm';
import type { NetworkConfig } from '../config/network-config';
import {
  invalidIpForNetwork,
  invalidIpForSubnet,
  ipAddressAlreadyAllocated,
  ipAddressGenerationFailure,
  ipAddressInUse,
  subnetNotFound,
} from '../common/neutron-errors';
import { NETWORK_CONFIG } from '../network.tokens';
import { IpAllocationEntity, SubnetEntity } from '../persistence/network.entities';
import { isAutoAddressMode, parseSubnetCidr, poolsToRanges } from '../subnets/subnet-rules';
import { pickFreeAddress } from './address-picker';
import { BITS, Cidr, cidrContains, cidrLast, eui64Address, formatIp, IpRange, parseIp } from './ip-address';
import { MacGenerator } from './mac-address';

/** One address a port will get. */
export type PlannedAddress =
  /** The address the client asked for. */
  | { kind: 'requested'; subnet: SubnetEntity; value: bigint }
  /** Any free address of this subnet (its EUI-64 one on SLAAC subnets). */
  | { kind: 'subnet'; subnet: SubnetEntity }
  /** Any free address of the first of these subnets that has one (one family's default). */
  | { kind: 'any'; subnets: SubnetEntity[] };

export interface AddressRequest {
  subnetId?: string;
  ipAddress?: string;
}

/** Random guesses tried before reading which addresses of a subnet are taken. */
const BLIND_GUESSES = 3;
/** Collisions tolerated for one address before giving up (only other allocators winning every race). */
const MAX_COLLISIONS = 64;

export function isAutoAddressSubnet(subnet: SubnetEntity): boolean {
  return isAutoAddressMode(subnet.ipv6AddressMode) || isAutoAddressMode(subnet.ipv6RaMode);
}

/** Router interfaces may hold a subnet's gateway address, and get no SLAAC address of their own. */
function isRouterPort(deviceOwner: string): boolean {
  return (
    deviceOwner.startsWith('network:router_interface') ||
    deviceOwner === 'network:ha_router_replicated_interface'
  );
}

/**
 * IP address management. Every address is claimed by inserting an ip_allocation row whose primary
 * key is (subnet, address): whichever replica inserts first owns it, and the loser picks again.
 * No lock is held in process memory, so any number of replicas can allocate at once.
 */
@Injectable()
export class IpamService {
  readonly macs: MacGenerator;
  private readonly collisions: Counter<'kind'>;

  constructor(@Inject(NETWORK_CONFIG) config: NetworkConfig, metrics: MetricsRegistry) {
    this.macs = new MacGenerator(config.NETWORK_BASE_MAC);
    this.collisions = metrics.counter(
      'stratus_ipam_collisions_total',
      'Address claims the unique index refused because the address was taken; each cost another try',
      ['kind'],
    );
  }

  /**
   * Turns a port's fixed_ips request into planned addresses, validating requested ones against the
   * network's subnets. No request means Neutron's default: one IPv4 address and one stateful IPv6
   * address; either way every SLAAC subnet adds its address.
   */
  plan(
    networkId: string,
    subnets: SubnetEntity[],
    requests: AddressRequest[] | undefined,
    options: { deviceOwner: string; ipv4Only?: boolean },
  ): PlannedAddress[] {
    const requested =
      requests === undefined
        ? this.defaultPlan(subnets, options.ipv4Only ?? false)
        : this.requestedPlan(networkId, subnets, requests, options);
    if (options.ipv4Only || isRouterPort(options.deviceOwner)) return requested;
    // Neutron gives every port an address on each SLAAC subnet, whatever else it asked for.
    const covered = new Set(requested.flatMap((p) => (p.kind === 'any' ? [] : [p.subnet.id])));
    const automatic = subnets.filter((s) => isAutoAddressSubnet(s) && !covered.has(s.id));
    return [...requested, ...automatic.map((subnet): PlannedAddress => ({ kind: 'subnet', subnet }))];
  }

  /** The addresses of an update's fixed_ips entries, without the automatic ones. */
  planRequested(
    networkId: string,
    subnets: SubnetEntity[],
    requests: AddressRequest[],
    options: { deviceOwner: string },
  ): PlannedAddress[] {
    return this.requestedPlan(networkId, subnets, requests, options);
  }

  private requestedPlan(
    networkId: string,
    subnets: SubnetEntity[],
    requests: AddressRequest[],
    options: { deviceOwner: string; ipv4Only?: boolean },
  ): PlannedAddress[] {
    const seen = new Set<string>();
    return requests.map((request): PlannedAddress => {
      const subnet = this.subnetFor(networkId, subnets, request);
      if (request.ipAddress === undefined) return { kind: 'subnet', subnet };
      const cidr = parseSubnetCidr(subnet.cidr);
      const ip = parseIp(request.ipAddress);
      if (!ip || !cidrContains(cidr, ip)) throw invalidIpForSubnet(request.ipAddress);
      const isBroadcast = cidr.version === 4 && cidr.prefix < 31 && ip.value === cidrLast(cidr);
      const isNetwork = cidr.prefix < BITS[cidr.version] - 1 && ip.value === cidr.network;
      if (isBroadcast || (isNetwork && cidr.version === 4)) throw invalidIpForSubnet(request.ipAddress);
      if (isAutoAddressSubnet(subnet)) {
        throw badRequest(
          `IPv6 address ${request.ipAddress} cannot be directly assigned to a port on subnet ${subnet.id} since the subnet is configured for automatic addresses`,
          'InvalidInput',
        );
      }
      const text = formatIp(ip);
      if (text === subnet.gatewayIp && !isRouterPort(options.deviceOwner))
        throw ipAddressInUse(networkId, text);
      const key = `${subnet.id}/${text}`;
      if (seen.has(key)) throw badRequest(`Duplicate IP address '${text}'`, 'InvalidInput');
      seen.add(key);
      if (options.ipv4Only && cidr.version !== 4) throw invalidIpForNetwork(request.ipAddress);
      return { kind: 'requested', subnet, value: ip.value };
    });
  }

  private defaultPlan(subnets: SubnetEntity[], ipv4Only: boolean): PlannedAddress[] {
    const v4 = subnets.filter((s) => s.ipVersion === 4);
    const v6Stateful = subnets.filter((s) => s.ipVersion === 6 && !isAutoAddressSubnet(s));
    const plan: PlannedAddress[] = [];
    if (v4.length) plan.push({ kind: 'any', subnets: v4 });
    if (v6Stateful.length && !ipv4Only) plan.push({ kind: 'any', subnets: v6Stateful });
    return plan;
  }

  private subnetFor(networkId: string, subnets: SubnetEntity[], request: AddressRequest): SubnetEntity {
    if (request.subnetId !== undefined) {
      const subnet = subnets.find((s) => s.id === request.subnetId);
      if (!subnet) {
        throw badRequest(
          `Invalid input for operation: Failed to create port on network ${networkId}, because fixed_ips included invalid subnet ${request.subnetId}.`,
          'InvalidInput',
        );
      }
      return subnet;
    }
    if (request.ipAddress === undefined) {
      throw badRequest('Invalid input for fixed_ips. Reason: each entry needs a subnet_id or an ip_address.');
    }
    const ip = parseIp(request.ipAddress);
    const subnet = ip && subnets.find((s) => cidrContains(parseSubnetCidr(s.cidr), ip));
    if (!subnet) throw invalidIpForNetwork(request.ipAddress);
    return subnet;
  }

  /**
   * Claims the planned addresses for a port inside the caller's transaction (the port row must
   * already be there). Throws IpAddressGenerationFailure when a pool is exhausted and
   * IpAddressAlreadyAllocated when a requested address is taken.
   */
  async allocate(
    manager: EntityManager,
    networkId: string,
    portId: string,
    mac: string,
    plan: PlannedAddress[],
  ): Promise<IpAllocationEntity[]> {
    const claimed: IpAllocationEntity[] = [];
    for (const item of plan) {
      if (item.kind === 'requested') {
        claimed.push(await this.claimRequested(manager, networkId, portId, item.subnet, item.value));
        continue;
      }
      const candidates = item.kind === 'subnet' ? [item.subnet] : item.subnets;
      let allocation: IpAllocationEntity | undefined;
      for (const subnet of candidates) {
        allocation = isAutoAddressSubnet(subnet)
          ? await this.claimRequested(
              manager,
              networkId,
              portId,
              subnet,
              eui64Address(parseSubnetCidr(subnet.cidr), mac).value,
            )
          : await this.claimFromPools(manager, networkId, portId, subnet, claimed);
        if (allocation) break;
      }
      if (!allocation) throw ipAddressGenerationFailure(networkId);
      claimed.push(allocation);
    }
    return claimed;
  }

  private async claimRequested(
    manager: EntityManager,
    networkId: string,
    portId: string,
    subnet: SubnetEntity,
    value: bigint,
  ): Promise<IpAllocationEntity> {
    const row = this.row(networkId, portId, subnet, value);
    const outcome = await this.tryInsert(manager, row);
    if (outcome === 'taken') throw ipAddressAlreadyAllocated(row.ipAddress, subnet.id);
    return row;
  }

  /**
   * Guesses blindly first (in a sparse pool the first guess almost always wins, without reading
   * anything), then reads the subnet's taken addresses and picks among the free ones at random,
   * so concurrent allocators spread out instead of all racing for the lowest free address.
   */
  private async claimFromPools(
    manager: EntityManager,
    networkId: string,
    portId: string,
    subnet: SubnetEntity,
    claimed: IpAllocationEntity[],
  ): Promise<IpAllocationEntity | undefined> {
    const cidr = parseSubnetCidr(subnet.cidr);
    const pools = poolsToRanges(subnet.allocationPools);
    if (pools.length === 0) return undefined;
    const mine = new Set(
      claimed.filter((a) => a.subnetId === subnet.id).map((a) => parseIp(a.ipAddress)!.value),
    );
    let used: Set<bigint> | undefined;
    for (let attempt = 0; attempt < MAX_COLLISIONS; attempt++) {
      let candidate: bigint | undefined;
      if (attempt < BLIND_GUESSES && used === undefined) {
        candidate = randomAddress(pools);
        if (mine.has(candidate)) continue;
      } else {
        used ??= await this.usedAddresses(manager, subnet.id, cidr, mine);
        candidate = pickFreeAddress(pools, used);
        if (candidate === undefined) return undefined;
      }
      const row = this.row(networkId, portId, subnet, candidate);
      if ((await this.tryInsert(manager, row)) === 'claimed') return row;
      this.collisions.inc({ kind: used === undefined ? 'guess' : 'pick' });
      used?.add(candidate);
    }
    throw ipAddressGenerationFailure(networkId);
  }

  private async usedAddresses(
    manager: EntityManager,
    subnetId: string,
    cidr: Cidr,
    mine: Set<bigint>,
  ): Promise<Set<bigint>> {
    const rows = await manager.find(IpAllocationEntity, { select: { ipAddress: true }, where: { subnetId } });
    const used = new Set(mine);
    for (const row of rows) {
      const ip = parseIp(row.ipAddress);
      if (ip && ip.version === cidr.version) used.add(ip.value);
    }
    return used;
  }

  private row(networkId: string, portId: string, subnet: SubnetEntity, value: bigint): IpAllocationEntity {
    return {
      subnetId: subnet.id,
      ipAddress: formatIp({ version: subnet.ipVersion, value }),
      portId,
      networkId,
    };
  }

  /**
   * A failed INSERT on a duplicate key undoes only that statement in MySQL and SQLite, so the
   * transaction goes on and the caller simply tries another address.
   */
  private async tryInsert(manager: EntityManager, row: IpAllocationEntity): Promise<'claimed' | 'taken'> {
    try {
      // Plain SQL: this statement runs for every address, and all its values are strings.
      await manager.query(
        'INSERT INTO ip_allocation (subnet_id, ip_address, port_id, network_id) VALUES (?, ?, ?, ?)',
        [row.subnetId, row.ipAddress, row.portId, row.networkId],
      );
      return 'claimed';
    } catch (error) {
      if (isUniqueViolation(error)) return 'taken';
      if (isForeignKeyViolation(error)) throw subnetNotFound(row.subnetId);
      throw error;
    }
  }
}

const NOTHING_TAKEN: ReadonlySet<bigint> = new Set();

/** Any address of non-empty pools, uniformly. */
function randomAddress(pools: IpRange[]): bigint {
  return pickFreeAddress(pools, NOTHING_TAKEN)!;
}
