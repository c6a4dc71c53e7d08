import { CliCredentials, CliResult, jsonOf, openstack, TestCloud } from '@stratus/testing';

jest.setTimeout(120_000);

type Json = Record<string, unknown>;

function ok(result: CliResult): void {
  if (result.rc !== 0)
    throw new Error(`openstack ${result.argv.join(' ')} failed:\n${result.stderr}${result.stdout}`);
}

/** Project B, with the real CLI, against what project A made. */
describe('network isolation between projects', () => {
  let cloud: TestCloud;
  let alice: CliCredentials & { projectId: string };
  let bob: CliCredentials & { projectId: string };
  let a: { network: Json; subnet: Json; port: Json; group: Json; router: Json };

  beforeAll(async () => {
    cloud = await TestCloud.start(['network']);
    alice = await cloud.createProjectUser('alice', 'member');
    bob = await cloud.createProjectUser('bob', 'member');
    const made = await openstack(alice, [
      ['network', 'create', 'a-private', '-f', 'json'],
      [
        'subnet',
        'create',
        'a-subnet',
        '--network',
        'a-private',
        '--subnet-range',
        '10.60.0.0/24',
        '-f',
        'json',
      ],
      ['port', 'create', '--network', 'a-private', 'a-port', '-f', 'json'],
      ['security', 'group', 'create', 'a-group', '-f', 'json'],
      ['router', 'create', 'a-router', '-f', 'json'],
    ]);
    const [network, subnet, port, group, router] = made.map((r) => jsonOf<Json>(r));
    a = { network, subnet, port, group, router };
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it("hides project A's networks, subnets, ports, security groups and routers from project B", async () => {
    const ids = [a.network.id, a.subnet.id, a.port.id, a.group.id, a.router.id].map(String);
    const results = await openstack(bob, [
      ['network', 'list', '-f', 'json'],
      ['subnet', 'list', '-f', 'json'],
      ['port', 'list', '-f', 'json'],
      ['security', 'group', 'list', '-f', 'json'],
      ['router', 'list', '-f', 'json'],
      ['network', 'show', ids[0]],
      ['subnet', 'show', ids[1]],
      ['port', 'show', ids[2]],
      ['security', 'group', 'show', ids[3]],
      ['router', 'show', ids[4]],
    ]);
    const listed = results.slice(0, 5).flatMap((r) => jsonOf<Json[]>(r).map((item) => String(item.ID)));
    for (const id of ids) expect(listed).not.toContain(id);
    for (const shown of results.slice(5)) {
      expect(shown.rc).not.toBe(0);
      expect(shown.stderr).toMatch(/No \w+ found|could not be found|does not exist/);
    }
  });

  it("refuses project B's changes to project A's resources", async () => {
    const results = await openstack(bob, [
      ['port', 'create', '--network', String(a.network.id), 'intruder'],
      ['network', 'set', '--name', 'stolen', String(a.network.id)],
      ['network', 'delete', String(a.network.id)],
      ['port', 'delete', String(a.port.id)],
      ['security', 'group', 'rule', 'create', '--protocol', 'tcp', '--dst-port', '22', String(a.group.id)],
      ['security', 'group', 'delete', String(a.group.id)],
      ['router', 'add', 'subnet', String(a.router.id), String(a.subnet.id)],
      ['network', 'set', '--tag', 'mine', String(a.network.id)],
    ]);
    for (const result of results)
      expect(result.stderr).toMatch(/No (Network|Port|SecurityGroup|Subnet) found/);
    const [still] = await openstack(alice, [['network', 'show', 'a-private', '-f', 'json']]);
    expect(jsonOf<Json>(still)).toMatchObject({ name: 'a-private', tags: [] });
  });

  it('lets project B attach ports to a shared network but not change it', async () => {
    const [shared, sharedSubnet] = await openstack(cloud.admin, [
      ['network', 'create', '--share', 'common', '-f', 'json'],
      [
        'subnet',
        'create',
        'common-v4',
        '--network',
        'common',
        '--subnet-range',
        '10.61.0.0/24',
        '-f',
        'json',
      ],
    ]);
    ok(shared);
    ok(sharedSubnet);
    const network = jsonOf<Json>(shared);
    const results = await openstack(bob, [
      ['network', 'list', '-f', 'json'],
      ['subnet', 'list', '--network', String(network.id), '-f', 'json'],
      ['port', 'create', '--network', String(network.id), 'b-port', '-f', 'json'],
      ['network', 'set', '--name', 'mine', String(network.id)],
      ['subnet', 'create', 'b-subnet', '--network', String(network.id), '--subnet-range', '10.62.0.0/24'],
      ['network', 'create', '--share', 'b-shared'],
    ]);
    expect(jsonOf<Json[]>(results[0]).map((n) => n.Name)).toEqual(['common']);
    expect(jsonOf<Json[]>(results[1])).toHaveLength(1);
    const port = jsonOf<Json>(results[2]);
    expect(port).toMatchObject({ project_id: bob.projectId, network_id: network.id });
    expect(String((port.fixed_ips as { ip_address: string }[])[0].ip_address)).toMatch(/^10\.61\.0\./);
    for (const refused of results.slice(3)) {
      expect(refused.rc).not.toBe(0);
      expect(refused.stderr).toMatch(/disallowed by policy|403/);
    }
    // Bob's port uses Bob's own default security group, not anyone else's.
    const [groups] = await openstack(bob, [['security', 'group', 'list', '-f', 'json']]);
    expect(jsonOf<Json[]>(groups).map((g) => g.ID)).toEqual(port.security_group_ids);
    // Alice does not see Bob's port on the shared network.
    const [alicePorts] = await openstack(alice, [['port', 'list', '-f', 'json']]);
    expect(jsonOf<Json[]>(alicePorts).map((p) => p.ID)).toEqual([a.port.id]);
  });
});
