import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { Database, PlatformModule } from '@stratus/platform';
import { join } from 'node:path';
import { AttachmentsController } from './attachments/attachments.controller';
import { AttachmentsRpcController } from './attachments/attachments.rpc-controller';
import { SnapshotsRpcController } from './snapshots/snapshots.rpc-controller';
import { AttachmentsService } from './attachments/attachments.service';
import { BackupManager } from './backups/backup-manager';
import { BackupsController } from './backups/backups.controller';
import { BackupsService } from './backups/backups.service';
import { FileVolumeDriver } from './backend/file-volume-driver';
import { QemuImg } from './backend/qemu-img';
import { BLOCK_STORAGE_CONFIG, QEMU_IMG, VOLUME_DRIVER } from './block-storage.tokens';
import { CinderRequestMiddleware } from './common/cinder-http';
import type { BlockStorageConfig } from './config/block-storage-config';
import { ImageTransfer } from './images/image-transfer';
import { MessagesController } from './messages/messages.controller';
import { MessagesService } from './messages/messages.service';
import { BLOCK_STORAGE_MIGRATIONS } from './migrations';
import { BLOCK_STORAGE_ENTITIES } from './persistence/block-storage.entities';
import { LimitsController, QuotaClassSetsController, QuotaSetsController } from './quotas/quotas.controller';
import { QuotasService } from './quotas/quotas.service';
import { ServiceLiveness } from './services/service-liveness';
import { SnapshotsController } from './snapshots/snapshots.controller';
import { SnapshotsService } from './snapshots/snapshots.service';
import { ServiceInfoController } from './versions/service-info.controller';
import { VersionsController } from './versions/versions.controller';
import { DefaultTypesController, VolumeTypesController } from './volume-types/volume-types.controller';
import { VolumeTypesService } from './volume-types/volume-types.service';
import { VolumeActionsController } from './volumes/volume-actions.controller';
import { VolumeManager } from './volumes/volume-manager';
import { VolumeRecords } from './volumes/volume-records';
import { VolumesController } from './volumes/volumes.controller';
import { VolumesRpcController } from './volumes/volumes.rpc-controller';
import { VolumesService } from './volumes/volumes.service';

export function volumesDir(config: BlockStorageConfig): string {
  return config.BLOCK_STORAGE_VOLUMES_DIR ?? join(config.DATA_DIR, 'volumes');
}

/** Cinder's Block Storage v3 API with the file backend, and the attach protocol for compute. */
@Module({})
export class BlockStorageModule implements NestModule {
  static forRoot(config: BlockStorageConfig, options: { processMetrics?: boolean } = {}): DynamicModule {
    const timeoutMs = config.BLOCK_STORAGE_CONVERSION_TIMEOUT_SECONDS * 1000;
    return {
      module: BlockStorageModule,
      imports: [
        PlatformModule.forRoot({
          service: 'block-storage',
          config,
          errorStyle: 'cinder',
          database: { entities: BLOCK_STORAGE_ENTITIES, migrations: BLOCK_STORAGE_MIGRATIONS },
          processMetrics: options.processMetrics,
        }),
      ],
      controllers: [
        VersionsController,
        ServiceInfoController,
        VolumesController,
        VolumeActionsController,
        SnapshotsController,
        AttachmentsController,
        BackupsController,
        VolumeTypesController,
        DefaultTypesController,
        QuotaSetsController,
        QuotaClassSetsController,
        LimitsController,
        MessagesController,
        VolumesRpcController,
        AttachmentsRpcController,
        SnapshotsRpcController,
      ],
      providers: [
        { provide: BLOCK_STORAGE_CONFIG, useValue: config },
        { provide: QEMU_IMG, useValue: new QemuImg(config.BLOCK_STORAGE_QEMU_IMG, timeoutMs) },
        {
          provide: VOLUME_DRIVER,
          inject: [QEMU_IMG],
          useFactory: (qemuImg: QemuImg) =>
            new FileVolumeDriver({
              folder: volumesDir(config),
              host: config.BLOCK_STORAGE_HOST,
              backendName: config.BLOCK_STORAGE_BACKEND_NAME,
              qemuImg,
              copyTimeoutMs: timeoutMs,
            }),
        },
        Database,
        MessagesService,
        ImageTransfer,
        VolumeRecords,
        VolumeTypesService,
        QuotasService,
        VolumeManager,
        VolumesService,
        SnapshotsService,
        AttachmentsService,
        BackupManager,
        BackupsService,
        ServiceLiveness,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CinderRequestMiddleware).forRoutes('*');
  }
}
