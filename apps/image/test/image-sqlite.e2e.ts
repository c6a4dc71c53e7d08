import { loadConfig } from '@stratus/platform';
import { projectWithToken } from './image-helpers';
import { expectEventually, RunningService, TestCloud } from '@stratus/testing';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { imageConfigSchema } from '../src/config/image-config';
import { createImageApp } from '../src/image-app';
import { ImageEntity } from '../src/persistence/image.entities';
import { ImageApi, Project } from './image-helpers';

/**
 * The embedded default `npm start` uses: the image service on SQLite (in-process), with
 * identity's tokens. Listing, paging, time filters, patches, sharing and data, on that dialect.
 */
describe('image service on SQLite', () => {
  let cloud: TestCloud;
  let image: RunningService;
  let api: ImageApi;
  let a: Project;
  let b: Project;

  beforeAll(async () => {
    cloud = await TestCloud.start([]);
    const { DATABASE_URL: _mysql, ...env } = cloud.env.baseEnv('image');
    const config = loadConfig(imageConfigSchema, { ...env, IMAGE_UPLOAD_STALE_SECONDS: '5' });
    image = await RunningService.listen(await createImageApp(config, { processMetrics: false }));
    api = new ImageApi(image.url);
    [a, b] = await Promise.all([projectWithToken(cloud, 'lite-a'), projectWithToken(cloud, 'lite-b')]);
  }, 120_000);

  afterAll(async () => {
    await image?.close();
    await cloud?.stop();
  });

  it('creates, uploads, pages, filters, patches and shares', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await api.createImage(a.token, { name: `lite-${i}` })).id as string);
    const data = randomBytes(300_000);
    expect((await api.upload(a.token, ids[0], data)).status).toBe(204);
    expect((await api.show(a.token, ids[0])).checksum).toBe(createHash('md5').update(data).digest('hex'));
    const download = await fetch(`${api.url}/v2/images/${ids[0]}/file`, {
      headers: { 'X-Auth-Token': a.token },
    });
    expect(Buffer.from(await download.arrayBuffer()).equals(data)).toBe(true);

    const names: string[] = [];
    let next: string | undefined = '/v2/images?limit=2&sort=name:asc';
    while (next) {
      const page: { images: { name: string }[]; next?: string } = (
        await api.call('GET', next, { token: a.token })
      ).json();
      names.push(...page.images.map((i) => i.name));
      next = page.next;
    }
    expect(names).toEqual(['lite-0', 'lite-1', 'lite-2', 'lite-3', 'lite-4']);
    const byDate = await api.call('GET', '/v2/images?created_at=gte:2000-01-01T00:00:00Z&status=active', {
      token: a.token,
    });
    expect(byDate.json<{ images: unknown[] }>().images).toHaveLength(1);
    const protectedOnes = await api.call('GET', '/v2/images?protected=false', { token: a.token });
    expect(protectedOnes.json<{ images: unknown[] }>().images).toHaveLength(5);

    const patched = await api.patch(a.token, ids[1], [
      { op: 'add', path: '/os_distro', value: 'debian' },
      { op: 'replace', path: '/protected', value: true },
    ]);
    expect(patched.json()).toMatchObject({ os_distro: 'debian', protected: true });
    expect(
      (await api.call('GET', '/v2/images?os_distro=debian', { token: a.token })).json<{ images: unknown[] }>()
        .images,
    ).toHaveLength(1);

    await api.call('POST', `/v2/images/${ids[2]}/members`, { token: a.token, json: { member: b.projectId } });
    await api.call('PUT', `/v2/images/${ids[2]}/members/${b.projectId}`, {
      token: b.token,
      json: { status: 'accepted' },
    });
    const seen = (await api.call('GET', '/v2/images', { token: b.token })).json<{
      images: { id: string }[];
    }>();
    expect(seen.images.map((i) => i.id)).toEqual([ids[2]]);
  });

  it('takes back an upload whose process went silent, and not one whose process is alive', async () => {
    const [silent, alive] = [
      (await api.createImage(a.token)).id as string,
      (await api.createImage(a.token)).id as string,
    ];
    // Other replicas' uploads, as they record them: only the database says who is at it.
    const images = image.app.get(DataSource).getRepository(ImageEntity);
    const now = Math.floor(Date.now() / 1000) * 1000;
    await images.update(silent, {
      status: 'saving',
      uploadOwner: 'gone',
      uploadHeartbeatAt: new Date(now - 60_000),
    });
    await images.update(alive, { status: 'saving', uploadOwner: 'alive', uploadHeartbeatAt: new Date(now) });

    await expectEventually(async () => expect((await api.show(a.token, silent)).status).toBe('queued'));
    expect((await api.show(a.token, alive)).status).toBe('saving');
    expect((await api.upload(a.token, silent, Buffer.from('again'))).status).toBe(204);
  });
});
