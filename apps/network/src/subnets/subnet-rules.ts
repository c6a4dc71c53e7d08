import { badRequest, conflict } from '@stratus/platform';
import { invalidInput } from '../common/neutron-errors';
import {
  BITS,
  Cidr,
  cidrFirst,
  cidrLast,
  formatCidr,
  formatIp,
  IpRange,
  IpVersion,
  parseCidr,
  parseIp,
} from '../ipam/ip-address';
import type { AllocationPool, HostRoute } from '../persistence/network.entities';

export const IPV6_MODES = ['slaac', 'dhcpv6-stateful', 'dhcpv6-stateless'] as const;
export const MAX_DNS_NAMESERVERS = 5;
export const MAX_HOST_ROUTES = 20;

/** Parses a subnet CIDR as Neutron's validate_subnet does: a network address with its prefix. */
export function parseSubnetCidr(text: string, field = 'cidr'): Cidr {
  const parsed = parseCidr(text);
  if (!parsed || !text.includes('/')) {
    throw badRequest(`Invalid input for ${field}. Reason: '${text}' is not a valid IP subnet.`);
  }
  if (parsed.hostBitsSet) {
    throw badRequest(
      `Invalid input for ${field}. Reason: '${text}' isn't a recognized IP subnet cidr, '${formatCidr(parsed.cidr)}' is recommended.`,
    );
  }
  return parsed.cidr;
}

function parseAddress(text: string, field: string): { version: IpVersion; value: bigint } {
  const ip = parseIp(text);
  if (!ip) throw badRequest(`Invalid input for ${field}. Reason: '${text}' is not a valid IP address.`);
  return ip;
}

export function poolText(range: IpRange): string {
  return `${formatIp({ version: range.version, value: range.first })}-${formatIp({ version: range.version, value: range.last })}`;
}

export function poolsToRanges(pools: readonly AllocationPool[]): IpRange[] {
  return pools.map((pool) => {
    const start = parseIp(pool.start)!;
    return { version: start.version, first: start.value, last: parseIp(pool.end)!.value };
  });
}

/** Addresses a pool may hold: not the network address, nor the IPv4 broadcast address. */
function usableBounds(cidr: Cidr): { first: bigint; last: bigint } {
  return { first: cidrFirst(cidr) + 1n, last: cidrLast(cidr) - (cidr.version === 4 ? 1n : 0n) };
}

/** Neutron's generate_pools: everything usable but the gateway, split around it. */
export function defaultPools(cidr: Cidr, gateway: bigint | null): IpRange[] {
  if (cidr.prefix === BITS[cidr.version])
    return [{ version: cidr.version, first: cidr.network, last: cidr.network }];
  const { first, last } = usableBounds(cidr);
  if (first >= last) return [];
  if (gateway === null || gateway < first || gateway > last) return [{ version: cidr.version, first, last }];
  const pools: IpRange[] = [];
  if (gateway > first) pools.push({ version: cidr.version, first, last: gateway - 1n });
  if (gateway < last) pools.push({ version: cidr.version, first: gateway + 1n, last });
  return pools;
}

/** Validates explicit pools: inside the subnet, well-formed, not overlapping, clear of the gateway. */
export function validatePools(
  cidr: Cidr,
  pools: readonly AllocationPool[],
  gateway: bigint | null,
): IpRange[] {
  const ranges = pools.map((pool) => {
    const start = parseAddress(pool.start, 'allocation_pools');
    const end = parseAddress(pool.end, 'allocation_pools');
    const range: IpRange = { version: start.version, first: start.value, last: end.value };
    const text = `${pool.start}-${pool.end}`;
    if (start.version !== cidr.version || end.version !== cidr.version || end.value < start.value) {
      throw badRequest(`The allocation pool ${text} is not valid.`, 'InvalidAllocationPool');
    }
    const { first, last } =
      cidr.prefix === BITS[cidr.version] ? { first: cidr.network, last: cidr.network } : usableBounds(cidr);
    if (start.value < first || end.value > last) {
      throw badRequest(
        `The allocation pool ${text} spans beyond the subnet cidr ${formatCidr(cidr)}.`,
        'OutOfBoundsAllocationPool',
      );
    }
    return range;
  });
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].first <= sorted[i - 1].last) {
      throw conflict(
        `Found overlapping allocation pools: ${poolText(sorted[i - 1])} ${poolText(sorted[i])} for subnet ${formatCidr(cidr)}.`,
        'OverlappingAllocationPools',
      );
    }
  }
  if (gateway !== null) {
    const holder = ranges.find((r) => gateway >= r.first && gateway <= r.last);
    if (holder) {
      throw conflict(
        `Gateway ip ${formatIp({ version: cidr.version, value: gateway })} conflicts with allocation pool ${poolText(holder)}.`,
        'GatewayConflictWithAllocationPools',
      );
    }
  }
  return ranges;
}

