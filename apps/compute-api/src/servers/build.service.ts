import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  BuildInstance,
  BuildInstanceRequest,
  ClaimOnHost,
  FlavorResources,
  HostChoice,
  InstanceFault,
  ReleaseAllocation,
  SchedulingRequest,
  SelectDestinations,
} from '@stratus/contracts';
import { RpcClient } from '@stratus/platform';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';
import { HostsService } from '../hosts/hosts.service';
import { ServerGroupEntity } from '../server-groups/server-group.entity';
import { BlockDevicesService } from './block-devices.service';
import { InstanceActionsService } from './instance-actions.service';
import {
  faultFromError,
  faultRecord,
  isNoValidHost,
  noValidHostFault,
  retriesExhaustedFault,
} from './instance-faults';
import {
  blockDevicesOf,
  InstanceEntity,
  InstanceFlavor,
  RequestedNetwork,
  rootVolumeOf,
} from './instance.entity';
import { InstanceStore } from './instance.store';
import { KeyedMutex } from './keyed-mutex';
import { NetworkAllocator } from './network-allocator';
import { PowerState, TaskState, VmState } from './server-state';
import { instanceName } from './server-view';

export const BUILD_ACTION = 'create';
export const BUILD_EVENT = 'compute__do_build_and_run_instance';
export const SCHEDULE_EVENT = 'conductor_schedule_and_build_instances';

export function flavorResources(flavor: InstanceFlavor): FlavorResources {
  return {
    vcpus: flavor.vcpus,
    memoryMb: flavor.memoryMb,
    rootGb: flavor.rootGb,
    ephemeralGb: flavor.ephemeralGb,
    swapMb: flavor.swap,
    extraSpecs: flavor.extraSpecs,
  };
}

/**
 * Builds servers after POST /servers answered: ports, a placement from the scheduler, the build on
 * the chosen host, and on failure a release of the claim and a retry on the scheduler's alternates
 * until max attempts, then ERROR with a fault. Every step is a compare-and-set on the instance, so
 * a delete, another replica or a timed-out sweep that moved the server on wins cleanly.
 */
@Injectable()
export class BuildService {
  private readonly logger = new Logger('Build');
  readonly mutex = new KeyedMutex();

  constructor(
    private readonly store: InstanceStore,
    private readonly actions: InstanceActionsService,
    private readonly network: NetworkAllocator,
    private readonly hosts: HostsService,
    private readonly blockDevices: BlockDevicesService,
    private readonly rpc: RpcClient,
    @Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig,
  ) {}

  /** Starts the background part of a create; the request has already been answered. */
  launch(uuids: string[], requested: RequestedNetwork[]): void {
    void this.scheduleAndBuild(uuids, requested).catch((error: unknown) =>
      this.logger.error(`build of ${uuids.join(', ')} stopped: ${String(error)}`),
    );
  }

  private async scheduleAndBuild(uuids: string[], requested: RequestedNetwork[]): Promise<void> {
    const ready: InstanceEntity[] = [];
    for (const uuid of uuids) {
      await this.mutex.run(uuid, async () => {
        const instance = await this.store.find(uuid);
        if (!instance || !this.building(instance)) return;
        try {
          const vifs = await this.network.allocate(instance, requested);
          if (!(await this.store.transition(uuid, { pendingOperation: 'build' }, { vifs }))) {
            await this.network.release(vifs);
            return;
          }
          instance.vifs = vifs;
          ready.push(instance);
        } catch (error) {
          await this.fail(instance, faultFromError(error));
        }
      });
    }
    if (ready.length === 0) return;
    for (const instance of ready) {
      await this.actions.startEvent(instance.uuid, BUILD_ACTION, SCHEDULE_EVENT, null);
    }
    let selections;
    try {
      ({ selections } = await this.rpc.request(SelectDestinations, await this.schedulingRequest(ready)));
    } catch (error) {
      for (const instance of ready) {
        await this.mutex.run(instance.uuid, async () => {
          await this.actions.finishEvent(instance.uuid, BUILD_ACTION, SCHEDULE_EVENT, {
            ok: false,
            traceback: String(error),
          });
          await this.fail(instance, isNoValidHost(error) ? noValidHostFault(error) : faultFromError(error));
        });
      }
      return;
    }
    await Promise.all(
      selections.map((selection) =>
        this.mutex.run(selection.instanceUuid, async () => {
          await this.actions.finishEvent(selection.instanceUuid, BUILD_ACTION, SCHEDULE_EVENT, { ok: true });
          await this.attempt(selection.instanceUuid, selection, selection.alternates);
        }),
      ),
    );
  }

