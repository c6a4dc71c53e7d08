import { INestApplication } from '@nestjs/common';
import {
  COMPUTE_ALLOCATIONS_BUCKET,
  COMPUTE_HOST_STATE_BUCKET,
  HostAllocations,
  HostStateReport,
  ReleaseAllocation,
  SchedulingRequest,
  SelectDestinations,
} from '@stratus/contracts';
import {
  BusService,
  createServiceApp,
  DomainError,
  loadConfig,
  MetricsRegistry,
  RpcClient,
} from '@stratus/platform';
import { TestEnvironment } from '@stratus/testing';
import { randomUUID } from 'node:crypto';
import { schedulerConfigSchema } from '../src/config/scheduler-config';
import { SchedulerModule } from '../src/scheduler.module';

function report(host: string, overrides: Partial<HostStateReport> = {}): HostStateReport {
  return {
    host,
    nodename: host,
    vcpus: 8,
    memoryMb: 8192,
    diskGb: 100,
    reservedMemoryMb: 0,
    reservedDiskGb: 0,
    reservedVcpus: 0,
    cpuAllocationRatio: 1,
    ramAllocationRatio: 1,
    diskAllocationRatio: 1,
    hypervisorType: 'fake',
    hypervisorVersion: 1000,
    cpuArch: 'x86_64',
    availabilityZone: 'nova',
    instanceUuids: [],
    runningVms: 0,
    heartbeatAt: new Date().toISOString(),
    agentStartedAt: new Date().toISOString(),
    ...overrides,
  };
}

const flavor = { vcpus: 2, memoryMb: 2048, rootGb: 10, ephemeralGb: 0, swapMb: 0, extraSpecs: {} };

function request(overrides: Partial<SchedulingRequest> = {}): SchedulingRequest {
  return { projectId: 'p1', instanceUuids: [randomUUID()], flavor, imageProperties: {}, ...overrides };
}

/** Two scheduler replicas against one NATS, with hosts reported in the host-state bucket as agents report them. */
describe('scheduler', () => {
  const env = new TestEnvironment();
  const replicas: INestApplication[] = [];
  let bus: BusService;
  let rpc: RpcClient;

  beforeAll(async () => {
    bus = new BusService({ url: env.baseEnv('x').NATS_URL, namespace: env.id, name: 'scheduler-test' });
    await bus.connect();
    const hosts = await bus.keyValue<HostStateReport>(COMPUTE_HOST_STATE_BUCKET);
    for (let i = 1; i <= 5; i++) await hosts.put(`host${i}`, report(`host${i}`));
    await hosts.put(
      'stale',
      report('stale', { heartbeatAt: new Date(Date.now() - 3_600_000).toISOString() }),
    );
    const config = loadConfig(schedulerConfigSchema, { ...env.baseEnv('scheduler'), SCHEDULER_PORT: '0' });
    for (let i = 0; i < 2; i++) {
      const app = await createServiceApp(SchedulerModule.forRoot(config, { processMetrics: false }), {
        service: 'scheduler',
        config,
        errorStyle: 'nova',
      });
      await app.init();
      replicas.push(app);
    }
    rpc = new RpcClient(
      { url: config.NATS_URL, name: 'scheduler-test', defaultTimeoutMs: 5000 },
      bus,
      new MetricsRegistry('t', false),
    );
  });

  afterAll(async () => {
    await rpc.onApplicationShutdown();
    for (const app of replicas) await app.close();
    await bus.onApplicationShutdown();
    await env.cleanup();
  });

  it('never overcommits a host when two replicas place 50 instances at once', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () => rpc.request(SelectDestinations, request())),
    );
    const placed = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    // 5 hosts x 4 instances of 2 vCPU / 2 GiB each fill every host exactly.
    expect(placed).toHaveLength(20);
    for (const r of refused) {
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(DomainError);
      expect(((r as PromiseRejectedResult).reason as DomainError).type).toBe('NoValidHost');
    }
    const allocations = await bus.keyValue<HostAllocations>(COMPUTE_ALLOCATIONS_BUCKET);
    const perHost = await allocations.all();
    for (const record of perHost) {
      const claims = Object.values(record.value.allocations);
      expect(claims.reduce((sum, a) => sum + a.vcpus, 0)).toBeLessThanOrEqual(8);
      expect(claims.reduce((sum, a) => sum + a.memoryMb, 0)).toBeLessThanOrEqual(8192);
    }
    expect(perHost.map((r) => r.key)).not.toContain('stale');
    const claimed = perHost.flatMap((r) => Object.keys(r.value.allocations)).sort();
    const chosen = placed
      .map(
        (r) =>
          (r as PromiseFulfilledResult<{ selections: { instanceUuid: string }[] }>).value.selections[0]
            .instanceUuid,
      )
      .sort();
    expect(claimed).toEqual(chosen);

    for (const uuid of claimed) {
      expect(await rpc.request(ReleaseAllocation, { instanceUuid: uuid })).toEqual({ released: true });
    }
    expect(await rpc.request(ReleaseAllocation, { instanceUuid: claimed[0] })).toEqual({ released: false });
  });

  it('places anti-affinity group members on different hosts and affinity members together', async () => {
    const group = { id: randomUUID(), policy: 'anti-affinity' as const, members: [] as string[] };
    const hosts = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const uuid = randomUUID();
      group.members.push(uuid);
      const { selections } = await rpc.request(
        SelectDestinations,
        request({ instanceUuids: [uuid], serverGroup: group }),
      );
      hosts.add(selections[0].host);
    }
    expect(hosts.size).toBe(3);

    const together = { id: randomUUID(), policy: 'affinity' as const, members: [] as string[] };
    const { selections } = await rpc.request(
      SelectDestinations,
      request({ instanceUuids: [randomUUID(), randomUUID()], serverGroup: together }),
    );
    expect(new Set(selections.map((s) => s.host)).size).toBe(1);
  });

  it('refuses a flavor no host can hold with NoValidHost', async () => {
    await expect(
      rpc.request(SelectDestinations, request({ flavor: { ...flavor, vcpus: 64 } })),
    ).rejects.toMatchObject({ type: 'NoValidHost' });
  });
});
