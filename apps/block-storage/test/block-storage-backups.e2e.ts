import { jsonOf, openstack, TestCloud } from '@stratus/testing';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { CinderApi, failed, Json, ok, Project } from './block-storage-helpers';

jest.setTimeout(180_000);

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

/**
 * Volume backups in object storage (Cinder's Swift driver) through the real openstack CLI:
 * block storage, object storage and identity as processes; data put into volume files directly.
 */
describe('volume backups through the openstack CLI', () => {
  let cloud: TestCloud;
  let member: Project;
  let api: CinderApi;
  let volumesDir: string;

  beforeAll(async () => {
    // The CLI's volume commands look the image service up in the catalog even when they do not use it.
    cloud = await TestCloud.start(['image', 'object-storage', 'block-storage'], (urls) => ({
      'block-storage': {
        BLOCK_STORAGE_IMAGE_URL: urls.image,
        BLOCK_STORAGE_OBJECT_STORE_URL: urls['object-storage'],
      },
    }));
    member = await cloud.createProjectUser('backup', 'member');
    api = await CinderApi.of(cloud, member);
    volumesDir = join(cloud.env.dataDir, 'block-storage', 'volumes');
  });

  afterAll(async () => {
    await cloud?.stop();
  });

  /** The admin, through the project-less paths of 3.67. */
  const adminApi = async () =>
    new CinderApi(cloud.service('block-storage').url, await cloud.adminToken(), '');

  const volumeFile = (id: string) => join(volumesDir, `volume-${id}`);

  async function write(volumeId: string, offset: number, data: Buffer): Promise<void> {
    const handle = await fs.open(volumeFile(volumeId), 'r+');
    try {
      await handle.write(data, 0, data.length, offset);
    } finally {
      await handle.close();
    }
  }

  async function read(volumeId: string, offset: number, length: number): Promise<Buffer> {
    const handle = await fs.open(volumeFile(volumeId), 'r');
    try {
      const data = Buffer.alloc(length);
      await handle.read(data, 0, length, offset);
      return data;
    } finally {
      await handle.close();
    }
  }

  async function createVolume(credentials: Project, name: string, client = api): Promise<string> {
    const [created] = await openstack(credentials, [['volume', 'create', '--size', '1', name, '-f', 'json']]);
    const id = String(jsonOf<Json>(created).id);
    await client.waitFor(id, 'available');
    return id;
  }

  async function backup(args: string[], credentials: Project = member, client = api): Promise<Json> {
    const [created] = await openstack(credentials, [['volume', 'backup', 'create', ...args, '-f', 'json']]);
    const id = String(jsonOf<Json>(created).id);
    return client.waitFor(id, 'available', 'backups');
  }

  /**
   * `volume backup restore` as openstackclient 6.0 runs it: the restore request goes out, then the
   * command fails to print the answer (it returns the client's object where columns are due).
   * The restored volume is then found by its name, and waited for.
   */
  async function restore(backupName: string, volumeName: string, force = false): Promise<Json> {
    const [result] = await openstack(member, [
      ['volume', 'backup', 'restore', ...(force ? ['--force'] : []), backupName, volumeName],
    ]);
    if (result.rc !== 0) {
      expect(result.stderr + result.stdout).toMatch(/cannot unpack non-iterable VolumeBackupsRestore object/);
    }
    const [shown] = await openstack(member, [['volume', 'show', volumeName, '-f', 'json']]);
    return api.waitFor(String(jsonOf<Json>(shown).id), 'available');
  }

  it('backs up fully and incrementally, restores each exactly, and keeps only what children need', async () => {
    const volumeId = await createVolume(member, 'data');
    // A megabyte that does not compress, at the start; a pattern 300 MiB in (chunk 10 of 32 MiB).
    const head = randomBytes(MiB);
    const middle = Buffer.alloc(MiB, 0x5a);
    await write(volumeId, 0, head);
    await write(volumeId, 300 * MiB, middle);

    const full = await backup(['--name', 'full', '--description', 'first', 'data']);
    expect(full).toMatchObject({
      name: 'full',
      description: 'first',
      size: 1,
      volume_id: volumeId,
      container: 'volumebackups',
      is_incremental: false,
      object_count: 3,
    });
    expect((await api.volume(volumeId)).status).toBe('available');

    const changed = Buffer.alloc(MiB, 0xc3);
    const tail = randomBytes(MiB);
    await write(volumeId, 300 * MiB, changed);
    await write(volumeId, 900 * MiB, tail);
    const incremental = await backup(['--incremental', '--name', 'incr', 'data']);
    // Only the chunk that changed and the new one, plus the metadata object.
    expect(incremental).toMatchObject({ is_incremental: true, object_count: 3 });

    const [list, long, shownFull, objects] = await openstack(member, [
      ['volume', 'backup', 'list', '-f', 'json'],
      ['volume', 'backup', 'list', '--long', '-f', 'json'],
      ['volume', 'backup', 'show', 'full', '-f', 'json'],
      ['object', 'list', 'volumebackups', '-f', 'json'],
    ]);
    expect(jsonOf<Json[]>(list).map((b) => b.Name)).toEqual(['incr', 'full']);
    expect(jsonOf<Json[]>(long)[0]).toMatchObject({ Volume: volumeId, Container: 'volumebackups' });
    expect(jsonOf<Json>(shownFull)).toMatchObject({ has_dependent_backups: true, status: 'available' });
    const prefix = (backupId: unknown) => `volume_${volumeId}/backup_${String(backupId)}`;
    expect(
      jsonOf<Json[]>(objects)
        .map((o) => o.Name)
        .sort(),
    ).toEqual(
      [
        `${prefix(full.id)}-00001`,
        `${prefix(full.id)}-00010`,
        `${prefix(full.id)}_metadata`,
        `${prefix(incremental.id)}-00010`,
        `${prefix(incremental.id)}-00029`,
        `${prefix(incremental.id)}_metadata`,
      ].sort(),
    );

    const fromFull = await restore('full', 'from-full');
    await api.waitFor(String(full.id), 'available', 'backups');
    const fromIncr = await restore('incr', 'from-incr');
    expect(fromFull).toMatchObject({ name: 'from-full', size: 1 });
    const fromFullId = String(fromFull.id);
    const fromIncrId = String(fromIncr.id);
    expect((await fs.stat(volumeFile(fromFullId))).size).toBe(GiB);
    expect((await read(fromFullId, 0, MiB)).equals(head)).toBe(true);
    expect((await read(fromFullId, 300 * MiB, MiB)).equals(middle)).toBe(true);
    expect((await read(fromFullId, 900 * MiB, MiB)).equals(Buffer.alloc(MiB))).toBe(true);
    expect((await read(fromIncrId, 0, MiB)).equals(head)).toBe(true);
    expect((await read(fromIncrId, 300 * MiB, MiB)).equals(changed)).toBe(true);
    expect((await read(fromIncrId, 900 * MiB, MiB)).equals(tail)).toBe(true);

    // Into an existing volume (--force): its data is replaced as a whole.
    const [refused] = await openstack(member, [['volume', 'backup', 'restore', 'full', 'from-incr']]);
    expect(failed(refused)).toMatch(/already exists/);
    expect((await restore('full', 'from-incr', true)).id).toBe(fromIncrId);
    await api.waitFor(String(full.id), 'available', 'backups');
    expect((await read(fromIncrId, 300 * MiB, MiB)).equals(middle)).toBe(true);
    expect((await read(fromIncrId, 900 * MiB, MiB)).equals(Buffer.alloc(MiB))).toBe(true);

    const [parentDelete] = await openstack(member, [['volume', 'backup', 'delete', 'full']]);
    // osc-lib keeps the first command's volume client for the whole process, so commands with a
    // microversion run in a batch of their own.
    const [set, shown] = await openstack(member, [
      [
        '--os-volume-api-version',
        '3.9',
        'volume',
        'backup',
        'set',
        '--name',
        'incr2',
        '--description',
        'second',
        'incr',
      ],
      ['--os-volume-api-version', '3.9', 'volume', 'backup', 'show', 'incr2', '-f', 'json'],
    ]);
    expect(failed(parentDelete)).toMatch(/1 of 1 backups failed to delete/);
    ok(set);
    expect(jsonOf<Json>(shown)).toMatchObject({ name: 'incr2', description: 'second' });
    const refusedDelete = await api.call('DELETE', `backups/${String(full.id)}`);
    expect(refusedDelete.status).toBe(400);
    expect(JSON.stringify(refusedDelete.body)).toMatch(/Incremental backups exist for this backup/);

    const [deleteChild] = await openstack(member, [['volume', 'backup', 'delete', 'incr2']]);
    ok(deleteChild);
    await api.waitFor(String(incremental.id), 'gone', 'backups');
    const [afterChild] = await openstack(member, [['object', 'list', 'volumebackups', '-f', 'json']]);
    expect(jsonOf<Json[]>(afterChild).map((o) => o.Name)).toHaveLength(3);
    const [deleteParent] = await openstack(member, [['volume', 'backup', 'delete', 'full']]);
    ok(deleteParent);
    await api.waitFor(String(full.id), 'gone', 'backups');
    const [empty] = await openstack(member, [['object', 'list', 'volumebackups', '-f', 'json']]);
    expect(jsonOf<Json[]>(empty)).toEqual([]);
  });

  it('needs force for an in-use volume and puts the volume back as it was', async () => {
    const volumeId = await createVolume(member, 'attached');
    const reset = await (
      await adminApi()
    ).call('POST', `/v3/volumes/${volumeId}/action`, {
      json: { 'os-reset_status': { status: 'in-use' } },
      version: '3.67',
    });
    expect(reset.status).toBe(202);
    const [refused] = await openstack(member, [['volume', 'backup', 'create', 'attached']]);
    expect(failed(refused)).toMatch(/Backing up an in-use volume must use the force flag/);
    const forced = await backup(['--force', 'attached']);
    expect(forced).toMatchObject({ status: 'available', volume_id: volumeId });
    expect((await api.volume(volumeId)).status).toBe('in-use');
  });

  it('refuses backups over quota with 413', async () => {
    const project = await cloud.createProjectUser('backup-quota', 'member');
    const client = await CinderApi.of(cloud, project);
    // openstackclient's quota set also wants a compute service, which this cloud has none of.
    const admin = await adminApi();
    const setQuota = (quota_set: Json) =>
      admin.call('PUT', `/v3/os-quota-sets/${project.projectId}`, { json: { quota_set }, version: '3.67' });
    expect((await setQuota({ backups: 1, backup_gigabytes: 5 })).status).toBe(200);
    const volumeId = await createVolume(project, 'q', client);
    await backup(['q'], project, client);
    const [over] = await openstack(project, [['volume', 'backup', 'create', 'q']]);
    expect(failed(over)).toMatch(/Maximum number of backups allowed \(1\) exceeded/);
    const raw = await client.call('POST', 'backups', { json: { backup: { volume_id: volumeId } } });
    expect(raw.status).toBe(413);
    expect(raw.body).toMatchObject({ overLimit: { code: 413 } });

    expect((await setQuota({ backups: 10, backup_gigabytes: 1 })).status).toBe(200);
    const bySize = await client.call('POST', 'backups', { json: { backup: { volume_id: volumeId } } });
    expect(bySize.status).toBe(413);
    expect(JSON.stringify(bySize.body)).toMatch(/Backup gigabytes quota/);
    const usage = await admin.call('GET', `/v3/os-quota-sets/${project.projectId}?usage=true`, {
      version: '3.67',
    });
    expect(usage.body).toMatchObject({
      quota_set: { backups: { in_use: 1, limit: 10 }, backup_gigabytes: { in_use: 1, limit: 1 } },
    });
  });

  it('keeps backups to their project', async () => {
    await createVolume(member, 'private');
    const mine = await backup(['--name', 'mine', 'private']);
    const other = await cloud.createProjectUser('backup-other', 'member');
    const otherApi = await CinderApi.of(cloud, other);
    const [show, list, restore, objects] = await openstack(other, [
      ['volume', 'backup', 'show', String(mine.id)],
      ['volume', 'backup', 'list', '-f', 'json'],
      ['volume', 'backup', 'restore', String(mine.id), 'stolen'],
      ['object', 'list', 'volumebackups', '-f', 'json'],
    ]);
    expect(failed(show)).toMatch(/No volumebackup with a name or ID|could not be found/);
    expect(jsonOf<Json[]>(list)).toEqual([]);
    failed(restore);
    failed(objects);
    const direct = await otherApi.call('POST', `backups/${String(mine.id)}/restore`, {
      json: { restore: {} },
    });
    expect(direct.status).toBe(404);
    expect(direct.body).toMatchObject({ itemNotFound: { code: 404 } });
    const [volumes] = await openstack(other, [['volume', 'list', '-f', 'json']]);
    expect(jsonOf<Json[]>(volumes)).toEqual([]);
  });

  it('answers malformed requests with Cinder 4xx, pages and filters lists', async () => {
    const volumeId = await createVolume(member, 'paged');
    const ids: string[] = [];
    for (const name of ['p1', 'p2', 'p3']) ids.push(String((await backup(['--name', name, 'paged'])).id));
    const unknown = '00000000-0000-4000-8000-000000000000';
    const cases: [string, string, unknown, number, string?][] = [
      ['POST', 'backups', 'not json', 400],
      ['POST', 'backups', {}, 400],
      ['POST', 'backups', { backup: {} }, 400],
      ['POST', 'backups', { backup: 'x' }, 400],
      ['POST', 'backups', { backup: { volume_id: 'nope' } }, 400],
      ['POST', 'backups', { backup: { volume_id: volumeId, extra: 1 } }, 400],
      ['POST', 'backups', { backup: { volume_id: volumeId, incremental: 'maybe' } }, 400],
      ['POST', 'backups', { backup: { volume_id: volumeId, container: 'a/b' } }, 400],
      ['POST', 'backups', { backup: { volume_id: volumeId, name: 'x'.repeat(256) } }, 400],
      ['POST', 'backups', { backup: { volume_id: volumeId, metadata: { a: 'b' } } }, 400],
      ['POST', 'backups', { backup: { volume_id: unknown } }, 404],
      ['POST', 'backups', { backup: { volume_id: volumeId, snapshot_id: unknown } }, 404],
      ['POST', `backups/${ids[0]}/restore`, { restore: 'x' }, 400],
      ['POST', `backups/${ids[0]}/restore`, {}, 400],
      ['POST', `backups/${ids[0]}/restore`, { restore: { volume_id: unknown } }, 404],
      ['POST', `backups/${ids[0]}/restore`, { restore: { size: 2 } }, 400],
      ['POST', `backups/${unknown}/restore`, { restore: null }, 404],
      ['PUT', `backups/${ids[0]}`, { backup: { name: 'x' } }, 404],
      ['PUT', `backups/${ids[0]}`, { backup: { size: 3 } }, 400, '3.9'],
      ['PUT', `backups/${ids[0]}`, { backup: { metadata: { k: 1 } } }, 400, '3.43'],
      ['POST', `backups/${ids[0]}/action`, { 'os-unknown': null }, 400],
      ['POST', `backups/${ids[0]}/action`, { 'os-force_delete': null }, 403],
      ['GET', 'backups/not-a-uuid', undefined, 404],
      ['GET', 'backups?sort=size:sideways', undefined, 400],
      ['GET', 'backups?limit=abc', undefined, 400],
      ['GET', 'backups?marker=not-a-backup', undefined, 404],
      ['GET', 'backups?color=blue', undefined, 400, '3.31'],
      ['DELETE', `backups/${unknown}`, undefined, 404],
    ];
    for (const [method, path, body, status, version] of cases) {
      const response = await api.call(method, path, {
        ...(typeof body === 'string' ? { body } : body === undefined ? {} : { json: body }),
        version,
      });
      expect({ method, path, body, status: response.status }).toEqual({ method, path, body, status });
      const [fault] = Object.values(response.body) as Json[];
      expect(fault).toMatchObject({ code: status });
    }

    const first = await api.call('GET', `backups/detail?volume_id=${volumeId}&limit=2&sort=created_at:asc`, {
      version: '3.45',
    });
    expect(first.status).toBe(200);
    expect((first.body.backups as Json[]).map((b) => b.id)).toEqual(ids.slice(0, 2));
    const next = (first.body.backups_links as Json[])[0].href as string;
    expect(next).toContain(`marker=${ids[1]}`);
    const second = await api.call('GET', next.slice(next.indexOf('/v3/')), { version: '3.45' });
    expect((second.body.backups as Json[]).map((b) => b.id)).toEqual([ids[2]]);
    const counted = await api.call('GET', 'backups?with_count=true&name=p2', { version: '3.45' });
    expect(counted.body).toMatchObject({ count: 1, backups: [{ id: ids[1], name: 'p2' }] });
    const byVolume = await api.call('GET', `backups/detail?volume_id=${volumeId}&status=available`);
    expect((byVolume.body.backups as Json[]).length).toBe(3);
    const withMetadata = await api.call('POST', 'backups', {
      json: { backup: { volume_id: volumeId, name: 'meta', metadata: { tier: 'gold' } } },
      version: '3.43',
    });
    expect(withMetadata.status).toBe(202);
    expect(withMetadata.body).toMatchObject({ backup: { name: 'meta' } });
    const metaId = String((withMetadata.body.backup as Json).id);
    const shown = await api.waitFor(metaId, 'available', 'backups');
    expect(shown).toMatchObject({ metadata: { tier: 'gold' } });
    expect(shown).not.toHaveProperty('os-backup-project-attr:project_id');

    // A backup of a snapshot reads the snapshot's data, not the volume's current data.
    await write(volumeId, 0, Buffer.alloc(MiB, 0x11));
    const [snapshot] = await openstack(member, [
      ['volume', 'snapshot', 'create', '--volume', 'paged', 'snap', '-f', 'json'],
    ]);
    await api.waitFor(String(jsonOf<Json>(snapshot).id), 'available', 'snapshots');
    await write(volumeId, 0, Buffer.alloc(MiB, 0x22));
    const fromSnapshot = await backup(['--snapshot', 'snap', '--name', 'of-snap', 'paged']);
    expect(fromSnapshot).toMatchObject({ snapshot_id: jsonOf<Json>(snapshot).id, volume_id: volumeId });
    const restoredSnapshot = await restore('of-snap', 'from-snap');
    expect((await read(String(restoredSnapshot.id), 0, MiB)).equals(Buffer.alloc(MiB, 0x11))).toBe(true);
  });
});
