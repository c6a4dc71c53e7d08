import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  BeginDetaching,
  CompleteAttachment,
  CreateAttachment,
  DeleteAttachment,
  ListAttachments,
  ReplyOf,
  RequestOf,
  RollDetaching,
  UpdateAttachment,
} from '@stratus/contracts';
import { z } from 'zod';
import { actorFromContext } from '../common/actor';
import { contextSchema, rpcConnectorSchema, rpcInput } from '../common/rpc-input';
import { VolumeRecords } from '../volumes/volume-records';
import { volumeRef } from '../volumes/volume-view';
import { attachmentRef, AttachmentsService } from './attachments.service';

const createSchema = z.object({
  volumeId: z.string(),
  instanceUuid: z.string().max(36),
  context: contextSchema,
  connector: rpcConnectorSchema.optional(),
  mode: z.enum(['rw', 'ro']).optional(),
});
const updateSchema = z.object({
  attachmentId: z.string(),
  connector: rpcConnectorSchema,
  context: contextSchema,
});
const byIdSchema = z.object({ attachmentId: z.string(), context: contextSchema });
const volumeSchema = z.object({ volumeId: z.string(), context: contextSchema });
const listSchema = z.object({
  instanceUuid: z.string().optional(),
  volumeId: z.string().optional(),
  context: contextSchema,
});

/**
 * The attach and detach protocol for compute over NATS, Nova's calls to Cinder: reserve (create),
 * initialise the connection (update with the host's connector), complete, and delete; and
 * begin/roll detaching around a detach.
 */
@Controller()
export class AttachmentsRpcController {
  constructor(
    private readonly attachments: AttachmentsService,
    private readonly records: VolumeRecords,
  ) {}

  @MessagePattern(CreateAttachment.subject)
  async create(
    @Payload() payload: RequestOf<typeof CreateAttachment>,
  ): Promise<ReplyOf<typeof CreateAttachment>> {
    const request = rpcInput(createSchema, payload);
    const row = await this.attachments.create(actorFromContext(request.context), {
      volumeId: request.volumeId,
      instanceUuid: request.instanceUuid,
      connector: request.connector,
      mode: request.mode,
    });
    return attachmentRef(row);
  }

  @MessagePattern(UpdateAttachment.subject)
  async update(
    @Payload() payload: RequestOf<typeof UpdateAttachment>,
  ): Promise<ReplyOf<typeof UpdateAttachment>> {
    const request = rpcInput(updateSchema, payload);
    return attachmentRef(
      await this.attachments.update(
        actorFromContext(request.context),
        request.attachmentId,
        request.connector,
      ),
    );
  }

  @MessagePattern(CompleteAttachment.subject)
  async complete(
    @Payload() payload: RequestOf<typeof CompleteAttachment>,
  ): Promise<ReplyOf<typeof CompleteAttachment>> {
    const request = rpcInput(byIdSchema, payload);
    return attachmentRef(
      await this.attachments.complete(actorFromContext(request.context), request.attachmentId),
    );
  }

  @MessagePattern(DeleteAttachment.subject)
  async delete(
    @Payload() payload: RequestOf<typeof DeleteAttachment>,
  ): Promise<ReplyOf<typeof DeleteAttachment>> {
    const request = rpcInput(byIdSchema, payload);
    const actor = actorFromContext(request.context);
    try {
      const { volumeStatus } = await this.attachments.delete(actor, request.attachmentId);
      return { deleted: true, volumeStatus };
    } catch (error) {
      // Deleting an attachment twice (a retried detach) is not an error for compute.
      if ((error as { type?: string }).type === 'VolumeAttachmentNotFound')
        return { deleted: true, volumeStatus: 'unknown' };
      throw error;
    }
  }

  @MessagePattern(ListAttachments.subject)
  async list(
    @Payload() payload: RequestOf<typeof ListAttachments>,
  ): Promise<ReplyOf<typeof ListAttachments>> {
    const request = rpcInput(listSchema, payload);
    const rows = await this.attachments.find(actorFromContext(request.context), {
      instanceUuid: request.instanceUuid,
      volumeId: request.volumeId,
    });
    return rows.map(attachmentRef);
  }

  @MessagePattern(BeginDetaching.subject)
  async beginDetaching(
    @Payload() payload: RequestOf<typeof BeginDetaching>,
  ): Promise<ReplyOf<typeof BeginDetaching>> {
    const request = rpcInput(volumeSchema, payload);
    const volume = await this.attachments.beginDetaching(actorFromContext(request.context), request.volumeId);
    return volumeRef(await this.records.loadOne(volume));
  }

  @MessagePattern(RollDetaching.subject)
  async rollDetaching(
    @Payload() payload: RequestOf<typeof RollDetaching>,
  ): Promise<ReplyOf<typeof RollDetaching>> {
    const request = rpcInput(volumeSchema, payload);
    const volume = await this.attachments.rollDetaching(actorFromContext(request.context), request.volumeId);
    return volumeRef(await this.records.loadOne(volume));
  }
}
