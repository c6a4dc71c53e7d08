import type { FixedIpRef, PortRef } from '@stratus/contracts';
import { timestamp } from '../common/ids';
import { parseIp } from '../ipam/ip-address';
import type {
  IpAllocationEntity,
  NetworkEntity,
  PortEntity,
  SubnetEntity,
} from '../persistence/network.entities';

/** A port with everything its views need. */
export interface PortBundle {
  port: PortEntity;
  allocations: IpAllocationEntity[];
  securityGroupIds: string[];
  tags: string[];
}

/** IPv4 before IPv6, then by address, so fixed_ips read the same on every request. */
export function sortAllocations(allocations: IpAllocationEntity[]): IpAllocationEntity[] {
  return [...allocations].sort((a, b) => {
    const x = parseIp(a.ipAddress)!;
    const y = parseIp(b.ipAddress)!;
    if (x.version !== y.version) return x.version - y.version;
    return x.value < y.value ? -1 : x.value > y.value ? 1 : 0;
  });
}

/** Binding details other than the vnic type are for admins only, as in Neutron's policy. */
export function portView({ port: p, allocations, securityGroupIds, tags }: PortBundle, isAdmin: boolean) {
  const view: Record<string, unknown> = {
    id: p.id,
    name: p.name,
    network_id: p.networkId,
    tenant_id: p.projectId,
    project_id: p.projectId,
    mac_address: p.macAddress,
    admin_state_up: p.adminStateUp,
    status: p.status,
    device_id: p.deviceId,
    device_owner: p.deviceOwner,
    fixed_ips: sortAllocations(allocations).map((a) => ({ subnet_id: a.subnetId, ip_address: a.ipAddress })),
    allowed_address_pairs: p.allowedAddressPairs,
    security_groups: [...securityGroupIds].sort(),
    description: p.description,
    port_security_enabled: p.portSecurityEnabled,
    'binding:vnic_type': p.bindingVnicType,
    tags,
    created_at: timestamp(p.createdAt),
    updated_at: timestamp(p.updatedAt),
    revision_number: p.revisionNumber,
  };
  if (isAdmin) {
    view['binding:host_id'] = p.bindingHostId;
    view['binding:profile'] = p.bindingProfile;
    view['binding:vif_type'] = p.bindingVifType;
    view['binding:vif_details'] = p.bindingVifDetails;
  }
  return view;
}

export function portRef(
  bundle: PortBundle,
  network: NetworkEntity,
  subnets: Map<string, SubnetEntity>,
  dhcpServers: Map<string, string> = new Map(),
): PortRef {
  const p = bundle.port;
  const fixedIps: FixedIpRef[] = sortAllocations(bundle.allocations).map((a) => {
    const subnet = subnets.get(a.subnetId);
    return {
      subnetId: a.subnetId,
      ipAddress: a.ipAddress,
      ipVersion: subnet?.ipVersion ?? parseIp(a.ipAddress)!.version,
      cidr: subnet?.cidr ?? '',
      gatewayIp: subnet?.gatewayIp ?? null,
      dnsNameservers: subnet?.dnsNameservers ?? [],
      hostRoutes: subnet?.hostRoutes ?? [],
      enableDhcp: subnet?.enableDhcp ?? false,
      ...(dhcpServers.has(a.subnetId) ? { dhcpServerIp: dhcpServers.get(a.subnetId) } : {}),
    };
  });
  return {
    id: p.id,
    projectId: p.projectId,
    networkId: p.networkId,
    networkName: network.name,
    name: p.name,
    macAddress: p.macAddress,
    fixedIps,
    deviceId: p.deviceId,
    deviceOwner: p.deviceOwner,
    adminStateUp: p.adminStateUp,
    status: p.status,
    securityGroupIds: [...bundle.securityGroupIds].sort(),
    portSecurityEnabled: p.portSecurityEnabled,
    allowedAddressPairs: p.allowedAddressPairs.map((pair) => ({
      ipAddress: pair.ip_address,
      macAddress: pair.mac_address,
    })),
    mtu: network.mtu,
    binding: {
      hostId: p.bindingHostId,
      vifType: p.bindingVifType,
      vifDetails: p.bindingVifDetails,
      vnicType: p.bindingVnicType,
      profile: p.bindingProfile,
    },
  };
}
