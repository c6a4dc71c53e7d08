import { timestamp } from '../common/ids';
import type { FloatingIpEntity } from '../persistence/network.entities';

export function floatingIpView(f: FloatingIpEntity, tags: string[]) {
  return {
    id: f.id,
    tenant_id: f.projectId,
    project_id: f.projectId,
    floating_ip_address: f.floatingIpAddress,
    floating_network_id: f.floatingNetworkId,
    router_id: f.routerId,
    port_id: f.fixedPortId,
    fixed_ip_address: f.fixedIpAddress,
    status: f.status,
    description: f.description,
    tags,
    created_at: timestamp(f.createdAt),
    updated_at: timestamp(f.updatedAt),
    revision_number: f.revisionNumber,
  };
}
