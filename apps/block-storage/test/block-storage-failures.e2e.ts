import { expectEventually, ServiceProcess, TestCloud } from '@stratus/testing';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CinderApi, Json, Project } from './block-storage-helpers';

jest.setTimeout(90_000);

/**
 * A failed operation never loses a volume's data: a failed extend or create leaves the volume in
 * an error status with its data (or nothing) as before, a user message says why, and a process
 * killed mid-create leaves no partial file and an `error` volume after it restarts. qemu-img is
 * wrapped so a test can make it fail or hang on demand.
 */
describe('block storage when operations fail', () => {
  const controls = mkdtempSync(join(tmpdir(), 'stratus-qemu-'));
  const wrapper = join(controls, 'qemu-img');
  let cloud: TestCloud;
  let member: Project;
  let token: string;
  let api: CinderApi;
  let volumesDir: string;
  let restarted: ServiceProcess | undefined;
  const settings = (urls: Record<string, string>) => ({
    'block-storage': {
      BLOCK_STORAGE_IMAGE_URL: urls.image,
      BLOCK_STORAGE_VOLUME_FORMAT: 'qcow2',
      BLOCK_STORAGE_QEMU_IMG: wrapper,
    },
  });

  const uploadImage = async (name: string, diskFormat: string, data: Buffer): Promise<string> => {
    const imageUrl = cloud.service('image').url;
    const created = await fetch(`${imageUrl}/v2/images`, {
      method: 'POST',
      headers: { 'X-Auth-Token': token, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name, disk_format: diskFormat, container_format: 'bare' }),
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

  const messageFor = async (id: string): Promise<Json> => {
    const response = await api.call('GET', `messages?resource_uuid=${id}`, { version: '3.5' });
    return (response.body.messages as Json[])[0];
  };

  const incoming = () => readdirSync(join(volumesDir, '.incoming', hostname()));

  beforeAll(async () => {
    writeFileSync(
      wrapper,
      `#!/bin/sh
if [ "$1" = resize ] && [ -e ${controls}/fail-resize ]; then echo "resize refused by the test" >&2; exit 1; fi
if [ "$1" = convert ] && [ -e ${controls}/hang-convert ]; then
  touch ${controls}/converting
  while [ -e ${controls}/hang-convert ]; do sleep 0.1; done
  exit 1
fi
exec qemu-img "$@"
`,
    );
    chmodSync(wrapper, 0o755);
    cloud = await TestCloud.start(['image', 'block-storage'], settings);
    member = await cloud.createProjectUser('failures', 'member');
    token = await cloud.token(member);
    api = await CinderApi.of(cloud, member);
    volumesDir = join(cloud.env.dataDir, 'block-storage', 'volumes');
  });

  afterAll(async () => {
    await restarted?.stop();
    await cloud?.stop();
    rmSync(controls, { recursive: true, force: true });
  });

  it('keeps size and data when an extend fails, and extends once the backend works again', async () => {
    const response = await api.call('POST', 'volumes', { json: { volume: { size: 1, name: 'precious' } } });
    const id = String((response.body.volume as Json).id);
    await api.waitFor(id, 'available');
    const file = join(volumesDir, `volume-${id}`);
    execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0xcd 0 64k', file]);
    writeFileSync(join(controls, 'fail-resize'), '');
    expect(
      (await api.call('POST', `volumes/${id}/action`, { json: { 'os-extend': { new_size: 2 } } })).status,
    ).toBe(202);
    expect(await api.waitFor(id, 'error_extending')).toMatchObject({ size: 1 });
    expect(await messageFor(id)).toMatchObject({
      event_id: 'VOLUME_VOLUME_007_009',
      user_message: 'extend volume: Driver failed to perform the operation.',
    });
    const info = JSON.parse(
      execFileSync('qemu-img', ['info', '--output=json', file], { encoding: 'utf8' }),
    ) as Json;
    expect(info['virtual-size']).toBe(1024 ** 3);
    const read = execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'read -P 0xcd 0 64k', file], {
      encoding: 'utf8',
    });
    expect(read).not.toMatch(/Pattern verification failed/);

    rmSync(join(controls, 'fail-resize'));
    const { projects } = (await cloud.identityApi('GET', '/projects?name=admin')) as {
      projects: { id: string }[];
    };
    const admin = new CinderApi(api.url, await cloud.adminToken(), projects[0].id);
    const reset = await admin.call('POST', `volumes/${id}/action`, {
      json: { 'os-reset_status': { status: 'available' } },
    });
    expect(reset.status).toBe(202);
    await api.call('POST', `volumes/${id}/action`, { json: { 'os-extend': { new_size: 2 } } });
    expect(await api.waitFor(id, 'available')).toMatchObject({ size: 2 });
    expect(
      execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'read -P 0xcd 0 64k', file], { encoding: 'utf8' }),
    ).not.toMatch(/Pattern verification failed/);
  });

  it('leaves nothing behind when an image fails its checks', async () => {
    const corrupt = await uploadImage('corrupt', 'raw', Buffer.alloc(1024 * 1024, 1));
    writeFileSync(join(cloud.env.dataDir, 'image', 'images', corrupt), Buffer.alloc(1024 * 1024, 2));
    const raw = join(cloud.env.dataDir, 'disguised.raw');
    writeFileSync(raw, Buffer.alloc(1024 * 1024, 3));
    execFileSync('qemu-img', ['convert', '-f', 'raw', '-O', 'qcow2', raw, `${raw}.qcow2`]);
    const disguised = await uploadImage('disguised', 'raw', readFileSync(`${raw}.qcow2`));

    for (const imageId of [corrupt, disguised]) {
      const response = await api.call('POST', 'volumes', {
        json: { volume: { size: 1, imageRef: imageId } },
      });
      expect(response.status).toBe(202);
      const id = String((response.body.volume as Json).id);
      await api.waitFor(id, 'error');
      expect(await messageFor(id)).toMatchObject({
        event_id: 'VOLUME_VOLUME_005_004',
        user_message: 'copy image to volume: The image is not acceptable for this volume.',
      });
      expect(existsSync(join(volumesDir, `volume-${id}`))).toBe(false);
      expect((await api.call('DELETE', `volumes/${id}`)).status).toBe(202);
      await api.waitFor(id, 'gone');
    }
    expect(incoming()).toEqual([]);
  });

  it('turns a create cut short by a crash into an error volume and no partial data', async () => {
    const imageId = await uploadImage('slow', 'raw', Buffer.alloc(1024 * 1024, 4));
    writeFileSync(join(controls, 'hang-convert'), '');
    const response = await api.call('POST', 'volumes', { json: { volume: { size: 1, imageRef: imageId } } });
    const id = String((response.body.volume as Json).id);
    await expectEventually(() => expect(existsSync(join(controls, 'converting'))).toBe(true), {
      timeoutMs: 20_000,
    });
    expect((await api.volume(id)).status).toBe('downloading');

    const original = cloud.service('block-storage');
    await original.stop('SIGKILL');
    rmSync(join(controls, 'hang-convert'));
    const port = Number(new URL(original.url).port);
    restarted = await ServiceProcess.start('block-storage', port, {
      ...cloud.env.baseEnv('block-storage'),
      ...settings({ image: cloud.service('image').url })['block-storage'],
      BLOCK_STORAGE_PORT: String(port),
    });
    expect(await api.waitFor(id, 'error')).toMatchObject({ size: 1 });
    expect(existsSync(join(volumesDir, `volume-${id}`))).toBe(false);
    expect(incoming()).toEqual([]);
    const again = await api.call('POST', 'volumes', { json: { volume: { size: 1, imageRef: imageId } } });
    const second = String((again.body.volume as Json).id);
    await api.waitFor(second, 'available');
    expect(statSync(join(volumesDir, `volume-${second}`)).size).toBeGreaterThan(0);
  });
});
