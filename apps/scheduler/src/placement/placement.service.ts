import { Inject, Injectable } from '@nestjs/common';
import {
  Allocation,
  ErrorCode,
  FlavorResources,
  HostAllocations,
  HostChoice,
  SchedulingRequest,
  Selection,
} from '@stratus/contracts';
import { DomainError, MetricsRegistry } from '@stratus/platform';
import {
  claim,
  FilterScheduler,
  NoValidHostException,
  requestedResources,
  RequestSpec,
  Selection as DomainSelection,
} from '@stratus/scheduler-domain';
import type { Counter } from 'prom-client';
import { SCHEDULER_CONFIG, SchedulerServiceConfig } from '../config/scheduler-config';
import { EMPTY_ALLOCATIONS, HostStateView } from '../host-state/host-state.view';

/** Compare-and-set rounds before giving up on a host another scheduler keeps changing. */
const MAX_CAS_ROUNDS = 20;

/** Times a request is scheduled again after losing its chosen hosts to other claims. */
const MAX_SELECTION_ROUNDS = 5;

const NO_VALID_HOST = 'No valid host was found. There are not enough hosts available.';

function noValidHost(detail?: string): DomainError {
  return new DomainError(
    ErrorCode.Conflict,
    detail ? `${NO_VALID_HOST} ${detail}` : NO_VALID_HOST,
    'NoValidHost',
  );
}

interface ClaimTarget {
  instanceUuid: string;
  host: string;
  flavor: FlavorResources;
  bootFromVolume?: boolean;
  serverGroupId?: string;
  antiAffinity?: boolean;
  projectId?: string;
}

/**
 * Chooses hosts with the filter scheduler, then claims the chosen hosts' resources in the
 * allocations bucket with compare-and-set writes: a claim succeeds only against the host's latest
 * allocations, so two schedulers racing for the last room on a host cannot both win.
 */
@Injectable()
export class PlacementService {
  private readonly scheduler: FilterScheduler;
  private readonly decisions: Counter<'outcome'>;

  constructor(
    @Inject(SCHEDULER_CONFIG) config: SchedulerServiceConfig,
    private readonly view: HostStateView,
    metrics: MetricsRegistry,
  ) {
    this.scheduler = new FilterScheduler({
      enabledFilters: config.SCHEDULER_ENABLED_FILTERS,
      enabledWeighers: config.SCHEDULER_ENABLED_WEIGHERS,
      weightMultipliers: config.SCHEDULER_WEIGHT_MULTIPLIERS,
      hostSubsetSize: config.SCHEDULER_HOST_SUBSET_SIZE,
      maxAttempts: config.SCHEDULER_MAX_ATTEMPTS,
      serviceDownTimeSeconds: config.SCHEDULER_SERVICE_DOWN_TIME_SECONDS,
    });
    this.decisions = metrics.counter('stratus_scheduler_decisions_total', 'select_destinations outcomes', [
      'outcome',
    ]);
  }

  async selectDestinations(request: SchedulingRequest): Promise<Selection[]> {
    const full = new Set<string>();
    for (let round = 0; round < MAX_SELECTION_ROUNDS; round++) {
      const spec = this.toRequestSpec(request, [...full]);
      let chosen: DomainSelection[];
      try {
        chosen = this.scheduler.select(this.view.hostStates(), spec);
      } catch (error) {
        this.decisions.inc({ outcome: 'no_valid_host' });
        if (error instanceof NoValidHostException) throw noValidHost();
        throw error;
      }
      const claimed = await this.claimAll(chosen, request, full);
      if (claimed) {
        this.decisions.inc({ outcome: 'placed' });
        return claimed;
      }
      // Another scheduler filled a chosen host first: choose again from the refreshed view.
      this.decisions.inc({ outcome: 'retried' });
    }
    this.decisions.inc({ outcome: 'no_valid_host' });
    throw noValidHost('Every candidate host filled up while claiming.');
  }

