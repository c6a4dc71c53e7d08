import { expectEventually, freePorts, ServiceProcess, TestCloud } from '@stratus/testing';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ImageApi, openUpload, Project, projectWithToken } from './image-helpers';

const MIB = 1024 * 1024;
const STALE_SECONDS = 2;

/**
 * Replicas as Kubernetes runs them: several processes of the image service on one shared data
 * folder and one database, each named by IMAGE_NODE_ID.
 */
describe('image replicas sharing a data folder and a database', () => {
  let cloud: TestCloud;
  let first: ImageApi;
  let second: ImageApi;
  let replica: ServiceProcess | undefined;
  let a: Project;
  let storeDir: string;

  const replicaEnv = (node: string) => ({
    IMAGE_NODE_ID: node,
    IMAGE_UPLOAD_STALE_SECONDS: String(STALE_SECONDS),
  });

  beforeAll(async () => {
    cloud = await TestCloud.start(['image'], { image: replicaEnv('replica-a') });
    first = new ImageApi(cloud.service('image').url);
    a = await projectWithToken(cloud, 'replicas');
    storeDir = join(cloud.env.dataDir, 'image', 'images');
  }, 120_000);

  afterAll(async () => {
    await replica?.stop();
    await cloud?.stop();
  });

  it('keeps an upload on one replica going while another starts, and after its start', async () => {
    const id = (await first.createImage(a.token)).id as string;
    const chunks = Array.from({ length: 8 }, (_, i) => Buffer.alloc(MIB, i + 1));
    const upload = openUpload(first, a.token, id, 8 * MIB, chunks[0]);
    await expectEventually(async () => {
      expect((await first.show(a.token, id)).status).toBe('saving');
      expect(readdirSync(join(storeDir, '.incoming', 'replica-a'))).toHaveLength(1);
    });

    const [port] = await freePorts(1);
    replica = await ServiceProcess.start('image', port, {
      ...cloud.env.baseEnv('image'),
      IMAGE_PORT: String(port),
      ...replicaEnv('replica-b'),
    });
    second = new ImageApi(replica.url);
    expect((await second.show(a.token, id)).status).toBe('saving');

    // A slow client: the upload outlasts the stale time, which only a silent owner reaches.
    for (const chunk of chunks.slice(1, -1)) {
      await upload.send(chunk);
      await delay((STALE_SECONDS * 1000) / 2);
    }
    expect((await second.show(a.token, id)).status).toBe('saving');
    upload.finish(chunks[chunks.length - 1]);
    expect((await upload.response).status).toBe(204);

    const data = Buffer.concat(chunks);
    expect(await second.show(a.token, id)).toMatchObject({
      status: 'active',
      size: data.length,
      checksum: createHash('md5').update(data).digest('hex'),
    });
    const download = await fetch(`${second.url}/v2/images/${id}/file`, {
      headers: { 'X-Auth-Token': a.token },
    });
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);
  });

  it('lets a surviving replica take back the upload of one that died, once it is stale', async () => {
    const id = (await first.createImage(a.token)).id as string;
    const upload = openUpload(first, a.token, id, 8 * MIB, Buffer.alloc(2 * MIB, 1));
    await expectEventually(async () => {
      expect((await second.show(a.token, id)).status).toBe('saving');
      expect(readdirSync(join(storeDir, '.incoming', 'replica-a'))).toHaveLength(1);
    });
    await cloud.service('image').stop('SIGKILL');
    upload.drop();

    await expectEventually(
      async () => {
        expect(await second.show(a.token, id)).toMatchObject({ status: 'queued', size: null });
        expect(existsSync(join(storeDir, '.incoming', 'replica-a'))).toBe(false);
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(readdirSync(join(storeDir, '.incoming'))).toEqual(['replica-b']);
    expect((await second.upload(a.token, id, Buffer.from('second try'))).status).toBe(204);
    expect((await second.show(a.token, id)).status).toBe('active');
  });
});
