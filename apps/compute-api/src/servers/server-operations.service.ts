import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  BuildInstance,
  ClaimOnHost,
  DeleteInstance,
  InstanceFault,
  PowerAction,
  PowerActionOnInstance,
} from '@stratus/contracts';
import { AuthContext, conflict, RpcClient } from '@stratus/platform';
import { FindOptionsWhere, IsNull } from 'typeorm';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';
import { BlockDevicesService } from './block-devices.service';
import { BuildService, flavorResources } from './build.service';
import { InstanceActionsService } from './instance-actions.service';
import { faultFromError, faultRecord } from './instance-faults';
import type { InstanceEntity, InstanceFlavor, PendingOperation } from './instance.entity';
import { InstanceStore } from './instance.store';
import { NetworkAllocator } from './network-allocator';
import { POWER_ACTION_RESULT, PowerState, TaskState, VmState } from './server-state';

export interface Requester {
  auth: AuthContext;
  requestId: string;
}

/** Nova's check_instance_state: the vm and task states an action is allowed from. */
export interface StateRule {
  vmStates: readonly string[];
  taskStates?: readonly (string | null)[];
}

interface PowerSpec extends StateRule {
  action: string;
  event: string;
  taskState: string;
}

export const POWER_ACTIONS: Record<PowerAction, PowerSpec> = {
  'reboot-soft': {
    action: 'reboot',
    event: 'compute_reboot_instance',
    taskState: TaskState.REBOOTING,
    vmStates: [VmState.ACTIVE],
    taskStates: [null],
  },
  'reboot-hard': {
    action: 'reboot',
    event: 'compute_reboot_instance',
    taskState: TaskState.REBOOTING_HARD,
    vmStates: [VmState.ACTIVE, VmState.STOPPED, VmState.PAUSED, VmState.SUSPENDED, VmState.ERROR],
    taskStates: [null, TaskState.REBOOTING],
  },
  stop: {
    action: 'stop',
    event: 'compute_stop_instance',
    taskState: TaskState.POWERING_OFF,
    vmStates: [VmState.ACTIVE, VmState.ERROR],
  },
  start: {
    action: 'start',
    event: 'compute_start_instance',
    taskState: TaskState.POWERING_ON,
    vmStates: [VmState.STOPPED],
  },
  pause: {
    action: 'pause',
    event: 'compute_pause_instance',
    taskState: TaskState.PAUSING,
    vmStates: [VmState.ACTIVE],
  },
  unpause: {
    action: 'unpause',
    event: 'compute_unpause_instance',
    taskState: TaskState.UNPAUSING,
    vmStates: [VmState.PAUSED],
  },
  suspend: {
    action: 'suspend',
    event: 'compute_suspend_instance',
    taskState: TaskState.SUSPENDING,
    vmStates: [VmState.ACTIVE],
  },
  resume: {
    action: 'resume',
    event: 'compute_resume_instance',
    taskState: TaskState.RESUMING,
    vmStates: [VmState.SUSPENDED],
  },
};

const DELETE_EVENT = 'compute_terminate_instance';
export const RECREATE: Record<'rebuild' | 'resize' | 'revert-resize', { action: string; event: string }> = {
  rebuild: { action: 'rebuild', event: 'compute_rebuild_instance' },
  resize: { action: 'resize', event: 'compute_resize_instance' },
  'revert-resize': { action: 'revertResize', event: 'compute_revert_resize' },
};

/** Refuses an action from a state Nova would refuse it from, with Nova's 409 message. */
export function requireState(instance: InstanceEntity, action: string, rule: StateRule): void {
  if (!rule.vmStates.includes(instance.vmState)) {
    throw conflict(
      `Cannot '${action}' instance ${instance.uuid} while it is in vm_state ${instance.vmState}`,
    );
  }
  const tasks = rule.taskStates ?? [null];
  if (!tasks.includes(instance.taskState)) {
    throw conflict(
      `Cannot '${action}' instance ${instance.uuid} while it is in task_state ${instance.taskState}`,
    );
  }
}

