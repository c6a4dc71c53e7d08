import { timestamp } from '../common/ids';
import type { SecurityGroupEntity, SecurityGroupRuleEntity } from '../persistence/network.entities';
import { formatCidr, parseCidr } from '../ipam/ip-address';

export function ruleView(r: SecurityGroupRuleEntity) {
  const parsed = r.remoteIpPrefix === null ? undefined : parseCidr(r.remoteIpPrefix);
  return {
    id: r.id,
    tenant_id: r.projectId,
    project_id: r.projectId,
    security_group_id: r.securityGroupId,
    direction: r.direction,
    ethertype: r.ethertype,
    protocol: r.protocol,
    port_range_min: r.portRangeMin,
    port_range_max: r.portRangeMax,
    remote_ip_prefix: r.remoteIpPrefix,
    remote_group_id: r.remoteGroupId,
    remote_address_group_id: null,
    normalized_cidr: parsed ? formatCidr(parsed.cidr) : null,
    description: r.description,
    created_at: timestamp(r.createdAt),
    updated_at: timestamp(r.updatedAt),
    revision_number: r.revisionNumber,
  };
}

export function securityGroupView(g: SecurityGroupEntity, rules: SecurityGroupRuleEntity[], tags: string[]) {
  return {
    id: g.id,
    name: g.name,
    tenant_id: g.projectId,
    project_id: g.projectId,
    description: g.description,
    stateful: g.stateful,
    shared: false,
    security_group_rules: rules.map(ruleView),
    tags,
    created_at: timestamp(g.createdAt),
    updated_at: timestamp(g.updatedAt),
    revision_number: g.revisionNumber,
  };
}