  /** Claims every selection (destination, else its alternates); on any miss releases them all and returns undefined. */
  private async claimAll(
    chosen: DomainSelection[],
    request: SchedulingRequest,
    full: Set<string>,
  ): Promise<Selection[] | undefined> {
    const claimed: Selection[] = [];
    for (const selection of chosen) {
      const candidates = [selection.destination, ...selection.alternates];
      const target = {
        instanceUuid: selection.instanceId,
        flavor: request.flavor,
        bootFromVolume: request.bootFromVolume,
        serverGroupId: request.serverGroup?.id,
        antiAffinity: request.serverGroup?.policy === 'anti-affinity',
        projectId: request.projectId,
      };
      let index = -1;
      for (let i = 0; i < candidates.length && index < 0; i++) {
        if (await this.claimOn({ ...target, host: candidates[i].host })) index = i;
        else full.add(candidates[i].host);
      }
      if (index < 0) {
        for (const done of claimed) await this.release(done.instanceUuid, done.host);
        return undefined;
      }
      claimed.push({
        instanceUuid: selection.instanceId,
        host: candidates[index].host,
        nodename: candidates[index].nodename,
        alternates: candidates
          .filter((_, i) => i !== index)
          .map((c) => ({ host: c.host, nodename: c.nodename })),
      });
    }
    return claimed;
  }

  async claimOnHost(target: ClaimTarget): Promise<HostChoice> {
    const report = this.view.reports.get(target.host);
    if (!report) throw noValidHost(`Host ${target.host} is unknown.`);
    if (!(await this.claimOn(target))) throw noValidHost(`Host ${target.host} has no room.`);
    return { host: report.host, nodename: report.nodename };
  }

  /** True once `target` holds resources on the host (also when it already did). */
  private async claimOn(target: ClaimTarget): Promise<boolean> {
    const store = this.view.allocationStore;
    for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
      const record = await store.get(target.host);
      const current = record?.value ?? EMPTY_ALLOCATIONS;
      this.view.noteAllocations(target.host, current);
      if (current.allocations[target.instanceUuid]) return true;
      const host = this.view.hostState(target.host, current);
      if (!host || !claim(host, target.flavor, target.bootFromVolume).fits) return false;
      // The filters ran on a view that may lag; anti-affinity is rechecked against the latest claims.
      if (
        target.antiAffinity &&
        Object.values(current.allocations).some((a) => a.serverGroupId === target.serverGroupId)
      ) {
        return false;
      }
      const resources = requestedResources(target.flavor, target.bootFromVolume);
      const allocation: Allocation = {
        vcpus: resources.vcpus,
        memoryMb: resources.memoryMb,
        diskGb: resources.diskGb,
        serverGroupId: target.serverGroupId,
        projectId: target.projectId,
        claimedAt: new Date().toISOString(),
      };
      const next: HostAllocations = {
        ...current,
        allocations: { ...current.allocations, [target.instanceUuid]: allocation },
      };
      if (await store.compareAndSet(target.host, next, record?.revision ?? 0)) {
        this.view.noteAllocations(target.host, next);
        return true;
      }
    }
    return false;
  }

  /** Removes the instance's claim from its host (found by search when not given). */
  async release(instanceUuid: string, host?: string, buildFailed = false): Promise<boolean> {
    const hosts = host ? [host] : this.view.hostsOf([instanceUuid]);
    let released = false;
    for (const name of hosts) {
      const store = this.view.allocationStore;
      for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
        const record = await store.get(name);
        if (!record) break;
        const had = Boolean(record.value.allocations[instanceUuid]);
        if (!had && !buildFailed) break;
        const allocations = { ...record.value.allocations };
        delete allocations[instanceUuid];
        const next: HostAllocations = {
          allocations,
          failedBuilds: record.value.failedBuilds + (buildFailed ? 1 : 0),
        };
        if (await store.compareAndSet(name, next, record.revision)) {
          this.view.noteAllocations(name, next);
          released ||= had;
          break;
        }
      }
    }
    return released;
  }

  private toRequestSpec(request: SchedulingRequest, fullHosts: string[]): RequestSpec {
    const group = request.serverGroup;
    return {
      instanceUuids: request.instanceUuids,
      flavor: request.flavor,
      image: request.imageProperties,
      bootFromVolume: request.bootFromVolume,
      availabilityZone: request.availabilityZone,
      schedulerHints: {
        sameHost: request.sameHost,
        differentHost: request.differentHost,
        group: group?.id,
      },
      serverGroup: group && {
        id: group.id,
        policy: group.policy,
        members: group.members,
        hosts: this.view.hostsOf(group.members),
        maxServerPerHost: group.maxServerPerHost,
      },
      ignoreHosts: [...(request.ignoreHosts ?? []), ...fullHosts],
      forceHosts: request.forceHost ? [request.forceHost] : undefined,
    };
  }
}
