import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { Auth, AuthContext, notFound } from '@stratus/platform';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';
import { computePolicy } from '../common/compute-policy';
import type { Microversion } from '../common/microversion';
import { queryFlag } from '../common/nova-input';
import { ApiVersion } from '../common/nova-request';
import { callService } from '../common/service-http';

interface NeutronRule {
  id: string;
  direction: string;
  ethertype: string;
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
}

interface NeutronGroup {
  id: string;
  name: string;
  description: string;
  project_id?: string;
  tenant_id?: string;
  security_group_rules?: NeutronRule[];
}

/** Nova's view of a Neutron group: ingress rules only, ports and ranges in its old names. */
function novaGroup(group: NeutronGroup, names: Map<string, NeutronGroup>) {
  const tenant = group.project_id ?? group.tenant_id ?? '';
  return {
    id: group.id,
    name: group.name,
    description: group.description,
    tenant_id: tenant,
    rules: (group.security_group_rules ?? [])
      .filter((r) => r.direction === 'ingress')
      .map((r) => {
        const remote = r.remote_group_id ? names.get(r.remote_group_id) : undefined;
        return {
          id: r.id,
          parent_group_id: group.id,
          ip_protocol: r.protocol,
          from_port: r.port_range_min ?? (r.protocol ? -1 : null),
          to_port: r.port_range_max ?? (r.protocol ? -1 : null),
          group: remote ? { name: remote.name, tenant_id: remote.project_id ?? remote.tenant_id } : {},
          ip_range: r.remote_group_id
            ? {}
            : { cidr: r.remote_ip_prefix ?? (r.ethertype === 'IPv6' ? '::/0' : '0.0.0.0/0') },
        };
      }),
  };
}

/**
 * The deprecated os-security-groups proxy (gone from 2.36), read-only: openstackclient still looks
 * groups up through it for `server add security group`.
 */
@Controller('v2.1/os-security-groups')
export class SecurityGroupsProxyController {
  constructor(@Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig) {}

  @Get()
  async list(
    @Auth() auth: AuthContext,
    @Query() query: Record<string, unknown>,
    @ApiVersion() version: Microversion,
  ) {
    const projectId = this.requireProxy(auth, version);
    const groups = await this.groups(auth);
    const names = new Map(groups.map((g) => [g.id, g]));
    const all = auth.isAdmin && queryFlag(query.all_tenants);
    return {
      security_groups: groups
        .filter((g) => all || (g.project_id ?? g.tenant_id) === projectId)
        .map((g) => novaGroup(g, names)),
    };
  }

  @Get(':id')
  async show(@Auth() auth: AuthContext, @Param('id') id: string, @ApiVersion() version: Microversion) {
    this.requireProxy(auth, version);
    const groups = await this.groups(auth);
    const group = groups.find((g) => g.id === id);
    if (!group) throw notFound(`Security group ${id} not found.`, 'SecurityGroupNotFound');
    return { security_group: novaGroup(group, new Map(groups.map((g) => [g.id, g]))) };
  }

  private requireProxy(auth: AuthContext, version: Microversion): string {
    const projectId = computePolicy.reader(auth, 'os_compute_api:os-security-groups:list');
    if (version.atLeast('2.36')) throw notFound('The resource could not be found.');
    return projectId;
  }

  private async groups(auth: AuthContext): Promise<NeutronGroup[]> {
    const body = (await callService('network', this.config.COMPUTE_NETWORK_URL, {
      method: 'GET',
      path: '/v2.0/security-groups',
      token: auth.token,
      timeoutMs: this.config.NATS_REQUEST_TIMEOUT_MS,
    })) as { security_groups: NeutronGroup[] };
    return body.security_groups;
  }
}
