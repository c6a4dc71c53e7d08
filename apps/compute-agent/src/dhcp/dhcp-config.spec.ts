import type { NetworkInterfaceSpec } from '@stratus/contracts';
import {
  dhcpHostname,
  dhcpNetworksOf,
  dnsmasqArgs,
  ipv4Network,
  namespaceName,
  renderHostsFile,
  renderOptsFile,
  vethNames,
} from './dhcp-config';

const NETWORK = '6f1c2a9e-0d4b-4c55-9a1e-3b7f0e2d8c41';

function nic(overrides: Partial<NetworkInterfaceSpec> = {}): NetworkInterfaceSpec {
  return {
    portId: 'a1b2c3d4-0000-4000-8000-000000000001',
    networkId: NETWORK,
    macAddress: 'FA:16:3E:12:34:56',
    bridge: 'brq6f1c2a9e-0d',
    mtu: 1450,
    fixedIps: [
      {
        ipAddress: '10.0.0.5',
        cidr: '10.0.0.0/24',
        gatewayIp: '10.0.0.1',
        ipVersion: 4,
        dnsNameservers: ['192.0.2.53', '192.0.2.54'],
        enableDhcp: true,
        dhcpServerIp: '10.0.0.2',
      },
      {
        ipAddress: 'fd00::5',
        cidr: 'fd00::/64',
        gatewayIp: 'fd00::1',
        ipVersion: 6,
        dnsNameservers: [],
        enableDhcp: true,
        dhcpServerIp: null,
      },
    ],
    ...overrides,
  };
}

describe('DHCP configuration', () => {
  it('serves the IPv4 addresses of subnets with DHCP and a reserved server address, per network', () => {
    const networks = dhcpNetworksOf('vm-1', 'web-1', [
      nic(),
      nic({
        portId: 'b0000000-0000-4000-8000-000000000002',
        networkId: 'other-network',
        fixedIps: [{ ...nic().fixedIps[0], ipAddress: '10.1.0.9', enableDhcp: false }],
      }),
      nic({
        portId: 'c0000000-0000-4000-8000-000000000003',
        networkId: 'old-compute-api',
        fixedIps: [{ ...nic().fixedIps[0], dhcpServerIp: undefined }],
      }),
    ]);
    expect(networks).toEqual([
      {
        networkId: NETWORK,
        bridge: 'brq6f1c2a9e-0d',
        mtu: 1450,
        subnets: [
          {
            subnetId: 'subnet-10-0-0-0-24',
            cidr: '10.0.0.0/24',
            serverIp: '10.0.0.2',
            gatewayIp: '10.0.0.1',
            dnsNameservers: ['192.0.2.53', '192.0.2.54'],
          },
        ],
        hosts: [
          {
            instanceUuid: 'vm-1',
            portId: 'a1b2c3d4-0000-4000-8000-000000000001',
            subnetId: 'subnet-10-0-0-0-24',
            macAddress: 'fa:16:3e:12:34:56',
            ipAddress: '10.0.0.5',
            hostname: 'web-1',
          },
        ],
      },
    ]);
  });

  it('writes one static lease per port and the router, DNS servers and MTU per subnet', () => {
    const [network] = dhcpNetworksOf('vm-1', 'Web_1.example.org', [nic()]);
    network.hosts.push({ ...network.hosts[0], macAddress: 'fa:16:3e:00:00:07', ipAddress: '10.0.0.7' });
    network.subnets.push({
      subnetId: 'subnet-10-9-0-0-16',
      cidr: '10.9.0.0/16',
      serverIp: '10.9.0.2',
      gatewayIp: null,
      dnsNameservers: [],
    });
    expect(renderHostsFile(network)).toBe(
      'fa:16:3e:12:34:56,10.0.0.5,web-1\nfa:16:3e:00:00:07,10.0.0.7,web-1\n',
    );
    expect(renderOptsFile(network)).toBe(
      [
        'tag:subnet-10-0-0-0-24,option:router,10.0.0.1',
        'tag:subnet-10-0-0-0-24,option:dns-server,192.0.2.53,192.0.2.54',
        'tag:subnet-10-0-0-0-24,option:mtu,1450',
        // Empty options keep dnsmasq from offering itself as router and DNS server.
        'tag:subnet-10-9-0-0-16,option:router',
        'tag:subnet-10-9-0-0-16,option:dns-server',
        'tag:subnet-10-9-0-0-16,option:mtu,1450',
        '',
      ].join('\n'),
    );
  });

  it('runs dnsmasq for DHCP only, on the namespace end of the veth, with static ranges and the lease time', () => {
    const [network] = dhcpNetworksOf('vm-1', 'web-1', [nic()]);
    const files = { pid: '/d/pid', hosts: '/d/host', opts: '/d/opts', leases: '/d/leases', log: '/d/log' };
    const args = dnsmasqArgs(network, files, 86400);
    expect(args).toEqual(
      expect.arrayContaining([
        '--port=0',
        '--no-resolv',
        '--no-hosts',
        '--conf-file=/dev/null',
        '--interface=ns-6f1c2a9e-0d',
        '--dhcp-hostsfile=/d/host',
        '--dhcp-optsfile=/d/opts',
        '--pid-file=/d/pid',
        '--dhcp-range=set:subnet-10-0-0-0-24,10.0.0.0,static,255.255.255.0,86400s',
      ]),
    );
    expect(args.filter((a) => a.startsWith('--dhcp-range'))).toHaveLength(1);
  });

  it('names namespaces as Neutron does and keeps interface names within 15 characters', () => {
    expect(namespaceName(NETWORK)).toBe(`qdhcp-${NETWORK}`);
    expect(vethNames(NETWORK)).toEqual({ bridgeSide: 'dhcp6f1c2a9e-0d', namespaceSide: 'ns-6f1c2a9e-0d' });
    expect(vethNames(NETWORK).bridgeSide.length).toBeLessThanOrEqual(15);
  });

  it('derives network, netmask and prefix from a CIDR, and refuses what is not IPv4', () => {
    expect(ipv4Network('10.0.0.0/24')).toEqual({ network: '10.0.0.0', netmask: '255.255.255.0', prefix: 24 });
    expect(ipv4Network('172.24.4.77/20')).toEqual({
      network: '172.24.0.0',
      netmask: '255.255.240.0',
      prefix: 20,
    });
    expect(ipv4Network('0.0.0.0/0').netmask).toBe('0.0.0.0');
    expect(ipv4Network('192.0.2.9/32').netmask).toBe('255.255.255.255');
    expect(() => ipv4Network('fd00::/64')).toThrow('not an IPv4 CIDR');
  });

  it('turns any name into one DNS label dnsmasq accepts', () => {
    expect(dhcpHostname('vm1')).toBe('vm1');
    expect(dhcpHostname('My_Server.example.org')).toBe('my-server');
    expect(dhcpHostname('--')).toBe('host');
    expect(dhcpHostname('a'.repeat(80))).toHaveLength(63);
  });
});
