import { timestamp } from '../common/ids';
import type { SubnetEntity } from '../persistence/network.entities';

export function subnetView(s: SubnetEntity, tags: string[]) {
  return {
    id: s.id,
    name: s.name,
    tenant_id: s.projectId,
    project_id: s.projectId,
    network_id: s.networkId,
    ip_version: s.ipVersion,
    subnetpool_id: null,
    enable_dhcp: s.enableDhcp,
    ipv6_ra_mode: s.ipv6RaMode,
    ipv6_address_mode: s.ipv6AddressMode,
    gateway_ip: s.gatewayIp,
    cidr: s.cidr,
    allocation_pools: s.allocationPools,
    host_routes: s.hostRoutes,
    dns_nameservers: s.dnsNameservers,
    description: s.description,
    service_types: [],
    segment_id: null,
    tags,
    created_at: timestamp(s.createdAt),
    updated_at: timestamp(s.updatedAt),
    revision_number: s.revisionNumber,
  };
}
