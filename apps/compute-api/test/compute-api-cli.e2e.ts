import { CliResult, jsonOf, openstack, openstackSdk, TestCloud } from '@stratus/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Flavors, key pairs, server groups, quotas and limits through Debian's real `openstack` CLI. */
describe('compute-api through the openstack CLI', () => {
  let cloud: TestCloud;
  let api: string;

  beforeAll(async () => {
    cloud = await TestCloud.start(['compute-api']);
    api = cloud.service('compute-api').url;
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  const ok = (result: CliResult): string => {
    if (result.rc !== 0)
      throw new Error(`openstack ${result.argv.join(' ')}:\n${result.stderr}${result.stdout}`);
    return result.stdout;
  };

  it('manages public and private flavors with extra specs and access lists', async () => {
    const alice = await cloud.createProjectUser('flavors-a');
    const bob = await cloud.createProjectUser('flavors-b');
    const admin = await openstack(cloud.admin, [
      [
        'flavor',
        'create',
        '--id',
        'f-small',
        '--vcpus',
        '1',
        '--ram',
        '2048',
        '--disk',
        '20',
        'e2e-small',
        '-f',
        'json',
      ],
      [
        'flavor',
        'create',
        '--vcpus',
        '2',
        '--ram',
        '512',
        '--disk',
        '1',
        '--ephemeral',
        '2',
        '--swap',
        '256',
        '--property',
        'hw:cpu_policy=shared',
        '--private',
        '--project',
        alice.projectId,
        'e2e-private',
        '-f',
        'json',
      ],
      ['flavor', 'set', '--property', 'quota:disk_read_bytes_sec=1000', 'e2e-small'],
      ['flavor', 'show', 'e2e-small', '-f', 'json'],
      ['flavor', 'list', '--all', '-f', 'json'],
      ['flavor', 'show', 'e2e-private', '-f', 'json'],
      ['flavor', 'unset', '--property', 'quota:disk_read_bytes_sec', 'e2e-small'],
      ['flavor', 'show', 'e2e-small', '-f', 'json'],
    ]);
    const small = jsonOf<{ id: string; ram: number; vcpus: number; disk: number; properties: unknown }>(
      admin[0],
    );
    expect(small).toMatchObject({ id: 'f-small', ram: 2048, vcpus: 1, disk: 20 });
    const secret = jsonOf<{ id: string; swap: number; 'OS-FLV-EXT-DATA:ephemeral': number }>(admin[1]);
    expect(secret).toMatchObject({ swap: 256, 'OS-FLV-EXT-DATA:ephemeral': 2 });
    ok(admin[2]);
    expect(jsonOf<{ properties: Record<string, string> }>(admin[3]).properties).toEqual({
      'quota:disk_read_bytes_sec': '1000',
    });
    expect(jsonOf<{ Name: string }[]>(admin[4]).map((f) => f.Name)).toEqual(
      expect.arrayContaining(['e2e-small', 'e2e-private']),
    );
    expect(jsonOf<{ properties: Record<string, string> }>(admin[5]).properties).toEqual({
      'hw:cpu_policy': 'shared',
    });
    ok(admin[6]);
    expect(jsonOf<{ properties: Record<string, string> }>(admin[7]).properties).toEqual({});

    const [aliceList, aliceShow] = await openstack(alice, [
      ['flavor', 'list', '-f', 'json'],
      ['flavor', 'show', secret.id, '-f', 'json'],
    ]);
    expect(jsonOf<{ Name: string }[]>(aliceList).map((f) => f.Name)).toEqual(
      expect.arrayContaining(['e2e-small', 'e2e-private']),
    );
    expect(jsonOf<{ name: string }>(aliceShow).name).toBe('e2e-private');

    const [bobList, bobShow, bobCreate] = await openstack(bob, [
      ['flavor', 'list', '-f', 'json'],
      ['flavor', 'show', secret.id, '-f', 'json'],
      ['flavor', 'create', '--vcpus', '1', '--ram', '64', '--disk', '0', 'mine'],
    ]);
    expect(jsonOf<{ Name: string }[]>(bobList).map((f) => f.Name)).not.toContain('e2e-private');
    expect(bobShow.rc).not.toBe(0);
    expect(bobCreate.rc).not.toBe(0);
    expect(bobCreate.stderr).toMatch(/os-flavor-manage:create|403/);

    const cleanup = await openstack(cloud.admin, [
      ['flavor', 'delete', 'e2e-private'],
      ['flavor', 'list', '--all', '-f', 'json'],
    ]);
    ok(cleanup[0]);
    expect(jsonOf<{ Name: string }[]>(cleanup[1]).map((f) => f.Name)).not.toContain('e2e-private');
  });

  it('keeps key pairs per user: generated, imported and x509', async () => {
    const alice = await cloud.createProjectUser('keys-a');
    const bob = await cloud.createProjectUser('keys-b');
    const dir = mkdtempSync(join(tmpdir(), 'stratus-keys-'));
    const publicKey = join(dir, 'id.pub');
    writeFileSync(
      publicKey,
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGcLS3FXZm0bUukj31raPqDQnbY+E10wInCGnBDWL20s test@example\n',
    );
    const results = await openstack(alice, [
      ['keypair', 'create', 'generated'],
      ['keypair', 'create', '--public-key', publicKey, 'imported', '-f', 'json'],
      ['keypair', 'list', '-f', 'json'],
      ['keypair', 'show', 'imported', '-f', 'json'],
      ['keypair', 'create', '--public-key', publicKey, 'imported'],
    ]);
    expect(ok(results[0])).toContain('BEGIN RSA PRIVATE KEY');
    expect(jsonOf<{ fingerprint: string }>(results[1]).fingerprint).toBe(
      'a9:69:70:4b:3b:33:42:58:c0:8d:a5:06:be:d5:62:3c',
    );
    // The CLI's --type never reaches the server (openstackclient 6.0 passes it under a name the SDK
    // ignores), so the x509 pair is made with openstacksdk directly.
    const x509 = await openstackSdk(
      alice,
      `import openstack
conn = openstack.connect()
key = conn.compute.create_keypair(name="windows", type="x509")
print(key.type, "BEGIN CERTIFICATE" in key.public_key, "PRIVATE KEY" in key.private_key)
`,
    );
    expect(x509.trim()).toBe('x509 True True');
    const [listed] = await openstack(alice, [['keypair', 'list', '-f', 'json']]);
    expect(
      jsonOf<{ Name: string; Type: string }[]>(listed)
        .map((k) => `${k.Name}:${k.Type}`)
        .sort(),
    ).toEqual(['generated:ssh', 'imported:ssh', 'windows:x509']);
    expect(jsonOf<{ user_id: string }>(results[3]).user_id).toBe(alice.userId);
    expect(results[4].rc).not.toBe(0);
    expect(results[4].stderr).toMatch(/already exists/);

    const [bobList, bobShow, bobDelete] = await openstack(bob, [
      ['keypair', 'list', '-f', 'json'],
      ['keypair', 'show', 'imported'],
      ['keypair', 'delete', 'imported'],
    ]);
    expect(jsonOf<unknown[]>(bobList)).toEqual([]);
    expect(bobShow.rc).not.toBe(0);
    expect(bobDelete.rc).not.toBe(0);
    const [deleted, after] = await openstack(alice, [
      ['keypair', 'delete', 'generated'],
      ['keypair', 'list', '-f', 'json'],
    ]);
    ok(deleted);
    expect(
      jsonOf<{ Name: string }[]>(after)
        .map((k) => k.Name)
        .sort(),
    ).toEqual(['imported', 'windows']);
  });

  it('creates server groups with every policy and hides them from other projects', async () => {
    const alice = await cloud.createProjectUser('groups-a');
    const bob = await cloud.createProjectUser('groups-b');
    const results = await openstack(alice, [
      ['server', 'group', 'create', '--policy', 'anti-affinity', 'spread', '-f', 'json'],
      ['server', 'group', 'create', '--policy', 'affinity', 'pack', '-f', 'json'],
      ['server', 'group', 'create', '--policy', 'soft-anti-affinity', 'soft-spread', '-f', 'json'],
      ['server', 'group', 'create', '--policy', 'soft-affinity', 'soft-pack', '-f', 'json'],
      ['server', 'group', 'list', '-f', 'json'],
    ]);
    const spread = jsonOf<{ id: string; policies: string[]; project_id: string; members: string[] }>(
      results[0],
    );
    expect(spread).toMatchObject({ policies: ['anti-affinity'], project_id: alice.projectId, members: [] });
    expect(jsonOf<{ policies: string[] }>(results[2]).policies).toEqual(['soft-anti-affinity']);
    expect(
      jsonOf<{ Name: string }[]>(results[4])
        .map((g) => g.Name)
        .sort(),
    ).toEqual(['pack', 'soft-pack', 'soft-spread', 'spread']);
    const [bobList, bobShow, bobDelete] = await openstack(bob, [
      ['server', 'group', 'list', '-f', 'json'],
      ['server', 'group', 'show', spread.id],
      ['server', 'group', 'delete', spread.id],
    ]);
    expect(jsonOf<unknown[]>(bobList)).toEqual([]);
    expect(bobShow.rc).not.toBe(0);
    expect(bobDelete.rc).not.toBe(0);
    const [deleted, remaining, adminAll] = [
      ...(await openstack(alice, [
        ['server', 'group', 'delete', spread.id],
        ['server', 'group', 'list', '-f', 'json'],
      ])),
      ...(await openstack(cloud.admin, [['server', 'group', 'list', '--all-projects', '-f', 'json']])),
    ];
    ok(deleted);
    expect(jsonOf<unknown[]>(remaining)).toHaveLength(3);
    expect(jsonOf<{ Name: string }[]>(adminAll).map((g) => g.Name)).toEqual(expect.arrayContaining(['pack']));
  });

  it('shows and sets quotas and reports absolute limits with usage', async () => {
    const alice = await cloud.createProjectUser('quota-a');
    const admin = await openstack(cloud.admin, [
      ['quota', 'set', '--instances', '3', '--cores', '6', '--key-pairs', '1', alice.projectId],
      ['quota', 'show', alice.projectId, '-f', 'json'],
      ['quota', 'show', '--default', '-f', 'json'],
    ]);
    ok(admin[0]);
    expect(jsonOf<Record<string, number>>(admin[1])).toMatchObject({
      instances: 3,
      cores: 6,
      'key-pairs': 1,
    });
    expect(jsonOf<Record<string, number>>(admin[2])).toMatchObject({ instances: 10, cores: 20, ram: 51200 });
    const mine = await openstack(alice, [
      ['quota', 'show', '-f', 'json'],
      ['keypair', 'create', 'one'],
      ['keypair', 'create', 'two'],
      ['limits', 'show', '--absolute', '-f', 'json'],
      ['quota', 'set', '--instances', '100', alice.projectId],
    ]);
    expect(jsonOf<Record<string, number>>(mine[0])).toMatchObject({ instances: 3 });
    ok(mine[1]);
    expect(mine[2].rc).not.toBe(0);
    expect(mine[2].stderr).toMatch(/Quota exceeded, too many key pairs/);
    const limits = Object.fromEntries(
      jsonOf<{ Name: string; Value: number }[]>(mine[3]).map((l) => [l.Name, l.Value]),
    );
    expect(limits).toMatchObject({
      maxTotalInstances: 3,
      maxTotalCores: 6,
      totalInstancesUsed: 0,
      totalCoresUsed: 0,
    });
    expect(mine[4].rc).not.toBe(0);
  });

  it('answers malformed and unknown requests with Nova errors, never 5xx', async () => {
    const alice = await cloud.createProjectUser('malformed');
    const token = await cloud.token(alice);
    const adminToken = await cloud.adminToken();
    const call = async (method: string, path: string, body?: string, as = token) => {
      const response = await fetch(`${api}/v2.1${path}`, {
        method,
        headers: { 'X-Auth-Token': as, 'Content-Type': 'application/json' },
        body,
      });
      return {
        status: response.status,
        body: (await response.json()) as Record<string, { code: number; message: string }>,
      };
    };
    const cases = [
      await call('POST', '/flavors', '{"flavor": ', adminToken),
      await call(
        'POST',
        '/flavors',
        JSON.stringify({ flavor: { name: 'x', ram: 'lots', vcpus: 1, disk: 1 } }),
        adminToken,
      ),
      await call(
        'POST',
        '/flavors',
        JSON.stringify({ flavor: { name: 'x', ram: 1, vcpus: 1, disk: 1, bogus: 1 } }),
        adminToken,
      ),
      await call('POST', '/os-keypairs', JSON.stringify({ keypair: { name: 'bad/name' } })),
      await call('POST', '/os-keypairs', JSON.stringify({ keypair: { name: 'k', public_key: 'not a key' } })),
      await call(
        'POST',
        '/os-server-groups',
        JSON.stringify({ server_group: { name: 'g', policies: ['nope'] } }),
      ),
      await call('GET', '/flavors?limit=abc'),
      await call('GET', '/flavors?marker=missing'),
      await call(
        'POST',
        '/servers',
        JSON.stringify({ server: { name: 's', flavorRef: 'missing', imageRef: 'x' } }),
      ),
      await call('POST', '/servers', '[]'),
      await call(
        'PUT',
        '/os-quota-sets/' + alice.projectId,
        JSON.stringify({ quota_set: { instances: 'x' } }),
        adminToken,
      ),
    ];
    for (const result of cases) {
      expect(result.status).toBe(400);
      expect(result.body.badRequest.code).toBe(400);
    }
    const missing = await call('GET', '/flavors/does-not-exist');
    expect(missing).toEqual({
      status: 404,
      body: { itemNotFound: { code: 404, message: 'Flavor does-not-exist could not be found.' } },
    });
    expect(
      (await call('GET', '/servers/6a5a4f2e-0000-4000-8000-000000000000')).body.itemNotFound.message,
    ).toBe('Instance 6a5a4f2e-0000-4000-8000-000000000000 could not be found.');
    expect((await call('GET', '/os-hypervisors')).status).toBe(403);
    expect((await call('GET', '/os-quota-sets/' + 'someone-else')).status).toBe(403);
  });

  it('serves version documents and negotiates microversions as Nova does', async () => {
    const root = await fetch(`${api}/`);
    expect(root.status).toBe(200);
    const { versions } = (await root.json()) as {
      versions: { id: string; version: string; min_version: string }[];
    };
    expect(versions).toEqual([expect.objectContaining({ id: 'v2.1', version: '2.53', min_version: '2.1' })]);
    const v21 = (await (await fetch(`${api}/v2.1/`)).json()) as {
      version: { links: { rel: string; href: string }[] };
    };
    expect(v21.version.links[0]).toEqual({ rel: 'self', href: `${api}/v2.1/` });

    const token = await cloud.adminToken();
    const get = (headers: Record<string, string>) =>
      fetch(`${api}/v2.1/os-keypairs`, { headers: { 'X-Auth-Token': token, ...headers } });
    const plain = await get({});
    expect(plain.headers.get('openstack-api-version')).toBe('compute 2.1');
    expect(plain.headers.get('x-openstack-nova-api-version')).toBe('2.1');
    expect(plain.headers.get('vary')).toBe('OpenStack-API-Version, X-OpenStack-Nova-API-Version');
    expect(
      (await get({ 'OpenStack-API-Version': 'compute latest' })).headers.get('openstack-api-version'),
    ).toBe('compute 2.53');
    expect(
      (await get({ 'X-OpenStack-Nova-API-Version': '2.10' })).headers.get('x-openstack-nova-api-version'),
    ).toBe('2.10');
    const tooNew = await get({ 'OpenStack-API-Version': 'compute 2.54' });
    expect(tooNew.status).toBe(406);
    expect(((await tooNew.json()) as { notAcceptable: { message: string } }).notAcceptable.message).toBe(
      'Version 2.54 is not supported by the API. Minimum is 2.1 and maximum is 2.53.',
    );
    expect((await get({ 'OpenStack-API-Version': 'compute two' })).status).toBe(400);

    // Key pair create answers 200 before 2.2 and 201 from it; the type field appears with it.
    const create = async (version: string, name: string) => {
      const response = await fetch(`${api}/v2.1/os-keypairs`, {
        method: 'POST',
        headers: {
          'X-Auth-Token': token,
          'Content-Type': 'application/json',
          'OpenStack-API-Version': `compute ${version}`,
        },
        body: JSON.stringify({ keypair: { name } }),
      });
      return {
        status: response.status,
        body: (await response.json()) as { keypair: Record<string, unknown> },
      };
    };
    const old = await create('2.1', 'mv-old');
    expect(old.status).toBe(200);
    expect(old.body.keypair).not.toHaveProperty('type');
    const current = await create('2.2', 'mv-new');
    expect(current.status).toBe(201);
    expect(current.body.keypair.type).toBe('ssh');
    const deleted = await fetch(`${api}/v2.1/os-keypairs/mv-old`, {
      method: 'DELETE',
      headers: { 'X-Auth-Token': token },
    });
    expect(deleted.status).toBe(202);
  });
});
