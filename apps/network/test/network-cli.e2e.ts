import { CliCredentials, CliResult, jsonOf, openstack, TestCloud } from '@stratus/testing';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

/** Runs a batch and fails with the CLI's own words when a command that should pass did not. */
async function run(credentials: CliCredentials, commands: string[][]): Promise<CliResult[]> {
  return openstack(credentials, commands);
}

function ok(result: CliResult): void {
  if (result.rc !== 0)
    throw new Error(`openstack ${result.argv.join(' ')} failed:\n${result.stderr}${result.stdout}`);
}

describe('network service through the openstack CLI', () => {
  let cloud: TestCloud;
  let member: CliCredentials & { projectId: string };

  beforeAll(async () => {
    cloud = await TestCloud.start(['network']);
    member = await cloud.createProjectUser('cli', 'member');
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('creates, lists, shows, updates and deletes networks', async () => {
    const [created, listed, shown, set, renamed, deleted, gone] = await run(member, [
      ['network', 'create', 'blue', '--description', 'first', '-f', 'json'],
      ['network', 'list', '-f', 'json'],
      ['network', 'show', 'blue', '-f', 'json'],
      ['network', 'set', '--name', 'blue2', '--description', 'second', '--mtu', '1400', 'blue'],
      ['network', 'show', 'blue2', '-f', 'json'],
      ['network', 'delete', 'blue2'],
      ['network', 'show', 'blue2'],
    ]);
    const network = jsonOf<Json>(created);
    expect(network).toMatchObject({ name: 'blue', description: 'first', status: 'ACTIVE', mtu: 1450 });
    expect(jsonOf<Json[]>(listed).map((n) => n.Name)).toContain('blue');
    expect(jsonOf<Json>(shown).id).toBe(network.id);
    ok(set);
    expect(jsonOf<Json>(renamed)).toMatchObject({ name: 'blue2', description: 'second', mtu: 1400 });
    ok(deleted);
    expect(gone.rc).not.toBe(0);
    expect(gone.stderr).toMatch(/No Network found for blue2/);
  });

  it('creates IPv4 subnets with pools, DNS servers and host routes, and SLAAC IPv6 subnets', async () => {
    const results = await run(member, [
      ['network', 'create', 'green'],
      [
        'subnet',
        'create',
        'green-v4',
        '--network',
        'green',
        '--subnet-range',
        '10.20.0.0/24',
        '--allocation-pool',
        'start=10.20.0.10,end=10.20.0.19',
        '--allocation-pool',
        'start=10.20.0.100,end=10.20.0.109',
        '--dns-nameserver',
        '192.0.2.53',
        '--host-route',
        'destination=192.168.0.0/16,gateway=10.20.0.254',
        '-f',
        'json',
      ],
      [
        'subnet',
        'create',
        'green-v6',
        '--network',
        'green',
        '--ip-version',
        '6',
        '--subnet-range',
        'fd00:20::/64',
        '--ipv6-ra-mode',
        'slaac',
        '--ipv6-address-mode',
        'slaac',
        '-f',
        'json',
      ],
      ['subnet', 'set', '--name', 'green-v4b', '--no-dhcp', '--dns-nameserver', '192.0.2.54', 'green-v4'],
      ['subnet', 'show', 'green-v4b', '-f', 'json'],
      ['subnet', 'list', '--network', 'green', '-f', 'json'],
    ]);
    results.slice(0, 1).forEach(ok);
    const v4 = jsonOf<Json>(results[1]);
    expect(v4).toMatchObject({
      cidr: '10.20.0.0/24',
      gateway_ip: '10.20.0.1',
      ip_version: 4,
      enable_dhcp: true,
      dns_nameservers: ['192.0.2.53'],
      host_routes: [{ destination: '192.168.0.0/16', nexthop: '10.20.0.254' }],
      allocation_pools: [
        { start: '10.20.0.10', end: '10.20.0.19' },
        { start: '10.20.0.100', end: '10.20.0.109' },
      ],
    });
    const v6 = jsonOf<Json>(results[2]);
    expect(v6).toMatchObject({
      cidr: 'fd00:20::/64',
      gateway_ip: 'fd00:20::1',
      ipv6_address_mode: 'slaac',
      ipv6_ra_mode: 'slaac',
      allocation_pools: [{ start: 'fd00:20::2', end: 'fd00:20::ffff:ffff:ffff:ffff' }],
    });
    ok(results[3]);
    const updated = jsonOf<Json>(results[4]);
    expect(updated).toMatchObject({ name: 'green-v4b', enable_dhcp: false });
    expect([...(updated.dns_nameservers as string[])].sort()).toEqual(['192.0.2.53', '192.0.2.54']);
    expect(jsonOf<Json[]>(results[5])).toHaveLength(2);
  });

  it('creates ports with and without a fixed IP, sets and unsets their attributes', async () => {
    const results = await run(member, [
      ['network', 'create', 'ports-net'],
      ['subnet', 'create', 'ports-v4', '--network', 'ports-net', '--subnet-range', '10.30.0.0/24'],
      [
        'subnet',
        'create',
        'ports-v6',
        '--network',
        'ports-net',
        '--ip-version',
        '6',
        '--subnet-range',
        'fd00:30::/64',
        '--ipv6-ra-mode',
        'slaac',
        '--ipv6-address-mode',
        'slaac',
      ],
      ['port', 'create', '--network', 'ports-net', 'auto', '-f', 'json'],
      [
        'port',
        'create',
        '--network',
        'ports-net',
        '--fixed-ip',
        'subnet=ports-v4,ip-address=10.30.0.50',
        'fixed',
        '-f',
        'json',
      ],
      [
        'port',
        'set',
        '--name',
        'auto2',
        '--description',
        'renamed',
        '--allowed-address',
        'ip-address=10.30.0.200',
        '--fixed-ip',
        'subnet=ports-v4,ip-address=10.30.0.60',
        '--tag',
        'web',
        'auto',
      ],
      ['port', 'show', 'auto2', '-f', 'json'],
      ['port', 'unset', '--fixed-ip', 'subnet=ports-v4,ip-address=10.30.0.60', '--tag', 'web', 'auto2'],
      ['port', 'set', '--no-allowed-address', 'auto2'],
      ['port', 'set', '--no-security-group', '--disable-port-security', 'fixed'],
      ['port', 'show', 'auto2', '-f', 'json'],
      ['port', 'show', 'fixed', '-f', 'json'],
      ['port', 'list', '--network', 'ports-net', '-f', 'json'],
      ['port', 'delete', 'fixed'],
      [
        'port',
        'create',
        '--network',
        'ports-net',
        '--fixed-ip',
        'ip-address=10.30.0.50',
        'reuse',
        '-f',
        'json',
      ],
    ]);
    results.slice(0, 3).forEach(ok);
    const auto = jsonOf<Json>(results[3]);
    const autoIps = auto.fixed_ips as { subnet_id: string; ip_address: string }[];
    expect(autoIps).toHaveLength(2);
    expect(autoIps[0].ip_address).toMatch(/^10\.30\.0\.\d+$/);
    // SLAAC: the EUI-64 address of the port's MAC.
    const mac = String(auto.mac_address);
    expect(mac).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/);
    const [a, b, c, d, e, f] = mac.split(':').map((o) => parseInt(o, 16));
    const eui = [a ^ 2, b, c, 0xff, 0xfe, d, e, f].map((o) => o.toString(16).padStart(2, '0'));
    const groups = [0, 2, 4, 6].map((i) => parseInt(eui[i] + eui[i + 1], 16).toString(16));
    expect(autoIps[1].ip_address).toBe(`fd00:30::${groups.join(':')}`);
    expect(auto.security_group_ids).toHaveLength(1);
    expect(auto.port_security_enabled).toBe(true);
    expect(auto.status).toBe('DOWN');
    expect(jsonOf<Json>(results[4]).fixed_ips).toEqual([
      expect.objectContaining({ ip_address: '10.30.0.50' }),
      expect.objectContaining({ ip_address: expect.stringMatching(/^fd00:30::/) }),
    ]);
    ok(results[5]);
    const afterSet = jsonOf<Json>(results[6]);
    expect(afterSet).toMatchObject({
      name: 'auto2',
      description: 'renamed',
      allowed_address_pairs: [{ ip_address: '10.30.0.200', mac_address: mac }],
      tags: ['web'],
    });
    expect((afterSet.fixed_ips as { ip_address: string }[]).map((ip) => ip.ip_address)).toContain(
      '10.30.0.60',
    );
    results.slice(7, 10).forEach(ok);
    const afterUnset = jsonOf<Json>(results[10]);
    expect(afterUnset).toMatchObject({ allowed_address_pairs: [], tags: [] });
    expect((afterUnset.fixed_ips as { ip_address: string }[]).map((ip) => ip.ip_address)).not.toContain(
      '10.30.0.60',
    );
    expect(jsonOf<Json>(results[11])).toMatchObject({ port_security_enabled: false, security_group_ids: [] });
    expect(jsonOf<Json[]>(results[12])).toHaveLength(2);
    ok(results[13]);
    // Deleting the port gave its address back.
    expect(jsonOf<Json>(results[14]).fixed_ips).toEqual([
      expect.objectContaining({ ip_address: '10.30.0.50' }),
      expect.objectContaining({ ip_address: expect.stringMatching(/^fd00:30::/) }),
    ]);
  });

  it('creates security groups and rules, refuses duplicates and deletes rules', async () => {
    const results = await run(member, [
      ['security', 'group', 'create', 'web', '--description', 'web servers', '-f', 'json'],
      [
        'security',
        'group',
        'rule',
        'create',
        '--protocol',
        'tcp',
        '--dst-port',
        '80:443',
        'web',
        '-f',
        'json',
      ],
      ['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '80:443', 'web'],
      [
        'security',
        'group',
        'rule',
        'create',
        '--protocol',
        'icmp',
        '--ingress',
        '--remote-group',
        'default',
        'web',
        '-f',
        'json',
      ],
      ['security', 'group', 'rule', 'list', 'web', '-f', 'json'],
      ['security', 'group', 'list', '-f', 'json'],
      ['security', 'group', 'show', 'default', '-f', 'json'],
    ]);
    const group = jsonOf<Json>(results[0]);
    expect(group).toMatchObject({ name: 'web', description: 'web servers', stateful: true });
    const tcp = jsonOf<Json>(results[1]);
    expect(tcp).toMatchObject({
      direction: 'ingress',
      ether_type: 'IPv4',
      protocol: 'tcp',
      port_range_min: 80,
      port_range_max: 443,
      remote_ip_prefix: '0.0.0.0/0',
    });
    expect(results[2].rc).not.toBe(0);
    expect(results[2].stderr).toMatch(/Security group rule already exists/);
    expect(jsonOf<Json>(results[3])).toMatchObject({ protocol: 'icmp', remote_group_id: expect.any(String) });
    // Two egress rules every group starts with, plus the two made here.
    expect(jsonOf<Json[]>(results[4])).toHaveLength(4);
    expect(
      jsonOf<Json[]>(results[5])
        .map((g) => g.Name)
        .sort(),
    ).toEqual(['default', 'web']);
    const defaultGroup = jsonOf<Json>(results[6]);
    expect(String(defaultGroup.rules)).toBeTruthy();
    const [removed, listed] = await run(member, [
      ['security', 'group', 'rule', 'delete', String(tcp.id)],
      ['security', 'group', 'rule', 'list', 'web', '-f', 'json'],
    ]);
    ok(removed);
    expect(jsonOf<Json[]>(listed)).toHaveLength(3);
  });

  it('routes a subnet to an external network and associates a floating IP', async () => {
    const setup = await run(cloud.admin, [
      ['network', 'create', '--external', 'public'],
      [
        'subnet',
        'create',
        'public-v4',
        '--network',
        'public',
        '--subnet-range',
        '203.0.113.0/24',
        '--no-dhcp',
      ],
    ]);
    setup.forEach(ok);
    const results = await run(member, [
      ['network', 'create', 'inside'],
      ['subnet', 'create', 'inside-v4', '--network', 'inside', '--subnet-range', '10.40.0.0/24'],
      ['port', 'create', '--network', 'inside', 'server', '-f', 'json'],
      ['router', 'create', 'edge', '-f', 'json'],
      ['floating', 'ip', 'create', 'public', '-f', 'json'],
      ['router', 'add', 'subnet', 'edge', 'inside-v4'],
      ['router', 'set', '--external-gateway', 'public', 'edge'],
      ['router', 'show', 'edge', '-f', 'json'],
    ]);
    results.slice(0, 2).forEach(ok);
    const server = jsonOf<Json>(results[2]);
    expect(jsonOf<Json>(results[3])).toMatchObject({ name: 'edge', external_gateway_info: null });
    const floating = jsonOf<Json>(results[4]);
    expect(String(floating.floating_ip_address)).toMatch(/^203\.0\.113\.\d+$/);
    expect(floating).toMatchObject({ port_id: null, status: 'DOWN' });
    ok(results[5]);
    ok(results[6]);
    const router = jsonOf<Json>(results[7]);
    expect(router.external_gateway_info).toMatchObject({
      network_id: expect.any(String),
      enable_snat: true,
      external_fixed_ips: [expect.objectContaining({ ip_address: expect.stringMatching(/^203\.0\.113\./) })],
    });
    expect(JSON.stringify(router.interfaces_info)).toContain('10.40.0.1');
    const fip = String(floating.floating_ip_address);
    const associated = await run(member, [
      ['floating', 'ip', 'set', '--port', 'server', fip],
      ['floating', 'ip', 'show', fip, '-f', 'json'],
      ['router', 'remove', 'subnet', 'edge', 'inside-v4'],
      ['floating', 'ip', 'unset', '--port', fip],
      ['floating', 'ip', 'show', fip, '-f', 'json'],
      ['router', 'remove', 'subnet', 'edge', 'inside-v4'],
      ['floating', 'ip', 'delete', fip],
      ['router', 'unset', '--external-gateway', 'edge'],
      ['router', 'delete', 'edge'],
    ]);
    ok(associated[0]);
    expect(jsonOf<Json>(associated[1])).toMatchObject({
      port_id: server.id,
      fixed_ip_address: (server.fixed_ips as { ip_address: string }[])[0].ip_address,
      router_id: router.id,
      status: 'ACTIVE',
    });
    expect(associated[2].rc).not.toBe(0);
    expect(associated[2].stderr).toMatch(/required by one or more floating IPs/);
    ok(associated[3]);
    expect(jsonOf<Json>(associated[4])).toMatchObject({ port_id: null, router_id: null, status: 'DOWN' });
    associated.slice(5).forEach(ok);
  });

  it('refuses ports over the quota an admin set', async () => {
    // `quota set` builds compute and volume clients even for network quotas only; nothing listens there.
    for (const [type, name] of [
      ['compute', 'nova'],
      ['volumev3', 'cinderv3'],
    ]) {
      const { service } = (await cloud.identityApi('POST', '/services', { service: { type, name } })) as {
        service: { id: string };
      };
      await cloud.identityApi('POST', '/endpoints', {
        endpoint: {
          service_id: service.id,
          interface: 'public',
          url: 'http://127.0.0.1:9/unused',
          region_id: 'RegionOne',
        },
      });
    }
    const [set, shown] = await run(cloud.admin, [
      ['quota', 'set', '--ports', '2', member.projectId],
      ['network', 'quota', 'show', member.projectId, '-f', 'json'],
    ]);
    ok(set);
    if (shown.rc === 0) expect(jsonOf<Json>(shown)).toMatchObject({ ports: 2 });
    const existing = await run(member, [['port', 'list', '-f', 'json']]);
    const used = jsonOf<Json[]>(existing[0]).length;
    const attempts = await run(
      member,
      Array.from({ length: Math.max(0, 2 - used) + 1 }, (_v, i) => [
        'port',
        'create',
        '--network',
        'ports-net',
        `q${i}`,
      ]),
    );
    const refused = attempts[attempts.length - 1];
    attempts.slice(0, -1).forEach(ok);
    expect(refused.rc).not.toBe(0);
    expect(refused.stderr).toMatch(/Quota exceeded for resources: \['port'\]/);
  });

  it("shows Neutron's errors for malformed CIDRs, overlapping pools, invalid rules and unknown ids", async () => {
    const results = await run(member, [
      ['network', 'create', 'errors'],
      ['subnet', 'create', 'bad', '--network', 'errors', '--subnet-range', '10.99.0.5/24'],
      ['subnet', 'create', 'bad', '--network', 'errors', '--subnet-range', '10.99.0.0/33'],
      [
        'subnet',
        'create',
        'bad',
        '--network',
        'errors',
        '--subnet-range',
        '10.99.0.0/24',
        '--allocation-pool',
        'start=10.99.0.10,end=10.99.0.50',
        '--allocation-pool',
        'start=10.99.0.40,end=10.99.0.60',
      ],
      ['security', 'group', 'rule', 'create', '--protocol', '300', 'default'],
      ['security', 'group', 'rule', 'create', '--protocol', 'icmp', '--icmp-type', '300', 'default'],
      ['network', 'show', '0b5e2b4c-7a1e-4f43-9d2b-8a4f1c2d3e4f'],
      ['port', 'delete', '0b5e2b4c-7a1e-4f43-9d2b-8a4f1c2d3e4f'],
    ]);
    ok(results[0]);
    const failures = results.slice(1);
    for (const failure of failures) expect(failure.rc).not.toBe(0);
    expect(failures.map((f) => f.stderr)).toEqual([
      expect.stringMatching(/400.*'10.99.0.0\/24' is recommended/s),
      expect.stringMatching(/400.*not a valid IP subnet/s),
      expect.stringMatching(/409.*Found overlapping allocation pools/s),
      expect.stringMatching(/400.*protocol 300 not supported/s),
      expect.stringMatching(/400.*Invalid value for ICMP type/s),
      expect.stringMatching(/No Network found/),
      expect.stringMatching(/No Port found/),
    ]);
  });

  it('answers the long listings and admin views the CLI asks for', async () => {
    const [external] = await run(cloud.admin, [['network', 'create', '--external', 'long-ext']]);
    ok(external);
    const results = await run(cloud.admin, [
      ['network', 'list', '--long', '-f', 'json'],
      ['network', 'list', '--external', '-f', 'json'],
      ['subnet', 'list', '--long', '-f', 'json'],
      ['port', 'list', '--long', '-f', 'json'],
      ['router', 'list', '--long', '-f', 'json'],
      ['floating', 'ip', 'list', '--long', '-f', 'json'],
      ['security', 'group', 'rule', 'list', '--long', '-f', 'json'],
      ['network', 'show', 'long-ext', '-f', 'json'],
      ['availability', 'zone', 'list', '--network', '-f', 'json'],
      ['extension', 'list', '--network', '-f', 'json'],
      ['quota', 'list', '--network', '-f', 'json'],
      ['port', 'list', '--device-owner', 'network:router_gateway', '-f', 'json'],
    ]);
    results.forEach(ok);
    expect(jsonOf<Json[]>(results[1]).map((n) => n.Name)).toContain('long-ext');
    expect(jsonOf<Json[]>(results[1]).every((n) => n.Name !== 'blue')).toBe(true);
    expect(jsonOf<Json>(results[7])).toMatchObject({
      'router:external': true,
      'provider:network_type': 'vxlan',
      'provider:segmentation_id': expect.any(Number),
    });
    expect(jsonOf<Json[]>(results[8])).toEqual([
      { 'Zone Name': 'nova', 'Zone Status': 'available' },
      { 'Zone Name': 'nova', 'Zone Status': 'available' },
    ]);
    expect(jsonOf<Json[]>(results[9]).map((e) => e.Alias)).toContain('router');
  });
});
