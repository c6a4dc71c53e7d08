import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { COMPUTE_INSTANCE_STREAM, InstanceUpdated, InstanceUpdatedEvent } from '@stratus/contracts';
import { BusService } from '@stratus/platform';
import { IsNull } from 'typeorm';
import { BuildService } from './build.service';
import { InstanceStore } from './instance.store';
import { ServerOperationsService } from './server-operations.service';
import { VmState } from './server-state';

/** The durable consumer every compute-api replica shares: each event is applied by one of them. */
export const INSTANCE_EVENTS_CONSUMER = 'compute-api-instance-events';

/** As long as the agents keep them: whichever side creates the stream, its settings stay the same. */
const INSTANCE_EVENT_RETENTION_MS = 7 * 24 * 3600 * 1000;

const STEADY_STATES: readonly string[] = [VmState.ACTIVE, VmState.STOPPED, VmState.PAUSED, VmState.SUSPENDED];

/**
 * Applies what hosts report about their guests: build progress and results, the end of rebuilds
 * and resizes, and power state changes the guest made on its own.
 */
@Injectable()
export class InstanceEventsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('InstanceEvents');

  constructor(
    private readonly bus: BusService,
    private readonly store: InstanceStore,
    private readonly build: BuildService,
    private readonly operations: ServerOperationsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.ensureStream(COMPUTE_INSTANCE_STREAM, [InstanceUpdated], INSTANCE_EVENT_RETENTION_MS);
    await this.bus.consumeDurable(
      COMPUTE_INSTANCE_STREAM,
      InstanceUpdated,
      INSTANCE_EVENTS_CONSUMER,
      (event) => this.build.mutex.run(event.uuid, () => this.apply(event)),
    );
  }

  /** Call with the instance's mutex held. */
  async apply(event: InstanceUpdatedEvent): Promise<void> {
    const instance = await this.store.find(event.uuid);
    if (!instance) return;
    const gone = event.vmState === VmState.DELETED;
    if (instance.deleted || instance.host !== event.host) {
      // The guest lives on where compute says it should not: a delete or reschedule raced the build.
      if (!gone && event.vmState !== VmState.ERROR) this.operations.dropOrphan(event.host, event.uuid);
      return;
    }
    // Older reports than one applied are stale; equal times are not: a fast host stamps "building"
    // and "active" in the same millisecond.
    if (instance.lastEventAt !== null && event.at < instance.lastEventAt) return;
    this.logger.debug(`${event.uuid} on ${event.host}: ${event.vmState}/${event.taskState ?? '-'}`);
    switch (instance.pendingOperation) {
      case 'build':
        if (event.vmState === VmState.ERROR) {
          const fault = event.fault ?? { code: 500, message: `Build of instance ${event.uuid} failed.` };
          return this.build.attemptFailed(event.uuid, event.host, fault, event.rescheduleable === true);
        }
        if (event.vmState === VmState.BUILDING) {
          await this.store.transition(
            event.uuid,
            { pendingOperation: 'build', host: event.host },
            { taskState: event.taskState, powerState: event.powerState, lastEventAt: event.at },
          );
          return;
        }
        if (STEADY_STATES.includes(event.vmState)) return this.build.completed(instance, event);
        return;
      case 'rebuild':
      case 'resize':
      case 'revert-resize':
        if (event.vmState === VmState.ERROR) {
          return this.operations.recreateFailed(
            instance,
            event.fault ?? { code: 500, message: `Recreating instance ${event.uuid} failed.` },
          );
        }
        if (STEADY_STATES.includes(event.vmState)) return this.operations.recreated(instance, event);
        return;
      case 'delete':
        return;
      case 'power':
      case 'snapshot':
        await this.store.transition(
          event.uuid,
          { pendingOperation: instance.pendingOperation, deleted: false },
          { powerState: event.powerState, lastEventAt: event.at },
        );
        return;
      case null:
        if (event.vmState === VmState.ERROR) {
          await this.store.transition(
            event.uuid,
            { pendingOperation: IsNull(), deleted: false },
            {
              vmState: VmState.ERROR,
              taskState: null,
              powerState: event.powerState,
              lastEventAt: event.at,
              ...(event.fault
                ? { fault: { ...event.fault, details: event.fault.details ?? null, created: event.at } }
                : {}),
            },
          );
        } else if (STEADY_STATES.includes(event.vmState) && event.taskState === null) {
          // A state the guest settled in by itself, or the last word of an action already applied;
          // an action's in-between reports (task set) are stale once the action has been recorded.
          await this.store.transition(
            event.uuid,
            { pendingOperation: IsNull(), deleted: false },
            { vmState: event.vmState, powerState: event.powerState, lastEventAt: event.at },
          );
        }
        return;
    }
  }
}