function sameStates(instance: InstanceEntity): FindOptionsWhere<InstanceEntity> {
  return {
    vmState: instance.vmState,
    taskState: instance.taskState === null ? IsNull() : instance.taskState,
    deleted: false,
  };
}

/**
 * What is done to an existing server on its host: delete, power actions, and the rebuild, resize
 * and revert that recreate the guest. The API answers once the intent is recorded; the host's
 * answer or its events finish the work.
 */
@Injectable()
export class ServerOperationsService {
  private readonly logger = new Logger('Operations');

  constructor(
    private readonly store: InstanceStore,
    private readonly actions: InstanceActionsService,
    private readonly build: BuildService,
    private readonly network: NetworkAllocator,
    private readonly blockDevices: BlockDevicesService,
    private readonly rpc: RpcClient,
    @Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig,
  ) {}

  private agentDeadline(): Date {
    return new Date(Date.now() + this.config.COMPUTE_AGENT_TIMEOUT_MS + 30_000);
  }

  async record(
    instance: InstanceEntity,
    requester: Requester,
    action: string,
    event?: string,
  ): Promise<void> {
    await this.actions.start(
      {
        instanceUuid: instance.uuid,
        action,
        requestId: requester.requestId,
        projectId: requester.auth.projectId ?? instance.projectId,
        userId: requester.auth.userId,
      },
      event ? { name: event, host: instance.host } : undefined,
    );
  }

  /** Marks the server deleting and removes it in the background; deleting one already deleting is fine. */
  async delete(instance: InstanceEntity, requester: Requester): Promise<void> {
    if (instance.pendingOperation !== 'delete') {
      await this.record(instance, requester, 'delete', DELETE_EVENT);
      await this.store.transition(
        instance.uuid,
        { deleted: false },
        {
          taskState: TaskState.DELETING,
          pendingOperation: 'delete',
          operationDeadline: this.agentDeadline(),
        },
      );
    }
    void this.build.mutex
      .run(instance.uuid, () => this.finishDelete(instance.uuid))
      .catch((error: unknown) => this.logger.error(`delete of ${instance.uuid} stopped: ${String(error)}`));
  }

  /**
   * Removes the guest from its host, gives back its claim and ports, and marks it deleted. A host
   * that does not answer does not keep the server: it is deleted locally, as Nova does for a down
   * compute service. Call with the instance's mutex held.
   */
  async finishDelete(uuid: string): Promise<void> {
    const instance = await this.store.find(uuid);
    if (!instance || instance.deleted || instance.pendingOperation !== 'delete') return;
    if (instance.host) {
      try {
        await this.rpc.request(DeleteInstance(instance.host), { uuid }, this.config.COMPUTE_AGENT_TIMEOUT_MS);
      } catch (error) {
        this.logger.warn(`host ${instance.host} did not delete ${uuid} (${String(error)}); deleting locally`);
      }
    }
    await this.build.release(uuid, instance.host ?? undefined);
    await this.network.release(instance.vifs);
    await this.blockDevices.release(instance);
    const now = new Date();
    const deleted = await this.store.transition(
      uuid,
      { pendingOperation: 'delete', deleted: false },
      {
        deleted: true,
        deletedAt: now,
        terminatedAt: now,
        vmState: VmState.DELETED,
        taskState: null,
        powerState: PowerState.NOSTATE,
        pendingOperation: null,
        operationDeadline: null,
        operationToken: null,
      },
    );
    if (deleted) await this.actions.finishEvent(uuid, 'delete', DELETE_EVENT, { ok: true });
  }

  /** Tells a host to drop a guest compute no longer counts as there (an orphan of a race). */
  dropOrphan(host: string, uuid: string): void {
    this.logger.warn(`host ${host} reports ${uuid}, which is not there as far as compute knows; removing it`);
    void this.rpc
      .request(DeleteInstance(host), { uuid }, this.config.COMPUTE_AGENT_TIMEOUT_MS)
      .catch((error: unknown) =>
        this.logger.warn(`could not remove orphan ${uuid} from ${host}: ${String(error)}`),
      );
  }

