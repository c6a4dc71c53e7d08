import { Injectable, Logger } from '@nestjs/common';
import {
  AttachedVolumeSpec,
  AttachmentRef,
  CompleteAttachment,
  CreateAttachment,
  CreateVolume,
  DeleteAttachment,
  DeleteVolume,
  ErrorCode,
  GetSnapshot,
  GetVolume,
  ListAttachments,
  SnapshotRef,
  VolumeCallerContext,
  VolumeRef,
} from '@stratus/contracts';
import { AuthContext, badRequest, DomainError, RpcClient } from '@stratus/platform';
import { BlockDevice, blockDevicesOf, InstanceEntity } from './instance.entity';
import { InstanceStore } from './instance.store';

/** How often a volume compute created is looked at until it is available. */
const VOLUME_POLL_MS = 250;

export function volumeContext(auth: AuthContext): VolumeCallerContext {
  return { projectId: auth.projectId ?? null, roles: [...auth.roleNames], userId: auth.userId };
}

/** Compute acting for the server's owner while it builds, as Nova does with the user's context. */
function ownerContext(instance: InstanceEntity): VolumeCallerContext {
  return { projectId: instance.projectId, roles: ['member'], userId: instance.userId };
}

/**
 * Compute's own clean-up of a server's volumes acts for the cloud, not for one user, as Nova does
 * with its service credentials.
 */
function serviceContext(instance: InstanceEntity): VolumeCallerContext {
  return { projectId: instance.projectId, roles: ['admin'] };
}

export function attachedVolumeSpec(device: BlockDevice): AttachedVolumeSpec | null {
  if (!device.volumeId || !device.connection) return null;
  return { volumeId: device.volumeId, ...device.connection };
}

function connectionOf(attachment: AttachmentRef): BlockDevice['connection'] {
  const info = attachment.connectionInfo?.data;
  return info ? { path: info.path, format: info.format, readOnly: info.accessMode === 'ro' } : null;
}

/** A volume attached to the running server through os-volume_attachments, as its block device. */
export function hotPluggedDevice(attachment: AttachmentRef, device: string): BlockDevice {
  return {
    sourceType: 'volume',
    sourceId: attachment.volumeId,
    bootIndex: null,
    volumeSize: null,
    volumeType: null,
    deleteOnTermination: false,
    deviceName: device,
    tag: null,
    volumeId: attachment.volumeId,
    attachmentId: attachment.id,
    connection: connectionOf(attachment),
  };
}

/**
 * The volumes of servers, Nova's block device mappings with Cinder: checked when a server is
 * requested, created and attached on the chosen host while it builds, handed back (and deleted
 * when delete_on_termination says so) when it goes.
 */
@Injectable()
export class BlockDevicesService {
  private readonly logger = new Logger('BlockDevices');

  constructor(
    private readonly store: InstanceStore,
    private readonly rpc: RpcClient,
  ) {}

  /**
   * Checks the volumes a create names before answering: they exist for the caller, are available,
   * and a root volume is bootable. Answers the root volume's image metadata (null without one).
   */
  async checkRequested(devices: BlockDevice[], auth: AuthContext): Promise<Record<string, string> | null> {
    let rootMetadata: Record<string, string> | null = null;
    for (const device of devices) {
      if (device.sourceType === 'snapshot') await this.requestedSnapshot(device.sourceId!, auth);
      if (device.sourceType !== 'volume') continue;
      const volume = await this.requestedVolume(device.sourceId!, auth);
      if (volume.status !== 'available' && !(volume.multiattach && volume.status === 'in-use')) {
        throw badRequest(
          `Invalid volume: volume '${volume.id}' status must be 'available'. Currently in '${volume.status}'`,
        );
      }
      if (device.bootIndex === 0) {
        if (!volume.bootable) throw badRequest(`Block Device ${volume.id} is not bootable.`);
        rootMetadata = volume.imageMetadata;
      }
    }
    return rootMetadata;
  }

