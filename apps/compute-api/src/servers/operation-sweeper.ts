import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LessThan, Not, IsNull } from 'typeorm';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';
import { BuildService } from './build.service';
import { timeoutFault } from './instance-faults';
import type { InstanceEntity } from './instance.entity';
import { InstanceStore } from './instance.store';
import { ServerOperationsService } from './server-operations.service';

/**
 * Finishes what nobody finished: a build whose host never answered is retried elsewhere or ends
 * in ERROR, a delete interrupted by a restart is completed, a lost power action is let go. The
 * replica that moves an overdue server's deadline on first is the one that handles it.
 */
@Injectable()
export class OperationSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Sweeper');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly store: InstanceStore,
    private readonly build: BuildService,
    private readonly operations: ServerOperationsService,
    @Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.COMPUTE_SWEEP_INTERVAL_SECONDS * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const overdue = await this.store.repository.find({
        where: { operationDeadline: LessThan(new Date()), pendingOperation: Not(IsNull()), deleted: false },
        take: 100,
      });
      for (const instance of overdue) {
        const claimed = await this.store.transition(
          instance.uuid,
          { operationDeadline: instance.operationDeadline! },
          { operationDeadline: this.build.deadline() },
        );
        if (claimed) await this.build.mutex.run(instance.uuid, () => this.handle(instance));
      }
    } catch (error) {
      this.logger.warn(`sweep failed: ${String(error)}`);
    } finally {
      this.running = false;
    }
  }

  private async handle(instance: InstanceEntity): Promise<void> {
    const seconds = this.config.COMPUTE_BUILD_TIMEOUT_SECONDS;
    this.logger.warn(`${instance.pendingOperation} of ${instance.uuid} is overdue`);
    switch (instance.pendingOperation) {
      case 'build':
        if (instance.host) {
          return this.build.attemptFailed(
            instance.uuid,
            instance.host,
            timeoutFault(instance.uuid, 'build', seconds),
            true,
          );
        }
        return this.build.fail(instance, timeoutFault(instance.uuid, 'build', seconds));
      case 'delete':
        return this.operations.finishDelete(instance.uuid);
      case 'rebuild':
      case 'resize':
      case 'revert-resize':
        return this.operations.recreateFailed(
          instance,
          timeoutFault(instance.uuid, instance.pendingOperation, seconds),
        );
      case 'power':
      case 'snapshot':
        return this.operations.endWithoutChange(instance.uuid, instance.pendingOperation);
      case null:
        return;
    }
  }
}
