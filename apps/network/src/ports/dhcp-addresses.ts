import { DomainError } from '@stratus/platform';
import type { EntityManager } from 'typeorm';
import type { PlannedAddress } from '../ipam/ipam.service';
import type { SubnetEntity } from '../persistence/network.entities';
import { poolsToRanges } from '../subnets/subnet-rules';

export const DHCP_OWNER = 'network:dhcp';

/**
 * The device id of the port holding a network's DHCP addresses. Neutron's DHCP agent names its
 * port `dhcp<host id>-<network id>`; every compute host serves DHCP here, so no host is named.
 */
export function dhcpDeviceId(networkId: string): string {
  return `dhcp-${networkId}`;
}

/** Subnets compute hosts answer DHCP on: IPv4 with DHCP enabled and addresses to give. */
export function servedByDhcp(subnet: SubnetEntity): boolean {
  return subnet.ipVersion === 4 && subnet.enableDhcp && subnet.allocationPools.length > 0;
}

/** The first address of a subnet's pools, which Neutron's DHCP port usually gets. */
export function firstPoolAddress(subnet: SubnetEntity): PlannedAddress {
  const first = poolsToRanges(subnet.allocationPools).reduce((low, range) =>
    range.first < low.first ? range : low,
  );
  return { kind: 'requested', subnet, value: first.first };
}

/** An address taken by a server already, or a pool with nothing left: the caller tries another way. */
export function isAddressTaken(error: unknown): boolean {
  return (
    error instanceof DomainError &&
    (error.type === 'IpAddressAlreadyAllocated' || error.type === 'IpAddressGenerationFailure')
  );
}

/** subnet id -> the DHCP server address on it, for one network. */
export async function dhcpAddresses(manager: EntityManager, networkId: string): Promise<Map<string, string>> {
  const rows: { subnet_id: string; ip_address: string }[] = await manager.query(
    'SELECT a.subnet_id, a.ip_address FROM ip_allocation a JOIN port p ON p.id = a.port_id WHERE p.network_id = ? AND p.device_owner = ? AND p.device_id = ?',
    [networkId, DHCP_OWNER, dhcpDeviceId(networkId)],
  );
  return new Map(rows.map((row) => [row.subnet_id, row.ip_address]));
}
