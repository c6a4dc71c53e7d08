import { timestamp } from '../common/ids';
import type { IpAllocationEntity, RouterEntity } from '../persistence/network.entities';
import { sortAllocations } from '../ports/port.view';

export function routerView(
  r: RouterEntity,
  gatewayAllocations: IpAllocationEntity[],
  tags: string[],
  isAdmin: boolean,
) {
  const view: Record<string, unknown> = {
    id: r.id,
    name: r.name,
    tenant_id: r.projectId,
    project_id: r.projectId,
    admin_state_up: r.adminStateUp,
    status: r.status,
    external_gateway_info:
      r.gatewayNetworkId === null
        ? null
        : {
            network_id: r.gatewayNetworkId,
            enable_snat: r.enableSnat,
            external_fixed_ips: sortAllocations(gatewayAllocations).map((a) => ({
              subnet_id: a.subnetId,
              ip_address: a.ipAddress,
            })),
          },
    description: r.description,
    routes: r.routes,
    availability_zone_hints: r.availabilityZoneHints,
    availability_zones: [],
    tags,
    created_at: timestamp(r.createdAt),
    updated_at: timestamp(r.updatedAt),
    revision_number: r.revisionNumber,
  };
  if (isAdmin) {
    view.distributed = false;
    view.ha = false;
  }
  return view;
}
