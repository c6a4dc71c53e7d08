import { expectEventually, jsonOf, openstack, TestCloud } from '@stratus/testing';

/** os-hypervisors, os-services and availability zones, fed by a real compute agent simulating two hosts. */
describe('compute hosts through the openstack CLI', () => {
  let cloud: TestCloud;
  let api: string;

  beforeAll(async () => {
    cloud = await TestCloud.start(['compute-agent', 'compute-api'], {
      'compute-agent': {
        COMPUTE_AGENT_HOST: 'cmp',
        COMPUTE_AGENT_FAKE_HOSTS: '2',
        COMPUTE_AGENT_FAKE_VCPUS: '8',
        COMPUTE_AGENT_FAKE_MEMORY_MB: '16384',
        COMPUTE_AGENT_HEARTBEAT_SECONDS: '1',
      },
    });
    api = cloud.service('compute-api').url;
    const token = await cloud.adminToken();
    await expectEventually(async () => {
      const response = await fetch(`${api}/v2.1/os-hypervisors`, { headers: { 'X-Auth-Token': token } });
      expect(((await response.json()) as { hypervisors: unknown[] }).hypervisors).toHaveLength(2);
    });
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('lists, shows and totals hypervisors', async () => {
    const [list, show, stats] = await openstack(cloud.admin, [
      ['hypervisor', 'list', '-f', 'json'],
      ['hypervisor', 'show', 'cmp-2', '-f', 'json'],
      ['hypervisor', 'stats', 'show', '-f', 'json'],
    ]);
    const hypervisors =
      jsonOf<{ 'Hypervisor Hostname': string; State: string; 'Hypervisor Type': string }[]>(list);
    expect(
      hypervisors.map((h) => `${h['Hypervisor Hostname']}:${h.State}:${h['Hypervisor Type']}`).sort(),
    ).toEqual(['cmp-1:up:fake', 'cmp-2:up:fake']);
    expect(jsonOf<Record<string, unknown>>(show)).toMatchObject({
      hypervisor_hostname: 'cmp-2',
      vcpus: 8,
      memory_mb: 16384,
      memory_mb_used: 512,
      vcpus_used: 0,
      running_vms: 0,
      service_host: 'cmp-2',
      status: 'enabled',
    });
    expect(jsonOf<Record<string, number>>(stats)).toMatchObject({ count: 2, vcpus: 16, memory_mb: 32768 });
  });

  it('disables, forces down and re-enables a compute service', async () => {
    const results = await openstack(cloud.admin, [
      ['compute', 'service', 'list', '-f', 'json'],
      ['compute', 'service', 'set', '--disable', '--disable-reason', 'maintenance', 'cmp-1', 'nova-compute'],
      ['compute', 'service', 'set', '--down', 'cmp-2', 'nova-compute'],
      ['compute', 'service', 'list', '--long', '-f', 'json'],
      ['availability', 'zone', 'list', '--compute', '--long', '-f', 'json'],
      ['compute', 'service', 'set', '--enable', 'cmp-1', 'nova-compute'],
      ['compute', 'service', 'set', '--up', 'cmp-2', 'nova-compute'],
      ['compute', 'service', 'list', '-f', 'json'],
    ]);
    type Row = {
      Binary: string;
      Host: string;
      Zone: string;
      Status: string;
      State: string;
      'Disabled Reason'?: string;
    };
    expect(
      jsonOf<Row[]>(results[0])
        .map((s) => `${s.Binary}@${s.Host}:${s.Zone}:${s.Status}:${s.State}`)
        .sort(),
    ).toEqual(['nova-compute@cmp-1:nova:enabled:up', 'nova-compute@cmp-2:nova:enabled:up']);
    for (const i of [1, 2, 5, 6]) expect(results[i].rc).toBe(0);
    const changed = Object.fromEntries(jsonOf<Row[]>(results[3]).map((s) => [s.Host, s]));
    expect(changed['cmp-1']).toMatchObject({
      Status: 'disabled',
      State: 'up',
      'Disabled Reason': 'maintenance',
    });
    expect(changed['cmp-2']).toMatchObject({ Status: 'enabled', State: 'down' });
    const zones = jsonOf<{ 'Zone Name': string; 'Zone Status': string; 'Host Name': string }[]>(results[4]);
    expect(zones.map((z) => `${z['Zone Name']}:${z['Host Name']}`).sort()).toEqual([
      'nova:cmp-1',
      'nova:cmp-2',
    ]);
    expect(jsonOf<Row[]>(results[7]).every((s) => s.Status === 'enabled' && s.State === 'up')).toBe(true);
  });

  it('keeps hypervisors and services to admins and speaks both service APIs', async () => {
    const member = await cloud.createProjectUser('hosts-member');
    const [hypervisors, services, zones] = await openstack(member, [
      ['hypervisor', 'list'],
      ['compute', 'service', 'list'],
      ['availability', 'zone', 'list', '--compute', '-f', 'json'],
    ]);
    expect(hypervisors.rc).not.toBe(0);
    expect(services.rc).not.toBe(0);
    expect(jsonOf<{ 'Zone Name': string; 'Zone Status': string }[]>(zones)).toEqual([
      { 'Zone Name': 'nova', 'Zone Status': 'available' },
    ]);

    const token = await cloud.adminToken();
    const call = async (method: string, path: string, version: string, body?: unknown) => {
      const response = await fetch(`${api}/v2.1${path}`, {
        method,
        headers: {
          'X-Auth-Token': token,
          'Content-Type': 'application/json',
          'OpenStack-API-Version': `compute ${version}`,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const legacy = await call('GET', '/os-services', '2.1');
    const services21 = legacy.body.services as { id: unknown; forced_down?: boolean }[];
    expect(services21.every((s) => typeof s.id === 'number' && s.forced_down === undefined)).toBe(true);
    const disabled = await call('PUT', '/os-services/disable', '2.1', {
      host: 'cmp-2',
      binary: 'nova-compute',
    });
    expect(disabled).toEqual({
      status: 200,
      body: { service: { host: 'cmp-2', binary: 'nova-compute', status: 'disabled' } },
    });
    expect(
      (await call('PUT', '/os-services/disable', '2.1', { host: 'nope', binary: 'nova-compute' })).status,
    ).toBe(404);
    const current = (await call('GET', '/os-services', '2.53')).body.services as {
      id: string;
      host: string;
    }[];
    const cmp2 = current.find((s) => s.host === 'cmp-2')!;
    expect(cmp2.id).toMatch(/^[0-9a-f-]{36}$/);
    const enabled = await call('PUT', `/os-services/${cmp2.id}`, '2.53', { status: 'enabled' });
    expect(enabled.body.service).toMatchObject({ id: cmp2.id, status: 'enabled', forced_down: false });
    expect((await call('PUT', `/os-services/${cmp2.id}`, '2.53', { disabled_reason: 'x' })).status).toBe(400);
    expect(
      (await call('PUT', '/os-services/enable', '2.53', { host: 'cmp-2', binary: 'nova-compute' })).status,
    ).toBe(400);
    const hypervisors53 = (await call('GET', '/os-hypervisors?with_servers=true', '2.53')).body
      .hypervisors as {
      id: string;
      servers: unknown[];
    }[];
    expect(hypervisors53.every((h) => /^[0-9a-f-]{36}$/.test(h.id) && Array.isArray(h.servers))).toBe(true);
    expect((await call('GET', '/os-hypervisors/cmp/search', '2.1')).body.hypervisors).toHaveLength(2);
    expect((await call('GET', '/os-hypervisors/cmp/search', '2.53')).status).toBe(404);
  });
});
