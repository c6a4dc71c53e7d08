import type { NetworkInterfaceSpec } from '@stratus/contracts';

/** An IPv4 subnet the host answers DHCP on, as the port's fixed IP describes it. */
export interface DhcpSubnet {
  subnetId: string;
  cidr: string;
  /** The network's DHCP port's address on this subnet, which the DHCP server answers from. */
  serverIp: string;
  gatewayIp: string | null;
  dnsNameservers: string[];
}

/** A static lease: one port's MAC gets its fixed IP, and nothing else gets anything. */
export interface DhcpHost {
  instanceUuid: string;
  portId: string;
  subnetId: string;
  macAddress: string;
  ipAddress: string;
  hostname: string;
}

/** What one network's DHCP server on this host serves: the ports of the guests here. */
export interface DhcpNetwork {
  networkId: string;
  bridge: string;
  mtu: number;
  subnets: DhcpSubnet[];
  hosts: DhcpHost[];
}

/** The network namespace of a network's DHCP server, named as Neutron's DHCP agent names it. */
export function namespaceName(networkId: string): string {
  return `qdhcp-${networkId}`;
}

/**
 * The veth pair between the network's bridge and the DHCP namespace (interface names have at most
 * 15 characters): `dhcp` + 11 characters of the network id on the bridge, `ns-` + 11 inside.
 */
export function vethNames(networkId: string): { bridgeSide: string; namespaceSide: string } {
  const short = networkId.slice(0, 11);
  return { bridgeSide: `dhcp${short}`, namespaceSide: `ns-${short}` };
}

/**
 * The networks and static leases a guest's NICs need: every IPv4 address on a subnet with DHCP
 * whose DHCP server address the network service reserved.
 */
export function dhcpNetworksOf(uuid: string, hostname: string, nics: NetworkInterfaceSpec[]): DhcpNetwork[] {
  const byNetwork = new Map<string, DhcpNetwork>();
  for (const nic of nics) {
    for (const ip of nic.fixedIps) {
      if (ip.ipVersion !== 4 || ip.enableDhcp === false || !ip.dhcpServerIp) continue;
      const subnetId = subnetKey(ip.cidr);
      let network = byNetwork.get(nic.networkId);
      if (!network) {
        network = { networkId: nic.networkId, bridge: nic.bridge, mtu: nic.mtu, subnets: [], hosts: [] };
        byNetwork.set(nic.networkId, network);
      }
      if (!network.subnets.some((s) => s.subnetId === subnetId)) {
        network.subnets.push({
          subnetId,
          cidr: ip.cidr,
          serverIp: ip.dhcpServerIp,
          gatewayIp: ip.gatewayIp,
          dnsNameservers: ip.dnsNameservers,
        });
      }
      network.hosts.push({
        instanceUuid: uuid,
        portId: nic.portId,
        subnetId,
        macAddress: nic.macAddress.toLowerCase(),
        ipAddress: ip.ipAddress,
        hostname,
      });
    }
  }
  return [...byNetwork.values()];
}

/**
 * Subnets are told apart by their CIDR, which is unique within a network (the interface spec
 * names no subnet id); the key is a dnsmasq tag, so only letters, digits and '-'.
 */
export function subnetKey(cidr: string): string {
  return `subnet-${cidr.replace(/[^0-9A-Za-z]/g, '-')}`;
}

/** 10.0.0.0/24 -> network 10.0.0.0, netmask 255.255.255.0, prefix 24. */
export function ipv4Network(cidr: string): { network: string; netmask: string; prefix: number } {
  const [address, prefixText] = cidr.split('/');
  const prefix = Number(prefixText);
  const octets = address.split('.').map(Number);
  if (octets.length !== 4 || octets.some((o) => !(o >= 0 && o <= 255)) || !(prefix >= 0 && prefix <= 32)) {
    throw new Error(`not an IPv4 CIDR: ${cidr}`);
  }
  const value = octets.reduce((sum, octet) => sum * 256 + octet, 0);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const dotted = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
  return { network: dotted((value & mask) >>> 0), netmask: dotted(mask), prefix };
}

/** A name dnsmasq accepts as a host name: one DNS label of letters, digits and '-'. */
export function dhcpHostname(name: string): string {
  const label = name
    .toLowerCase()
    .split('.')[0]
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return label || 'host';
}

/** The dhcp-hostsfile: `<mac>,<ip>,<hostname>` per port, re-read by dnsmasq on SIGHUP. */
export function renderHostsFile(network: DhcpNetwork): string {
  return network.hosts
    .map((host) => `${host.macAddress},${host.ipAddress},${dhcpHostname(host.hostname)}\n`)
    .join('');
}

/**
 * The dhcp-optsfile, per subnet: the gateway as router (empty when the subnet has none, or
 * dnsmasq would name itself), the DNS servers (empty: dnsmasq serves no DNS here) and the MTU.
 */
export function renderOptsFile(network: DhcpNetwork): string {
  return network.subnets
    .flatMap((subnet) => {
      const tag = `tag:${subnet.subnetId}`;
      return [
        `${tag},option:router${subnet.gatewayIp ? `,${subnet.gatewayIp}` : ''}`,
        `${tag},option:dns-server${subnet.dnsNameservers.map((server) => `,${server}`).join('')}`,
        `${tag},option:mtu,${network.mtu}`,
      ];
    })
    .map((line) => `${line}\n`)
    .join('');
}

export interface DnsmasqFiles {
  pid: string;
  hosts: string;
  opts: string;
  leases: string;
  log: string;
}

/**
 * dnsmasq's command line: DHCP only (no DNS, no /etc files), bound to the namespace's end of the
 * veth, one static range per subnet (answers only the MACs of the hosts file) with the lease time.
 */
export function dnsmasqArgs(network: DhcpNetwork, files: DnsmasqFiles, leaseSeconds: number): string[] {
  return [
    '--keep-in-foreground',
    '--conf-file=/dev/null',
    '--no-hosts',
    '--no-resolv',
    '--port=0',
    '--bind-interfaces',
    `--interface=${vethNames(network.networkId).namespaceSide}`,
    '--except-interface=lo',
    `--pid-file=${files.pid}`,
    `--dhcp-hostsfile=${files.hosts}`,
    `--dhcp-optsfile=${files.opts}`,
    `--dhcp-leasefile=${files.leases}`,
    `--log-facility=${files.log}`,
    '--log-dhcp',
    ...network.subnets.map((subnet) => {
      const { network: address, netmask } = ipv4Network(subnet.cidr);
      return `--dhcp-range=set:${subnet.subnetId},${address},static,${netmask},${leaseSeconds}s`;
    }),
  ];
}
