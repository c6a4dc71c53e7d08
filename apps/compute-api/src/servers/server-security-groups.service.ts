import { Inject, Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound } from '@stratus/platform';
import { callService } from '../common/service-http';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';
import type { InstanceEntity } from './instance.entity';
import { InstanceStore } from './instance.store';

interface SecurityGroup {
  id: string;
  name: string;
}

/**
 * addSecurityGroup and removeSecurityGroup change the security groups of every port of the server,
 * through the network API with the server owner's view, as Nova's Neutron driver does.
 */
@Injectable()
export class ServerSecurityGroupsService {
  constructor(
    private readonly store: InstanceStore,
    @Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig,
  ) {}

  async add(instance: InstanceEntity, nameOrId: string, token: string): Promise<void> {
    const group = await this.find(instance, nameOrId, token);
    const ports = await this.ports(instance, token);
    if (ports.length > 0 && ports.every((p) => p.groups.includes(group.id))) {
      throw badRequest(`Security group ${nameOrId} is already associated with the instance ${instance.uuid}`);
    }
    for (const port of ports) {
      if (!port.groups.includes(group.id)) await this.setGroups(port.id, [...port.groups, group.id], token);
    }
    instance.securityGroups = [...new Set([...instance.securityGroups, group.name])];
    await this.store.save(instance);
  }

  async remove(instance: InstanceEntity, nameOrId: string, token: string): Promise<void> {
    const group = await this.find(instance, nameOrId, token);
    const ports = await this.ports(instance, token);
    const holding = ports.filter((p) => p.groups.includes(group.id));
    if (holding.length === 0 && !instance.securityGroups.includes(group.name)) {
      throw badRequest(`Security group ${nameOrId} not associated with the instance ${instance.uuid}`);
    }
    for (const port of holding)
      await this.setGroups(
        port.id,
        port.groups.filter((g) => g !== group.id),
        token,
      );
    instance.securityGroups = instance.securityGroups.filter((name) => name !== group.name);
    await this.store.save(instance);
  }

  private async find(instance: InstanceEntity, nameOrId: string, token: string): Promise<SecurityGroup> {
    const { security_groups: groups } = (await this.call('GET', '/v2.0/security-groups', token)) as {
      security_groups: (SecurityGroup & { project_id?: string; tenant_id?: string })[];
    };
    const owned = groups.filter((g) => (g.project_id ?? g.tenant_id) === instance.projectId);
    const byId = owned.find((g) => g.id === nameOrId);
    if (byId) return byId;
    const byName = owned.filter((g) => g.name === nameOrId);
    if (byName.length > 1) {
      throw conflict(`Multiple security groups found matching '${nameOrId}'. Use an ID to be more specific.`);
    }
    if (byName.length === 0) {
      throw notFound(`Security group ${nameOrId} not found for project ${instance.projectId}.`);
    }
    return byName[0];
  }

  private async ports(instance: InstanceEntity, token: string): Promise<{ id: string; groups: string[] }[]> {
    const ports = [];
    for (const vif of instance.vifs) {
      const { port } = (await this.call('GET', `/v2.0/ports/${vif.portId}`, token)) as {
        port: { id: string; security_groups: string[] };
      };
      ports.push({ id: port.id, groups: port.security_groups });
    }
    return ports;
  }

  private async setGroups(portId: string, groups: string[], token: string): Promise<void> {
    await this.call('PUT', `/v2.0/ports/${portId}`, token, { port: { security_groups: groups } });
  }

  private call(method: string, path: string, token: string, body?: unknown): Promise<unknown> {
    return callService('network', this.config.COMPUTE_NETWORK_URL, {
      method,
      path,
      token,
      body,
      timeoutMs: this.config.NATS_REQUEST_TIMEOUT_MS,
    });
  }
}
