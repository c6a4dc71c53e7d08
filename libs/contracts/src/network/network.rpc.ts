import { rpc } from '../common/rpc';

/** A subnet as compute needs it to configure a guest interface (network_info in Nova's terms). */
export interface FixedIpRef {
  subnetId: string;
  ipAddress: string;
  ipVersion: 4 | 6;
  cidr: string;
  gatewayIp: string | null;
  dnsNameservers: string[];
  hostRoutes: { destination: string; nexthop: string }[];
  enableDhcp: boolean;
  /**
   * The address compute hosts answer DHCP from on this subnet (IPv4 with DHCP enabled), held by
   * the network's `network:dhcp` port; in BindPort's, UnbindPort's and GetPort's answers once a
   * port of the network has been bound to a host.
   */
  dhcpServerIp?: string;
}

/** What the compute agent needs to plug a port: `vifType` and `vifDetails` say how. */
export interface PortBindingRef {
  hostId: string;
  /** 'unbound' until bound; 'bridge' when bound to a host; 'binding_failed' for unsupported vnic types. */
  vifType: string;
  vifDetails: Record<string, unknown>;
  vnicType: string;
  profile: Record<string, unknown>;
}

export interface PortRef {
  id: string;
  projectId: string;
  networkId: string;
  /** The network's name, so compute needs no GetNetwork for it; absent from older network services. */
  networkName?: string;
  name: string;
  macAddress: string;
  fixedIps: FixedIpRef[];
  deviceId: string;
  deviceOwner: string;
  adminStateUp: boolean;
  status: string;
  securityGroupIds: string[];
  portSecurityEnabled: boolean;
  allowedAddressPairs: { ipAddress: string; macAddress: string }[];
  mtu: number;
  binding: PortBindingRef;
}

export interface NetworkRef {
  id: string;
  projectId: string;
  name: string;
  adminStateUp: boolean;
  status: string;
  shared: boolean;
  external: boolean;
  mtu: number;
  portSecurityEnabled: boolean;
  networkType: string;
  physicalNetwork: string | null;
  segmentationId: number | null;
  subnetIds: string[];
}

export interface CreatePortRequest {
  /** The project the server belongs to: the port is created in it, with its quota and default security group. */
  projectId: string;
  networkId: string;
  deviceId: string;
  /** Nova uses `compute:<availability zone>`. */
  deviceOwner?: string;
  name?: string;
  /** Omitted: one address from an IPv4 subnet (and IPv6 as Neutron does); each entry names a subnet, an address or both. */
  fixedIps?: { subnetId?: string; ipAddress?: string }[];
  /** Ids or names of the project's security groups; omitted means the project's `default` group. */
  securityGroups?: string[];
}

export interface BindPortRequest {
  portId: string;
  hostId: string;
  /** Claims a port the user created beforehand (`--nic port-id=`) for the server. */
  deviceId?: string;
  deviceOwner?: string;
  profile?: Record<string, unknown>;
}

/** Ports for servers, created, bound to a host, unbound and deleted by compute. */
export const CreatePort = rpc<CreatePortRequest, PortRef>('network.port.create');
export const GetPort = rpc<{ portId: string }, PortRef>('network.port.get');
export const BindPort = rpc<BindPortRequest, PortRef>('network.port.bind');
/** Clears the host binding (and, with `releaseDevice`, device_id/device_owner) before a move or a detach. */
export const UnbindPort = rpc<{ portId: string; releaseDevice?: boolean }, PortRef>('network.port.unbind');
export const DeletePort = rpc<{ portId: string }, { deleted: true }>('network.port.delete');

/** A network as the project sees it; NetworkNotFound when it is neither the project's nor shared. */
export const GetNetwork = rpc<{ networkId: string; projectId?: string }, NetworkRef>('network.network.get');
/** The networks a server of the project may attach to (its own and shared ones, not external ones). */
export const ListNetworks = rpc<{ projectId: string }, NetworkRef[]>('network.network.list');
