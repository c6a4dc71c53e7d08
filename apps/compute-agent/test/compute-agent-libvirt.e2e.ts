import { INestApplication } from '@nestjs/common';
import {
  AttachVolumeToInstance,
  BuildInstance,
  COMPUTE_INSTANCE_STREAM,
  DeleteInstance,
  DetachVolumeFromInstance,
  GetConsoleOutput,
  ImageSpec,
  InstanceUpdated,
  InstanceUpdatedEvent,
} from '@stratus/contracts';
import { BusService, createServiceApp, loadConfig, MetricsRegistry, RpcClient } from '@stratus/platform';
import { expectEventually, TestCloud } from '@stratus/testing';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ComputeAgentModule } from '../src/compute-agent.module';
import { agentConfigSchema } from '../src/config/agent-config';

const TINY_GUEST = process.env.TINY_GUEST_DIR ?? '/var/lib/libvirt/images/stratus-tiny';
const LIBVIRT_NETNS = process.env.LIBVIRT_NETNS ?? 'stratus-lv';

function requireTinyGuestAndLibvirtd(): void {
  if (!existsSync('/run/libvirt/libvirt-sock')) {
    throw new Error('libvirtd is not running: start it with tools/libvirt/start-libvirtd.sh');
  }
  if (!existsSync(join(TINY_GUEST, 'base.qcow2'))) {
    throw new Error(`no tiny guest in ${TINY_GUEST}: build it with tools/libvirt/build-tiny-guest.sh`);
  }
}

