import { expectEventually, ServiceProcess, TestCloud } from '@stratus/testing';
import { readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ImageApi, openUpload, Project, projectWithToken } from './image-helpers';

const MIB = 1024 * 1024;

describe('image data across failures', () => {
  let cloud: TestCloud;
  let api: ImageApi;
  let a: Project;
  let storeDir: string;
  let restarted: ServiceProcess | undefined;
  /** This process's temporary files: IMAGE_NODE_ID defaults to the host name. */
  const incoming = () => join(storeDir, '.incoming', hostname());

  beforeAll(async () => {
    cloud = await TestCloud.start(['image']);
    api = new ImageApi(cloud.service('image').url);
    a = await projectWithToken(cloud, 'recovery');
    storeDir = join(cloud.env.dataDir, 'image', 'images');
  }, 120_000);

  afterAll(async () => {
    await restarted?.stop();
    await cloud?.stop();
  });

  it('answers 410 to an upload whose image was deleted meanwhile, keeping no data', async () => {
    const image = await api.createImage(a.token);
    const id = image.id as string;
    const upload = openUpload(api, a.token, id, 4 * MIB, Buffer.alloc(MIB, 1));
    await expectEventually(async () => expect((await api.show(a.token, id)).status).toBe('saving'));
    expect((await api.call('DELETE', `/v2/images/${id}`, { token: a.token })).status).toBe(204);
    upload.finish(Buffer.alloc(3 * MIB, 2));
    const { status } = await upload.response;
    expect(status).toBe(410);
    expect(readdirSync(storeDir).filter((f) => f !== '.incoming')).not.toContain(id);
    expect(readdirSync(incoming())).toEqual([]);
  });

  it('puts an image the service died uploading back to queued, with no partial file', async () => {
    const image = await api.createImage(a.token);
    const id = image.id as string;
    const upload = openUpload(api, a.token, id, 8 * MIB, Buffer.alloc(2 * MIB, 1));
    await expectEventually(async () => {
      expect((await api.show(a.token, id)).status).toBe('saving');
      expect(readdirSync(incoming())).toHaveLength(1);
    });
    const port = Number(new URL(cloud.service('image').url).port);
    await cloud.service('image').stop('SIGKILL');
    upload.drop();

    restarted = await ServiceProcess.start('image', port, {
      ...cloud.env.baseEnv('image'),
      IMAGE_PORT: String(port),
    });
    expect(await api.show(a.token, id)).toMatchObject({ status: 'queued', size: null, checksum: null });
    expect(readdirSync(incoming())).toEqual([]);
    expect((await api.upload(a.token, id, Buffer.from('second try'))).status).toBe(204);
    expect((await api.show(a.token, id)).status).toBe('active');
  });
});