  async power(instance: InstanceEntity, action: PowerAction, requester: Requester): Promise<void> {
    const spec = POWER_ACTIONS[action];
    requireState(instance, spec.action, spec);
    if (!instance.host) {
      throw conflict(
        `Cannot '${spec.action}' instance ${instance.uuid} while it is in vm_state ${instance.vmState}`,
      );
    }
    const started = await this.store.transition(instance.uuid, sameStates(instance), {
      taskState: spec.taskState,
      pendingOperation: 'power',
      operationDeadline: this.agentDeadline(),
    });
    if (!started) {
      throw conflict(
        `Cannot '${spec.action}' instance ${instance.uuid} while it is in task_state ${instance.taskState}`,
      );
    }
    await this.record(instance, requester, spec.action, spec.event);
    const host = instance.host;
    // The host may take long (a soft reboot waits for the guest): events for the server keep flowing meanwhile.
    void this.rpc
      .request(
        PowerActionOnInstance(host),
        { uuid: instance.uuid, action },
        this.config.COMPUTE_AGENT_TIMEOUT_MS,
      )
      .then(
        (reply) =>
          this.build.mutex.run(instance.uuid, async () => {
            const result = POWER_ACTION_RESULT[action];
            await this.store.transition(
              instance.uuid,
              { pendingOperation: 'power', deleted: false },
              {
                vmState: result.vmState,
                powerState: reply.powerState,
                taskState: null,
                pendingOperation: null,
                operationDeadline: null,
              },
            );
            await this.actions.finishEvent(instance.uuid, spec.action, spec.event, { ok: true });
          }),
        (error: unknown) =>
          this.build.mutex.run(instance.uuid, async () => {
            await this.endWithoutChange(instance.uuid, 'power', faultFromError(error));
            await this.actions.finishEvent(instance.uuid, spec.action, spec.event, {
              ok: false,
              traceback: String(error),
            });
          }),
      )
      .catch((error: unknown) =>
        this.logger.error(`${action} of ${instance.uuid} stopped: ${String(error)}`),
      );
  }

  /** An operation that failed or timed out leaves the server as it was, with the fault recorded. */
  async endWithoutChange(uuid: string, operation: PendingOperation, fault?: InstanceFault): Promise<void> {
    await this.store.transition(
      uuid,
      { pendingOperation: operation, deleted: false },
      {
        taskState: null,
        pendingOperation: null,
        operationDeadline: null,
        operationToken: null,
        ...(fault ? { fault: faultRecord(fault) } : {}),
      },
    );
  }

  /**
   * Rebuild, resize and revert all recreate the guest on its host: with a new image (a new disk),
   * or a new or the old flavor (the same disk, grown when the flavor's is bigger, never shrunk).
   * The instance is already marked with the operation (see start). Runs in the background.
   */
  recreate(instance: InstanceEntity, operation: 'rebuild' | 'resize' | 'revert-resize'): void {
    void this.build.mutex.run(instance.uuid, async () => {
      const current = await this.store.find(instance.uuid);
      if (!current || current.deleted || current.pendingOperation !== operation || !current.host) return;
      if (operation !== 'rebuild' && !(await this.reclaim(current, operation))) return;
      try {
        // A resize or its revert keeps the guest's disk (grown to the new flavor); a rebuild starts afresh.
        await this.rpc.request(
          DeleteInstance(current.host),
          { uuid: current.uuid, keepRootDisk: operation !== 'rebuild' },
          this.config.COMPUTE_AGENT_TIMEOUT_MS,
        );
        await this.rpc.request(BuildInstance(current.host), this.build.buildRequest(current));
      } catch (error) {
        await this.recreateFailed(current, faultFromError(error));
      }
    });
  }

