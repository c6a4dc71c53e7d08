import { expectEventually, jsonOf, openstack, TestCloud } from '@stratus/testing';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImageApi, Project, projectWithToken, qcow2Header } from './image-helpers';

interface ShownImage {
  id: string;
  name: string;
  status: string;
  checksum: string;
  size: number;
  virtual_size: number | null;
  visibility: string;
  protected: boolean;
  tags: string[] | string;
  properties: Record<string, unknown>;
}

/** The credentials the CLI logs in with (a password; the API token is for direct calls). */
const cli = ({ token: _token, ...credentials }: Project) => credentials;

/** The tags column is a list in JSON output of `image show`. */
const tagsOf = (image: ShownImage) => (Array.isArray(image.tags) ? image.tags : image.tags.split(', '));

/**
 * The acceptance list of the image service, with the real openstackclient: create from a file,
 * list with filters, show, save, set/unset, tags, sharing, community, deactivate, protect, delete,
 * and isolation between two projects.
 */
describe('openstack image ... against the image service', () => {
  let cloud: TestCloud;
  let a: Project;
  let b: Project;
  let work: string;
  let api: ImageApi;
  const data = Buffer.concat([qcow2Header(BigInt(2 * 1024 ** 3), 64 * 1024), randomBytes(2 * 1024 * 1024)]);
  const md5 = createHash('md5').update(data).digest('hex');
  const sha512 = createHash('sha512').update(data).digest('hex');

  beforeAll(async () => {
    cloud = await TestCloud.start(['image']);
    [a, b] = await Promise.all([projectWithToken(cloud, 'cli-a'), projectWithToken(cloud, 'cli-b')]);
    api = new ImageApi(cloud.service('image').url);
    work = mkdtempSync(join(tmpdir(), 'image-cli-'));
    writeFileSync(join(work, 'disk.qcow2'), data);
  }, 120_000);

  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await cloud?.stop();
  });

  it('creates from a file, lists with filters, shows, and saves byte for byte', async () => {
    const [created, list, listTag, listOther, shown, saved] = await openstack(cli(a), [
      [
        'image',
        'create',
        '--file',
        join(work, 'disk.qcow2'),
        '--disk-format',
        'qcow2',
        '--container-format',
        'bare',
        '--private',
        '--property',
        'os_distro=cirros',
        '--property',
        'hw_disk_bus=virtio',
        '--tag',
        'smoke',
        '--min-ram',
        '64',
        'cirros-cli',
        '-f',
        'json',
      ],
      ['image', 'list', '--private', '--name', 'cirros-cli', '--status', 'active', '--long', '-f', 'json'],
      ['image', 'list', '--tag', 'smoke', '-f', 'json'],
      ['image', 'list', '--name', 'nope', '-f', 'json'],
      ['image', 'show', 'cirros-cli', '-f', 'json'],
      ['image', 'save', '--file', join(work, 'saved.qcow2'), 'cirros-cli'],
    ]);
    // The CLI prints the image as created, before its data went up; `show` has the result.
    const image = jsonOf<ShownImage>(created);
    expect(image).toMatchObject({ name: 'cirros-cli' });
    expect(jsonOf<{ Name: string; Checksum: string }[]>(list)).toEqual([
      expect.objectContaining({ Name: 'cirros-cli', Checksum: md5, Visibility: 'private' }),
    ]);
    expect(jsonOf<{ ID: string }[]>(listTag).map((i) => i.ID)).toEqual([image.id]);
    expect(jsonOf(listOther)).toEqual([]);
    const details = jsonOf<ShownImage>(shown);
    expect(details).toMatchObject({
      id: image.id,
      status: 'active',
      size: data.length,
      virtual_size: 2 * 1024 ** 3,
      checksum: md5,
    });
    expect(details.properties).toMatchObject({
      os_distro: 'cirros',
      hw_disk_bus: 'virtio',
      os_hash_algo: 'sha512',
      os_hash_value: sha512,
    });
    expect(tagsOf(details)).toEqual(['smoke']);
    expect(saved.rc).toBe(0);
    const copy = readFileSync(join(work, 'saved.qcow2'));
    expect(copy.equals(data)).toBe(true);
    expect(createHash('sha512').update(copy).digest('hex')).toBe(sha512);
  });

  it('imports through staging with --import (glance-direct)', async () => {
    const [created] = await openstack(cli(a), [
      [
        'image',
        'create',
        '--import',
        '--file',
        join(work, 'disk.qcow2'),
        '--disk-format',
        'qcow2',
        '--private',
        'imported',
        '-f',
        'json',
      ],
    ]);
    const id = jsonOf<ShownImage>(created).id;
    await expectEventually(async () => {
      expect(await api.show(a.token, id)).toMatchObject({
        status: 'active',
        checksum: md5,
        size: data.length,
      });
    });
  });

  it('sets and unsets properties and tags', async () => {
    const [, set, afterSet, unset, afterUnset] = await openstack(cli(a), [
      [
        'image',
        'create',
        '--disk-format',
        'raw',
        '--container-format',
        'bare',
        '--private',
        'props',
        '-f',
        'json',
      ],
      [
        'image',
        'set',
        '--property',
        'hw_qemu_guest_agent=yes',
        '--property',
        'architecture=x86_64',
        '--tag',
        'one',
        '--tag',
        'two',
        '--min-disk',
        '2',
        '--name',
        'props-renamed',
        'props',
      ],
      ['image', 'show', 'props-renamed', '-f', 'json'],
      ['image', 'unset', '--property', 'hw_qemu_guest_agent', '--tag', 'one', 'props-renamed'],
      ['image', 'show', 'props-renamed', '-f', 'json'],
    ]);
    expect(set.rc).toBe(0);
    const before = jsonOf<ShownImage & { min_disk: number }>(afterSet);
    expect(before.properties).toMatchObject({ hw_qemu_guest_agent: 'yes', architecture: 'x86_64' });
    expect(before.min_disk).toBe(2);
    expect(tagsOf(before).sort()).toEqual(['one', 'two']);
    expect(unset.rc).toBe(0);
    const after = jsonOf<ShownImage>(afterUnset);
    expect(after.properties).not.toHaveProperty('hw_qemu_guest_agent');
    expect(after.properties).toMatchObject({ architecture: 'x86_64' });
    expect(tagsOf(after)).toEqual(['two']);
  });

  it('shares with another project, which sees the image only once it accepts', async () => {
    const [created] = await openstack(cli(a), [
      [
        'image',
        'create',
        '--file',
        join(work, 'disk.qcow2'),
        '--disk-format',
        'qcow2',
        '--shared',
        'to-share',
        '-f',
        'json',
      ],
    ]);
    const id = jsonOf<ShownImage>(created).id;
    const [before] = await openstack(cli(b), [['image', 'list', '-f', 'json']]);
    expect(jsonOf<{ ID: string }[]>(before).map((i) => i.ID)).not.toContain(id);

    const [added, members] = await openstack(cli(a), [
      ['image', 'add', 'project', id, b.projectId, '-f', 'json'],
      ['image', 'member', 'list', id, '-f', 'json'],
    ]);
    expect(jsonOf(added)).toMatchObject({ status: 'pending' });
    expect(jsonOf<{ 'Member ID': string; Status: string }[]>(members)).toEqual([
      expect.objectContaining({ 'Member ID': b.projectId, Status: 'pending' }),
    ]);
    const [pendingList, accept, acceptedList, save] = await openstack(cli(b), [
      ['image', 'list', '-f', 'json'],
      ['image', 'set', '--accept', id],
      ['image', 'list', '-f', 'json'],
      ['image', 'save', '--file', join(work, 'shared.qcow2'), id],
    ]);
    expect(jsonOf<{ ID: string }[]>(pendingList).map((i) => i.ID)).not.toContain(id);
    expect(accept.rc).toBe(0);
    expect(jsonOf<{ ID: string }[]>(acceptedList).map((i) => i.ID)).toContain(id);
    expect(save.rc).toBe(0);
    expect(readFileSync(join(work, 'shared.qcow2')).equals(data)).toBe(true);

    // The consumer may not change what it was given.
    const [rename] = await openstack(cli(b), [['image', 'set', '--name', 'mine-now', id]]);
    expect(rename.rc).not.toBe(0);
    const [removed] = await openstack(cli(a), [['image', 'remove', 'project', id, b.projectId]]);
    expect(removed.rc).toBe(0);
    const [gone] = await openstack(cli(b), [['image', 'show', id, '-f', 'json']]);
    expect(gone.rc).not.toBe(0);
  });

  it('keeps project A private images away from project B', async () => {
    const [created] = await openstack(cli(a), [
      [
        'image',
        'create',
        '--file',
        join(work, 'disk.qcow2'),
        '--disk-format',
        'qcow2',
        '--private',
        'a-secret',
        '-f',
        'json',
      ],
    ]);
    const id = jsonOf<ShownImage>(created).id;
    const [show, save, set, del, list] = await openstack(cli(b), [
      ['image', 'show', id, '-f', 'json'],
      ['image', 'save', '--file', join(work, 'stolen'), id],
      ['image', 'set', '--name', 'mine', id],
      ['image', 'delete', id],
      ['image', 'list', '-f', 'json'],
    ]);
    for (const result of [show, save, set, del]) expect(result.rc).not.toBe(0);
    expect(jsonOf<{ ID: string }[]>(list).map((i) => i.ID)).not.toContain(id);
    expect((await api.show(a.token, id)).name).toBe('a-secret');
  });

  it('publishes to the community', async () => {
    const [created, community] = await openstack(cli(a), [
      [
        'image',
        'create',
        '--disk-format',
        'raw',
        '--container-format',
        'bare',
        '--private',
        'for-all',
        '-f',
        'json',
      ],
      ['image', 'set', '--community', 'for-all'],
    ]);
    const id = jsonOf<ShownImage>(created).id;
    expect(community.rc).toBe(0);
    const [defaultList, communityList, show] = await openstack(cli(b), [
      ['image', 'list', '-f', 'json'],
      ['image', 'list', '--community', '-f', 'json'],
      ['image', 'show', id, '-f', 'json'],
    ]);
    expect(jsonOf<{ ID: string }[]>(defaultList).map((i) => i.ID)).not.toContain(id);
    expect(jsonOf<{ ID: string }[]>(communityList).map((i) => i.ID)).toContain(id);
    expect(jsonOf<ShownImage>(show).visibility).toBe('community');
  });

  it('deactivates and reactivates, protects and refuses deletion, then deletes', async () => {
    const results = await openstack(cli(a), [
      [
        'image',
        'create',
        '--file',
        join(work, 'disk.qcow2'),
        '--disk-format',
        'qcow2',
        '--private',
        'lifecycle',
        '-f',
        'json',
      ],
      ['image', 'set', '--deactivate', 'lifecycle'],
      ['image', 'show', 'lifecycle', '-f', 'json'],
      ['image', 'save', '--file', join(work, 'deactivated'), 'lifecycle'],
      ['image', 'set', '--activate', 'lifecycle'],
      ['image', 'show', 'lifecycle', '-f', 'json'],
      ['image', 'set', '--protected', 'lifecycle'],
      ['image', 'delete', 'lifecycle'],
      ['image', 'show', 'lifecycle', '-f', 'json'],
      ['image', 'set', '--unprotected', 'lifecycle'],
      ['image', 'delete', 'lifecycle'],
      ['image', 'show', 'lifecycle', '-f', 'json'],
    ]);
    const [
      ,
      deactivate,
      deactivated,
      saveDeactivated,
      activate,
      active,
      protect,
      refused,
      stillThere,
      unprotect,
      del,
      gone,
    ] = results;
    expect(deactivate.rc).toBe(0);
    expect(jsonOf<ShownImage>(deactivated).status).toBe('deactivated');
    expect(saveDeactivated.rc).not.toBe(0);
    expect(activate.rc).toBe(0);
    expect(jsonOf<ShownImage>(active).status).toBe('active');
    expect(protect.rc).toBe(0);
    expect(refused.rc).not.toBe(0);
    expect(refused.stderr + refused.stdout).toMatch(/protected/i);
    expect(jsonOf<ShownImage>(stillThere).protected).toBe(true);
    expect(unprotect.rc).toBe(0);
    expect(del.rc).toBe(0);
    expect(gone.rc).not.toBe(0);
  });
});
