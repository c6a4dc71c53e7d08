import type { NetworkRef } from '@stratus/contracts';
import { timestamp } from '../common/ids';
import type { NetworkEntity } from '../persistence/network.entities';

/** A network as Neutron shows it; provider attributes only to admins, as Neutron's policy has it. */
export function networkView(n: NetworkEntity, subnetIds: string[], tags: string[], isAdmin: boolean) {
  const view: Record<string, unknown> = {
    id: n.id,
    name: n.name,
    tenant_id: n.projectId,
    project_id: n.projectId,
    admin_state_up: n.adminStateUp,
    mtu: n.mtu,
    status: n.status,
    subnets: subnetIds,
    shared: n.shared,
    availability_zone_hints: n.availabilityZoneHints,
    availability_zones: [],
    ipv4_address_scope: null,
    ipv6_address_scope: null,
    'router:external': n.external,
    description: n.description,
    port_security_enabled: n.portSecurityEnabled,
    tags,
    created_at: timestamp(n.createdAt),
    updated_at: timestamp(n.updatedAt),
    revision_number: n.revisionNumber,
  };
  if (isAdmin) {
    view['provider:network_type'] = n.networkType;
    view['provider:physical_network'] = n.physicalNetwork;
    view['provider:segmentation_id'] = n.segmentationId;
  }
  return view;
}

export function networkRef(n: NetworkEntity, subnetIds: string[]): NetworkRef {
  return {
    id: n.id,
    projectId: n.projectId,
    name: n.name,
    adminStateUp: n.adminStateUp,
    status: n.status,
    shared: n.shared,
    external: n.external,
    mtu: n.mtu,
    portSecurityEnabled: n.portSecurityEnabled,
    networkType: n.networkType,
    physicalNetwork: n.physicalNetwork,
    segmentationId: n.segmentationId,
    subnetIds,
  };
}
