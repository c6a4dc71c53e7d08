import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@stratus/platform';
import { SCHEDULER_CONFIG, SchedulerServiceConfig } from './config/scheduler-config';
import { HostStateView } from './host-state/host-state.view';
import { PlacementRpcController } from './placement/placement.rpc-controller';
import { PlacementService } from './placement/placement.service';

/** Nova's scheduler: host state from JetStream, filters and weighers, atomic claims. No database. */
@Module({})
export class SchedulerModule {
  static forRoot(config: SchedulerServiceConfig, options: { processMetrics?: boolean } = {}): DynamicModule {
    return {
      module: SchedulerModule,
      imports: [
        PlatformModule.forRoot({
          service: 'scheduler',
          config,
          errorStyle: 'nova',
          validateTokens: false,
          processMetrics: options.processMetrics,
        }),
      ],
      controllers: [PlacementRpcController],
      providers: [{ provide: SCHEDULER_CONFIG, useValue: config }, HostStateView, PlacementService],
    };
  }
}
