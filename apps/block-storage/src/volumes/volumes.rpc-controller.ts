import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateVolume, DeleteVolume, GetVolume, ReplyOf, RequestOf } from '@stratus/contracts';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { actorFromContext } from '../common/actor';
import { contextSchema, rpcInput } from '../common/rpc-input';
import { VolumeRecords } from './volume-records';
import { volumeRef } from './volume-view';
import { VolumesService } from './volumes.service';

const getSchema = z.object({ volumeId: z.string(), context: contextSchema });

const createSchema = z.object({
  context: contextSchema,
  size: z.number().int().min(1).max(2147483647).optional(),
  name: z.string().max(255).optional(),
  description: z.string().max(255).optional(),
  imageId: z.string().max(255).optional(),
  snapshotId: z.string().max(36).optional(),
  sourceVolumeId: z.string().max(36).optional(),
  volumeType: z.string().max(255).optional(),
  availabilityZone: z.string().max(255).optional(),
  metadata: z.record(z.string().min(1).max(255), z.string().max(255)).optional(),
  authToken: z.string().optional(),
});

/** Volumes for compute over NATS: look up, create for boot from volume, delete on termination. */
@Controller()
export class VolumesRpcController {
  constructor(
    private readonly volumes: VolumesService,
    private readonly records: VolumeRecords,
  ) {}

  @MessagePattern(GetVolume.subject)
  async get(@Payload() payload: RequestOf<typeof GetVolume>): Promise<ReplyOf<typeof GetVolume>> {
    const request = rpcInput(getSchema, payload);
    return volumeRef(await this.volumes.get(actorFromContext(request.context), request.volumeId));
  }

  @MessagePattern(CreateVolume.subject)
  async create(@Payload() payload: RequestOf<typeof CreateVolume>): Promise<ReplyOf<typeof CreateVolume>> {
    const request = rpcInput(createSchema, payload);
    const loaded = await this.volumes.create(
      actorFromContext(request.context),
      {
        size: request.size,
        name: request.name,
        description: request.description,
        imageId: request.imageId,
        snapshotId: request.snapshotId,
        sourceVolid: request.sourceVolumeId,
        volumeType: request.volumeType,
        availabilityZone: request.availabilityZone,
        metadata: request.metadata,
      },
      { token: request.authToken, requestId: `req-${randomUUID()}`, novaSnapshotImages: true },
    );
    return volumeRef(loaded);
  }

  @MessagePattern(DeleteVolume.subject)
  async delete(@Payload() payload: RequestOf<typeof DeleteVolume>): Promise<ReplyOf<typeof DeleteVolume>> {
    const request = rpcInput(getSchema, payload);
    const actor = actorFromContext(request.context);
    const volume = await this.volumes.delete(actor, request.volumeId, {
      cascade: false,
      force: false,
      requestId: `req-${randomUUID()}`,
    });
    return volumeRef(await this.records.loadOne({ ...volume, status: 'deleting' }));
  }
}
