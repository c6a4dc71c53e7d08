import { Logger } from '@nestjs/common';
import {
  BeginDetaching,
  CompleteAttachment,
  CreateAttachment,
  CreateVolume,
  DeleteAttachment,
  DeleteVolume,
  GetVolume,
  ListAttachments,
  RollDetaching,
  UpdateAttachment,
  VolumeCallerContext,
  VolumeExtended,
  VolumeExtendedEvent,
} from '@stratus/contracts';
import { BusService, DomainError, MetricsRegistry, RpcClient } from '@stratus/platform';
import { expectEventually, TEST_NATS_URL, TestCloud } from '@stratus/testing';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { CinderApi, Json, Project } from './block-storage-helpers';

jest.setTimeout(60_000);

const INSTANCE = 'c1b2a3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';

/** What compute does with volumes over NATS, through the same RpcClient compute-api uses. */
describe('block storage requests and events for compute', () => {
  let cloud: TestCloud;
  let bus: BusService;
  let rpc: RpcClient;
  let member: Project;
  let token: string;
  let context: VolumeCallerContext;
  let api: CinderApi;
  const events: VolumeExtendedEvent[] = [];

  const failure = async (promise: Promise<unknown>): Promise<DomainError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  };

  const waitForVolume = (volumeId: string, status: string) =>
    expectEventually(
      async () => {
        const volume = await rpc.request(GetVolume, { volumeId, context });
        expect(volume.status).toBe(status);
        return volume;
      },
      { timeoutMs: 30_000 },
    );

  beforeAll(async () => {
    Logger.overrideLogger(['error']);
    cloud = await TestCloud.start(['image', 'block-storage'], (urls) => ({
      'block-storage': { BLOCK_STORAGE_IMAGE_URL: urls.image },
    }));
    bus = new BusService({ url: TEST_NATS_URL, namespace: cloud.env.id, name: 'compute-test' });
    await bus.connect();
    rpc = new RpcClient(
      { url: TEST_NATS_URL, name: 'compute-test', defaultTimeoutMs: 10_000 },
      bus,
      new MetricsRegistry('compute-test', false),
    );
    member = await cloud.createProjectUser('rpc', 'member');
    token = await cloud.token(member);
    context = { projectId: member.projectId, roles: ['member', 'reader'], userId: member.userId };
    api = await CinderApi.of(cloud, member);
    await bus.follow(
      'BLOCK_STORAGE_VOLUME_EVENTS',
      VolumeExtended,
      (event) => events.push(event),
      () => undefined,
    );
  });

  afterAll(async () => {
    await rpc?.onApplicationShutdown();
    await bus?.onApplicationShutdown();
    await cloud?.stop();
  });

  it('creates a bootable volume from an image for boot from volume, then attaches and detaches it', async () => {
    const imageUrl = cloud.service('image').url;
    const headers = { 'X-Auth-Token': token, 'Content-Type': 'application/json' };
    const image = (await (
      await fetch(`${imageUrl}/v2/images`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          name: 'bfv',
          disk_format: 'raw',
          container_format: 'bare',
          hw_qemu_guest_agent: 'yes',
        }),
      })
    ).json()) as Json;
    const upload = await fetch(`${imageUrl}/v2/images/${String(image.id)}/file`, {
      method: 'PUT',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/octet-stream' },
      body: Buffer.alloc(2 * 1024 * 1024, 7),
    });
    expect(upload.status).toBe(204);

    const created = await rpc.request(CreateVolume, {
      context,
      size: 1,
      name: 'root',
      imageId: String(image.id),
      authToken: token,
    });
    expect(created).toMatchObject({ status: 'creating', bootable: true, imageId: image.id, size: 1 });
    const volume = await waitForVolume(created.id, 'available');
    expect(volume.imageMetadata).toMatchObject({
      image_id: image.id,
      hw_qemu_guest_agent: 'yes',
      disk_format: 'raw',
    });

    const reserved = await rpc.request(CreateAttachment, {
      volumeId: volume.id,
      instanceUuid: INSTANCE,
      context,
    });
    expect(reserved).toMatchObject({ status: 'reserved', connectionInfo: null, attachMode: 'rw' });
    const connected = await rpc.request(UpdateAttachment, {
      attachmentId: reserved.id,
      connector: { host: 'cmp1', mountpoint: '/dev/vda' },
      context,
    });
    expect(connected).toMatchObject({
      status: 'attaching',
      connectionInfo: {
        driverVolumeType: 'file',
        data: { volumeId: volume.id, serial: volume.id, format: 'raw' },
      },
    });
    expect(existsSync(connected.connectionInfo!.data.path)).toBe(true);
    expect(await rpc.request(CompleteAttachment, { attachmentId: reserved.id, context })).toMatchObject({
      status: 'attached',
      attachedAt: expect.any(String),
    });
    expect(await rpc.request(GetVolume, { volumeId: volume.id, context })).toMatchObject({
      status: 'in-use',
      attachments: [
        { attachmentId: reserved.id, instanceUuid: INSTANCE, hostName: 'cmp1', mountpoint: '/dev/vda' },
      ],
    });
    expect(await rpc.request(ListAttachments, { instanceUuid: INSTANCE, context })).toEqual([
      expect.objectContaining({ id: reserved.id, status: 'attached' }),
    ]);

    expect((await rpc.request(BeginDetaching, { volumeId: volume.id, context })).status).toBe('detaching');
    expect((await rpc.request(RollDetaching, { volumeId: volume.id, context })).status).toBe('in-use');
    await rpc.request(BeginDetaching, { volumeId: volume.id, context });
    expect(await rpc.request(DeleteAttachment, { attachmentId: reserved.id, context })).toEqual({
      deleted: true,
      volumeStatus: 'available',
    });
    expect((await rpc.request(DeleteAttachment, { attachmentId: reserved.id, context })).deleted).toBe(true);
    expect((await rpc.request(DeleteVolume, { volumeId: volume.id, context })).status).toBe('deleting');
    await expectEventually(async () =>
      expect((await failure(rpc.request(GetVolume, { volumeId: volume.id, context }))).status).toBe(404),
    );
  });

  it('reimages a volume (3.68) and makes volumes from Nova snapshot images (3.46)', async () => {
    const imageUrl = cloud.service('image').url;
    const makeImage = async (properties: Json, data: Buffer) => {
      const image = (await (
        await fetch(`${imageUrl}/v2/images`, {
          method: 'POST',
          headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
          body: JSON.stringify({ disk_format: 'raw', container_format: 'bare', ...properties }),
        })
      ).json()) as Json;
      await fetch(`${imageUrl}/v2/images/${String(image.id)}/file`, {
        method: 'PUT',
        headers: { 'X-Auth-Token': token, 'Content-Type': 'application/octet-stream' },
        body: data,
      });
      return String(image.id);
    };
    const imageId = await makeImage(
      { name: 'new-root', os_distro: 'alpine' },
      Buffer.alloc(1024 * 1024, 0x42),
    );
    const volume = await rpc.request(CreateVolume, { context, size: 1 });
    await waitForVolume(volume.id, 'available');
    const reimage = (version: string) =>
      api.call('POST', `volumes/${volume.id}/action`, {
        json: { 'os-reimage': { image_id: imageId } },
        version,
      });
    expect((await reimage('3.67')).status).toBe(404);
    expect((await reimage('3.68')).status).toBe(202);
    const reimaged = await waitForVolume(volume.id, 'available');
    expect(reimaged).toMatchObject({ bootable: true, imageId, imageMetadata: { os_distro: 'alpine' } });
    const path = join(cloud.env.dataDir, 'block-storage', 'volumes', `volume-${volume.id}`);
    const fd = openSync(path, 'r');
    const head = Buffer.alloc(1024);
    readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    expect(head.equals(Buffer.alloc(1024, 0x42))).toBe(true);

    const snapshot = await api.call('POST', 'snapshots', { json: { snapshot: { volume_id: volume.id } } });
    const snapshotId = String((snapshot.body.snapshot as Json).id);
    await api.waitFor(snapshotId, 'available', 'snapshots');
    const novaImage = await makeImage(
      {
        name: 'server-snapshot',
        bdm_v2: 'True',
        root_device_name: '/dev/vda',
        block_device_mapping: JSON.stringify([
          {
            boot_index: 0,
            source_type: 'snapshot',
            destination_type: 'volume',
            snapshot_id: snapshotId,
            volume_size: 1,
          },
        ]),
      },
      Buffer.alloc(0),
    );
    const fromNova = await api.call('POST', 'volumes', {
      json: { volume: { imageRef: novaImage } },
      version: '3.46',
    });
    expect(fromNova.status).toBe(202);
    expect(fromNova.body.volume).toMatchObject({ snapshot_id: snapshotId, size: 1 });
  });

  it('attaches with a connector in one call and announces an online extend', async () => {
    const volume = await rpc.request(CreateVolume, { context, size: 1 });
    await waitForVolume(volume.id, 'available');
    const attachment = await rpc.request(CreateAttachment, {
      volumeId: volume.id,
      instanceUuid: INSTANCE,
      context,
      connector: { host: 'cmp2' },
    });
    expect(attachment).toMatchObject({ status: 'attaching', connectionInfo: { data: { accessMode: 'rw' } } });
    await rpc.request(CompleteAttachment, { attachmentId: attachment.id, context });
    const extend = await api.call('POST', `volumes/${volume.id}/action`, {
      json: { 'os-extend': { new_size: 2 } },
      version: '3.42',
    });
    expect(extend.status).toBe(202);
    await expectEventually(() =>
      expect(events.find((e) => e.volumeId === volume.id)).toMatchObject({
        size: 2,
        attachments: [{ attachmentId: attachment.id, instanceUuid: INSTANCE, hostName: 'cmp2' }],
      }),
    );
    expect((await waitForVolume(volume.id, 'in-use')).size).toBe(2);
    expect((await failure(rpc.request(DeleteVolume, { volumeId: volume.id, context }))).status).toBe(400);
    await rpc.request(DeleteAttachment, { attachmentId: attachment.id, context });
  });

  it("never lets another project see, reserve or delete a project's volume", async () => {
    const volume = await rpc.request(CreateVolume, { context, size: 1 });
    await waitForVolume(volume.id, 'available');
    const other = await cloud.createProjectUser('rpc-other', 'member');
    const intruder: VolumeCallerContext = { projectId: other.projectId, roles: ['member', 'reader'] };
    for (const request of [
      rpc.request(GetVolume, { volumeId: volume.id, context: intruder }),
      rpc.request(CreateAttachment, { volumeId: volume.id, instanceUuid: INSTANCE, context: intruder }),
      rpc.request(DeleteVolume, { volumeId: volume.id, context: intruder }),
      rpc.request(BeginDetaching, { volumeId: volume.id, context: intruder }),
    ]) {
      expect(await failure(request)).toMatchObject({ status: 404, type: 'VolumeNotFound' });
    }
    const attachment = await rpc.request(CreateAttachment, {
      volumeId: volume.id,
      instanceUuid: INSTANCE,
      context,
    });
    for (const request of [
      rpc.request(CompleteAttachment, { attachmentId: attachment.id, context: intruder }),
      rpc.request(UpdateAttachment, {
        attachmentId: attachment.id,
        connector: { host: 'x' },
        context: intruder,
      }),
    ]) {
      expect(await failure(request)).toMatchObject({ status: 404, type: 'VolumeAttachmentNotFound' });
    }
    expect(await rpc.request(ListAttachments, { volumeId: volume.id, context: intruder })).toEqual([]);
    // An admin context (compute acting for an admin) reaches every project's volumes.
    const adminContext: VolumeCallerContext = { projectId: 'elsewhere', roles: ['admin'] };
    expect((await rpc.request(GetVolume, { volumeId: volume.id, context: adminContext })).status).toBe(
      'reserved',
    );
    await rpc.request(DeleteAttachment, { attachmentId: attachment.id, context });
  });

  it('answers malformed requests, missing images and full quotas with 4xx errors', async () => {
    expect((await failure(rpc.request(GetVolume, { volumeId: 42 } as never))).status).toBe(400);
    expect((await failure(rpc.request(CreateVolume, { context, size: 0 }))).status).toBe(400);
    const missing = await failure(
      rpc.request(CreateVolume, {
        context,
        size: 1,
        imageId: '0c7b3d52-0000-4000-8000-000000000000',
        authToken: token,
      }),
    );
    expect(missing).toMatchObject({
      status: 400,
      message: expect.stringMatching(/Invalid image identifier/),
    });
    expect((await failure(rpc.request(CreateVolume, { context, size: 5000 }))).status).toBe(413);
    const reader: VolumeCallerContext = { projectId: member.projectId, roles: ['reader'] };
    expect((await failure(rpc.request(CreateVolume, { context: reader, size: 1 }))).status).toBe(403);
  });
});
