import { expectEventually, ServiceProcess, TestCloud } from '@stratus/testing';
import { readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { ImageApi, Project, projectWithToken } from './image-helpers';

const MIB = 1024 * 1024;

/** An upload that has sent `sent` bytes of `declared` and stays open until finished or dropped. */
function openUpload(api: ImageApi, token: string, id: string, declared: number, sent: number) {
  const url = new URL(`${api.url}/v2/images/${id}/file`);
  const request = httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'PUT',
    headers: {
      'X-Auth-Token': token,
      'Content-Type': 'application/octet-stream',
      'Content-Length': declared,
    },
  });
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
  response.catch(() => undefined);
  request.write(Buffer.alloc(sent, 1));
  return {
    response,
    finish: () => request.end(Buffer.alloc(declared - sent, 2)),
    drop: () => request.destroy(),
  };
}

describe('image data across failures', () => {
  let cloud: TestCloud;
  let api: ImageApi;
  let a: Project;
  let storeDir: string;
  let restarted: ServiceProcess | undefined;

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
    const upload = openUpload(api, a.token, id, 4 * MIB, MIB);
    await expectEventually(async () => expect((await api.show(a.token, id)).status).toBe('saving'));
    expect((await api.call('DELETE', `/v2/images/${id}`, { token: a.token })).status).toBe(204);
    upload.finish();
    const { status } = await upload.response;
    expect(status).toBe(410);
    expect(readdirSync(storeDir).filter((f) => f !== '.incoming')).not.toContain(id);
    expect(readdirSync(join(storeDir, '.incoming'))).toEqual([]);
  });

  it('puts an image the service died uploading back to queued, with no partial file', async () => {
    const image = await api.createImage(a.token);
    const id = image.id as string;
    const upload = openUpload(api, a.token, id, 8 * MIB, 2 * MIB);
    await expectEventually(async () => {
      expect((await api.show(a.token, id)).status).toBe('saving');
      expect(readdirSync(join(storeDir, '.incoming'))).toHaveLength(1);
    });
    const port = Number(new URL(cloud.service('image').url).port);
    await cloud.service('image').stop('SIGKILL');
    upload.drop();

    restarted = await ServiceProcess.start('image', port, {
      ...cloud.env.baseEnv('image'),
      IMAGE_PORT: String(port),
    });
    expect(await api.show(a.token, id)).toMatchObject({ status: 'queued', size: null, checksum: null });
    expect(readdirSync(join(storeDir, '.incoming'))).toEqual([]);
    expect((await api.upload(a.token, id, Buffer.from('second try'))).status).toBe(204);
    expect((await api.show(a.token, id)).status).toBe('active');
  });
});
