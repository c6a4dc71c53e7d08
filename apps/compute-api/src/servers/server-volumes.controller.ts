import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  AttachmentRef,
  AttachVolumeToInstance,
  BeginDetaching,
  CompleteAttachment,
  CreateAttachment,
  DeleteAttachment,
  DetachVolumeFromInstance,
  ListAttachments,
  RollDetaching,
  UpdateAttachment,
} from '@stratus/contracts';
import { Auth, AuthContext, badRequest, conflict, notFound, RpcClient } from '@stratus/platform';
import { z } from 'zod';
import { computePolicy } from '../common/compute-policy';
import { parseBody } from '../common/nova-input';
import { RequestId } from '../common/nova-request';
import { uuidParam } from '../common/nova-schemas';
import { BlockDevicesService, hotPluggedDevice, volumeContext } from './block-devices.service';
import { BuildService } from './build.service';
import { InstanceActionsService } from './instance-actions.service';
import { blockDevicesOf, InstanceEntity, rootVolumeOf } from './instance.entity';
import { InstanceStore } from './instance.store';
import { requireUnlocked } from './server-locks';
import { requireState } from './server-operations.service';
import { VmState } from './server-state';

const attachSchema = z
  .object({
    volumeAttachment: z
      .object({ volumeId: uuidParam, device: z.string().max(255).nullable().optional() })
      .strict(),
  })
  .strict();

const ATTACHABLE = { vmStates: [VmState.ACTIVE, VmState.PAUSED, VmState.STOPPED] };

/** Volume operations wait for the guest to plug or let go of the disk. */
const VOLUME_TIMEOUT_MS = 60_000;

function view(serverId: string, attachment: AttachmentRef) {
  return {
    id: attachment.volumeId,
    serverId,
    volumeId: attachment.volumeId,
    device: attachment.connector?.mountpoint ?? null,
  };
}

/**
 * os-volume_attachments: block-storage reserves and connects the volume, the server's host
 * hot-plugs its file (serial = volume id) and block-storage records it in use; detach reverses it.
 */
@Controller('v2.1/servers/:id/os-volume_attachments')
export class ServerVolumesController {
  constructor(
    private readonly store: InstanceStore,
    private readonly actions: InstanceActionsService,
    private readonly build: BuildService,
    private readonly blockDevices: BlockDevicesService,
    private readonly rpc: RpcClient,
  ) {}

  @Get()
  async list(@Auth() auth: AuthContext, @Param('id') id: string) {
    computePolicy.reader(auth, 'os_compute_api:os-volumes-attachments:index');
    const instance = await this.store.visible(id, auth);
    return { volumeAttachments: (await this.attachments(instance, auth)).map((a) => view(id, a)) };
  }

  @Get(':volumeId')
  async show(@Auth() auth: AuthContext, @Param('id') id: string, @Param('volumeId') volumeId: string) {
    computePolicy.reader(auth, 'os_compute_api:os-volumes-attachments:show');
    const instance = await this.store.visible(id, auth);
    return { volumeAttachment: view(id, await this.attachmentOf(instance, auth, volumeId)) };
  }

