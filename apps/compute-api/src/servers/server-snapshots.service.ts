import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CreateSnapshot,
  GetSnapshot,
  SnapshotInstance,
  SnapshotRef,
  VolumeCallerContext,
} from '@stratus/contracts';
import { conflict, RpcClient } from '@stratus/platform';
import type { Response } from 'express';
import { z } from 'zod';
import { COMPUTE_CONFIG } from '../compute-api.tokens';
import type { ComputeApiConfig } from '../config/compute-api-config';
import type { Microversion } from '../common/microversion';
import { parseBody } from '../common/nova-input';
import { metadataParam, nameParam } from '../common/nova-schemas';
import { ImagesClient } from '../images/images.client';
import { QuotasService } from '../quotas/quotas.service';
import { BuildService } from './build.service';
import { InstanceActionsService } from './instance-actions.service';
import { faultFromError } from './instance-faults';
import { IMAGE_MAPPING_PROPERTIES } from './block-device-mappings';
import { volumeContext } from './block-devices.service';
import { blockDevicesOf, InstanceEntity, rootVolumeOf } from './instance.entity';
import { InstanceStore } from './instance.store';
import { requireUnlocked } from './server-locks';
import { Requester, ServerOperationsService } from './server-operations.service';
import { TaskState, VmState } from './server-state';

const createImageSchema = z.object({ name: nameParam, metadata: metadataParam.optional() }).strict();
const SNAPSHOT_EVENT = 'compute_snapshot_instance';
const SNAPSHOT_POLL_MS = 200;

/** Image attributes and per-image facts that a snapshot must not copy from the image it came from. */
const NOT_INHERITED = new Set([
  'checksum',
  'size',
  'image_id',
  'image_name',
  'container_format',
  'disk_format',
  'min_disk',
  'min_ram',
  'os_hash_algo',
  'os_hash_value',
  'image_type',
  'instance_uuid',
  'base_image_ref',
]);

/**
 * createImage: the image record is made in the image service with the requester's token, as Nova
 * does, and the host uploads the guest's disk into it; a failed upload deletes the record again.
 */
@Injectable()
export class ServerSnapshotsService {
  private readonly logger = new Logger('Snapshots');

  constructor(
    private readonly store: InstanceStore,
    private readonly images: ImagesClient,
    private readonly quotas: QuotasService,
    private readonly operations: ServerOperationsService,
    private readonly actions: InstanceActionsService,
    private readonly build: BuildService,
    private readonly rpc: RpcClient,
    @Inject(COMPUTE_CONFIG) private readonly config: ComputeApiConfig,
  ) {}

  async create(
    instance: InstanceEntity,
    argument: unknown,
    requester: Requester,
    version: Microversion,
    response: Response,
  ) {
    const { name, metadata } = parseBody(createImageSchema, argument);
    requireUnlocked(instance, requester.auth);
    if (metadata && !version.atLeast('2.39')) {
      await this.quotas.checkMetadata(instance.projectId, Object.keys(metadata).length);
    }
    const rule = {
      action: 'createImage',
      vmStates: [VmState.ACTIVE, VmState.STOPPED, VmState.PAUSED, VmState.SUSPENDED],
    };
    await this.operations.start(instance, 'snapshot', { taskState: TaskState.IMAGE_SNAPSHOT }, rule);
    const volumeBacked = rootVolumeOf(instance) !== undefined;
    let imageId: string;
    try {
      imageId = volumeBacked
        ? await this.imageOfVolumes(instance, name, metadata ?? {}, requester)
        : await this.createRecord(instance, name, metadata ?? {}, requester);
    } catch (error) {
      await this.operations.endWithoutChange(instance.uuid, 'snapshot');
      throw error;
    }
    await this.operations.record(instance, requester, 'createImage', SNAPSHOT_EVENT);
    if (volumeBacked) {
      await this.operations.endWithoutChange(instance.uuid, 'snapshot');
      await this.actions.finishEvent(instance.uuid, 'createImage', SNAPSHOT_EVENT, { ok: true });
    } else {
      this.upload(instance, imageId, requester);
    }
    if (version.atLeast('2.45')) {
      response.status(202);
      return { image_id: imageId };
    }
    response.setHeader('Location', `${this.images.endpoint}/images/${imageId}`);
    return undefined;
  }

