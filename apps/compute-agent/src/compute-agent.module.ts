import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@stratus/platform';
import { AGENT_CONFIG, AgentConfig } from './config/agent-config';
import { AgentService } from './host/agent.service';

/** nova-compute: one per hypervisor host, NATS only, no database. */
@Module({})
export class ComputeAgentModule {
  static forRoot(config: AgentConfig, options: { processMetrics?: boolean } = {}): DynamicModule {
    return {
      module: ComputeAgentModule,
      imports: [
        PlatformModule.forRoot({
          service: 'compute-agent',
          config,
          errorStyle: 'nova',
          validateTokens: false,
          processMetrics: options.processMetrics,
        }),
      ],
      providers: [{ provide: AGENT_CONFIG, useValue: config }, AgentService],
      exports: [AgentService],
    };
  }
}