  /**
   * Moves the server's claim on its host to the flavor it now has (the scheduler keeps an
   * instance's first claim, so the old one is given back first). When the host has no room the
   * claim goes back to the previous flavor and the server stays as it was, with a fault.
   */
  private async reclaim(current: InstanceEntity, operation: 'resize' | 'revert-resize'): Promise<boolean> {
    const host = current.host!;
    const claim = (flavor: InstanceFlavor) =>
      this.rpc.request(ClaimOnHost, {
        instanceUuid: current.uuid,
        host,
        flavor: flavorResources(flavor),
        serverGroupId: current.serverGroupId ?? undefined,
      });
    await this.build.release(current.uuid, host);
    try {
      await claim(current.flavor);
    } catch (error) {
      const previous = current.oldFlavor!;
      await claim(previous).catch((again: unknown) =>
        this.logger.error(`could not restore the claim of ${current.uuid} on ${host}: ${String(again)}`),
      );
      const back =
        operation === 'resize'
          ? { flavor: previous, oldFlavor: null, vmState: current.vmState }
          : { flavor: previous, oldFlavor: current.flavor, vmState: VmState.RESIZED };
      await this.store.transition(
        current.uuid,
        { pendingOperation: operation, deleted: false },
        {
          ...back,
          taskState: null,
          pendingOperation: null,
          operationDeadline: null,
          operationToken: null,
          fault: faultRecord(faultFromError(error)),
        },
      );
      const { action, event } = RECREATE[operation];
      await this.actions.finishEvent(current.uuid, action, event, { ok: false, traceback: String(error) });
      return false;
    }
    await this.store.transition(
      current.uuid,
      { pendingOperation: operation },
      {
        taskState: operation === 'resize' ? TaskState.RESIZE_MIGRATING : TaskState.RESIZE_REVERTING,
      },
    );
    return true;
  }

  /** The host reported the recreated guest up. Call with the instance's mutex held. */
  async recreated(
    instance: InstanceEntity,
    state: { vmState: string; powerState: number; at: string },
  ): Promise<void> {
    const operation = instance.pendingOperation as 'rebuild' | 'resize' | 'revert-resize';
    const done = await this.store.transition(
      instance.uuid,
      { pendingOperation: operation, deleted: false },
      {
        vmState: operation === 'resize' ? VmState.RESIZED : state.vmState,
        powerState: state.powerState,
        taskState: null,
        pendingOperation: null,
        operationDeadline: null,
        operationToken: null,
        launchedAt: new Date(),
        lastEventAt: state.at,
        ...(operation === 'revert-resize' ? { oldFlavor: null } : {}),
      },
    );
    if (done)
      await this.actions.finishEvent(instance.uuid, RECREATE[operation].action, RECREATE[operation].event, {
        ok: true,
      });
  }

  /** Rebuilding the guest failed: like Nova, the server ends in ERROR with the fault. */
  async recreateFailed(instance: InstanceEntity, fault: InstanceFault): Promise<void> {
    const operation = instance.pendingOperation as 'rebuild' | 'resize' | 'revert-resize';
    const failed = await this.store.transition(
      instance.uuid,
      { pendingOperation: operation, deleted: false },
      {
        vmState: VmState.ERROR,
        taskState: null,
        pendingOperation: null,
        operationDeadline: null,
        operationToken: null,
        fault: faultRecord(fault),
      },
    );
    if (failed) {
      await this.actions.finishEvent(instance.uuid, RECREATE[operation].action, RECREATE[operation].event, {
        ok: false,
        traceback: fault.message,
      });
    }
  }

  async start(
    instance: InstanceEntity,
    operation: PendingOperation,
    change: Partial<InstanceEntity>,
    rule: StateRule & { action: string },
  ): Promise<void> {
    requireState(instance, rule.action, rule);
    const started = await this.store.transition(instance.uuid, sameStates(instance), {
      ...change,
      pendingOperation: operation,
      operationDeadline: this.build.deadline(),
    });
    if (!started) {
      throw conflict(
        `Cannot '${rule.action}' instance ${instance.uuid} while it is in task_state ${instance.taskState}`,
      );
    }
    Object.assign(instance, change, { pendingOperation: operation });
  }
}
