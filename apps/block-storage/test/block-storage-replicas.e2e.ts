import { catalogEntries } from '@stratus/platform';
import { expectEventually, freePorts, jsonOf, openstack, ServiceProcess, TestCloud } from '@stratus/testing';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CinderApi, Json, ok, Project } from './block-storage-helpers';

jest.setTimeout(120_000);

const DOWN_SECONDS = 2;

type ServiceRow = { Binary: string; Host: string; State: string; Status: string };

/**
 * Replicas as Kubernetes runs them: several block-storage processes on one volume folder and one
 * database, each with its own host name (the pod's). When one dies mid-operation, a survivor
 * settles its work once its heartbeat is older than BLOCK_STORAGE_SERVICE_DOWN_SECONDS, while the
 * work of live replicas goes on. qemu-img is wrapped so a create from an image and a backup can
 * be held mid-conversion.
 */
describe.each([
  ['MariaDB', true],
  ['SQLite', false],
])('block storage replicas on %s', (dialect, mysql) => {
  const controls = mkdtempSync(join(tmpdir(), 'stratus-replicas-'));
  const wrapper = join(controls, 'qemu-img');
  let cloud: TestCloud;
  let first: ServiceProcess;
  let second: ServiceProcess;
  let member: Project;
  let onFirst: CinderApi;
  let onSecond: CinderApi;
  let admin: CinderApi;
  let volumesDir: string;

  const converting = () => readdirSync(controls).filter((name) => name.startsWith('converting-')).length;

  const uploadImage = async (token: string, data: Buffer): Promise<string> => {
    const imageUrl = cloud.service('image').url;
    const created = await fetch(`${imageUrl}/v2/images`, {
      method: 'POST',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'slow', disk_format: 'raw', container_format: 'bare' }),
    });
    const id = String(((await created.json()) as Json).id);
    const upload = await fetch(`${imageUrl}/v2/images/${id}/file`, {
      method: 'PUT',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/octet-stream' },
      body: data,
    });
    expect(upload.status).toBe(204);
    return id;
  };

  const createVolume = async (api: CinderApi, volume: Json): Promise<string> => {
    const response = await api.call('POST', 'volumes', { json: { volume: { size: 1, ...volume } } });
    expect(response.status).toBe(202);
    return String((response.body.volume as Json).id);
  };

  const serviceList = async (): Promise<ServiceRow[]> => {
    const [listed] = await openstack(cloud.admin, [['volume', 'service', 'list', '-f', 'json']]);
    ok(listed);
    return jsonOf<ServiceRow[]>(listed);
  };

  beforeAll(async () => {
    writeFileSync(
      wrapper,
      `#!/bin/sh
if [ "$1" = convert ] && [ -e ${controls}/hang-convert ]; then
  touch ${controls}/converting-$$
  while [ -e ${controls}/hang-convert ]; do sleep 0.1; done
fi
exec qemu-img "$@"
`,
    );
    chmodSync(wrapper, 0o755);
    cloud = await TestCloud.start(['image', 'object-storage']);
    const { DATABASE_URL: database, ...base } = cloud.env.baseEnv('block-storage');
    const [firstPort, secondPort] = await freePorts(2);
    const replica = (host: string, port: number) => ({
      ...base,
      ...(mysql ? { DATABASE_URL: database } : {}),
      BLOCK_STORAGE_PORT: String(port),
      BLOCK_STORAGE_HOST: host,
      BLOCK_STORAGE_SERVICE_DOWN_SECONDS: String(DOWN_SECONDS),
      BLOCK_STORAGE_IMAGE_URL: cloud.service('image').url,
      BLOCK_STORAGE_OBJECT_STORE_URL: cloud.service('object-storage').url,
      // qcow2, so that a backup reads its volume through a conversion the wrapper can hold.
      BLOCK_STORAGE_VOLUME_FORMAT: 'qcow2',
      BLOCK_STORAGE_QEMU_IMG: wrapper,
      // Scratch space is the pod's own; only the volume folder and the database are shared.
      BLOCK_STORAGE_CONVERSION_DIR: join(controls, host),
    });
    first = await ServiceProcess.start('block-storage', firstPort, replica('replica-a', firstPort));
    second = await ServiceProcess.start('block-storage', secondPort, replica('replica-b', secondPort));
    // The CLI finds block storage through the catalog: the first replica, which survives.
    for (const entry of catalogEntries('block-storage', first.url)) {
      const { service } = (await cloud.identityApi('POST', '/services', {
        service: { type: entry.type, name: entry.name },
      })) as { service: { id: string } };
      await cloud.identityApi('POST', '/endpoints', {
        endpoint: { service_id: service.id, interface: 'public', url: entry.public, region_id: 'RegionOne' },
      });
    }

    member = await cloud.createProjectUser(`replicas-${dialect.toLowerCase()}`, 'member');
    const token = await cloud.token(member);
    onFirst = new CinderApi(first.url, token, member.projectId);
    onSecond = new CinderApi(second.url, token, member.projectId);
    const { projects } = (await cloud.identityApi('GET', '/projects?name=admin')) as {
      projects: { id: string }[];
    };
    admin = new CinderApi(first.url, await cloud.adminToken(), projects[0].id);
    volumesDir = join(cloud.env.dataDir, 'block-storage', 'volumes');
  });

  afterAll(async () => {
    rmSync(join(controls, 'hang-convert'), { force: true });
    await second?.stop();
    await first?.stop();
    await cloud?.stop();
    rmSync(controls, { recursive: true, force: true });
  });

  it('settles the work of a dead replica after the down time, never that of a live one', async () => {
    const token = await cloud.token(member);
    const imageId = await uploadImage(token, Buffer.alloc(1024 * 1024, 7));
    const backedUp = await createVolume(onSecond, { name: 'backed-up' });
    await onSecond.waitFor(backedUp, 'available');
    writeFileSync(join(controls, 'hang-convert'), '');
    const kept = await createVolume(onFirst, { name: 'kept', imageRef: imageId });
    await expectEventually(() => expect(converting()).toBe(1), { timeoutMs: 20_000 });
    const orphan = await createVolume(onSecond, { name: 'orphan', imageRef: imageId });
    await expectEventually(() => expect(converting()).toBe(2), { timeoutMs: 20_000 });
    const backup = await onSecond.call('POST', 'backups', {
      json: { backup: { volume_id: backedUp, name: 'interrupted' } },
    });
    expect(backup.status).toBe(202);
    const backupId = String((backup.body.backup as Json).id);
    await expectEventually(() => expect(converting()).toBe(3), { timeoutMs: 20_000 });
    expect((await onFirst.volume(backedUp)).status).toBe('backing-up');
    const doomed = await createVolume(onSecond, { name: 'doomed' });
    await onSecond.waitFor(doomed, 'available');
    // A delete caught mid-way: the second replica owns the volume, which says deleting.
    const reset = await admin.call('POST', `volumes/${doomed}/action`, {
      json: { 'os-reset_status': { status: 'deleting' } },
    });
    expect(reset.status).toBe(202);
    expect(existsSync(join(volumesDir, `volume-${doomed}`))).toBe(true);
    const base = await createVolume(onSecond, { name: 'base' });
    await onSecond.waitFor(base, 'available');
    const snapshot = await onSecond.call('POST', 'snapshots', {
      json: { snapshot: { volume_id: base, name: 'doomed-snapshot' } },
    });
    const snapshotId = String((snapshot.body.snapshot as Json).id);
    await onSecond.waitFor(snapshotId, 'available', 'snapshots');
    const resetSnapshot = await admin.call('POST', `snapshots/${snapshotId}/action`, {
      json: { 'os-reset_status': { status: 'deleting' } },
    });
    expect(resetSnapshot.status).toBe(202);

    // Both replicas alive, for longer than the down time: each keeps its own work.
    await delay(DOWN_SECONDS * 2000);
    expect(await admin.volume(kept)).toMatchObject({
      status: 'downloading',
      'os-vol-host-attr:host': 'replica-a@file#file',
    });
    expect(await admin.volume(orphan)).toMatchObject({
      status: 'downloading',
      'os-vol-host-attr:host': 'replica-b@file#file',
    });
    expect((await onFirst.volume(doomed)).status).toBe('deleting');
    expect((await onFirst.call('GET', `backups/${backupId}`)).body.backup).toMatchObject({
      status: 'creating',
    });
    expect((await onFirst.call('GET', `snapshots/${snapshotId}`)).body.snapshot).toMatchObject({
      status: 'deleting',
    });
    const alive = await serviceList();
    expect(alive.filter((s) => s.State === 'up').map((s) => `${s.Binary} ${s.Host}`)).toEqual(
      expect.arrayContaining([
        'cinder-scheduler replica-a',
        'cinder-volume replica-a@file',
        'cinder-scheduler replica-b',
        'cinder-volume replica-b@file',
      ]),
    );

    await second.stop('SIGKILL');

    await expectEventually(
      async () => {
        expect(await admin.volume(orphan)).toMatchObject({
          status: 'error',
          'os-vol-host-attr:host': 'replica-a@file#file',
        });
        expect((await onFirst.call('GET', `volumes/${doomed}`)).status).toBe(404);
        expect((await onFirst.call('GET', `snapshots/${snapshotId}`)).status).toBe(404);
        expect((await onFirst.call('GET', `backups/${backupId}`)).body.backup).toMatchObject({
          status: 'error',
          fail_reason: 'Interrupted: the backup service running it went down.',
        });
        expect((await onFirst.volume(backedUp)).status).toBe('available');
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(existsSync(join(volumesDir, `volume-${doomed}`))).toBe(false);
    expect(existsSync(join(volumesDir, `volume-${orphan}`))).toBe(false);
    expect(existsSync(join(volumesDir, `snapshot-${snapshotId}`))).toBe(false);
    expect(readdirSync(join(volumesDir, '.incoming'))).toEqual(['replica-a']);
    expect((await onFirst.volume(kept)).status).toBe('downloading');

    const rows = await serviceList();
    const state = (binary: string, host: string) =>
      rows.find((s) => s.Binary === binary && s.Host === host)?.State;
    expect(state('cinder-volume', 'replica-b@file')).toBe('down');
    expect(state('cinder-scheduler', 'replica-b')).toBe('down');
    expect(state('cinder-volume', 'replica-a@file')).toBe('up');
    expect(state('cinder-scheduler', 'replica-a')).toBe('up');

    // The live replica's create goes on to the end.
    rmSync(join(controls, 'hang-convert'));
    await onFirst.waitFor(kept, 'available');
    expect(existsSync(join(volumesDir, `volume-${kept}`))).toBe(true);
  });
});