  /**
   * Makes every volume of the server ready on `host`: creates those still to be made and waits for
   * them, then attaches each for that host (dropping an attachment an earlier attempt made for
   * another host). Each step is recorded at once, so a delete meanwhile finds what to clean up.
   */
  async connect(instance: InstanceEntity, host: string): Promise<void> {
    const context = ownerContext(instance);
    const devices = blockDevicesOf(instance).map((device) => ({ ...device }));
    for (const device of devices) {
      if (!device.volumeId) {
        const created = await this.rpc.request(CreateVolume, {
          context,
          size: device.volumeSize ?? undefined,
          imageId: device.sourceType === 'image' ? device.sourceId! : undefined,
          snapshotId: device.sourceType === 'snapshot' ? device.sourceId! : undefined,
          volumeType: device.volumeType ?? undefined,
          authToken: instance.operationToken ?? undefined,
        });
        device.volumeId = created.id;
        await this.record(instance, devices);
        await this.untilAvailable(created.id, context, instance.operationDeadline);
      }
      if (device.attachmentId) {
        await this.rpc.request(DeleteAttachment, { attachmentId: device.attachmentId, context });
        device.attachmentId = null;
        device.connection = null;
        await this.record(instance, devices);
      }
      const reserved = await this.rpc.request(CreateAttachment, {
        volumeId: device.volumeId,
        instanceUuid: instance.uuid,
        context,
        connector: { host, mountpoint: device.deviceName ?? undefined },
      });
      device.attachmentId = reserved.id;
      device.connection = connectionOf(reserved);
      await this.rpc.request(CompleteAttachment, { attachmentId: reserved.id, context });
      await this.record(instance, devices);
    }
  }

  /** The root volume and the others, as the host plugs them when it (re)creates the guest. */
  volumeSpecs(instance: InstanceEntity): { root: AttachedVolumeSpec | null; others: AttachedVolumeSpec[] } {
    const devices = blockDevicesOf(instance);
    const root = devices.find((device) => device.bootIndex === 0);
    return {
      root: root ? attachedVolumeSpec(root) : null,
      others: devices
        .filter((device) => device !== root)
        .map(attachedVolumeSpec)
        .filter((spec): spec is AttachedVolumeSpec => spec !== null),
    };
  }

  /**
   * Hands every volume of a server that is gone back to block storage, and deletes those marked
   * delete_on_termination. A failure leaves the volume for an admin to reset rather than keeping
   * the server.
   */
  async release(instance: InstanceEntity): Promise<void> {
    const context = serviceContext(instance);
    try {
      const attachments = await this.rpc.request(ListAttachments, { instanceUuid: instance.uuid, context });
      for (const attachment of attachments) {
        await this.rpc.request(DeleteAttachment, { attachmentId: attachment.id, context });
      }
    } catch (error) {
      this.logger.warn(`volumes of ${instance.uuid} not released: ${String(error)}`);
      return;
    }
    for (const device of blockDevicesOf(instance)) {
      if (!device.deleteOnTermination || !device.volumeId) continue;
      await this.rpc
        .request(DeleteVolume, { volumeId: device.volumeId, context })
        .catch((error: unknown) =>
          this.logger.warn(`volume ${device.volumeId} of ${instance.uuid} not deleted: ${String(error)}`),
        );
    }
  }

  async record(instance: InstanceEntity, devices: BlockDevice[]): Promise<void> {
    instance.blockDevices = devices;
    await this.store.transition(instance.uuid, {}, { blockDevices: devices });
  }

  private async requestedVolume(volumeId: string, auth: AuthContext): Promise<VolumeRef> {
    try {
      return await this.rpc.request(GetVolume, { volumeId, context: volumeContext(auth) });
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) {
        throw badRequest(`Block Device Mapping is Invalid: failed to get volume ${volumeId}.`);
      }
      throw error;
    }
  }

  private async requestedSnapshot(snapshotId: string, auth: AuthContext): Promise<SnapshotRef> {
    try {
      return await this.rpc.request(GetSnapshot, { snapshotId, context: volumeContext(auth) });
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) {
        throw badRequest(`Block Device Mapping is Invalid: failed to get snapshot ${snapshotId}.`);
      }
      throw error;
    }
  }

  private async untilAvailable(
    volumeId: string,
    context: VolumeCallerContext,
    deadline: Date | null,
  ): Promise<void> {
    for (;;) {
      const volume = await this.rpc.request(GetVolume, { volumeId, context });
      if (volume.status === 'available') return;
      if (volume.status === 'error' || (deadline && Date.now() > deadline.getTime())) {
        throw new DomainError(
          ErrorCode.Conflict,
          `Volume ${volumeId} did not finish being created: its status is ${volume.status}.`,
          'VolumeNotCreated',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, VOLUME_POLL_MS));
    }
  }
}
