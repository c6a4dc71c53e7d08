import { freePort, ServiceProcess, TestCloud } from '@stratus/testing';
import { CinderApi, Json } from './block-storage-helpers';

jest.setTimeout(60_000);

/** `npm start` runs the service on its embedded SQLite database: the same rules must hold there. */
describe('block storage on SQLite', () => {
  let cloud: TestCloud;
  let embedded: ServiceProcess;
  let api: CinderApi;
  let admin: CinderApi;

  beforeAll(async () => {
    cloud = await TestCloud.start([]);
    const port = await freePort();
    const { DATABASE_URL: _mysql, ...env } = cloud.env.baseEnv('block-storage');
    embedded = await ServiceProcess.start('block-storage', port, {
      ...env,
      BLOCK_STORAGE_PORT: String(port),
    });
    const member = await cloud.createProjectUser('sqlite', 'member');
    api = new CinderApi(embedded.url, await cloud.token(member), member.projectId);
    const { projects } = (await cloud.identityApi('GET', '/projects?name=admin')) as {
      projects: { id: string }[];
    };
    admin = new CinderApi(embedded.url, await cloud.adminToken(), projects[0].id);
    await admin.call('PUT', `os-quota-sets/${member.projectId}`, { json: { quota_set: { volumes: 5 } } });
  });

  afterAll(async () => {
    await embedded?.stop();
    await cloud?.stop();
  });

  it('gives concurrent creates exactly the quota, then deletes them all at once', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api.call('POST', 'volumes', {
          json: { volume: { size: 1, name: `v${i}`, metadata: { n: String(i) } } },
        }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([202, 202, 202, 202, 202, 413, 413, 413]);
    const ids = responses.filter((r) => r.status === 202).map((r) => String((r.body.volume as Json).id));
    for (const id of ids) await api.waitFor(id, 'available');

    await api.call('POST', `volumes/${ids[0]}/action`, { json: { 'os-set_bootable': { bootable: true } } });
    const bootable = await api.call('GET', 'volumes/detail?bootable=true');
    expect((bootable.body.volumes as Json[]).map((v) => v.id)).toEqual([ids[0]]);
    const page = await api.call('GET', 'volumes?limit=2&sort=name:asc');
    expect((page.body.volumes as Json[]).length).toBe(2);
    const next = new URL(String((page.body.volumes_links as Json[])[0].href));
    expect(((await api.call('GET', `volumes${next.search}`)).body.volumes as Json[]).length).toBe(2);

    const attachment = await api.call('POST', 'attachments', {
      json: {
        attachment: {
          volume_uuid: ids[1],
          instance_uuid: 'd4c3b2a1-0000-4000-8000-000000000001',
          connector: { host: 'h' },
        },
      },
      version: '3.44',
    });
    const attachmentId = String((attachment.body.attachment as Json).id);
    await api.call('POST', `attachments/${attachmentId}/action`, {
      json: { 'os-complete': null },
      version: '3.44',
    });
    expect((await api.volume(ids[1])).status).toBe('in-use');
    expect((await api.call('DELETE', `volumes/${ids[1]}`)).status).toBe(400);
    await api.call('DELETE', `attachments/${attachmentId}`, { version: '3.27' });

    const deletes = await Promise.all(ids.map((id) => api.call('DELETE', `volumes/${id}`)));
    expect(deletes.map((d) => d.status)).toEqual(ids.map(() => 202));
    for (const id of ids) await api.waitFor(id, 'gone');
    const usage = await api.call('GET', `os-quota-sets/${api.projectId}?usage=true`);
    expect(usage.body.quota_set).toMatchObject({
      volumes: { limit: 5, in_use: 0 },
      gigabytes: { in_use: 0 },
    });
  });
});
