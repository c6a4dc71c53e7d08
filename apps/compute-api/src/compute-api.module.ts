import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PlatformModule } from '@stratus/platform';
import { COMPUTE_CONFIG } from './compute-api.tokens';
import type { ComputeApiConfig } from './config/compute-api-config';
import { novaRequestContext } from './common/nova-request';
import { FlavorExtrasController } from './flavors/flavor-extras.controller';
import { FlavorsController } from './flavors/flavors.controller';
import { FlavorsService } from './flavors/flavors.service';
import {
  AggregatesController,
  AvailabilityZonesController,
  HypervisorsController,
  ServicesController,
} from './hosts/hosts.controllers';
import { HostsService } from './hosts/hosts.service';
import { ImageProxyController } from './images/image-proxy.controller';
import { ImagesClient } from './images/images.client';
import { KeypairsController } from './keypairs/keypairs.controller';
import { KeypairsService } from './keypairs/keypairs.service';
import { COMPUTE_MIGRATIONS } from './migrations';
import { COMPUTE_ENTITIES } from './persistence/compute.entities';
import { LimitsController, QuotaSetsController } from './quotas/quotas.controller';
import { QuotasService } from './quotas/quotas.service';
import { SecurityGroupsProxyController } from './security-groups/security-groups-proxy.controller';
import { ServerGroupsController } from './server-groups/server-groups.controller';
import { ServerGroupsService } from './server-groups/server-groups.service';
import { BlockDevicesService } from './servers/block-devices.service';
import { BuildService } from './servers/build.service';
import { InstanceActionsService } from './servers/instance-actions.service';
import { InstanceEventsConsumer } from './servers/instance-events.consumer';
import { InstanceStore } from './servers/instance.store';
import { NetworkAllocator } from './servers/network-allocator';
import { OperationSweeper } from './servers/operation-sweeper';
import { ServerActionsController } from './servers/server-actions.controller';
import { ServerViews } from './servers/server-context';
import {
  InstanceActionsController,
  ServerIpsController,
  ServerMetadataController,
  ServerTagsController,
} from './servers/server-details.controllers';
import { ServerInterfacesController } from './servers/server-interfaces.controller';
import { ServerVolumesController } from './servers/server-volumes.controller';
import { ServerOperationsService } from './servers/server-operations.service';
import { ServerSecurityGroupsService } from './servers/server-security-groups.service';
import { ServerSnapshotsService } from './servers/server-snapshots.service';
import { ServersController } from './servers/servers.controller';
import { ServersService } from './servers/servers.service';
import { UsageController } from './usage/usage.controller';
import { VersionsController } from './versions/versions.controller';

/** Nova's compute API v2.1 with microversions. */
@Module({})
export class ComputeApiModule implements NestModule {
  static forRoot(config: ComputeApiConfig, options: { processMetrics?: boolean } = {}): DynamicModule {
    return {
      module: ComputeApiModule,
      imports: [
        PlatformModule.forRoot({
          service: 'compute-api',
          config,
          errorStyle: 'nova',
          database: { entities: COMPUTE_ENTITIES, migrations: COMPUTE_MIGRATIONS },
          processMetrics: options.processMetrics,
        }),
        TypeOrmModule.forFeature(COMPUTE_ENTITIES),
      ],
      controllers: [
        VersionsController,
        FlavorsController,
        FlavorExtrasController,
        KeypairsController,
        ServerGroupsController,
        QuotaSetsController,
        LimitsController,
        AvailabilityZonesController,
        HypervisorsController,
        ServicesController,
        AggregatesController,
        ImageProxyController,
        SecurityGroupsProxyController,
        ServersController,
        ServerActionsController,
        ServerMetadataController,
        ServerTagsController,
        ServerIpsController,
        InstanceActionsController,
        ServerInterfacesController,
        ServerVolumesController,
        UsageController,
      ],
      providers: [
        { provide: COMPUTE_CONFIG, useValue: config },
        FlavorsService,
        KeypairsService,
        ServerGroupsService,
        QuotasService,
        HostsService,
        ImagesClient,
        InstanceStore,
        InstanceActionsService,
        NetworkAllocator,
        BlockDevicesService,
        BuildService,
        ServerOperationsService,
        ServerSnapshotsService,
        ServerSecurityGroupsService,
        ServersService,
        ServerViews,
        InstanceEventsConsumer,
        OperationSweeper,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(novaRequestContext).forRoutes('*');
  }
}