  /**
   * An image of a volume-backed server, as Nova makes it: a snapshot of each of its volumes, and an
   * image with no data whose block_device_mapping names those snapshots, so booting the image
   * gives a new server volumes made from them.
   */
  private async imageOfVolumes(
    instance: InstanceEntity,
    name: string,
    metadata: Record<string, string>,
    requester: Requester,
  ): Promise<string> {
    const context = volumeContext(requester.auth);
    const mappings: Record<string, unknown>[] = [];
    for (const device of blockDevicesOf(instance)) {
      if (!device.volumeId) continue;
      const snapshot = await this.rpc.request(CreateSnapshot, {
        volumeId: device.volumeId,
        context,
        name: `snapshot for ${name}`,
      });
      await this.untilSnapshotAvailable(snapshot, context);
      mappings.push({
        source_type: 'snapshot',
        destination_type: 'volume',
        snapshot_id: snapshot.id,
        volume_size: snapshot.size,
        boot_index: device.bootIndex,
        delete_on_termination: device.deleteOnTermination,
        device_name: device.deviceName,
        disk_bus: 'virtio',
        device_type: 'disk',
        volume_id: null,
        image_id: null,
        guest_format: null,
        no_device: null,
        tag: null,
        volume_type: null,
      });
    }
    const inherited = Object.entries(instance.imageProperties).filter(
      ([key]) => !NOT_INHERITED.has(key) && !IMAGE_MAPPING_PROPERTIES.includes(key),
    );
    const created = (await this.images.call('POST', '/v2/images', requester.auth, {
      name,
      disk_format: 'raw',
      container_format: 'bare',
      visibility: 'private',
      ...Object.fromEntries(inherited),
      ...metadata,
      image_type: 'snapshot',
      instance_uuid: instance.uuid,
      user_id: requester.auth.userId,
      block_device_mapping: JSON.stringify(mappings),
      bdm_v2: 'True',
      root_device_name: '/dev/vda',
    })) as { id: string };
    await this.images.upload(created.id, new Uint8Array(), requester.auth);
    return created.id;
  }

  private async untilSnapshotAvailable(snapshot: SnapshotRef, context: VolumeCallerContext): Promise<void> {
    const deadline = Date.now() + this.config.COMPUTE_AGENT_TIMEOUT_MS;
    let current = snapshot;
    while (current.status !== 'available') {
      if (current.status === 'error' || Date.now() > deadline) {
        throw conflict(`Snapshot ${snapshot.id} of volume ${snapshot.volumeId} is ${current.status}.`);
      }
      await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_POLL_MS));
      current = await this.rpc.request(GetSnapshot, { snapshotId: snapshot.id, context });
    }
  }

  private async createRecord(
    instance: InstanceEntity,
    name: string,
    metadata: Record<string, string>,
    requester: Requester,
  ): Promise<string> {
    const base = instance.imageSpec;
    const diskFormat = base?.diskFormat === 'raw' ? 'raw' : 'qcow2';
    const created = (await this.images.call('POST', '/v2/images', requester.auth, {
      name,
      disk_format: diskFormat,
      container_format: 'bare',
      visibility: 'private',
      min_disk: instance.flavor.rootGb,
      ...Object.fromEntries(
        Object.entries(base?.properties ?? {}).filter(([key]) => !NOT_INHERITED.has(key)),
      ),
      ...metadata,
      image_type: 'snapshot',
      instance_uuid: instance.uuid,
      base_image_ref: instance.imageRef,
      user_id: requester.auth.userId,
    })) as { id: string };
    return created.id;
  }

  private upload(instance: InstanceEntity, imageId: string, requester: Requester): void {
    const host = instance.host;
    void this.build.mutex.run(instance.uuid, async () => {
      try {
        if (!host) throw new Error(`instance ${instance.uuid} has no host`);
        await this.store.transition(
          instance.uuid,
          { pendingOperation: 'snapshot' },
          {
            taskState: TaskState.IMAGE_UPLOADING,
          },
        );
        await this.rpc.request(
          SnapshotInstance(host),
          {
            uuid: instance.uuid,
            imageId,
            uploadUrl: `${this.images.endpoint}/v2/images/${imageId}/file`,
            diskFormat: instance.imageSpec?.diskFormat === 'raw' ? 'raw' : 'qcow2',
            authToken: requester.auth.token,
          },
          this.config.COMPUTE_AGENT_TIMEOUT_MS,
        );
        await this.operations.endWithoutChange(instance.uuid, 'snapshot');
        await this.actions.finishEvent(instance.uuid, 'createImage', SNAPSHOT_EVENT, { ok: true });
      } catch (error) {
        this.logger.warn(`snapshot of ${instance.uuid} failed: ${String(error)}`);
        await this.operations.endWithoutChange(instance.uuid, 'snapshot', faultFromError(error));
        await this.actions.finishEvent(instance.uuid, 'createImage', SNAPSHOT_EVENT, {
          ok: false,
          traceback: String(error),
        });
        await this.images
          .call('DELETE', `/v2/images/${imageId}`, requester.auth)
          .catch((again: unknown) =>
            this.logger.warn(`could not delete failed snapshot ${imageId}: ${String(again)}`),
          );
      }
    });
  }
}
