import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  COMPUTE_ALLOCATIONS_BUCKET,
  COMPUTE_HOST_SERVICE_BUCKET,
  COMPUTE_HOST_STATE_BUCKET,
  HostAllocations,
  HostServiceState,
  HostStateReport,
} from '@stratus/contracts';
import { BusService, JsonKv, ReadinessChecks } from '@stratus/platform';
import type { HostState } from '@stratus/scheduler-domain';

/** A claim younger than this counts as an instance being built, for the IO-ops weigher. */
const BUILDING_WINDOW_MS = 60_000;

export const EMPTY_ALLOCATIONS: HostAllocations = { allocations: {}, failedBuilds: 0 };

/** "major.minor.release" from Nova's packed major * 1e6 + minor * 1e3 + release. */
function versionString(packed: number): string {
  return `${Math.floor(packed / 1_000_000)}.${Math.floor(packed / 1000) % 1000}.${packed % 1000}`;
}

/** Builds the scheduler's picture of one host from what its agent reports, what is claimed on it and its admin state. */
export function toHostState(
  report: HostStateReport,
  allocations: HostAllocations,
  service: HostServiceState | undefined,
  now = Date.now(),
): HostState {
  const claims = Object.entries(allocations.allocations);
  const used = (pick: (a: (typeof claims)[number][1]) => number) =>
    claims.reduce((sum, [, a]) => sum + pick(a), 0);
  return {
    host: report.host,
    nodename: report.nodename,
    vcpus: {
      total: report.vcpus,
      reserved: report.reservedVcpus,
      used: used((a) => a.vcpus),
      allocationRatio: report.cpuAllocationRatio,
    },
    memoryMb: {
      total: report.memoryMb,
      reserved: report.reservedMemoryMb,
      used: used((a) => a.memoryMb),
      allocationRatio: report.ramAllocationRatio,
    },
    diskGb: {
      total: report.diskGb,
      reserved: report.reservedDiskGb,
      used: used((a) => a.diskGb),
      allocationRatio: report.diskAllocationRatio,
    },
    numIoOps: claims.filter(([, a]) => now - Date.parse(a.claimedAt) < BUILDING_WINDOW_MS).length,
    hypervisorType: report.hypervisorType,
    hypervisorVersion: versionString(report.hypervisorVersion),
    cpuArch: report.cpuArch,
    availabilityZone: report.availabilityZone,
    aggregates: [],
    serviceDisabled: Boolean(service?.disabled || service?.forcedDown),
    lastHeartbeatAt: Date.parse(report.heartbeatAt),
    failedBuilds: allocations.failedBuilds,
    instances: claims.map(([id, a]) => ({ id, serverGroupId: a.serverGroupId })),
  };
}

/**
 * The scheduler's view of every compute host, kept from the JetStream buckets the agents, the
 * schedulers and compute-api write. It is never read from a database, and a restarted scheduler
 * rebuilds it from the buckets' current values.
 */
@Injectable()
export class HostStateView implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly reports = new Map<string, HostStateReport>();
  readonly allocations = new Map<string, HostAllocations>();
  readonly services = new Map<string, HostServiceState>();
  allocationStore!: JsonKv<HostAllocations>;
  /** Built HostState per host, dropped when anything about that host changes. */
  private readonly built = new Map<string, HostState>();
  private readonly stops: (() => void)[] = [];
  private ready = false;

  constructor(
    private readonly bus: BusService,
    readiness: ReadinessChecks,
  ) {
    readiness.register({ name: 'host-state', isReady: () => this.ready });
  }

  async onApplicationBootstrap(): Promise<void> {
    const reports = await this.bus.keyValue<HostStateReport>(COMPUTE_HOST_STATE_BUCKET);
    this.allocationStore = await this.bus.keyValue<HostAllocations>(COMPUTE_ALLOCATIONS_BUCKET);
    const services = await this.bus.keyValue<HostServiceState>(COMPUTE_HOST_SERVICE_BUCKET);
    this.stops.push(await reports.watch((key, value) => this.mirror(this.reports, key, value)));
    this.stops.push(
      await this.allocationStore.watch((key, value) => this.mirror(this.allocations, key, value)),
    );
    this.stops.push(await services.watch((key, value) => this.mirror(this.services, key, value)));
    this.ready = true;
  }

  onApplicationShutdown(): void {
    this.stops.forEach((stop) => stop());
  }

  hostStates(now = Date.now()): HostState[] {
    const states: HostState[] = [];
    for (const report of this.reports.values()) {
      let state = this.built.get(report.host);
      if (!state) {
        const allocations = this.allocations.get(report.host) ?? EMPTY_ALLOCATIONS;
        state = toHostState(report, allocations, this.services.get(report.host), now);
        this.built.set(report.host, state);
      }
      states.push(state);
    }
    return states;
  }

  /** Records a host's latest allocations (this replica's own claims, before the bucket echoes them). */
  noteAllocations(host: string, allocations: HostAllocations): void {
    this.mirror(this.allocations, host, allocations);
  }

  hostState(host: string, allocations: HostAllocations, now = Date.now()): HostState | undefined {
    const report = this.reports.get(host);
    return report && toHostState(report, allocations, this.services.get(host), now);
  }

  private mirror<T>(map: Map<string, T>, key: string, value: T | undefined): void {
    if (value === undefined) map.delete(key);
    else map.set(key, value);
    this.built.delete(key);
  }

  /** The hosts where members of a server group have claims, for the affinity filters. */
  hostsOf(instanceUuids: readonly string[]): string[] {
    const wanted = new Set(instanceUuids);
    return [...this.allocations.entries()]
      .filter(([, value]) => Object.keys(value.allocations).some((uuid) => wanted.has(uuid)))
      .map(([host]) => host);
  }
}