  /** Builds on a host whose resources are claimed for the instance. Call with the instance's mutex held. */
  private async attempt(uuid: string, choice: HostChoice, alternates?: HostChoice[]): Promise<void> {
    const instance = await this.store.find(uuid);
    if (!instance || !this.building(instance)) {
      await this.release(uuid, choice.host);
      return;
    }
    const triedHosts = [...instance.triedHosts, choice.host];
    const change: Partial<InstanceEntity> = {
      host: choice.host,
      node: choice.nodename,
      availabilityZone: instance.availabilityZone ?? this.hosts.zoneOf(choice.host),
      triedHosts,
      buildAttempts: instance.buildAttempts + 1,
      alternates: (alternates ?? instance.alternates).filter((a) => !triedHosts.includes(a.host)),
      taskState: TaskState.NETWORKING,
      operationDeadline: this.deadline(),
    };
    if (
      !(await this.store.transition(
        uuid,
        { pendingOperation: 'build', buildAttempts: instance.buildAttempts },
        change,
      ))
    ) {
      await this.release(uuid, choice.host);
      return;
    }
    Object.assign(instance, change);
    const onHost = { pendingOperation: 'build' as const, host: choice.host };
    try {
      const vifs = await this.network.bind(instance, choice.host);
      await this.actions.startEvent(uuid, BUILD_ACTION, BUILD_EVENT, choice.host);
      if (blockDevicesOf(instance).length > 0) {
        const mapping = { vifs, taskState: TaskState.BLOCK_DEVICE_MAPPING };
        if (!(await this.store.transition(uuid, onHost, mapping))) return;
        Object.assign(instance, mapping);
        try {
          await this.blockDevices.connect(instance, choice.host);
        } catch (error) {
          // Volumes are no better on another host: a missing snapshot or a full quota stays so.
          this.logger.warn(`volumes of ${uuid} not ready on ${choice.host}: ${String(error)}`);
          await this.attemptFailed(uuid, choice.host, faultFromError(error), false);
          return;
        }
      }
      const spawning = { vifs, taskState: TaskState.SPAWNING };
      if (!(await this.store.transition(uuid, onHost, spawning))) return;
      Object.assign(instance, spawning);
      await this.rpc.request(BuildInstance(choice.host), this.buildRequest(instance));
    } catch (error) {
      this.logger.warn(`build of ${uuid} on ${choice.host} failed: ${String(error)}`);
      await this.attemptFailed(uuid, choice.host, faultFromError(error), true);
    }
  }

  /**
   * A build on `host` failed: give the claim back, then retry on the next alternate that can still
   * be claimed, or end in ERROR. Call with the instance's mutex held.
   */
  async attemptFailed(
    uuid: string,
    host: string,
    fault: InstanceFault,
    rescheduleable: boolean,
  ): Promise<void> {
    const instance = await this.store.find(uuid);
    if (!instance || instance.host !== host || !this.building(instance)) return;
    await this.actions.finishEvent(uuid, BUILD_ACTION, BUILD_EVENT, { ok: false, traceback: fault.message });
    const cleared = { host: null, node: null, taskState: TaskState.SCHEDULING };
    if (!(await this.store.transition(uuid, { pendingOperation: 'build', host }, cleared))) return;
    Object.assign(instance, cleared);
    await this.release(uuid, host, true);
    if (!rescheduleable) return this.fail(instance, fault);
    const alternates = [...instance.alternates];
    while (instance.buildAttempts < this.config.COMPUTE_MAX_BUILD_ATTEMPTS && alternates.length > 0) {
      const next = alternates.shift()!;
      await this.store.transition(uuid, { pendingOperation: 'build' }, { alternates });
      instance.alternates = alternates;
      try {
        const claimed = await this.rpc.request(ClaimOnHost, {
          instanceUuid: uuid,
          host: next.host,
          flavor: flavorResources(instance.flavor),
          serverGroupId: instance.serverGroupId ?? undefined,
        });
        return this.attempt(uuid, claimed, alternates);
      } catch (error) {
        this.logger.warn(`alternate ${next.host} for ${uuid} refused: ${String(error)}`);
      }
    }
    await this.fail(instance, instance.buildAttempts > 1 ? retriesExhaustedFault(uuid, fault) : fault);
  }

