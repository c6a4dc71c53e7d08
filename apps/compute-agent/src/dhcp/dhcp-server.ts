import type { NetworkInterfaceSpec } from '@stratus/contracts';

/**
 * Answers DHCP for the ports of this host's guests, OVN-style: each host serves only its own ports,
 * with static leases of the addresses the network service assigned. Chosen by COMPUTE_AGENT_DHCP.
 */
export interface DhcpServer {
  /** Removes what an earlier run left, and serves again the ports of the guests still on this host. */
  start(instancesOnHost: ReadonlySet<string>): Promise<void>;
  /** Serves a guest's ports from now on (added to those it has); called before the guest boots or gets the NIC. */
  plug(instance: { uuid: string; hostname: string }, nics: NetworkInterfaceSpec[]): Promise<void>;
  /**
   * Forgets a guest's ports, or only the one named; a network's server goes with the last port of
   * that network on the host.
   */
  unplug(uuid: string, portId?: string): Promise<void>;
}

/** No data plane: fake hosts, or hosts where something else answers DHCP. */
export class NoDhcpServer implements DhcpServer {
  async start(): Promise<void> {
    return undefined;
  }

  async plug(): Promise<void> {
    return undefined;
  }

  async unplug(): Promise<void> {
    return undefined;
  }
}
