/**
 * How long FilterScheduler.select takes on a realistic view: 1000 hosts of mixed sizes, zones and
 * aggregates, all filters and weighers enabled, 2000 requests of mixed flavors, some in server
 * groups and some multi-create. Each placement is applied to the view, as the scheduler service
 * will apply its claims, so hosts fill up over the run. Seeded, so runs are comparable.
 */
import { performance } from 'node:perf_hooks';
import {
  ALL_FILTERS,
  ALL_WEIGHERS,
  consumeFromRequest,
  FilterScheduler,
  NoValidHostException,
  type Flavor,
  type HostState,
  type RequestSpec,
  type ServerGroup,
} from '@stratus/scheduler-domain';

const HOSTS = 1000;
const REQUESTS = 2000;
const NOW = Date.now();

/** mulberry32: a small seeded generator, so that every run schedules the same requests. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = seeded(20250101);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];

const FLAVORS: readonly Flavor[] = [
  { vcpus: 1, memoryMb: 512, rootGb: 1, extraSpecs: {} },
  { vcpus: 1, memoryMb: 2048, rootGb: 20, extraSpecs: {} },
  { vcpus: 2, memoryMb: 4096, rootGb: 40, extraSpecs: {} },
  { vcpus: 4, memoryMb: 8192, rootGb: 80, ephemeralGb: 20, swapMb: 2048, extraSpecs: {} },
  { vcpus: 8, memoryMb: 16384, rootGb: 160, extraSpecs: { 'aggregate_instance_extra_specs:ssd': 'true' } },
];

function randomHost(index: number): HostState {
  const size = pick([
    { vcpus: 16, memoryMb: 65536, diskGb: 1000 },
    { vcpus: 32, memoryMb: 131072, diskGb: 2000 },
    { vcpus: 64, memoryMb: 262144, diskGb: 4000 },
  ]);
  const fill = random() * 0.6;
  const name = `compute-${String(index).padStart(4, '0')}`;
  return {
    host: name,
    nodename: name,
    vcpus: { total: size.vcpus, reserved: 2, used: Math.floor(size.vcpus * 4 * fill), allocationRatio: 4 },
    memoryMb: {
      total: size.memoryMb,
      reserved: 4096,
      used: Math.floor(size.memoryMb * fill),
      allocationRatio: 1,
    },
    diskGb: { total: size.diskGb, reserved: 50, used: Math.floor(size.diskGb * fill), allocationRatio: 1 },
    numIoOps: Math.floor(random() * 4),
    hypervisorType: 'QEMU',
    hypervisorVersion: pick(['6.2.0', '8.0.0', '8.2.0']),
    cpuArch: random() < 0.9 ? 'x86_64' : 'aarch64',
    availabilityZone: pick(['az-1', 'az-2', 'az-3']),
    aggregates: random() < 0.3 ? [{ name: 'ssd', metadata: { ssd: 'true' } }] : [],
    serviceDisabled: random() < 0.02,
    lastHeartbeatAt: random() < 0.01 ? NOW - 3_600_000 : NOW - Math.floor(random() * 30_000),
    failedBuilds: random() < 0.01 ? 1 : 0,
    instances: Array.from({ length: Math.floor(random() * 20) }, (_, i) => ({ id: `${name}-vm-${i}` })),
  };
}

function randomRequest(index: number): RequestSpec {
  const count = random() < 0.1 ? 1 + Math.floor(random() * 5) : 1;
  const instanceUuids = Array.from({ length: count }, (_, i) => `req-${index}-vm-${i}`);
  const policy =
    random() < 0.2 ? pick(['anti-affinity', 'soft-anti-affinity', 'soft-affinity'] as const) : undefined;
  const serverGroup: ServerGroup | undefined = policy
    ? { id: `group-${index}`, policy, members: instanceUuids, hosts: [] }
    : undefined;
  return {
    instanceUuids,
    flavor: pick(FLAVORS),
    image: random() < 0.5 ? { architecture: 'x86_64', hypervisor_version_requires: '>=6.0' } : {},
    availabilityZone: random() < 0.5 ? pick(['az-1', 'az-2', 'az-3']) : undefined,
    serverGroup,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function main(): void {
  const scheduler = new FilterScheduler(
    {
      enabledFilters: [...ALL_FILTERS.keys()],
      enabledWeighers: [...ALL_WEIGHERS.keys()],
      hostSubsetSize: 3,
    },
    () => NOW,
  );
  let hosts = Array.from({ length: HOSTS }, (_, i) => randomHost(i));
  const requests = Array.from({ length: REQUESTS }, (_, i) => randomRequest(i));
  const durations: number[] = [];
  let placed = 0;
  let noValidHost = 0;

  for (const spec of requests) {
    const started = performance.now();
    try {
      const selections = scheduler.select(hosts, spec, random);
      durations.push(performance.now() - started);
      const chosen = new Map(selections.map((s) => [s.instanceId, s.destination.host]));
      hosts = hosts.map((host) => {
        let current = host;
        for (const [instanceId, name] of chosen) {
          if (name === host.host) current = consumeFromRequest(current, spec, instanceId);
        }
        return current;
      });
      placed += selections.length;
    } catch (error) {
      durations.push(performance.now() - started);
      if (!(error instanceof NoValidHostException)) throw error;
      noValidHost++;
    }
  }

  const sorted = [...durations].sort((a, b) => a - b);
  const mean = durations.reduce((sum, d) => sum + d, 0) / durations.length;
  const ms = (value: number) => `${value.toFixed(3)} ms`;
  console.log(
    `select() on ${HOSTS} hosts, ${REQUESTS} requests (${placed} instances placed, ${noValidHost} NoValidHost)`,
  );
  console.log(
    `  filters: ${scheduler.filters.length}, weighers: ${scheduler.weighers.length}, node ${process.version}`,
  );
  console.log(
    `  p50 ${ms(percentile(sorted, 50))}  p99 ${ms(percentile(sorted, 99))}  mean ${ms(mean)}  max ${ms(sorted[sorted.length - 1])}`,
  );
}

main();