  @Post()
  @HttpCode(200)
  async attach(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Body() body: unknown,
    @RequestId() requestId: string,
  ) {
    computePolicy.member(auth, 'os_compute_api:os-volumes-attachments:create');
    const { volumeId } = parseBody(attachSchema, body).volumeAttachment;
    const instance = await this.store.visible(id, auth);
    requireUnlocked(instance, auth);
    requireState(instance, 'attach_volume', ATTACHABLE);
    const host = instance.host;
    if (!host)
      throw conflict(`Cannot 'attach_volume' instance ${id} while it is in vm_state ${instance.vmState}`);
    const context = volumeContext(auth);
    return this.build.mutex.run(instance.uuid, async () => {
      await this.actions.start(
        {
          instanceUuid: id,
          action: 'attach_volume',
          requestId,
          projectId: instance.projectId,
          userId: auth.userId,
        },
        { name: 'compute_attach_volume', host },
      );
      const reserved = await this.rpc.request(CreateAttachment, {
        volumeId,
        instanceUuid: id,
        context,
        connector: { host },
      });
      try {
        const info = reserved.connectionInfo!.data;
        const { device } = await this.rpc.request(
          AttachVolumeToInstance(host),
          { uuid: id, volumeId, path: info.path, format: info.format, readOnly: info.accessMode === 'ro' },
          VOLUME_TIMEOUT_MS,
        );
        await this.rpc.request(UpdateAttachment, {
          attachmentId: reserved.id,
          connector: { host, mountpoint: device },
          context,
        });
        const attached = await this.rpc.request(CompleteAttachment, { attachmentId: reserved.id, context });
        const current = (await this.store.find(id)) ?? instance;
        await this.blockDevices.record(current, [
          ...blockDevicesOf(current),
          hotPluggedDevice({ ...attached, connectionInfo: reserved.connectionInfo }, device),
        ]);
        await this.actions.finishEvent(id, 'attach_volume', 'compute_attach_volume', { ok: true });
        return { volumeAttachment: view(id, attached) };
      } catch (error) {
        await this.rpc
          .request(DeleteAttachment, { attachmentId: reserved.id, context })
          .catch(() => undefined);
        await this.actions.finishEvent(id, 'attach_volume', 'compute_attach_volume', {
          ok: false,
          traceback: String(error),
        });
        throw error;
      }
    });
  }

  @Delete(':volumeId')
  @HttpCode(202)
  async detach(
    @Auth() auth: AuthContext,
    @Param('id') id: string,
    @Param('volumeId') volumeId: string,
    @RequestId() requestId: string,
  ): Promise<void> {
    computePolicy.member(auth, 'os_compute_api:os-volumes-attachments:delete');
    const instance = await this.store.visible(id, auth);
    requireUnlocked(instance, auth);
    requireState(instance, 'detach_volume', ATTACHABLE);
    const attachment = await this.attachmentOf(instance, auth, volumeId);
    if (rootVolumeOf(instance)?.volumeId === volumeId) throw badRequest('Cannot detach a root device volume');
    const context = volumeContext(auth);
    await this.build.mutex.run(instance.uuid, async () => {
      await this.actions.start(
        {
          instanceUuid: id,
          action: 'detach_volume',
          requestId,
          projectId: instance.projectId,
          userId: auth.userId,
        },
        { name: 'compute_detach_volume', host: instance.host },
      );
      await this.rpc.request(BeginDetaching, { volumeId, context });
      try {
        if (instance.host) {
          await this.rpc.request(
            DetachVolumeFromInstance(instance.host),
            { uuid: id, volumeId },
            VOLUME_TIMEOUT_MS,
          );
        }
      } catch (error) {
        await this.rpc.request(RollDetaching, { volumeId, context });
        await this.actions.finishEvent(id, 'detach_volume', 'compute_detach_volume', {
          ok: false,
          traceback: String(error),
        });
        throw error;
      }
      await this.rpc.request(DeleteAttachment, { attachmentId: attachment.id, context });
      const current = (await this.store.find(id)) ?? instance;
      await this.blockDevices.record(
        current,
        blockDevicesOf(current).filter((device) => device.volumeId !== volumeId),
      );
      await this.actions.finishEvent(id, 'detach_volume', 'compute_detach_volume', { ok: true });
    });
  }

  private async attachments(instance: InstanceEntity, auth: AuthContext): Promise<AttachmentRef[]> {
    const all = await this.rpc.request(ListAttachments, {
      instanceUuid: instance.uuid,
      context: volumeContext(auth),
    });
    return all.filter((a) => a.status === 'attached' || a.status === 'attaching');
  }

  private async attachmentOf(
    instance: InstanceEntity,
    auth: AuthContext,
    volumeId: string,
  ): Promise<AttachmentRef> {
    const found = (await this.attachments(instance, auth)).find((a) => a.volumeId === volumeId);
    if (!found) throw notFound(`volume_id not found: ${volumeId}`, 'VolumeAttachmentNotFound');
    return found;
  }
}
