import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { CreateSnapshot, GetSnapshot, ReplyOf, RequestOf, SnapshotRef } from '@stratus/contracts';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { actorFromContext } from '../common/actor';
import { contextSchema, rpcInput } from '../common/rpc-input';
import { LoadedSnapshot, SnapshotsService } from './snapshots.service';

const createSchema = z.object({
  volumeId: z.string().max(36),
  context: contextSchema,
  name: z.string().max(255).optional(),
  description: z.string().max(255).optional(),
});
const getSchema = z.object({ snapshotId: z.string().max(36), context: contextSchema });

function snapshotRef({ snapshot }: LoadedSnapshot): SnapshotRef {
  return {
    id: snapshot.id,
    volumeId: snapshot.volumeId,
    size: snapshot.size,
    status: snapshot.status,
    name: snapshot.name,
  };
}

/** Snapshots for compute over NATS: images of volume-backed servers are made of them. */
@Controller()
export class SnapshotsRpcController {
  constructor(private readonly snapshots: SnapshotsService) {}

  @MessagePattern(CreateSnapshot.subject)
  async create(
    @Payload() payload: RequestOf<typeof CreateSnapshot>,
  ): Promise<ReplyOf<typeof CreateSnapshot>> {
    const request = rpcInput(createSchema, payload);
    const created = await this.snapshots.create(
      actorFromContext(request.context),
      { volumeId: request.volumeId, force: true, name: request.name, description: request.description },
      { allowInUse: true, requestId: `req-${randomUUID()}` },
    );
    return snapshotRef(created);
  }

  @MessagePattern(GetSnapshot.subject)
  async get(@Payload() payload: RequestOf<typeof GetSnapshot>): Promise<ReplyOf<typeof GetSnapshot>> {
    const request = rpcInput(getSchema, payload);
    return snapshotRef(await this.snapshots.get(actorFromContext(request.context), request.snapshotId));
  }
}
