import { expectEventually, jsonOf, openstack, ServiceProcess, TestCloud, freePorts } from '@stratus/testing';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SERVICES = ['image', 'network', 'scheduler', 'compute-agent', 'compute-api'];
const HOSTS = 5;

type Server = { id: string; status: string; fault?: { message: string } };
type Hypervisor = {
  hypervisor_hostname: string;
  vcpus: number;
  vcpus_used: number;
  memory_mb: number;
  memory_mb_used: number;
};

/** 50 servers at once on five fake hosts, placed by two scheduler replicas. */
describe('concurrent boots with two schedulers', () => {
  let cloud: TestCloud;
  let secondScheduler: ServiceProcess;

  beforeAll(async () => {
    cloud = await TestCloud.start(SERVICES, (urls) => ({
      'compute-agent': {
        COMPUTE_AGENT_HOST: 'scale',
        COMPUTE_AGENT_FAKE_HOSTS: String(HOSTS),
        COMPUTE_AGENT_FAKE_VCPUS: '8',
        COMPUTE_AGENT_FAKE_MEMORY_MB: '8704',
        COMPUTE_AGENT_CPU_ALLOCATION_RATIO: '1',
        COMPUTE_AGENT_HEARTBEAT_SECONDS: '1',
      },
      'compute-api': { COMPUTE_IMAGE_URL: urls.image, COMPUTE_NETWORK_URL: urls.network },
      network: { NETWORK_QUOTA_PORT: '-1' },
    }));
    const [port] = await freePorts(1);
    secondScheduler = await ServiceProcess.start('scheduler', port, {
      ...cloud.env.baseEnv('scheduler'),
      SCHEDULER_PORT: String(port),
    });
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
        'scale_image',
      ],
      ['network', 'create', '--share', 'scale-net'],
      ['subnet', 'create', '--network', 'scale-net', '--subnet-range', '10.30.0.0/24', 'scale-subnet'],
      ['flavor', 'create', '--vcpus', '2', '--ram', '2048', '--disk', '1', 'scale-flavor'],
      ['quota', 'set', '--instances', '100', '--cores', '200', '--ram', '409600', 'admin'],
    ]);
    for (const result of setup)
      if (result.rc !== 0) throw new Error(`${result.argv.join(' ')}: ${result.stderr}`);
  }, 120_000);

  afterAll(async () => {
    await secondScheduler?.stop();
    await cloud?.stop();
  });

  it('ends every server ACTIVE or ERROR with a fault, with no host over capacity and usage matching the servers', async () => {
    const token = await cloud.adminToken();
    const api = cloud.service('compute-api').url;
    const headers = { 'Content-Type': 'application/json', 'X-Auth-Token': token };
    const [image, flavor, network] = await openstack(cloud.admin, [
      ['image', 'show', 'scale_image', '-f', 'json'],
      ['flavor', 'show', 'scale-flavor', '-f', 'json'],
      ['network', 'show', 'scale-net', '-f', 'json'],
    ]);
    const body = (i: number) =>
      JSON.stringify({
        server: {
          name: `scale-${i}`,
          imageRef: jsonOf<{ id: string }>(image).id,
          flavorRef: jsonOf<{ id: string }>(flavor).id,
          networks: [{ uuid: jsonOf<{ id: string }>(network).id }],
        },
      });
    const created = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const response = await fetch(`${api}/v2.1/servers`, { method: 'POST', headers, body: body(i) });
        expect(response.status).toBe(202);
        return ((await response.json()) as { server: { id: string } }).server.id;
      }),
    );
    const servers = await expectEventually(
      async () => {
        const response = await fetch(`${api}/v2.1/servers/detail?limit=100`, { headers });
        const listed = ((await response.json()) as { servers: Server[] }).servers.filter((s) =>
          created.includes(s.id),
        );
        expect(listed).toHaveLength(50);
        for (const server of listed) expect(['ACTIVE', 'ERROR']).toContain(server.status);
        return listed;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    for (const server of servers.filter((s) => s.status === 'ERROR')) {
      expect(server.fault?.message).toEqual(expect.any(String));
    }
    const active = servers.filter((s) => s.status === 'ACTIVE').length;
    // Five hosts of 8 vCPUs hold 20 servers of 2 vCPUs: the rest must fail, not overcommit.
    expect(active).toBe(20);
    const hypervisors = await expectEventually(async () => {
      const response = await fetch(`${api}/v2.1/os-hypervisors/detail`, { headers });
      const list = ((await response.json()) as { hypervisors: Hypervisor[] }).hypervisors;
      expect(list.reduce((sum, h) => sum + h.vcpus_used, 0)).toBe(active * 2);
      return list;
    });
    for (const hypervisor of hypervisors) {
      expect(hypervisor.vcpus_used).toBeLessThanOrEqual(hypervisor.vcpus);
      expect(hypervisor.memory_mb_used).toBeLessThanOrEqual(hypervisor.memory_mb);
    }
  }, 180_000);
});
