import { Injectable, Logger } from '@nestjs/common';
import {
  BindPort,
  CreatePort,
  DeletePort,
  ErrorCode,
  GetNetwork,
  GetPort,
  NetworkInterfaceSpec,
  PortRef,
  UnbindPort,
} from '@stratus/contracts';
import { DomainError, RpcClient } from '@stratus/platform';
import type { InstanceEntity, InstanceVif, RequestedNetwork } from './instance.entity';

/** Neutron's bridge for a network when a binding does not name one: `brq` + 11 characters of its id. */
function defaultBridge(networkId: string): string {
  return `brq${networkId.slice(0, 11)}`;
}

function vifOf(
  port: PortRef,
  networkName: string,
  createdByCompute: boolean,
  tag: string | null,
): InstanceVif {
  const bridge = port.binding.vifDetails.bridge_name;
  return {
    portId: port.id,
    networkId: port.networkId,
    networkName,
    macAddress: port.macAddress,
    mtu: port.mtu,
    createdByCompute,
    tag,
    bridge: typeof bridge === 'string' ? bridge : defaultBridge(port.networkId),
    fixedIps: port.fixedIps.map((ip) => ({
      subnetId: ip.subnetId,
      address: ip.ipAddress,
      version: ip.ipVersion,
      cidr: ip.cidr,
      gatewayIp: ip.gatewayIp,
      dnsNameservers: ip.dnsNameservers,
      enableDhcp: ip.enableDhcp,
      dhcpServerIp: ip.dhcpServerIp ?? null,
    })),
  };
}

/** Ports for servers through the network service: created or claimed, bound to hosts, released. */
@Injectable()
export class NetworkAllocator {
  private readonly logger = new Logger('Network');

  constructor(private readonly rpc: RpcClient) {}

  /**
   * One port per requested network, asked for side by side (each is its own round trip to the
   * network service); on any failure the ports made are deleted again.
   */
  async allocate(instance: InstanceEntity, requested: RequestedNetwork[]): Promise<InstanceVif[]> {
    const names = new Map<string, string>(
      requested.flatMap((r) =>
        r.networkId && r.networkName !== undefined ? [[r.networkId, r.networkName]] : [],
      ),
    );
    const outcomes = await Promise.allSettled(
      requested.map(async (request) => {
        if (request.portId) {
          const port = await this.rpc.request(GetPort, { portId: request.portId });
          const name = await this.networkName(port, instance.projectId, names);
          return vifOf(port, name, false, request.tag ?? null);
        }
        const port = await this.rpc.request(CreatePort, {
          projectId: instance.projectId,
          networkId: request.networkId!,
          deviceId: instance.uuid,
          deviceOwner: `compute:${instance.availabilityZone ?? 'nova'}`,
          fixedIps: request.fixedIp ? [{ ipAddress: request.fixedIp }] : undefined,
          securityGroups: instance.securityGroups,
        });
        try {
          return vifOf(
            port,
            await this.networkName(port, instance.projectId, names),
            true,
            request.tag ?? null,
          );
        } catch (error) {
          await this.release([vifOf(port, '', true, null)]);
          throw error;
        }
      }),
    );
    const vifs = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const failed = outcomes.find((o) => o.status === 'rejected');
    if (failed) {
      await this.release(vifs);
      throw failed.reason;
    }
    return vifs;
  }

  /** Binds every port to the host, claiming the user's own ports for the server. */
  async bind(instance: InstanceEntity, host: string): Promise<InstanceVif[]> {
    return Promise.all(
      instance.vifs.map(async (vif) => {
        const port = await this.rpc.request(BindPort, {
          portId: vif.portId,
          hostId: host,
          deviceId: instance.uuid,
          deviceOwner: `compute:${instance.availabilityZone ?? 'nova'}`,
        });
        return vifOf(port, vif.networkName, vif.createdByCompute, vif.tag);
      }),
    );
  }

  /** Deletes the ports compute made and hands the user's ports back; a port already gone is fine. */
  async release(vifs: InstanceVif[]): Promise<void> {
    for (const vif of vifs) {
      try {
        if (vif.createdByCompute) await this.rpc.request(DeletePort, { portId: vif.portId });
        else await this.rpc.request(UnbindPort, { portId: vif.portId, releaseDevice: true });
      } catch (error) {
        if (error instanceof DomainError && error.code === ErrorCode.NotFound) continue;
        this.logger.warn(`could not release port ${vif.portId}: ${String(error)}`);
      }
    }
  }

  async unbind(vif: InstanceVif): Promise<void> {
    await this.rpc.request(UnbindPort, { portId: vif.portId, releaseDevice: false });
  }

  interfaces(vifs: InstanceVif[]): NetworkInterfaceSpec[] {
    return vifs.map((vif) => ({
      portId: vif.portId,
      networkId: vif.networkId,
      macAddress: vif.macAddress,
      bridge: vif.bridge,
      mtu: vif.mtu,
      fixedIps: vif.fixedIps.map((ip) => ({
        ipAddress: ip.address,
        cidr: ip.cidr,
        gatewayIp: ip.gatewayIp,
        ipVersion: ip.version,
        dnsNameservers: ip.dnsNameservers,
        enableDhcp: ip.enableDhcp,
        dhcpServerIp: ip.dhcpServerIp,
      })),
    }));
  }

  async vifForPort(
    portId: string,
    projectId: string,
    createdByCompute: boolean,
    tag: string | null,
  ): Promise<InstanceVif> {
    const port = await this.rpc.request(GetPort, { portId });
    return vifOf(port, await this.networkName(port, projectId, new Map()), createdByCompute, tag);
  }

  /** The port's network name: from the port itself, else from what the request named, else asked for. */
  private async networkName(port: PortRef, projectId: string, cache: Map<string, string>): Promise<string> {
    if (port.networkName !== undefined) return port.networkName;
    const known = cache.get(port.networkId);
    if (known !== undefined) return known;
    const network = await this.rpc.request(GetNetwork, { networkId: port.networkId, projectId });
    cache.set(port.networkId, network.name);
    return network.name;
  }
}
