import { jsonOf, openstack, TestCloud } from '@stratus/testing';
import { execFileSync } from 'node:child_process';
import { openSync, readSync, closeSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CinderApi, cinderclient, failed, Json, ok, Project } from './block-storage-helpers';

jest.setTimeout(120_000);

const INSTANCE = '0b4f5a6e-4c0d-4c36-9d0b-7d1d1e0b0c01';

/** The acceptance items of the block-storage issue, driven with the real openstack CLI. */
describe('block storage through the openstack CLI', () => {
  let cloud: TestCloud;
  let member: Project;
  let api: CinderApi;
  let volumesDir: string;

  beforeAll(async () => {
    cloud = await TestCloud.start(['image', 'block-storage'], (urls) => ({
      'block-storage': { BLOCK_STORAGE_IMAGE_URL: urls.image },
    }));
    member = await cloud.createProjectUser('cli', 'member');
    api = await CinderApi.of(cloud, member);
    volumesDir = join(cloud.env.dataDir, 'block-storage', 'volumes');
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  it('creates, lists, shows, extends, sets properties on and deletes volumes', async () => {
    const [created] = await openstack(member, [
      [
        'volume',
        'create',
        '--size',
        '1',
        '--description',
        'first',
        '--property',
        'tier=gold',
        'data',
        '-f',
        'json',
      ],
    ]);
    const volume = jsonOf<Json>(created);
    expect(volume).toMatchObject({ name: 'data', size: 1, description: 'first', type: '__DEFAULT__' });
    await api.waitFor(String(volume.id), 'available');
    const [extend, set, listed, long] = await openstack(member, [
      ['volume', 'set', '--size', '2', 'data'],
      ['volume', 'set', '--name', 'data2', '--description', 'second', '--property', 'owner=ops', 'data'],
      ['volume', 'list', '-f', 'json'],
      ['volume', 'list', '--long', '-f', 'json'],
    ]);
    ok(extend);
    ok(set);
    expect(jsonOf<Json[]>(listed).map((v) => v.Name)).toContain('data2');
    expect(jsonOf<Json[]>(long).find((v) => v.Name === 'data2')).toMatchObject({ Type: '__DEFAULT__' });
    await api.waitFor(String(volume.id), 'available');
    const [shown, unset, flags, reshown] = await openstack(member, [
      ['volume', 'show', 'data2', '-f', 'json'],
      ['volume', 'unset', '--property', 'tier', 'data2'],
      ['volume', 'set', '--bootable', '--read-only', '--image-property', 'os_distro=debian', 'data2'],
      ['volume', 'show', 'data2', '-f', 'json'],
    ]);
    expect(jsonOf<Json>(shown)).toMatchObject({
      id: volume.id,
      size: 2,
      description: 'second',
      properties: { tier: 'gold', owner: 'ops' },
      bootable: 'false',
    });
    ok(unset);
    ok(flags);
    expect(jsonOf<Json>(reshown)).toMatchObject({
      properties: { owner: 'ops', readonly: 'True' },
      bootable: 'true',
      volume_image_metadata: { os_distro: 'debian' },
    });
    expect(statSync(join(volumesDir, `volume-${String(volume.id)}`)).size).toBe(2 * 1024 ** 3);

    const [deleted] = await openstack(member, [['volume', 'delete', 'data2']]);
    ok(deleted);
    await api.waitFor(String(volume.id), 'gone');
    const [gone] = await openstack(member, [['volume', 'show', 'data2']]);
    expect(failed(gone)).toMatch(/No volume with a name or ID of 'data2' exists/);
  });

  it('creates a volume from an image, converting it, and uploads a volume as an image', async () => {
    const dir = cloud.env.dataDir;
    const raw = join(dir, 'pattern.raw');
    const pattern = Buffer.alloc(4096, 0xab);
    writeFileSync(raw, Buffer.concat([pattern, Buffer.alloc(1024 * 1024 - 4096)]));
    execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, join(dir, 'pattern.qcow2')]);
    const [image] = await openstack(member, [
      [
        'image',
        'create',
        '--disk-format',
        'qcow2',
        '--container-format',
        'bare',
        '--file',
        join(dir, 'pattern.qcow2'),
        '--property',
        'hw_disk_bus=virtio',
        'pattern',
        '-f',
        'json',
      ],
    ]);
    const imageId = String(jsonOf<Json>(image).id);
    const [created] = await openstack(member, [
      ['volume', 'create', '--image', 'pattern', '--size', '1', 'booted', '-f', 'json'],
    ]);
    const volumeId = String(jsonOf<Json>(created).id);
    await api.waitFor(volumeId, 'available');
    const [shown] = await openstack(member, [['volume', 'show', 'booted', '-f', 'json']]);
    const volume = jsonOf<Json>(shown);
    expect(volume).toMatchObject({ bootable: 'true', size: 1 });
    expect(volume.volume_image_metadata).toMatchObject({
      image_id: imageId,
      image_name: 'pattern',
      disk_format: 'qcow2',
      hw_disk_bus: 'virtio',
    });
    const head = Buffer.alloc(4096);
    const fd = openSync(join(volumesDir, `volume-${volumeId}`), 'r');
    readSync(fd, head, 0, 4096, 0);
    closeSync(fd);
    expect(head.equals(pattern)).toBe(true);

    const [upload] = await openstack(member, [
      ['image', 'create', '--volume', 'booted', '--disk-format', 'qcow2', 'from-volume', '-f', 'json'],
    ]);
    ok(upload);
    const [images] = await openstack(member, [['image', 'list', '--name', 'from-volume', '-f', 'json']]);
    const uploadedId = String(jsonOf<Json[]>(images)[0].ID);
    await api.waitFor(volumeId, 'available');
    const imageApi = cloud.service('image').url;
    const uploaded = await fetch(`${imageApi}/v2/images/${uploadedId}`, {
      headers: { 'X-Auth-Token': api.token },
    });
    expect(await uploaded.json()).toMatchObject({
      status: 'active',
      disk_format: 'qcow2',
      hw_disk_bus: 'virtio',
    });
  });

  it('takes snapshots and makes volumes from snapshots and from other volumes', async () => {
    const [base] = await openstack(member, [['volume', 'create', '--size', '1', 'base', '-f', 'json']]);
    const baseId = String(jsonOf<Json>(base).id);
    await api.waitFor(baseId, 'available');
    const [snap] = await openstack(member, [
      ['volume', 'snapshot', 'create', '--volume', 'base', '--description', 'nightly', 'snap1', '-f', 'json'],
    ]);
    const snapshotId = String(jsonOf<Json>(snap).id);
    await api.waitFor(snapshotId, 'available', 'snapshots');
    const results = await openstack(member, [
      ['volume', 'snapshot', 'list', '-f', 'json'],
      ['volume', 'snapshot', 'show', 'snap1', '-f', 'json'],
      ['volume', 'create', '--snapshot', 'snap1', 'from-snap', '-f', 'json'],
      ['volume', 'create', '--source', 'base', '--size', '2', 'clone', '-f', 'json'],
      ['volume', 'delete', 'base'],
    ]);
    expect(jsonOf<Json[]>(results[0]).map((s) => s.Name)).toEqual(['snap1']);
    expect(jsonOf<Json>(results[1])).toMatchObject({ volume_id: baseId, size: 1, description: 'nightly' });
    const fromSnap = jsonOf<Json>(results[2]);
    const clone = jsonOf<Json>(results[3]);
    expect(fromSnap).toMatchObject({ snapshot_id: snapshotId, size: 1 });
    expect(clone).toMatchObject({ source_volid: baseId, size: 2 });
    expect(failed(results[4])).toMatch(/Invalid volume: .*have snapshots.*\(HTTP 400\)/);
    await api.waitFor(String(fromSnap.id), 'available');
    await api.waitFor(String(clone.id), 'available');
    expect(statSync(join(volumesDir, `volume-${String(clone.id)}`)).size).toBe(2 * 1024 ** 3);

    const [snapSet, snapShown, snapDeleted] = await openstack(member, [
      ['volume', 'snapshot', 'set', '--name', 'snap1b', '--property', 'kept=yes', 'snap1'],
      ['volume', 'snapshot', 'show', 'snap1b', '-f', 'json'],
      ['volume', 'snapshot', 'delete', 'snap1b'],
    ]);
    ok(snapSet);
    expect(jsonOf<Json>(snapShown)).toMatchObject({ name: 'snap1b', properties: { kept: 'yes' } });
    ok(snapDeleted);
    await api.waitFor(snapshotId, 'gone', 'snapshots');
    const [deleted] = await openstack(member, [['volume', 'delete', 'base', 'from-snap', 'clone']]);
    ok(deleted);
    for (const id of [baseId, fromSnap.id, clone.id]) await api.waitFor(String(id), 'gone');
  });

  it('manages volume types with properties and private access', async () => {
    const other = await cloud.createProjectUser('cli-types', 'member');
    const admin = await openstack(cloud.admin, [
      [
        'volume',
        'type',
        'create',
        '--description',
        'fast disks',
        '--property',
        'multiattach=<is> True',
        'gold',
        '-f',
        'json',
      ],
      ['volume', 'type', 'create', '--private', '--project', member.projectId, 'secret', '-f', 'json'],
      ['volume', 'type', 'list', '-f', 'json'],
      ['volume', 'type', 'set', '--property', 'tier=1', 'gold'],
      ['volume', 'type', 'show', 'gold', '-f', 'json'],
    ]);
    expect(jsonOf<Json>(admin[0])).toMatchObject({
      name: 'gold',
      description: 'fast disks',
      is_public: true,
    });
    expect(jsonOf<Json>(admin[1])).toMatchObject({ name: 'secret', is_public: false });
    expect(jsonOf<Json[]>(admin[2]).map((t) => t.Name)).toEqual(
      expect.arrayContaining(['__DEFAULT__', 'gold', 'secret']),
    );
    ok(admin[3]);
    expect(jsonOf<Json>(admin[4]).properties).toEqual({ multiattach: '<is> True', tier: '1' });

    const [mine, typed] = await openstack(member, [
      ['volume', 'type', 'list', '-f', 'json'],
      ['volume', 'create', '--type', 'gold', '--size', '1', 'typed', '-f', 'json'],
    ]);
    expect(jsonOf<Json[]>(mine).map((t) => t.Name)).toEqual(expect.arrayContaining(['gold', 'secret']));
    expect(jsonOf<Json>(typed)).toMatchObject({ type: 'gold', multiattach: true });
    const [theirs, refused] = await openstack(other, [
      ['volume', 'type', 'list', '-f', 'json'],
      ['volume', 'create', '--type', 'secret', '--size', '1', 'nope'],
    ]);
    expect(jsonOf<Json[]>(theirs).map((t) => t.Name)).not.toContain('secret');
    expect(failed(refused)).toMatch(/HTTP 404/);
    const [inUse, createdByMember] = await openstack(cloud.admin, [
      ['volume', 'type', 'delete', 'gold'],
      ['volume', 'type', 'create', 'x'],
    ]);
    expect(failed(inUse)).toMatch(/deletion is not allowed with volumes present/);
    ok(createdByMember);
    const [memberCreate] = await openstack(member, [['volume', 'type', 'create', 'mine']]);
    expect(failed(memberCreate)).toMatch(/HTTP 403/);
  });

  it('refuses to delete an attached volume (400) and follows the attachment through the CLI', async () => {
    const [created] = await openstack(member, [
      ['volume', 'create', '--size', '1', 'attached', '-f', 'json'],
    ]);
    const volumeId = String(jsonOf<Json>(created).id);
    await api.waitFor(volumeId, 'available');
    const reserved = await cinderclient(
      member,
      `print(json.dumps(cinder('3.54').attachments.create('${volumeId}', {}, '${INSTANCE}', 'rw')))`,
    );
    expect(reserved).toMatchObject({ status: 'reserved', volume_id: volumeId, instance: INSTANCE });
    const attachmentId = String(reserved.id);
    // osc-lib keeps the first command's volume client for the whole process, so commands with a
    // microversion run in a batch of their own.
    const v = ['--os-volume-api-version', '3.54'];
    const before = await openstack(member, [
      ['volume', 'show', 'attached', '-f', 'json'],
      ['volume', 'delete', 'attached'],
    ]);
    const during = await openstack(member, [
      [
        ...v,
        'volume',
        'attachment',
        'set',
        '--host',
        'cmp1',
        '--mountpoint',
        '/dev/vdb',
        attachmentId,
        '-f',
        'json',
      ],
      [...v, 'volume', 'attachment', 'complete', attachmentId],
    ]);
    const attached = await openstack(member, [
      ['volume', 'show', 'attached', '-f', 'json'],
      ['volume', 'delete', 'attached'],
    ]);
    const listed = await openstack(member, [
      [...v, 'volume', 'attachment', 'list', '-f', 'json'],
      [...v, 'volume', 'attachment', 'show', attachmentId, '-f', 'json'],
      [...v, 'volume', 'attachment', 'delete', attachmentId],
    ]);
    const after = await openstack(member, [
      ['volume', 'show', 'attached', '-f', 'json'],
      ['volume', 'delete', 'attached'],
    ]);
    const results = [...before, ...during, ...attached, ...listed, ...after];
    expect(jsonOf<Json>(results[0]).status).toBe('reserved');
    expect(failed(results[1])).toMatch(/Invalid volume: .*attached.*\(HTTP 400\)/);
    const connected = jsonOf<Json>(results[2]);
    expect(connected).toMatchObject({ Status: 'attaching', 'Attach Mode': 'rw', 'Instance ID': INSTANCE });
    expect(connected.Properties).toMatchObject({
      driver_volume_type: 'file',
      data: { format: 'raw', serial: volumeId, path: join(volumesDir, `volume-${volumeId}`) },
    });
    ok(results[3]);
    const inUse = jsonOf<Json>(results[4]);
    expect(inUse.status).toBe('in-use');
    expect(inUse.attachments).toEqual([
      expect.objectContaining({
        server_id: INSTANCE,
        attachment_id: attachmentId,
        device: '/dev/vdb',
        host_name: 'cmp1',
      }),
    ]);
    expect(inUse.properties).toEqual({ attached_mode: 'rw' });
    expect(failed(results[5])).toMatch(/HTTP 400/);
    expect(jsonOf<Json[]>(results[6])).toEqual([
      expect.objectContaining({ ID: attachmentId, Status: 'attached' }),
    ]);
    expect(jsonOf<Json>(results[7])).toMatchObject({ Status: 'attached', 'Volume ID': volumeId });
    ok(results[8]);
    expect(jsonOf<Json>(results[9]).status).toBe('available');
    ok(results[10]);
    await api.waitFor(volumeId, 'gone');
  });

  it('answers 413 over quota, lists zones and is in the catalog under both types', async () => {
    const limited = await cloud.createProjectUser('cli-quota', 'member');
    // `openstack quota set` needs a compute endpoint in openstackclient 6.0, so the limits are set
    // with cinderclient, the library it would use.
    const set = await cinderclient(
      cloud.admin,
      `print(json.dumps(cinder('3').quotas.update('${limited.projectId}', volumes=1, gigabytes=3, snapshots=0).to_dict()))`,
    );
    expect(set).toMatchObject({ volumes: 1, gigabytes: 3, snapshots: 0 });
    const results = await openstack(limited, [
      ['volume', 'create', '--size', '5', 'big'],
      ['volume', 'create', '--size', '1', 'one', '-f', 'json'],
      ['volume', 'create', '--size', '1', 'two'],
      ['availability', 'zone', 'list', '--volume', '-f', 'json'],
      ['catalog', 'list', '-f', 'json'],
    ]);
    expect(failed(results[0])).toMatch(/gigabytes quota.*\(HTTP 413\)/);
    const one = jsonOf<Json>(results[1]);
    expect(failed(results[2])).toMatch(/VolumeLimitExceeded.*\(HTTP 413\)/);
    expect(jsonOf<Json[]>(results[3])).toEqual([
      expect.objectContaining({ 'Zone Name': 'nova', 'Zone Status': 'available' }),
    ]);
    // openstackclient's limits command and gophercloud look the service up as volumev3.
    expect(jsonOf<Json[]>(results[4]).map((s) => s.Type)).toEqual(
      expect.arrayContaining(['block-storage', 'volumev3']),
    );
    const limitedApi = await CinderApi.of(cloud, limited);
    await limitedApi.waitFor(String(one.id), 'available');
    const [snapshot] = await openstack(limited, [['volume', 'snapshot', 'create', '--volume', 'one', 's']]);
    expect(failed(snapshot)).toMatch(/HTTP 413/);
  });

  it('keeps projects apart', async () => {
    const intruder = await cloud.createProjectUser('cli-other', 'member');
    const [created] = await openstack(member, [
      ['volume', 'create', '--size', '1', 'private-vol', '-f', 'json'],
    ]);
    const volumeId = String(jsonOf<Json>(created).id);
    await api.waitFor(volumeId, 'available');
    const results = await openstack(intruder, [
      ['volume', 'list', '-f', 'json'],
      ['volume', 'show', volumeId],
      ['volume', 'set', '--size', '3', volumeId],
      ['volume', 'delete', volumeId],
      ['volume', 'snapshot', 'create', '--volume', volumeId, 'stolen'],
      ['volume', 'create', '--source', volumeId, 'copy'],
    ]);
    expect(jsonOf<Json[]>(results[0]).map((v) => v.ID)).not.toContain(volumeId);
    for (const result of results.slice(1))
      expect(failed(result)).toMatch(/No volume with a name or ID|HTTP 404/);
    const attach = await cinderclient(
      intruder,
      `print(json.dumps(attempt(lambda: cinder('3.27').attachments.create('${volumeId}', {}, '${INSTANCE}'))))`,
    );
    expect(attach).toMatchObject({ ok: false, code: 404 });
    const [all] = await openstack(cloud.admin, [['volume', 'list', '--all-projects', '-f', 'json']]);
    expect(jsonOf<Json[]>(all).map((v) => v.ID)).toContain(volumeId);
    expect((await api.volume(volumeId)).status).toBe('available');
  });

  it("answers malformed requests and unknown ids with Cinder's 4xx errors", async () => {
    const results = await openstack(member, [
      ['volume', 'create', '--size', '0', 'zero'],
      ['volume', 'show', '5b1a8a8e-0000-4000-8000-000000000000'],
      ['volume', 'create', '--size', '1', '--type', 'no-such-type', 'x'],
      ['volume', 'create', '--size', '1', '--availability-zone', 'mars', 'x'],
      ['volume', 'snapshot', 'show', 'no-such-snapshot'],
      ['volume', 'type', 'show', 'no-such-type'],
    ]);
    const [attachment] = await openstack(member, [
      [
        '--os-volume-api-version',
        '3.27',
        'volume',
        'attachment',
        'show',
        '5b1a8a8e-0000-4000-8000-000000000000',
      ],
    ]);
    expect(failed(results[0])).toMatch(/Invalid input received.*\(HTTP 400\)/);
    expect(failed(results[1])).toMatch(/No volume with a name or ID/);
    expect(failed(results[2])).toMatch(/HTTP 404/);
    expect(failed(results[3])).toMatch(/Availability zone 'mars' is invalid.*\(HTTP 400\)/);
    expect(failed(results[4])).toMatch(/No snapshot with a name or ID/);
    expect(failed(results[5])).toMatch(/No volumetype with a name or ID/);
    expect(failed(attachment)).toMatch(/HTTP 404/);
  });
});
