import { ApiVersion } from '../common/api-version';
import type { VolumeEntity } from '../persistence/block-storage.entities';
import { LoadedVolume, serviceUuid, volumeDetail, volumeRef } from './volume-view';

const volume: VolumeEntity = {
  id: '11111111-2222-4333-8444-555555555555',
  projectId: 'p',
  userId: 'u',
  name: 'v',
  description: null,
  size: 2,
  status: 'in-use',
  previousStatus: null,
  attachStatus: 'attached',
  migrationStatus: null,
  availabilityZone: 'nova',
  volumeTypeId: 't',
  bootable: true,
  multiattach: false,
  sourceVolid: null,
  snapshotId: null,
  host: 'node1@file#file',
  format: 'raw',
  createdAt: new Date('2024-05-01T10:00:00.123Z'),
  updatedAt: new Date('2024-05-01T10:00:01Z'),
  launchedAt: null,
};

const loaded: LoadedVolume = {
  volume,
  metadata: { a: '1' },
  adminMetadata: { readonly: 'True', attached_mode: 'ro', secret: 'x' },
  glance: { image_id: 'img' },
  attachments: [
    {
      id: 'att',
      volumeId: volume.id,
      projectId: 'p',
      instanceUuid: 'inst',
      attachedHost: 'cmp',
      mountpoint: '/dev/vdb',
      attachStatus: 'attached',
      attachMode: 'ro',
      connector: null,
      connectionInfo: null,
      attachTime: new Date('2024-05-01T10:00:02Z'),
      detachTime: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    },
  ],
  typeName: 'gold',
};

const view = (version: string, isAdmin = false) =>
  volumeDetail(loaded, {
    version: ApiVersion.parse(version),
    isAdmin,
    baseUrl: 'http://h',
    urlProjectId: 'p',
  });

describe('volume views', () => {
  it("shows Cinder's 3.0 fields, with visible admin metadata and attachments", () => {
    expect(view('3.0')).toMatchObject({
      bootable: 'true',
      volume_type: 'gold',
      created_at: '2024-05-01T10:00:00.123000',
      metadata: { a: '1', readonly: 'True', attached_mode: 'ro' },
      volume_image_metadata: { image_id: 'img' },
      attachments: [
        { server_id: 'inst', attachment_id: 'att', host_name: 'cmp', device: '/dev/vdb', id: volume.id },
      ],
      links: [
        { rel: 'self', href: `http://h/v3/p/volumes/${volume.id}` },
        { rel: 'bookmark', href: `http://h/p/volumes/${volume.id}` },
      ],
    });
    expect(view('3.0')).not.toHaveProperty('volume_type_id');
    expect(view('3.0')).not.toHaveProperty('os-vol-host-attr:host');
  });

  it('adds fields by microversion, and host details for admins only', () => {
    expect(view('3.63')).toMatchObject({ volume_type_id: 't', group_id: null, shared_targets: false });
    expect(view('3.63')).not.toHaveProperty('encryption_key_id');
    expect(view('3.65')).toMatchObject({ encryption_key_id: null, consumes_quota: true });
    expect(view('3.70', true)).toMatchObject({
      'os-vol-host-attr:host': 'node1@file#file',
      provider_id: null,
      cluster_name: null,
    });
    expect(view('3.70')).not.toHaveProperty('cluster_name');
  });

  it('gives compute the volume with its attachments and readonly flag', () => {
    expect(volumeRef(loaded)).toMatchObject({
      readonly: true,
      imageId: 'img',
      volumeTypeName: 'gold',
      attachments: [{ attachmentId: 'att' }],
    });
    expect(serviceUuid('node1@file')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(serviceUuid('node1@file')).toBe(serviceUuid('node1@file'));
  });
});
