import { DynamicModule, Module } from '@nestjs/common';
import { Database, PlatformModule } from '@stratus/platform';
import { join } from 'node:path';
import { AccountHandler } from './accounts/account.handler';
import { AccountsService } from './accounts/accounts.service';
import { SwiftAuthorizer } from './auth/swift-authorizer';
import { TempUrlService } from './auth/temp-url.service';
import { BulkDeleteService } from './bulk/bulk-delete.service';
import { BulkUploadService } from './bulk/bulk-upload.service';
import type { ObjectStorageConfig } from './config/object-storage-config';
import { ContainerHandler } from './containers/container.handler';
import { ContainersService } from './containers/containers.service';
import { ExpirerService } from './expirer/expirer.service';
import { FormPostService } from './formpost/form-post.service';
import { InfoController } from './info/info.controller';
import { LargeObjectsService } from './large-objects/large-objects.service';
import { OBJECT_STORAGE_MIGRATIONS } from './migrations';
import { OBJECT_DATA_STORE, OBJECT_STORAGE_CONFIG } from './object-storage.tokens';
import { ObjectHandler } from './objects/object.handler';
import { ContainerAccess } from './objects/container-access.service';
import { ObjectCopierService } from './objects/object-copier.service';
import { ObjectDeleterService } from './objects/object-deleter.service';
import { ObjectRecordsService } from './objects/object-records.service';
import { ObjectWriterService } from './objects/object-writer.service';
import { OBJECT_STORAGE_ENTITIES } from './persistence/object-storage.entities';
import { DataJournal } from './store/data-journal.service';
import { FilesystemDataStore } from './store/object-data-store';
import { SwiftController } from './swift.controller';
import { VersioningService } from './versioning/versioning.service';

export function dataDir(config: ObjectStorageConfig): string {
  return config.OBJECT_STORAGE_DATA_DIR ?? join(config.DATA_DIR, 'objects');
}

/** Swift's Object Storage v1: accounts, containers, objects, large objects, temp URLs, bulk. */
@Module({})
export class ObjectStorageModule {
  static forRoot(config: ObjectStorageConfig, options: { processMetrics?: boolean } = {}): DynamicModule {
    return {
      module: ObjectStorageModule,
      imports: [
        PlatformModule.forRoot({
          service: 'object-storage',
          config,
          errorStyle: 'swift',
          database: { entities: OBJECT_STORAGE_ENTITIES, migrations: OBJECT_STORAGE_MIGRATIONS },
          processMetrics: options.processMetrics,
        }),
      ],
      controllers: [InfoController, SwiftController],
      providers: [
        { provide: OBJECT_STORAGE_CONFIG, useValue: config },
        {
          provide: OBJECT_DATA_STORE,
          useFactory: () => new FilesystemDataStore(dataDir(config), config.OBJECT_STORAGE_NODE_ID),
        },
        Database,
        DataJournal,
        SwiftAuthorizer,
        TempUrlService,
        AccountsService,
        ContainersService,
        ObjectRecordsService,
        ObjectWriterService,
        LargeObjectsService,
        VersioningService,
        ObjectDeleterService,
        ContainerAccess,
        ObjectCopierService,
        BulkDeleteService,
        BulkUploadService,
        FormPostService,
        ExpirerService,
        AccountHandler,
        ContainerHandler,
        ObjectHandler,
      ],
    };
  }
}
