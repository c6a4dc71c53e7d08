import {
  CliCredentials,
  CliResult,
  expectEventually,
  jsonOf,
  openstack,
  openstackSdk,
  TestCloud,
} from '@stratus/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SERVICES = ['image', 'network', 'block-storage', 'scheduler', 'compute-agent', 'compute-api'];

type Server = Record<string, unknown> & { id: string; status: string; name: string };

describe('servers end to end with the scheduler and a fake compute agent', () => {
  let cloud: TestCloud;
  let api: string;
  let demo: CliCredentials & { projectId: string; userId: string };

  const ok = (result: CliResult): string => {
    if (result.rc !== 0)
      throw new Error(`openstack ${result.argv.join(' ')}:\n${result.stderr}${result.stdout}`);
    return result.stdout;
  };

  beforeAll(async () => {
    cloud = await TestCloud.start(SERVICES, (urls) => ({
      'compute-agent': {
        COMPUTE_AGENT_HOST: 'cmp',
        COMPUTE_AGENT_FAKE_HOSTS: '2',
        COMPUTE_AGENT_FAKE_MEMORY_MB: '8192',
        COMPUTE_AGENT_HEARTBEAT_SECONDS: '1',
      },
      'compute-api': { COMPUTE_IMAGE_URL: urls.image, COMPUTE_NETWORK_URL: urls.network },
      'block-storage': { BLOCK_STORAGE_IMAGE_URL: urls.image },
    }));
    api = cloud.service('compute-api').url;
    const dir = mkdtempSync(join(tmpdir(), 'stratus-image-'));
    writeFileSync(join(dir, 'disk.raw'), Buffer.alloc(1 << 20));
    const setup = await openstack(cloud.admin, [
      [
        'image',
        'create',
        '--public',
        '--disk-format',
        'raw',
        '--container-format',
        'bare',
        '--file',
        join(dir, 'disk.raw'),
        'test_image',
      ],
      ['network', 'create', '--share', 'private'],
      ['subnet', 'create', '--network', 'private', '--subnet-range', '10.20.0.0/24', 'private-subnet'],
      ['flavor', 'create', '--id', '1', '--vcpus', '1', '--ram', '512', '--disk', '1', 'small'],
      ['flavor', 'create', '--id', '2', '--vcpus', '2', '--ram', '1024', '--disk', '2', 'medium'],
      ['flavor', 'create', '--id', '3', '--vcpus', '2', '--ram', '2048', '--disk', '2', 'large'],
      ['flavor', 'create', '--id', '99', '--vcpus', '1', '--ram', '10240', '--disk', '1', 'huge'],
    ]);
    setup.forEach(ok);
    demo = await cloud.createProjectUser('demo');
    const token = await cloud.adminToken();
    await expectEventually(async () => {
      const response = await fetch(`${api}/v2.1/os-hypervisors`, { headers: { 'X-Auth-Token': token } });
      expect(((await response.json()) as { hypervisors: unknown[] }).hypervisors).toHaveLength(2);
    });
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it("runs the issue's openstacksdk script to an ACTIVE server", async () => {
    const output = await openstackSdk(
      demo,
      `import os
from openstack import connection
conn = connection.Connection(auth_url=os.environ["OS_AUTH_URL"], project_name=os.environ["OS_PROJECT_NAME"], username=os.environ["OS_USERNAME"], password=os.environ["OS_PASSWORD"], user_domain_id="default", project_domain_id="default")
image = conn.compute.find_image("test_image")
flavor = conn.compute.find_flavor("small")
network = conn.network.find_network("private")
server = conn.compute.create_server(name="test_server", image_id=image.id, flavor_id=flavor.id, networks=[{"uuid": network.id}])
server = conn.compute.wait_for_server(server)
print(server.status, list(server.addresses))
conn.compute.delete_server(server)
conn.compute.wait_for_delete(server)
print("deleted")
`,
    );
    expect(output.trim().split('\n')).toEqual(["ACTIVE ['private']", 'deleted']);
  });

  it('creates, shows, powers and deletes a server with the CLI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratus-userdata-'));
    writeFileSync(join(dir, 'user-data'), '#cloud-config\nhostname: web\n');
    const results = await openstack(demo, [
      ['keypair', 'create', 'mykey'],
      [
        'server',
        'create',
        '--image',
        'test_image',
        '--flavor',
        'small',
        '--network',
        'private',
        '--key-name',
        'mykey',
        '--property',
        'role=web',
        '--user-data',
        join(dir, 'user-data'),
        '--wait',
        'web-1',
        '-f',
        'json',
      ],
      ['server', 'list', '-f', 'json'],
      ['server', 'show', 'web-1', '-f', 'json'],
      ['server', 'reboot', 'web-1'],
    ]);
    ok(results[0]);
    const created = jsonOf<Server>(results[1]);
    expect(created).toMatchObject({ status: 'ACTIVE', key_name: 'mykey', properties: { role: 'web' } });
    expect(jsonOf<{ Name: string; Status: string; Image: string; Flavor: string }[]>(results[2])).toEqual([
      expect.objectContaining({ Name: 'web-1', Status: 'ACTIVE', Image: 'test_image', Flavor: 'small' }),
    ]);
    expect(jsonOf<{ addresses: Record<string, string[]> }>(results[3]).addresses.private[0]).toMatch(
      /^10\.20\.0\./,
    );
    ok(results[4]);
    const id = created.id;
    await expectServer(demo, id, 'ACTIVE');
    for (const [command, status] of [
      [['server', 'reboot', '--hard', 'web-1'], 'ACTIVE'],
      [['server', 'stop', 'web-1'], 'SHUTOFF'],
      [['server', 'start', 'web-1'], 'ACTIVE'],
      [['server', 'pause', 'web-1'], 'PAUSED'],
      [['server', 'unpause', 'web-1'], 'ACTIVE'],
      [['server', 'suspend', 'web-1'], 'SUSPENDED'],
      [['server', 'resume', 'web-1'], 'ACTIVE'],
    ] as const) {
      ok((await openstack(demo, [[...command]]))[0]);
      const server = await expectServer(demo, id, status);
      expect(server['OS-EXT-STS:task_state']).toBeNull();
    }

    const [consoleLog, events] = await openstack(demo, [
      ['console', 'log', 'show', 'web-1'],
      ['server', 'event', 'list', 'web-1', '-f', 'json'],
    ]);
    expect(ok(consoleLog).length).toBeGreaterThan(0);
    const listed = jsonOf<{ Action: string; 'Request ID': string }[]>(events);
    expect(listed.map((e) => e.Action)).toEqual([
      'resume',
      'suspend',
      'unpause',
      'pause',
      'start',
      'stop',
      'reboot',
      'reboot',
      'create',
    ]);
    const [shown] = await openstack(cloud.admin, [
      ['server', 'event', 'show', id, listed.at(-1)!['Request ID'], '-f', 'json'],
    ]);
    expect(
      jsonOf<{ events: { event: string; result: string }[] }>(shown).events.map(
        (e) => `${e.event}:${e.result}`,
      ),
    ).toEqual([
      'conductor_schedule_and_build_instances:Success',
      'compute__do_build_and_run_instance:Success',
    ]);

    ok((await openstack(demo, [['server', 'delete', 'web-1']]))[0]);
    await expectGone(demo, id);
    const [after] = await openstack(demo, [['server', 'list', '-f', 'json']]);
    expect(jsonOf<{ ID: string }[]>(after).map((s) => s.ID)).not.toContain(id);
  });

  it('locks, rebuilds, resizes, confirms and reverts', async () => {
    const { id } = await boot(demo, 'app-1');
    const locked = await openstack(demo, [
      ['server', 'lock', 'app-1'],
      ['server', 'stop', 'app-1'],
      ['server', 'delete', 'app-1'],
      ['server', 'unlock', 'app-1'],
      ['server', 'rebuild', '--image', 'test_image', 'app-1', '-f', 'json'],
    ]);
    ok(locked[0]);
    expect(locked[1].stderr).toMatch(/is locked/);
    expect(locked[2].rc).not.toBe(0);
    ok(locked[3]);
    expect(jsonOf<Server>(locked[4]).status).toBe('REBUILD');
    await expectServer(demo, id, 'ACTIVE');
    ok((await openstack(demo, [['server', 'resize', '--flavor', 'medium', 'app-1']]))[0]);
    const resized = await expectServer(demo, id, 'VERIFY_RESIZE');
    expect(resized.flavor).toMatchObject({ id: '2' });
    ok((await openstack(demo, [['server', 'resize', 'confirm', 'app-1']]))[0]);
    await expectServer(demo, id, 'ACTIVE');
    ok((await openstack(demo, [['server', 'resize', '--flavor', 'large', 'app-1']]))[0]);
    expect((await expectServer(demo, id, 'VERIFY_RESIZE')).flavor).toMatchObject({ id: '3' });
    ok((await openstack(demo, [['server', 'resize', 'revert', 'app-1']]))[0]);
    const reverted = await expectServer(demo, id, 'ACTIVE');
    expect(reverted.flavor).toMatchObject({ id: '2' });
    const [actions] = await openstack(demo, [['server', 'event', 'list', id, '-f', 'json']]);
    expect(jsonOf<{ Action: string }[]>(actions).map((a) => a.Action)).toEqual([
      'revertResize',
      'resize',
      'confirmResize',
      'resize',
      'rebuild',
      'unlock',
      'lock',
      'create',
    ]);
    ok((await openstack(demo, [['server', 'delete', id]]))[0]);
    await expectGone(demo, id);
  });

  it('changes metadata, tags, security groups and ports of a server', async () => {
    const setup = await openstack(demo, [
      ['security', 'group', 'create', 'web', '-f', 'json'],
      ['port', 'create', '--network', 'private', 'extra-port', '-f', 'json'],
    ]);
    setup.forEach(ok);
    const port = jsonOf<{ id: string; mac_address: string }>(setup[1]);
    const { id } = await boot(demo, 'meta-1');
    const changes = await openstack(demo, [
      ['server', 'set', '--property', 'a=1', '--property', 'b=2', '--name', 'meta-2', 'meta-1'],
      ['server', 'unset', '--property', 'a', 'meta-2'],
      ['server', 'add', 'security', 'group', 'meta-2', 'web'],
      ['server', 'add', 'port', 'meta-2', 'extra-port'],
      ['server', 'show', 'meta-2', '-f', 'json'],
      ['port', 'list', '--server', 'meta-2', '-f', 'json'],
      ['console', 'log', 'show', 'meta-2'],
      ['server', 'remove', 'port', 'meta-2', 'extra-port'],
      ['server', 'remove', 'security', 'group', 'meta-2', 'web'],
      ['server', 'show', 'meta-2', '-f', 'json'],
      ['console', 'log', 'show', 'meta-2'],
    ]);
    for (const i of [0, 1, 2, 3, 7, 8]) ok(changes[i]);
    // The fake hypervisor logs hot-plugs on the guest's console: the guest got the NIC, then lost it.
    const plugged = `interface ${port.mac_address} attached`;
    const unplugged = `interface ${port.mac_address} detached`;
    expect(ok(changes[6])).toContain(plugged);
    expect(ok(changes[6])).not.toContain(unplugged);
    expect(ok(changes[10])).toContain(unplugged);
    type Detail = Server & {
      properties: unknown;
      security_groups: { name: string }[];
      addresses: Record<string, string[]>;
    };
    const shown = jsonOf<Detail>(changes[4]);
    expect(shown.properties).toEqual({ b: '2' });
    expect(shown.security_groups.map((g) => g.name).sort()).toEqual(['default', 'web']);
    expect(shown.addresses.private).toHaveLength(2);
    expect(jsonOf<{ ID: string }[]>(changes[5]).map((p) => p.ID)).toContain(port.id);
    const after = jsonOf<Detail>(changes[9]);
    expect(after.security_groups.map((g) => g.name)).toEqual(['default']);
    expect(after.addresses.private).toHaveLength(1);

    // openstackclient keeps the first command's compute microversion for its whole process.
    const [tagged] = await openstack(demo, [
      ['--os-compute-api-version', '2.26', 'server', 'set', '--tag', 'blue', id],
    ]);
    ok(tagged);
    const [byTag] = await openstack(demo, [
      ['--os-compute-api-version', '2.26', 'server', 'list', '--tags', 'blue', '-f', 'json'],
    ]);
    expect(jsonOf<{ Name: string }[]>(byTag).map((s) => s.Name)).toEqual(['meta-2']);
    ok((await openstack(demo, [['server', 'delete', id]]))[0]);
    await expectGone(demo, id);
  });

  it('places two servers of an anti-affinity group on two hosts', async () => {
    const [group] = await openstack(demo, [
      ['server', 'group', 'create', '--policy', 'anti-affinity', 'spread', '-f', 'json'],
    ]);
    const groupId = jsonOf<{ id: string }>(group).id;
    const first = await boot(demo, 'spread-1', '--hint', `group=${groupId}`);
    const second = await boot(demo, 'spread-2', '--hint', `group=${groupId}`);
    const [members] = await openstack(demo, [['server', 'group', 'show', 'spread', '-f', 'json']]);
    expect(jsonOf<{ members: string[] }>(members).members.sort()).toEqual([first.id, second.id].sort());
    const shown = await openstack(
      cloud.admin,
      [first.id, second.id].map((id) => ['server', 'show', id, '-f', 'json']),
    );
    const hosts = shown.map((r) => jsonOf<Record<string, string>>(r)['OS-EXT-SRV-ATTR:host']);
    expect(hosts.sort()).toEqual(['cmp-1', 'cmp-2']);
    const [third] = await openstack(demo, [
      [
        'server',
        'create',
        '--image',
        'test_image',
        '--flavor',
        'small',
        '--network',
        'private',
        '--hint',
        `group=${groupId}`,
        'spread-3',
        '-f',
        'json',
      ],
    ]);
    const failed = await expectServer(demo, jsonOf<Server>(third).id, 'ERROR');
    expect(failed.fault).toMatchObject({
      code: 500,
      message: 'No valid host was found. There are not enough hosts available.',
    });
    ok((await openstack(demo, [['server', 'delete', first.id, second.id, failed.id]]))[0]);
    for (const id of [first.id, second.id, failed.id]) await expectGone(demo, id);
  });

  it('refuses a server over quota with 403 and fails one no host can take into ERROR', async () => {
    const quoted = await cloud.createProjectUser('quota');
    ok((await openstack(cloud.admin, [['quota', 'set', '--instances', '1', quoted.projectId]]))[0]);
    const only = await boot(quoted, 'only');
    const [extra] = await openstack(quoted, [
      ['server', 'create', '--image', 'test_image', '--flavor', 'small', '--network', 'private', 'extra'],
    ]);
    expect(extra.rc).not.toBe(0);
    expect(extra.stderr).toContain(
      'Quota exceeded for instances: Requested 1, but already used 1 of 1 instances (HTTP 403)',
    );
    ok((await openstack(quoted, [['server', 'delete', only.id]]))[0]);

    const [huge] = await openstack(demo, [
      [
        'server',
        'create',
        '--image',
        'test_image',
        '--flavor',
        'huge',
        '--network',
        'private',
        'too-big',
        '-f',
        'json',
      ],
    ]);
    const failed = await expectServer(demo, jsonOf<Server>(huge).id, 'ERROR');
    expect(failed).toMatchObject({ 'OS-EXT-STS:task_state': null, fault: { code: 500 } });
    ok((await openstack(demo, [['server', 'delete', failed.id]]))[0]);
    await expectGone(demo, failed.id);
  });

  it('keeps one project out of another project’s servers', async () => {
    const intruder = await cloud.createProjectUser('intruder');
    const { id } = await boot(demo, 'private-1');
    const attempts = await openstack(intruder, [
      ['server', 'list', '-f', 'json'],
      ['server', 'show', id],
      ['server', 'reboot', id],
      ['server', 'stop', id],
      ['server', 'set', '--name', 'mine', id],
      ['server', 'delete', id],
      ['console', 'log', 'show', id],
      ['server', 'list', '--all-projects'],
    ]);
    expect(jsonOf<unknown[]>(attempts[0])).toEqual([]);
    for (const attempt of attempts.slice(1)) expect(attempt.rc).not.toBe(0);
    const token = await cloud.token(intruder);
    const direct = await fetch(`${api}/v2.1/servers/${id}`, { headers: { 'X-Auth-Token': token } });
    expect(direct.status).toBe(404);
    const [still] = await openstack(demo, [['server', 'show', id, '-f', 'json']]);
    expect(jsonOf<Server>(still)).toMatchObject({ status: 'ACTIVE', name: 'private-1' });
    ok((await openstack(demo, [['server', 'delete', id]]))[0]);
    await expectGone(demo, id);
  });

  it('answers unknown flavors, images and networks and malformed bodies with 400', async () => {
    const token = await cloud.token(demo);
    const [image, network] = await openstack(demo, [
      ['image', 'show', 'test_image', '-f', 'json'],
      ['network', 'show', 'private', '-f', 'json'],
    ]);
    const imageId = jsonOf<{ id: string }>(image).id;
    const networkId = jsonOf<{ id: string }>(network).id;
    const post = async (body: unknown, version = '2.53') => {
      const response = await fetch(`${api}/v2.1/servers`, {
        method: 'POST',
        headers: {
          'X-Auth-Token': token,
          'Content-Type': 'application/json',
          'OpenStack-API-Version': `compute ${version}`,
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      return {
        status: response.status,
        body: (await response.json()) as { badRequest?: { message: string } },
      };
    };
    const server = { name: 'x', imageRef: imageId, flavorRef: '1', networks: [{ uuid: networkId }] };
    const cases: [unknown, string][] = [
      [{ server: { ...server, flavorRef: 'nope' } }, 'Invalid flavorRef provided.'],
      [{ server: { ...server, imageRef: '6a5a4f2e-0000-4000-8000-000000000000' } }, 'could not be found'],
      [
        { server: { ...server, networks: [{ uuid: '6a5a4f2e-0000-4000-8000-000000000001' }] } },
        'could not be found',
      ],
      [{ server: { ...server, networks: [{ uuid: 'not-a-uuid' }] } }, 'networks'],
      [{ server: { ...server, networks: undefined } }, 'networks'],
      [{ server: { ...server, key_name: 'missing' } }, 'Invalid key_name provided.'],
      [{ server: { ...server, min_count: 3, max_count: 2 } }, 'min_count'],
      [{ server: { ...server, user_data: 'not base64!' } }, 'base 64'],
      [{ server: { ...server, surprise: true } }, 'surprise'],
      ['{"server": {', 'Malformed request body'],
    ];
    for (const [body, message] of cases) {
      const result = await post(body);
      expect(result.status).toBe(400);
      expect(result.body.badRequest?.message).toContain(message);
    }
    const action = await fetch(`${api}/v2.1/servers/6a5a4f2e-0000-4000-8000-000000000000/action`, {
      method: 'POST',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ reboot: { type: 'SOFT' } }),
    });
    expect(action.status).toBe(404);
  });

  it('creates several servers at once and pages and filters the list', async () => {
    const lister = await cloud.createProjectUser('lister');
    const [created] = await openstack(lister, [
      [
        'server',
        'create',
        '--image',
        'test_image',
        '--flavor',
        'small',
        '--network',
        'private',
        '--min',
        '3',
        '--max',
        '3',
        'batch',
        '-f',
        'json',
      ],
    ]);
    ok(created);
    const token = await cloud.token(lister);
    const get = async (query: string) => {
      const response = await fetch(`${api}/v2.1/servers/detail${query}`, {
        headers: { 'X-Auth-Token': token },
      });
      return (await response.json()) as {
        servers: Server[];
        servers_links?: { rel: string; href: string }[];
      };
    };
    const all = await expectEventually(
      async () => {
        const { servers } = await get('?status=ACTIVE');
        expect(servers).toHaveLength(3);
        return servers;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(all.map((s) => s.name).sort()).toEqual(['batch-1', 'batch-2', 'batch-3']);
    const first = await get('?limit=2');
    expect(first.servers).toHaveLength(2);
    const next = new URL(first.servers_links![0].href);
    expect(next.searchParams.get('marker')).toBe(first.servers[1].id);
    const second = await get(`?limit=2&marker=${first.servers[1].id}`);
    expect(second.servers).toHaveLength(1);
    expect(second.servers_links).toBeUndefined();
    expect((await get('?name=^batch-[12]$')).servers.map((s) => s.name).sort()).toEqual([
      'batch-1',
      'batch-2',
    ]);
    expect((await get('?status=SHUTOFF')).servers).toEqual([]);
    expect((await get('?flavor=1')).servers).toHaveLength(3);
    const before = new Date(Date.now() - 1000).toISOString();
    ok((await openstack(lister, [['server', 'delete', 'batch-3']]))[0]);
    await expectEventually(
      async () => {
        const { servers } = await get(`?changes-since=${before}`);
        expect(servers.find((s) => s.name === 'batch-3')?.status).toBe('DELETED');
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    expect((await get('')).servers).toHaveLength(2);
    ok((await openstack(lister, [['server', 'delete', 'batch-1', 'batch-2']]))[0]);
  });

  it('boots with a port, a fixed IP, auto and none networks, a zone, host hints and an image block device', async () => {
    const owner = await cloud.createProjectUser('variants');
    const setup = await openstack(owner, [
      ['port', 'create', '--network', 'private', 'own-port', '-f', 'json'],
      ['security', 'group', 'create', 'ssh', '-f', 'json'],
      ['image', 'show', 'test_image', '-f', 'json'],
      ['network', 'show', 'private', '-f', 'json'],
    ]);
    const port = jsonOf<{ id: string }>(setup[0]).id;
    const imageId = jsonOf<{ id: string }>(setup[2]).id;
    const networkId = jsonOf<{ id: string }>(setup[3]).id;
    const token = await cloud.token(owner);
    const create = async (server: Record<string, unknown>, hints?: Record<string, unknown>) => {
      const response = await fetch(`${api}/v2.1/servers`, {
        method: 'POST',
        headers: {
          'X-Auth-Token': token,
          'Content-Type': 'application/json',
          'OpenStack-API-Version': 'compute 2.53',
        },
        body: JSON.stringify({
          server: { imageRef: imageId, flavorRef: '1', ...server },
          ...(hints ? { 'os:scheduler_hints': hints } : {}),
        }),
      });
      const body = (await response.json()) as { server: Server & { adminPass: string } };
      expect(response.status).toBe(202);
      expect(body.server).toMatchObject({ 'OS-DCF:diskConfig': 'AUTO', adminPass: expect.any(String) });
      return body.server.id;
    };
    const withPort = await create({ name: 'v-port', networks: [{ port }] });
    const withIp = await create({
      name: 'v-ip',
      networks: [{ uuid: networkId, fixed_ip: '10.20.0.200' }],
      security_groups: [{ name: 'ssh' }],
      availability_zone: 'nova',
    });
    const auto = await create({ name: 'v-auto', networks: 'auto' });
    const none = await create({
      name: 'v-none',
      networks: 'none',
      imageRef: '',
      block_device_mapping_v2: [
        { source_type: 'image', destination_type: 'local', boot_index: 0, uuid: imageId },
      ],
    });
    const servers = new Map<string, Server>();
    for (const id of [withPort, withIp, auto, none]) servers.set(id, await expectServer(owner, id, 'ACTIVE'));
    type Addresses = Record<string, { addr: string }[]>;
    expect(servers.get(withIp)!.addresses).toEqual({
      private: [expect.objectContaining({ addr: '10.20.0.200' })],
    });
    expect(servers.get(withIp)!.security_groups).toEqual([{ name: 'ssh' }]);
    expect(Object.keys(servers.get(auto)!.addresses as Addresses)).toEqual(['private']);
    expect(servers.get(none)!.addresses).toEqual({});
    const [portShown] = await openstack(owner, [['port', 'show', port, '-f', 'json']]);
    expect(jsonOf<{ device_id: string }>(portShown).device_id).toBe(withPort);

    const same = await create({ name: 'v-same', networks: 'none' }, { same_host: withPort });
    const different = await create({ name: 'v-different', networks: 'none' }, { different_host: [withPort] });
    const hostOf = async (id: string) => (await expectServer(owner, id, 'ACTIVE')).hostId;
    expect(await hostOf(same)).toBe(await hostOf(withPort));
    expect(await hostOf(different)).not.toBe(await hostOf(withPort));

    const response = await fetch(`${api}/v2.1/servers`, {
      method: 'POST',
      headers: {
        'X-Auth-Token': token,
        'Content-Type': 'application/json',
        'OpenStack-API-Version': 'compute 2.53',
      },
      body: JSON.stringify({
        server: {
          name: 'v-mars',
          imageRef: imageId,
          flavorRef: '1',
          networks: 'none',
          availability_zone: 'mars',
        },
      }),
    });
    expect(response.status).toBe(400);

    const ids = [withPort, withIp, auto, none, same, different];
    ok((await openstack(owner, [['server', 'delete', ...ids]]))[0]);
    for (const id of ids) await expectGone(owner, id);
    const [released] = await openstack(owner, [['port', 'show', port, '-f', 'json']]);
    expect(jsonOf<{ device_id: string }>(released).device_id).toBe('');
  });

  it('attaches a volume to a running server and detaches it', async () => {
    const { id } = await boot(demo, 'with-volume');
    const [created] = await openstack(demo, [['volume', 'create', '--size', '1', 'data-vol', '-f', 'json']]);
    const volume = jsonOf<{ id: string }>(created);
    await expectEventually(async () => {
      const [shown] = await openstack(demo, [['volume', 'show', volume.id, '-f', 'json']]);
      expect(jsonOf<{ status: string }>(shown).status).toBe('available');
    });
    const [added, attachedVolume, attachments] = await openstack(demo, [
      ['server', 'add', 'volume', id, volume.id],
      ['volume', 'show', volume.id, '-f', 'json'],
      ['server', 'volume', 'list', id, '-f', 'json'],
    ]);
    ok(added);
    expect(jsonOf<{ status: string }>(attachedVolume).status).toBe('in-use');
    expect(jsonOf<{ 'Volume ID': string; Device: string }[]>(attachments)).toEqual([
      expect.objectContaining({ 'Volume ID': volume.id, Device: expect.stringMatching(/^\/dev\/vd[b-z]$/) }),
    ]);
    const [deleteAttached] = await openstack(demo, [['volume', 'delete', volume.id]]);
    expect(deleteAttached.rc).not.toBe(0);

    const [removed, detachedVolume, deleted] = await openstack(demo, [
      ['server', 'remove', 'volume', id, volume.id],
      ['volume', 'show', volume.id, '-f', 'json'],
      ['volume', 'delete', volume.id],
    ]);
    ok(removed);
    expect(jsonOf<{ status: string }>(detachedVolume).status).toBe('available');
    ok(deleted);
    ok((await openstack(demo, [['server', 'delete', id]]))[0]);
    await expectGone(demo, id);
  });

  it('boots from volumes: one made from the image, an existing one, and blank ones deleted on termination', async () => {
    const fromImage = await boot(demo, 'bfv-image', '--boot-from-volume', '1');
    const [bootable] = await openstack(demo, [
      ['volume', 'create', '--image', 'test_image', '--size', '1', '--bootable', 'boot-vol', '-f', 'json'],
    ]);
    const bootVolume = jsonOf<{ id: string }>(bootable).id;
    await expectEventually(async () => {
      const [shown] = await openstack(demo, [['volume', 'show', bootVolume, '-f', 'json']]);
      expect(jsonOf<{ status: string }>(shown).status).toBe('available');
    });
    const [created] = await openstack(demo, [
      [
        'server',
        'create',
        '--volume',
        bootVolume,
        '--block-device',
        'source_type=blank,destination_type=volume,volume_size=1,delete_on_termination=true',
        '--flavor',
        'small',
        '--network',
        'private',
        'bfv-volume',
        '-f',
        'json',
      ],
    ]);
    const fromVolume = await expectServer(demo, jsonOf<Server>(created).id, 'ACTIVE');

    const [shownImage, shownVolume, rootAttachments, volumes, detachRoot, snapshot] = await openstack(demo, [
      ['server', 'show', fromImage.id, '-f', 'json'],
      ['server', 'show', fromVolume.id, '-f', 'json'],
      ['server', 'volume', 'list', fromVolume.id, '-f', 'json'],
      ['volume', 'list', '--long', '-f', 'json'],
      ['server', 'remove', 'volume', fromVolume.id, bootVolume],
      ['server', 'image', 'create', '--name', 'bfv-snap', '--wait', fromVolume.id, '-f', 'json'],
    ]);
    const imageServer = jsonOf<{ image: string; volumes_attached: { id: string }[] }>(shownImage);
    expect(imageServer.image).toMatch(/booted from volume/);
    const [{ id: rootVolume }] = imageServer.volumes_attached;
    const attached = jsonOf<{ 'Volume ID': string; Device: string }[]>(rootAttachments);
    expect(attached.map((a) => a.Device).sort()).toEqual(['/dev/vda', '/dev/vdb']);
    expect(attached.find((a) => a.Device === '/dev/vda')!['Volume ID']).toBe(bootVolume);
    const blank = attached.find((a) => a.Device === '/dev/vdb')!['Volume ID'];
    expect(jsonOf<{ volumes_attached: { id: string }[] }>(shownVolume).volumes_attached).toEqual(
      expect.arrayContaining([{ id: bootVolume }, { id: blank }]),
    );
    const listed = jsonOf<{ ID: string; Status: string; Bootable: string }[]>(volumes);
    expect(listed.find((v) => v.ID === rootVolume)).toMatchObject({ Status: 'in-use', Bootable: 'true' });
    expect(listed.find((v) => v.ID === bootVolume)).toMatchObject({ Status: 'in-use' });
    expect(listed.find((v) => v.ID === blank)).toMatchObject({ Status: 'in-use' });
    expect(detachRoot.rc).not.toBe(0);
    expect(detachRoot.stderr).toMatch(/Cannot detach a root device volume/);

    // Its image is made of snapshots of its volumes, and booting it gives a server volumes made of them.
    const image = jsonOf<{ id: string; status: string; properties: Record<string, unknown> }>(snapshot);
    expect(image.status).toBe('active');
    expect(image.properties).toMatchObject({ bdm_v2: 'True', root_device_name: '/dev/vda' });
    const [snapshots] = await openstack(demo, [['volume', 'snapshot', 'list', '-f', 'json']]);
    const taken = jsonOf<{ ID: string; Name: string; Status: string }[]>(snapshots).filter(
      (snap) => snap.Name === 'snapshot for bfv-snap',
    );
    expect(taken.map((snap) => snap.Status)).toEqual(['available', 'available']);
    const fromSnapshot = await boot(demo, 'bfv-from-image', '--image', 'bfv-snap');
    expect(fromSnapshot.image).toMatchObject({ id: image.id });
    const [snapshotAttachments] = await openstack(demo, [
      ['server', 'volume', 'list', fromSnapshot.id, '-f', 'json'],
    ]);
    const madeFromSnapshots = jsonOf<{ 'Volume ID': string; Device: string }[]>(snapshotAttachments);
    expect(madeFromSnapshots.map((a) => a.Device).sort()).toEqual(['/dev/vda', '/dev/vdb']);
    expect(madeFromSnapshots.map((a) => a['Volume ID'])).not.toContain(bootVolume);

    // A resize recreates the guest on its root volume; the volume stays attached as vda.
    ok((await openstack(demo, [['server', 'resize', '--flavor', 'medium', fromImage.id]]))[0]);
    await expectServer(demo, fromImage.id, 'VERIFY_RESIZE');
    ok((await openstack(demo, [['server', 'resize', 'confirm', fromImage.id]]))[0]);
    await expectServer(demo, fromImage.id, 'ACTIVE');
    const [afterResize, rebuilt] = await openstack(demo, [
      ['server', 'volume', 'list', fromImage.id, '-f', 'json'],
      ['server', 'rebuild', '--image', 'test_image', fromImage.id, '-f', 'json'],
    ]);
    expect(jsonOf<{ 'Volume ID': string; Device: string }[]>(afterResize)).toEqual([
      expect.objectContaining({ 'Volume ID': rootVolume, Device: '/dev/vda' }),
    ]);
    ok(rebuilt);
    expect((await expectServer(demo, fromImage.id, 'ACTIVE')).image).toBe('');

    ok((await openstack(demo, [['server', 'delete', fromImage.id, fromVolume.id, fromSnapshot.id]]))[0]);
    await expectGone(demo, fromImage.id);
    await expectGone(demo, fromVolume.id);
    await expectGone(demo, fromSnapshot.id);
    await expectEventually(async () => {
      const [after] = await openstack(demo, [['volume', 'list', '-f', 'json']]);
      const statuses = new Map(jsonOf<{ ID: string; Status: string }[]>(after).map((v) => [v.ID, v.Status]));
      expect(statuses.get(rootVolume)).toBe('available');
      expect(statuses.get(bootVolume)).toBe('available');
      // delete_on_termination, carried into the image's mapping; the original blank volume stays,
      // as in Cinder, because the image's snapshot of it still exists.
      expect(statuses.has(madeFromSnapshots.find((a) => a.Device === '/dev/vdb')!['Volume ID'])).toBe(false);
      expect(statuses.get(blank)).toBe('available');
    });
    const snapshotRoot = madeFromSnapshots.find((a) => a.Device === '/dev/vda')!['Volume ID'];
    const cleanup = await openstack(demo, [
      ['image', 'delete', 'bfv-snap'],
      ['volume', 'snapshot', 'delete', ...taken.map((snap) => snap.ID)],
      ['volume', 'delete', rootVolume, snapshotRoot],
    ]);
    cleanup.forEach(ok);
    await expectEventually(async () => {
      const [deleted] = await openstack(demo, [['volume', 'delete', bootVolume, blank]]);
      ok(deleted);
    });
  });

  it("refuses volumes that are not the caller's, and boot volumes not there or not described well", async () => {
    const other = await cloud.createProjectUser('bfv-other');
    const [created] = await openstack(other, [
      ['volume', 'create', '--size', '1', 'private-vol', '-f', 'json'],
    ]);
    const foreign = jsonOf<{ id: string }>(created).id;
    const token = await cloud.token(demo);
    const [shownImage] = await openstack(demo, [['image', 'show', 'test_image', '-f', 'json']]);
    const imageId = jsonOf<{ id: string }>(shownImage).id;
    const attempt = async (mapping: Record<string, unknown>) => {
      const response = await fetch(`${api}/v2.1/servers`, {
        method: 'POST',
        headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          server: { name: 'bad-bfv', flavorRef: '1', networks: [], block_device_mapping_v2: [mapping] },
        }),
      });
      return {
        status: response.status,
        body: (await response.json()) as { badRequest?: { message: string } },
      };
    };
    const foreignBoot = await attempt({
      source_type: 'volume',
      destination_type: 'volume',
      boot_index: 0,
      uuid: foreign,
    });
    expect(foreignBoot.status).toBe(400);
    expect(foreignBoot.body.badRequest!.message).toContain(`failed to get volume ${foreign}`);
    expect(
      (await attempt({ source_type: 'image', destination_type: 'volume', boot_index: 0, uuid: imageId }))
        .status,
    ).toBe(400);
    expect((await attempt({ source_type: 'volume', destination_type: 'volume', boot_index: 0 })).status).toBe(
      400,
    );
    expect(
      (await attempt({ source_type: 'blank', destination_type: 'volume', boot_index: 0, volume_size: 1 }))
        .status,
    ).toBe(400);
    expect((await attempt({ source_type: 'disk', destination_type: 'volume', boot_index: 0 })).status).toBe(
      400,
    );
    const { id: server } = await boot(demo, 'no-foreign-volumes');
    const [foreignAttach] = await openstack(demo, [['server', 'add', 'volume', server, foreign]]);
    expect(foreignAttach.rc).not.toBe(0);
    expect(foreignAttach.stderr).toMatch(/No Volume found/);
    const direct = await fetch(`${api}/v2.1/servers/${server}/os-volume_attachments`, {
      method: 'POST',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ volumeAttachment: { volumeId: foreign } }),
    });
    expect(direct.status).toBe(404);
    expect(await direct.json()).toMatchObject({ itemNotFound: { code: 404 } });
    const [still] = await openstack(other, [['volume', 'show', foreign, '-f', 'json']]);
    expect(jsonOf<{ status: string }>(still).status).toBe('available');
    ok((await openstack(demo, [['server', 'delete', server]]))[0]);
    await expectGone(demo, server);
  });

  it('reports server hours per project (openstack usage), to admins for every project', async () => {
    const user = await cloud.createProjectUser('usage-user');
    const { id } = await boot(user, 'metered');
    const [own, everyone] = await Promise.all([
      openstack(user, [
        ['usage', 'show', '-f', 'json'],
        ['usage', 'list', '-f', 'json'],
      ]),
      openstack(cloud.admin, [['usage', 'list', '--start', '2026-01-01', '-f', 'json']]),
    ]);
    expect(jsonOf<Record<string, unknown>>(own[0])).toMatchObject({
      Project: user.projectId,
      Servers: [expect.objectContaining({ instance_id: id, name: 'metered', vcpus: 1, state: 'active' })],
      'CPU Hours': expect.any(Number),
    });
    expect(own[1].stderr).toMatch(/os-simple-tenant-usage:list.*HTTP 403/);
    expect(jsonOf<{ Servers: { instance_id: string }[] }[]>(everyone[0])).toContainEqual(
      expect.objectContaining({
        Servers: [expect.objectContaining({ instance_id: id, tenant_id: user.projectId })],
      }),
    );
    const token = await cloud.token(user);
    const bad = await fetch(`${api}/v2.1/os-simple-tenant-usage/${user.projectId}?start=yesterday`, {
      headers: { 'X-Auth-Token': token },
    });
    expect(bad.status).toBe(400);
    const other = await fetch(`${api}/v2.1/os-simple-tenant-usage/${demo.projectId}`, {
      headers: { 'X-Auth-Token': token },
    });
    expect(other.status).toBe(403);
    ok((await openstack(user, [['server', 'delete', id]]))[0]);
    await expectGone(user, id);
  });

  it('snapshots a server into the image service', async () => {
    const { id } = await boot(demo, 'snap-source');
    const [created, shown] = await openstack(demo, [
      ['server', 'image', 'create', '--name', 'snap', '--wait', id, '-f', 'json'],
      ['image', 'show', 'snap', '-f', 'json'],
    ]);
    expect(jsonOf<{ status: string }>(created).status).toBe('active');
    expect(jsonOf<{ properties: Record<string, string> }>(shown).properties).toMatchObject({
      image_type: 'snapshot',
      instance_uuid: id,
    });
    expect((await expectServer(demo, id, 'ACTIVE'))['OS-EXT-STS:task_state']).toBeNull();
    ok((await openstack(demo, [['server', 'delete', id]]))[0]);
    await expectGone(demo, id);
  });

  it('ends a build whose host does not answer in ERROR with a fault, never in BUILD', async () => {
    await cloud.service('compute-agent').stop();
    const [created] = await openstack(demo, [
      [
        'server',
        'create',
        '--image',
        'test_image',
        '--flavor',
        'small',
        '--network',
        'private',
        'orphan',
        '-f',
        'json',
      ],
    ]);
    const failed = await expectServer(demo, jsonOf<Server>(created).id, 'ERROR');
    expect(failed.fault).toMatchObject({
      code: 500,
      message: expect.stringContaining('Exceeded maximum number of retries'),
    });
    ok((await openstack(demo, [['server', 'delete', failed.id]]))[0]);
    await expectGone(demo, failed.id);
  });

  /** Polls the API, not the CLI: a CLI --wait sleeps five seconds between looks. */
  async function expectServer(credentials: CliCredentials, id: string, status: string): Promise<Server> {
    const token = await cloud.token(credentials);
    return expectEventually(
      async () => {
        const response = await fetch(`${api}/v2.1/servers/${id}`, { headers: { 'X-Auth-Token': token } });
        const { server } = (await response.json()) as { server: Server };
        if (server.status !== status) {
          throw new Error(`server ${id} is ${server.status}, not ${status}: ${JSON.stringify(server.fault)}`);
        }
        return server;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  }

  async function expectGone(credentials: CliCredentials, id: string): Promise<void> {
    const token = await cloud.token(credentials);
    await expectEventually(
      async () => {
        const response = await fetch(`${api}/v2.1/servers/${id}`, { headers: { 'X-Auth-Token': token } });
        expect(response.status).toBe(404);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  }

  /** Starts a server with the CLI and waits for it through the API. */
  async function boot(credentials: CliCredentials, name: string, ...extra: string[]): Promise<Server> {
    const [created] = await openstack(credentials, [
      [
        'server',
        'create',
        '--image',
        'test_image',
        '--flavor',
        'small',
        '--network',
        'private',
        ...extra,
        name,
        '-f',
        'json',
      ],
    ]);
    return expectServer(credentials, jsonOf<Server>(created).id, 'ACTIVE');
  }
});