const exists = (command: string, args: string[]): boolean => {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** One real TCG guest, booted by the agent from images it downloads from the image service. */
describe('compute agent with the libvirt driver', () => {
  let cloud: TestCloud;
  let agent: INestApplication;
  let bus: BusService;
  let rpc: RpcClient;
  const events: InstanceUpdatedEvent[] = [];
  const host = `lv${randomBytes(3).toString('hex')}`;
  const instancesDir = `/var/lib/libvirt/images/stratus-test-${host}`;
  const bridge = `brq${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    requireTinyGuestAndLibvirtd();
    cloud = await TestCloud.start(['image']);
    const config = loadConfig(agentConfigSchema, {
      ...cloud.env.baseEnv('compute-agent'),
      COMPUTE_AGENT_PORT: '0',
      COMPUTE_AGENT_HOST: host,
      COMPUTE_AGENT_DRIVER: 'libvirt',
      COMPUTE_AGENT_VIRT_TYPE: 'qemu',
      COMPUTE_AGENT_LIBVIRT_NETNS: LIBVIRT_NETNS,
      COMPUTE_AGENT_INSTANCES_DIR: instancesDir,
    });
    agent = await createServiceApp(ComputeAgentModule.forRoot(config, { processMetrics: false }), {
      service: 'compute-agent',
      config,
      errorStyle: 'nova',
    });
    await agent.init();
    bus = new BusService({ url: config.NATS_URL, namespace: cloud.env.id, name: 'lv-test' });
    await bus.connect();
    await bus.follow(
      COMPUTE_INSTANCE_STREAM,
      InstanceUpdated,
      (event) => events.push(event),
      () => undefined,
    );
    rpc = new RpcClient(
      { url: config.NATS_URL, name: 'lv-test', defaultTimeoutMs: 60_000 },
      bus,
      new MetricsRegistry('t', false),
    );
  }, 120_000);

  afterAll(async () => {
    await rpc?.onApplicationShutdown();
    await bus?.onApplicationShutdown();
    await agent?.close();
    await cloud?.stop();
    rmSync(instancesDir, { recursive: true, force: true });
    exists('ip', ['-n', LIBVIRT_NETNS, 'link', 'del', bridge]);
  });

  async function uploadImage(
    token: string,
    name: string,
    file: string,
    format: string,
    properties = {},
  ): Promise<ImageSpec> {
    const imageUrl = cloud.service('image').url;
    const created = await fetch(`${imageUrl}/v2/images`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Auth-Token': token },
      body: JSON.stringify({
        name,
        disk_format: format,
        container_format: format === 'qcow2' ? 'bare' : format,
        ...properties,
      }),
    });
    const { id } = (await created.json()) as { id: string };
    const put = await fetch(`${imageUrl}/v2/images/${id}/file`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream', 'X-Auth-Token': token },
      body: readFileSync(file),
    });
    expect(put.status).toBe(204);
    const image = (await (
      await fetch(`${imageUrl}/v2/images/${id}`, { headers: { 'X-Auth-Token': token } })
    ).json()) as {
      checksum: string;
      os_hash_algo: string;
      os_hash_value: string;
      size: number;
    };
    return {
      id,
      url: `${imageUrl}/v2/images/${id}/file`,
      checksum: image.checksum,
      osHashAlgo: image.os_hash_algo,
      osHashValue: image.os_hash_value,
      diskFormat: format,
      size: image.size,
      properties: {},
    };
  }

  it('boots the tiny guest to ACTIVE, shows its console, hot-plugs a volume it sees, and deletes it without leftovers', async () => {
    const token = await cloud.adminToken();
    const kernel = await uploadImage(token, 'kernel', join(TINY_GUEST, 'vmlinuz'), 'aki');
    const ramdisk = await uploadImage(token, 'ramdisk', join(TINY_GUEST, 'initrd.img'), 'ari');
    const root = await uploadImage(token, 'root', join(TINY_GUEST, 'base.qcow2'), 'qcow2');
    const uuid = randomUUID();
    const portId = randomUUID();
    await rpc.request(BuildInstance(host), {
      uuid,
      name: `instance-${uuid.slice(0, 8)}`,
      displayName: 'tiny',
      hostname: 'tiny',
      projectId: 'p',
      userId: 'u',
      flavor: { name: 'tiny', vcpus: 1, memoryMb: 256, rootGb: 1, ephemeralGb: 0, swapMb: 0, extraSpecs: {} },
      image: root,
      kernel,
      ramdisk,
      kernelCommandLine: 'console=ttyS0 panic=-1',
      networks: [
        { portId, networkId: 'n', macAddress: 'fa:16:3e:00:00:01', bridge, mtu: 1450, fixedIps: [] },
      ],
      userData: null,
      metadata: {},
      keyName: null,
      publicKey: null,
      authToken: token,
    });
    const last = () => events.filter((e) => e.uuid === uuid).at(-1);
    await expectEventually(() => expect(last()).toMatchObject({ vmState: 'active', powerState: 1 }), {
      timeoutMs: 60_000,
    });
    await expectEventually(
      async () =>
        expect((await rpc.request(GetConsoleOutput(host), { uuid })).output).toContain('TINY-GUEST-MARKER'),
      { timeoutMs: 120_000, intervalMs: 1000 },
    );
    const tap = `tap${portId.slice(0, 11)}`;
    expect(exists('ip', ['-n', LIBVIRT_NETNS, 'link', 'show', tap])).toBe(true);

    // A volume the guest finds by its serial, the volume id (virtio keeps its first 20 characters).
    const volumeId = randomUUID();
    const volumePath = join(instancesDir, `volume-${volumeId}`);
    execFileSync('truncate', ['-s', '64M', volumePath]);
    const console = async () => (await rpc.request(GetConsoleOutput(host), { uuid })).output;
    const { device } = await rpc.request(AttachVolumeToInstance(host), {
      uuid,
      volumeId,
      path: volumePath,
      format: 'raw',
      readOnly: false,
    });
    expect(device).toBe('/dev/vdb');
    await expectEventually(async () => expect(await console()).toContain(`vdb=${volumeId.slice(0, 20)}`), {
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    await rpc.request(DetachVolumeFromInstance(host), { uuid, volumeId });
    await expectEventually(
      async () => expect((await console()).trimEnd().split('\n').at(-1)).toBe('DISKS: vda='),
      { timeoutMs: 60_000, intervalMs: 500 },
    );

    await rpc.request(DeleteInstance(host), { uuid });
    expect(exists('virsh', ['-c', 'qemu:///system', 'dominfo', uuid])).toBe(false);
    expect(existsSync(join(instancesDir, host, uuid))).toBe(false);
    expect(exists('ip', ['-n', LIBVIRT_NETNS, 'link', 'show', tap])).toBe(false);
    await expectEventually(() => expect(last()?.vmState).toBe('deleted'));
  }, 240_000);
});
