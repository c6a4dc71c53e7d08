import {
  COMPUTE_ALLOCATIONS_BUCKET,
  COMPUTE_HOST_STATE_BUCKET,
  HostAllocations,
  HostStateReport,
  SelectDestinations,
} from '@stratus/contracts';
import { BusService, MetricsRegistry, RpcClient } from '@stratus/platform';
import { expectEventually, freePort, ServiceProcess, TestEnvironment } from '@stratus/testing';
import { randomUUID } from 'node:crypto';
import { load, row } from '../common/load';

/**
 * select_destinations over NATS with 1000 simulated hosts (one compute-agent process with the fake
 * driver) and two scheduler replicas: latency, decisions per second, and a check that no host ends
 * up with more claimed than it holds.
 */
async function main(): Promise<void> {
  const env = new TestEnvironment();
  const hostCount = Number(process.env.BENCH_HOSTS ?? 1000);
  const processes: ServiceProcess[] = [];
  const base: Record<string, string> = { ...env.baseEnv('compute'), LOG_LEVEL: 'warn' };
  const bus = new BusService({ url: base.NATS_URL, namespace: env.id, name: 'bench' });
  await bus.connect();
  const rpc = new RpcClient(
    { url: base.NATS_URL, name: 'bench', defaultTimeoutMs: 10_000 },
    bus,
    new MetricsRegistry('b', false),
  );
  const lines: string[] = [];
  try {
    const agentPort = await freePort();
    processes.push(
      await ServiceProcess.start('compute-agent', agentPort, {
        ...base,
        COMPUTE_AGENT_PORT: String(agentPort),
        COMPUTE_AGENT_HOST: 'sim',
        COMPUTE_AGENT_FAKE_HOSTS: String(hostCount),
        COMPUTE_AGENT_FAKE_VCPUS: '16',
        COMPUTE_AGENT_FAKE_MEMORY_MB: '32768',
        COMPUTE_AGENT_HEARTBEAT_SECONDS: '60',
      }),
    );
    const hosts = await bus.keyValue<HostStateReport>(COMPUTE_HOST_STATE_BUCKET);
    await expectEventually(
      async () => {
        if ((await hosts.keys()).length < hostCount) throw new Error('hosts still reporting');
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      processes.push(
        await ServiceProcess.start('scheduler', port, {
          ...base,
          SCHEDULER_PORT: String(port),
          SCHEDULER_HOST_SUBSET_SIZE: '3',
        }),
      );
    }
    const flavor = { vcpus: 2, memoryMb: 4096, rootGb: 20, ephemeralGb: 0, swapMb: 0, extraSpecs: {} };
    const select = () =>
      rpc
        .request(SelectDestinations, {
          projectId: 'bench',
          instanceUuids: [randomUUID()],
          flavor,
          imageProperties: {},
        })
        .then(() => undefined);
    for (let i = 0; i < 50; i++) await select();
    lines.push(
      row([
        'select_destinations, ' + hostCount + ' hosts, 2 replicas',
        'concurrency',
        'per second',
        'p50 ms',
        'p99 ms',
      ]),
    );
    lines.push(row(['---', '---', '---', '---', '---']));
    for (const [concurrency, total] of [
      [1, 500],
      [8, 2000],
    ]) {
      const r = await load(concurrency, total, select);
      lines.push(row(['', concurrency, r.perSecond, r.p50, r.p99]));
    }
    const allocations = await bus.keyValue<HostAllocations>(COMPUTE_ALLOCATIONS_BUCKET);
    let overcommitted = 0;
    let claims = 0;
    for (const record of await allocations.all()) {
      const values = Object.values(record.value.allocations);
      claims += values.length;
      const vcpus = values.reduce((sum, a) => sum + a.vcpus, 0) / 4;
      const memory = values.reduce((sum, a) => sum + a.memoryMb, 0);
      if (vcpus > 16 || memory > 32768 - 512) overcommitted++;
    }
    lines.push('', `${claims} claims on ${hostCount} hosts; hosts over capacity: ${overcommitted}.`);
  } finally {
    await rpc.onApplicationShutdown();
    await bus.onApplicationShutdown();
    for (const p of processes.reverse()) await p.stop();
    await env.cleanup();
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
