import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LessThan } from 'typeorm';
import { Database } from '@stratus/platform';
import { BLOCK_STORAGE_CONFIG } from '../block-storage.tokens';
import { currentTime } from '../common/time';
import type { BlockStorageConfig } from '../config/block-storage-config';
import { MessageEntity } from '../persistence/block-storage.entities';

/** Cinder's message actions and details, which make up event ids like VOLUME_VOLUME_001_003. */
export const MESSAGE_ACTIONS = {
  scheduleAllocateVolume: ['001', 'schedule allocate volume'],
  attachVolume: ['002', 'attach volume'],
  copyVolumeToImage: ['003', 'copy volume to image'],
  copyImageToVolume: ['005', 'copy image to volume'],
  extendVolume: ['007', 'extend volume'],
  createVolumeFromBackend: ['008', 'create volume from backend storage'],
  snapshotCreate: ['009', 'snapshot create'],
  snapshotDelete: ['010', 'snapshot delete'],
  deleteVolume: ['013', 'delete volume'],
  revertVolume: ['014', 'revert volume'],
  reimageVolume: ['018', 'reimage volume'],
} as const;

export type MessageAction = keyof typeof MESSAGE_ACTIONS;

export const MESSAGE_DETAILS = {
  unknown: ['001', 'An unknown error occurred.'],
  noBackend: ['002', 'No storage could be allocated for this volume request.'],
  imageUnacceptable: ['004', 'The image is not acceptable for this volume.'],
  notEnoughSpace: ['005', 'Not enough space on the backend for this volume.'],
  driverFailed: ['009', 'Driver failed to perform the operation.'],
} as const;

export type MessageDetail = keyof typeof MESSAGE_DETAILS;

/**
 * User messages: when an asynchronous operation fails the volume only shows `error`; the message
 * tells its project why (GET /v3/{project_id}/messages, 3.3+).
 */
@Injectable()
export class MessagesService {
  private readonly logger = new Logger('Messages');

  constructor(
    private readonly db: Database,
    @Inject(BLOCK_STORAGE_CONFIG) private readonly config: BlockStorageConfig,
  ) {}

  async record(entry: {
    projectId: string;
    requestId: string;
    resourceType: 'VOLUME' | 'SNAPSHOT';
    resourceUuid: string;
    action: MessageAction;
    detail: MessageDetail;
  }): Promise<void> {
    const [actionId, actionText] = MESSAGE_ACTIONS[entry.action];
    const [detailId, detailText] = MESSAGE_DETAILS[entry.detail];
    const now = currentTime();
    const row: MessageEntity = {
      id: randomUUID(),
      projectId: entry.projectId,
      requestId: entry.requestId,
      resourceType: entry.resourceType,
      resourceUuid: entry.resourceUuid,
      eventId: `VOLUME_${entry.resourceType}_${actionId}_${detailId}`,
      messageLevel: 'ERROR',
      userMessage: `${actionText}: ${detailText}`,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.BLOCK_STORAGE_MESSAGE_TTL_DAYS * 86_400_000),
    };
    try {
      await this.db.transaction(async (manager) => {
        await manager.delete(MessageEntity, { expiresAt: LessThan(now) });
        await manager.insert(MessageEntity, row);
      });
    } catch (error) {
      // A lost message must not turn a reported failure into a second one.
      this.logger.error(`could not record a message for ${entry.resourceUuid}: ${String(error)}`);
    }
  }
}
