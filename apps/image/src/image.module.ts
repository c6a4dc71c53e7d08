import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@stratus/platform';
import { join } from 'node:path';
import type { ImageConfig } from './config/image-config';
import { ImageDataController } from './image-data/image-data.controller';
import { ImageDataService } from './image-data/image-data.service';
import { IMAGE_CONFIG, IMAGE_STORE, STAGING_STORE } from './image.tokens';
import { ImagesController } from './images/images.controller';
import { ImagesService } from './images/images.service';
import { MembersController } from './members/members.controller';
import { MembersService } from './members/members.service';
import { IMAGE_MIGRATIONS } from './migrations';
import { IMAGE_ENTITIES } from './persistence/image.entities';
import { QuotaService } from './quota/quota.service';
import { UsageController } from './quota/usage.controller';
import { ImagesRpcController } from './rpc/images.rpc-controller';
import { SchemasController } from './schemas/schemas.controller';
import { FilesystemStore } from './store/filesystem-store';
import { VersionsController } from './versions/versions.controller';

export function storeDir(config: ImageConfig): string {
  return config.IMAGE_STORE_DIR ?? join(config.DATA_DIR, 'images');
}

/** Each process writes its temporary files apart, and those of a dead one go once it is stale. */
function storeOptions(config: ImageConfig): { writer: string; abandonedAfterMs: number } {
  return { writer: config.IMAGE_NODE_ID, abandonedAfterMs: config.IMAGE_UPLOAD_STALE_SECONDS * 1000 };
}

export function stagingDir(config: ImageConfig): string {
  return config.IMAGE_STAGING_DIR ?? join(config.DATA_DIR, 'image-staging');
}

/** Glance v2: images, members, tags, data, schemas and interoperable import. */
@Module({})
export class ImageModule {
  static forRoot(config: ImageConfig, options: { processMetrics?: boolean } = {}): DynamicModule {
    return {
      module: ImageModule,
      imports: [
        PlatformModule.forRoot({
          service: 'image',
          config,
          errorStyle: 'glance',
          database: { entities: IMAGE_ENTITIES, migrations: IMAGE_MIGRATIONS },
          processMetrics: options.processMetrics,
        }),
      ],
      controllers: [
        VersionsController,
        SchemasController,
        UsageController,
        ImageDataController,
        MembersController,
        ImagesController,
        ImagesRpcController,
      ],
      providers: [
        { provide: IMAGE_CONFIG, useValue: config },
        {
          provide: IMAGE_STORE,
          useFactory: () => new FilesystemStore(storeDir(config), 'file', storeOptions(config)),
        },
        {
          provide: STAGING_STORE,
          useFactory: () =>
            new FilesystemStore(stagingDir(config), 'os_glance_staging_store', storeOptions(config)),
        },
        QuotaService,
        ImagesService,
        MembersService,
        ImageDataService,
      ],
    };
  }
}