  /** The agent reported the build done. Call with the instance's mutex held. */
  async completed(
    instance: InstanceEntity,
    state: { vmState: string; taskState: string | null; powerState: number; at: string },
  ): Promise<void> {
    const done = await this.store.transition(
      instance.uuid,
      { pendingOperation: 'build', host: instance.host! },
      {
        vmState: state.vmState,
        taskState: state.taskState,
        powerState: state.powerState,
        launchedAt: new Date(),
        pendingOperation: null,
        operationDeadline: null,
        operationToken: null,
        alternates: [],
        lastEventAt: state.at,
      },
    );
    if (done) await this.actions.finishEvent(instance.uuid, BUILD_ACTION, BUILD_EVENT, { ok: true });
  }

  /** Ends a build in ERROR: claim released, ports released, fault kept. */
  async fail(instance: InstanceEntity, fault: InstanceFault): Promise<void> {
    const failed = await this.store.transition(
      instance.uuid,
      { pendingOperation: 'build' },
      {
        vmState: VmState.ERROR,
        taskState: null,
        powerState: PowerState.NOSTATE,
        host: null,
        node: null,
        pendingOperation: null,
        operationDeadline: null,
        operationToken: null,
        alternates: [],
        vifs: [],
        fault: faultRecord(fault),
      },
    );
    if (!failed) return;
    await this.actions.finishEvent(instance.uuid, BUILD_ACTION, BUILD_EVENT, {
      ok: false,
      traceback: fault.message,
    });
    await this.release(instance.uuid, instance.host ?? undefined);
    await this.network.release(instance.vifs);
  }

  deadline(): Date {
    return new Date(Date.now() + this.config.COMPUTE_BUILD_TIMEOUT_SECONDS * 1000);
  }

  async release(instanceUuid: string, host?: string, buildFailed = false): Promise<void> {
    try {
      await this.rpc.request(ReleaseAllocation, { instanceUuid, host, buildFailed });
    } catch (error) {
      this.logger.warn(
        `could not release the claim of ${instanceUuid} on ${host ?? 'any host'}: ${String(error)}`,
      );
    }
  }

  buildRequest(instance: InstanceEntity): BuildInstanceRequest {
    const volumes = this.blockDevices.volumeSpecs(instance);
    return {
      uuid: instance.uuid,
      name: instanceName(instance),
      displayName: instance.displayName,
      hostname: instance.hostname,
      projectId: instance.projectId,
      userId: instance.userId,
      flavor: { ...flavorResources(instance.flavor), name: instance.flavor.name },
      image: volumes.root ? null : instance.imageSpec,
      rootVolume: volumes.root,
      volumes: volumes.others,
      kernel: instance.kernelBoot?.kernel ?? null,
      ramdisk: instance.kernelBoot?.ramdisk ?? null,
      kernelCommandLine: instance.kernelBoot?.commandLine ?? null,
      networks: this.network.interfaces(instance.vifs),
      userData: instance.userData,
      metadata: instance.metadata,
      keyName: instance.keyName,
      publicKey: instance.keyData,
      authToken: instance.operationToken ?? '',
    };
  }

  async schedulingRequest(instances: InstanceEntity[]): Promise<SchedulingRequest> {
    const first = instances[0];
    const hints = first.schedulerHints;
    const request: SchedulingRequest = {
      projectId: first.projectId,
      instanceUuids: instances.map((i) => i.uuid),
      flavor: flavorResources(first.flavor),
      imageProperties: first.imageProperties,
      bootFromVolume: rootVolumeOf(first) !== undefined,
      availabilityZone: hints.availabilityZone,
      forceHost: hints.forceHost,
      sameHost: hints.sameHost,
      differentHost: hints.differentHost,
    };
    if (first.serverGroupId) {
      const group = await this.store.repository.manager.findOneBy(ServerGroupEntity, {
        id: first.serverGroupId,
      });
      if (group) {
        const members = await this.store.repository.find({
          where: { serverGroupId: group.id, deleted: false },
          select: { uuid: true, id: true },
        });
        request.serverGroup = {
          id: group.id,
          policy: group.policy,
          members: members.map((m) => m.uuid),
          maxServerPerHost: group.rules.max_server_per_host,
        };
      }
    }
    return request;
  }

  private building(instance: InstanceEntity): boolean {
    return !instance.deleted && instance.pendingOperation === 'build';
  }
}
