import { loadConfig } from '@stratus/platform';
import { RunningService, swift, TestCloud } from '@stratus/testing';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { objectStorageConfigSchema } from '../src/config/object-storage-config';
import { createObjectStorageApp } from '../src/object-storage-app';
import { cli, Project, projectWithToken, SwiftApi } from './swift-api';

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

/**
 * The embedded default `npm start` uses: object storage on SQLite (in-process) with identity's
 * tokens. Concurrent writes, listings, large objects, copies and versions on that dialect.
 */
describe('object storage on SQLite', () => {
  let cloud: TestCloud;
  let service: RunningService;
  let api: SwiftApi;
  let a: Project;
  let work: string;

  beforeAll(async () => {
    cloud = await TestCloud.start([]);
    const { DATABASE_URL: _mysql, ...env } = cloud.env.baseEnv('object-storage');
    const config = loadConfig(objectStorageConfigSchema, env);
    service = await RunningService.listen(await createObjectStorageApp(config, { processMetrics: false }));
    api = new SwiftApi(service.url);
    a = await projectWithToken(cloud, 'lite');
    work = mkdtempSync(join(tmpdir(), 'object-lite-'));
  }, 120_000);

  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await service?.close();
    await cloud?.stop();
  });

  it('takes concurrent writes into one container and lists them with a delimiter', async () => {
    const root = api.accountPath(a);
    expect((await api.call('PUT', `${root}/lite`, { token: a.token })).status).toBe(201);
    const objects = Array.from({ length: 30 }, (_, i) => ({
      name: `${i % 3 === 0 ? 'dir/' : ''}o${String(i).padStart(2, '0')}`,
      data: randomBytes(500 + i),
    }));
    const puts = await Promise.all(
      objects.map((o) => api.call('PUT', `${root}/lite/${o.name}`, { token: a.token, body: o.data })),
    );
    expect(new Set(puts.map((p) => p.status))).toEqual(new Set([201]));
    // Overwrites race too: the last one wins and the counters stay right.
    await Promise.all(
      [1, 2, 3].map((v) =>
        api.call('PUT', `${root}/lite/o01`, { token: a.token, body: Buffer.from(`v${v}`) }),
      ),
    );
    const listing = await api.call('GET', `${root}/lite?delimiter=/&format=json`, { token: a.token });
    const entries = listing.json<{ name?: string; subdir?: string }[]>();
    expect(entries[0]).toEqual({ subdir: 'dir/' });
    expect(entries).toHaveLength(21);
    const head = await api.call('HEAD', `${root}/lite`, { token: a.token });
    expect(head.headers.get('x-container-object-count')).toBe('30');
    const read = await api.call('GET', `${root}/lite/dir/o03`, { token: a.token });
    expect(read.headers.get('etag')).toBe(md5(objects[3].data));
    // The objects' foreign key keeps a container with objects from going away, on SQLite too.
    expect((await api.call('DELETE', `${root}/lite`, { token: a.token })).status).toBe(409);
    await api.call('PUT', `${root}/empty`, { token: a.token });
    expect((await api.call('DELETE', `${root}/empty`, { token: a.token })).status).toBe(204);
  });

  it('uploads, downloads and copies a static large object with the swift CLI', async () => {
    const data = randomBytes(2 * 1024 * 1024 + 7);
    writeFileSync(join(work, 'big.bin'), data);
    // This cloud's catalog has no object store: the CLI is pointed at the service with a token.
    const direct = ['--os-auth-token', a.token, '--os-storage-url', `${api.url}${api.accountPath(a)}`];
    const results = await swift(cli(a), [
      [
        ...direct,
        'upload',
        '--use-slo',
        '--segment-size',
        '1048576',
        '--object-name',
        'big',
        'lite',
        join(work, 'big.bin'),
      ],
      [...direct, 'copy', '--destination', '/lite/big-copy', 'lite', 'big'],
      [...direct, 'download', 'lite', 'big-copy', '-o', join(work, 'copy.bin')],
    ]);
    for (const result of results) {
      expect([result.argv[direct.length], result.rc, result.stderr]).toEqual([
        result.argv[direct.length],
        0,
        '',
      ]);
    }
    expect(readFileSync(join(work, 'copy.bin')).equals(data)).toBe(true);
    const copy = await api.call('HEAD', `${api.accountPath(a)}/lite/big-copy`, { token: a.token });
    expect(copy.headers.get('etag')).toBe(md5(data));
    expect(copy.headers.get('x-static-large-object')).toBeNull();
  });
});
