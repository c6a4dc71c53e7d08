import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@stratus/platform';
import type { NetworkConfig } from './config/network-config';
import { FloatingIpsController } from './floating-ips/floating-ips.controller';
import { FloatingIpsService } from './floating-ips/floating-ips.service';
import { IpamService } from './ipam/ipam.service';
import { NETWORK_MIGRATIONS } from './migrations';
import { NETWORK_CONFIG } from './network.tokens';
import { NetworksController } from './networks/networks.controller';
import { NetworksRpcController } from './networks/networks.rpc-controller';
import { NetworksService } from './networks/networks.service';
import { NETWORK_ENTITIES } from './persistence/network.entities';
import { PortEventsService } from './ports/port-events.service';
import { PortsController } from './ports/ports.controller';
import { PortsRpcController } from './ports/ports.rpc-controller';
import { PortsService } from './ports/ports.service';
import { QuotasController } from './quotas/quotas.controller';
import { QuotasService } from './quotas/quotas.service';
import { RoutersController } from './routers/routers.controller';
import { RoutersService } from './routers/routers.service';
import {
  SecurityGroupRulesController,
  SecurityGroupsController,
} from './security-groups/security-groups.controller';
import { SecurityGroupsService } from './security-groups/security-groups.service';
import { SubnetsController } from './subnets/subnets.controller';
import { SubnetsService } from './subnets/subnets.service';
import { TagsController } from './tags/tags.controller';
import { TagsService } from './tags/tags.service';
import { AvailabilityZonesController } from './versions/availability-zones.controller';
import { VersionsController } from './versions/versions.controller';

/** Neutron's Networking v2.0 API with IP address management, and port operations for compute. */
@Module({})
export class NetworkModule {
  static forRoot(config: NetworkConfig, options: { processMetrics?: boolean } = {}): DynamicModule {
    return {
      module: NetworkModule,
      imports: [
        PlatformModule.forRoot({
          service: 'network',
          config,
          errorStyle: 'neutron',
          database: { entities: NETWORK_ENTITIES, migrations: NETWORK_MIGRATIONS },
          processMetrics: options.processMetrics,
        }),
      ],
      controllers: [
        VersionsController,
        AvailabilityZonesController,
        NetworksController,
        SubnetsController,
        PortsController,
        SecurityGroupsController,
        SecurityGroupRulesController,
        RoutersController,
        FloatingIpsController,
        QuotasController,
        TagsController,
        PortsRpcController,
        NetworksRpcController,
      ],
      providers: [
        { provide: NETWORK_CONFIG, useValue: config },
        QuotasService,
        TagsService,
        IpamService,
        NetworksService,
        SubnetsService,
        SecurityGroupsService,
        PortEventsService,
        PortsService,
        RoutersService,
        FloatingIpsService,
      ],
    };
  }
}
