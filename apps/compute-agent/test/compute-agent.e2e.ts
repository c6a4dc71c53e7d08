import { INestApplication } from '@nestjs/common';
import {
  BuildInstance,
  COMPUTE_HOST_STATE_BUCKET,
  COMPUTE_INSTANCE_STREAM,
  DeleteInstance,
  GetConsoleOutput,
  HostStateReport,
  InstanceUpdated,
  InstanceUpdatedEvent,
  PowerActionOnInstance,
} from '@stratus/contracts';
import { BusService, createServiceApp, loadConfig, MetricsRegistry, RpcClient } from '@stratus/platform';
import { expectEventually, TestEnvironment } from '@stratus/testing';
import { randomUUID } from 'node:crypto';
import { ComputeAgentModule } from '../src/compute-agent.module';
import { agentConfigSchema } from '../src/config/agent-config';

describe('compute agent with the fake driver', () => {
  const env = new TestEnvironment();
  let agent: INestApplication;
  let bus: BusService;
  let rpc: RpcClient;
  const events: InstanceUpdatedEvent[] = [];

  beforeAll(async () => {
    const config = loadConfig(agentConfigSchema, {
      ...env.baseEnv('compute-agent'),
      COMPUTE_AGENT_PORT: '0',
      COMPUTE_AGENT_HOST: 'cmp',
      COMPUTE_AGENT_FAKE_HOSTS: '2',
      COMPUTE_AGENT_FAKE_VCPUS: '4',
      COMPUTE_AGENT_HEARTBEAT_SECONDS: '1',
    });
    agent = await createServiceApp(ComputeAgentModule.forRoot(config, { processMetrics: false }), {
      service: 'compute-agent',
      config,
      errorStyle: 'nova',
    });
    await agent.init();
    bus = new BusService({ url: config.NATS_URL, namespace: env.id, name: 'agent-test' });
    await bus.connect();
    await bus.follow(
      COMPUTE_INSTANCE_STREAM,
      InstanceUpdated,
      (event) => events.push(event),
      () => undefined,
    );
    rpc = new RpcClient(
      { url: config.NATS_URL, name: 'agent-test', defaultTimeoutMs: 5000 },
      bus,
      new MetricsRegistry('t', false),
    );
  });

  afterAll(async () => {
    await rpc.onApplicationShutdown();
    await bus.onApplicationShutdown();
    await agent.close();
    await env.cleanup();
  });

  const stateOf = (uuid: string) => events.filter((e) => e.uuid === uuid).at(-1);

  it('reports each simulated host on its heartbeat', async () => {
    const hosts = await bus.keyValue<HostStateReport>(COMPUTE_HOST_STATE_BUCKET);
    await expectEventually(async () => expect((await hosts.keys()).sort()).toEqual(['cmp-1', 'cmp-2']));
    const report = (await hosts.get('cmp-1'))!.value;
    expect(report).toMatchObject({ vcpus: 4, hypervisorType: 'fake', availabilityZone: 'nova' });
  });

  it('builds, powers and deletes an instance, reporting every state', async () => {
    const uuid = randomUUID();
    const accepted = await rpc.request(BuildInstance('cmp-2'), {
      uuid,
      name: 'instance-00000001',
      displayName: 'vm',
      hostname: 'vm',
      projectId: 'p',
      userId: 'u',
      flavor: {
        name: 'small',
        vcpus: 1,
        memoryMb: 512,
        rootGb: 1,
        ephemeralGb: 0,
        swapMb: 0,
        extraSpecs: {},
      },
      image: null,
      networks: [],
      userData: null,
      metadata: {},
      keyName: null,
      publicKey: null,
      authToken: 'unused',
    });
    expect(accepted).toEqual({ accepted: true });
    await expectEventually(() =>
      expect(stateOf(uuid)).toMatchObject({ vmState: 'active', powerState: 1, host: 'cmp-2' }),
    );
    expect(events.filter((e) => e.uuid === uuid).map((e) => e.taskState)).toContain('spawning');

    expect(await rpc.request(PowerActionOnInstance('cmp-2'), { uuid, action: 'stop' })).toEqual({
      powerState: 4,
    });
    expect(stateOf(uuid)).toMatchObject({ vmState: 'stopped', powerState: 4, taskState: null });
    expect(await rpc.request(PowerActionOnInstance('cmp-2'), { uuid, action: 'start' })).toEqual({
      powerState: 1,
    });
    expect(await rpc.request(PowerActionOnInstance('cmp-2'), { uuid, action: 'pause' })).toEqual({
      powerState: 3,
    });
    expect(await rpc.request(PowerActionOnInstance('cmp-2'), { uuid, action: 'unpause' })).toEqual({
      powerState: 1,
    });
    expect(await rpc.request(PowerActionOnInstance('cmp-2'), { uuid, action: 'reboot-hard' })).toEqual({
      powerState: 1,
    });
    const { output } = await rpc.request(GetConsoleOutput('cmp-2'), { uuid });
    expect(typeof output).toBe('string');

    expect(await rpc.request(DeleteInstance('cmp-2'), { uuid })).toEqual({ deleted: true });
    await expectEventually(() => expect(stateOf(uuid)?.vmState).toBe('deleted'));
    expect(await rpc.request(DeleteInstance('cmp-2'), { uuid })).toEqual({ deleted: true });
    await expect(
      rpc.request(PowerActionOnInstance('cmp-2'), { uuid, action: 'start' }),
    ).rejects.toMatchObject({
      type: 'InstanceNotFound',
      status: 404,
    });
  });

  it('reports a build that does not fit as an error that may be rescheduled', async () => {
    const uuid = randomUUID();
    await rpc.request(BuildInstance('cmp-1'), {
      uuid,
      name: 'instance-00000002',
      displayName: 'big',
      hostname: 'big',
      projectId: 'p',
      userId: 'u',
      flavor: {
        name: 'huge',
        vcpus: 64,
        memoryMb: 512,
        rootGb: 1,
        ephemeralGb: 0,
        swapMb: 0,
        extraSpecs: {},
      },
      image: null,
      networks: [],
      userData: null,
      metadata: {},
      keyName: null,
      publicKey: null,
      authToken: 'unused',
    });
    await expectEventually(() =>
      expect(stateOf(uuid)).toMatchObject({ vmState: 'error', rescheduleable: true, fault: { code: 500 } }),
    );
  });
});
