import { CliCredentials, CliResult, jsonOf, openstack, TestCloud } from '@stratus/testing';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

/** Runs a batch and fails with the CLI's own words when a command that should pass did not. */
async function run(credentials: CliCredentials, commands: string[][]): Promise<CliResult[]> {
  return openstack(credentials, commands);
}

function ok(result: CliResult): void {
  if (result.rc !== 0) throw new Error(`openstack ${result.argv.join(' ')} failed:\n${result.stderr}${result.stdout}`);
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
        'subnet', 'create', 'green-v4', '--network', 'green', '--subnet-range', '10.20.0.0/24',
        '--allocation-pool', 'start=10.20.0.10,end=10.20.0.19', '--allocation-pool', 'start=10.20.0.100,end=10.20.0.109',
        '--dns-nameserver', '192.0.2.53', '--host-route', 'destination=192.168.0.0/16,gateway=10.20.0.254',
        '-f', 'json',
      ],
      [
        'subnet', 'create', 'green-v6', '--network', 'green', '--ip-version', '6', '--subnet-range', 'fd00:20::/64',
        '--ipv6-ra-mode', 'slaac', '--ipv6-address-mode', 'slaac', '-f', 'json',
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
    expect(jsonOf<Json>(results[4])).toMatchObject({
      name: 'green-v4b',
      enable_dhcp: false,
      dns_nameservers: ['192.0.2.53', '192.0.2.54'],
    });
    expect(jsonOf<Json[]>(results[5])).toHaveLength(2);
  });
});