/** The gateway: the first host address by default, none when null, or a valid address of the subnet's family. */
export function resolveGateway(cidr: Cidr, requested: string | null | undefined): bigint | null {
  if (requested === null) return null;
  if (requested === undefined) {
    return cidr.prefix >= BITS[cidr.version] - 1 ? null : cidrFirst(cidr) + 1n;
  }
  const ip = parseAddress(requested, 'gateway_ip');
  if (ip.version !== cidr.version) {
    throw invalidInput(`gateway_ip ${requested} does not match the ip_version ${cidr.version}`);
  }
  const invalidInSubnet =
    ip.value === cidr.network || (cidr.version === 4 && ip.value === cidrLast(cidr) && cidr.prefix < 31);
  if (invalidInSubnet) throw invalidInput(`Gateway is not valid on subnet`);
  return ip.value;
}

export function validateNameservers(servers: readonly string[]): string[] {
  if (servers.length > MAX_DNS_NAMESERVERS) {
    throw badRequest(
      `The number of DNS nameservers exceeds the limit ${MAX_DNS_NAMESERVERS}.`,
      'DNSNameServersExhausted',
    );
  }
  const seen = new Set<string>();
  return servers.map((server) => {
    const canonical = formatIp(parseAddress(server, 'dns_nameservers'));
    if (seen.has(canonical))
      throw badRequest(`Invalid input for dns_nameservers. Reason: Duplicate nameserver '${server}'.`);
    seen.add(canonical);
    return canonical;
  });
}

export function validateHostRoutes(version: IpVersion, routes: readonly HostRoute[]): HostRoute[] {
  if (routes.length > MAX_HOST_ROUTES) {
    throw badRequest(
      `The number of host routes exceeds the limit ${MAX_HOST_ROUTES}.`,
      'HostRoutesExhausted',
    );
  }
  const seen = new Set<string>();
  return routes.map((route) => {
    const destination = parseSubnetCidr(route.destination, 'host_routes');
    const nexthop = parseAddress(route.nexthop, 'host_routes');
    if (destination.version !== version || nexthop.version !== version) {
      throw invalidInput(
        `host_routes ${route.destination} via ${route.nexthop} does not match the ip_version ${version}`,
      );
    }
    const canonical = { destination: formatCidr(destination), nexthop: formatIp(nexthop) };
    const key = `${canonical.destination} ${canonical.nexthop}`;
    if (seen.has(key))
      throw badRequest(`Invalid input for host_routes. Reason: Duplicate hostroute '${key}'.`);
    seen.add(key);
    return canonical;
  });
}

export interface Ipv6Modes {
  raMode: string | null;
  addressMode: string | null;
}

export function validateIpv6Modes(
  cidr: Cidr,
  raMode?: string | null,
  addressMode?: string | null,
): Ipv6Modes {
  const ra = raMode ?? null;
  const address = addressMode ?? null;
  if (cidr.version === 4 && (ra !== null || address !== null)) {
    throw invalidInput(
      'ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False or ip_version is 4',
    );
  }
  if (ra !== null && address !== null && ra !== address) {
    throw invalidInput(
      `ipv6_ra_mode set to '${ra}' with ipv6_address_mode set to '${address}' is not valid. If both attributes are set, they must be the same value`,
    );
  }
  if (isAutoAddressMode(address ?? ra) && cidr.prefix !== 64) {
    throw invalidInput(
      `Invalid CIDR ${formatCidr(cidr)} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64`,
    );
  }
  return { raMode: ra, addressMode: address };
}

/** SLAAC and DHCPv6-stateless subnets give each port its EUI-64 address instead of one from a pool. */
export function isAutoAddressMode(mode: string | null): boolean {
  return mode === 'slaac' || mode === 'dhcpv6-stateless';
}
