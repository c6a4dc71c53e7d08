import { expectEventually, ServiceProcess, TestCloud } from '@stratus/testing';
import { createConnection } from 'mysql2/promise';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Project, projectWithToken, SwiftApi } from './swift-api';

const MIB = 1024 * 1024;
const NODE = 'recovery-node';
const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

/** Every data file under the store, .incoming included. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
    statSync(join(dir, f)).isFile(),
  );
}

/** A PUT that has sent `sent` of `declared` bytes and stays open until dropped. */
function openPut(api: SwiftApi, token: string, path: string, declared: number, sent: number) {
  const url = new URL(api.url + path);
  const request = httpRequest({
    host: url.hostname,
    port: url.port,
    path: url.pathname,
    method: 'PUT',
    headers: { 'X-Auth-Token': token, 'Content-Length': declared },
  });
  request.on('error', () => undefined);
  request.write(Buffer.alloc(sent, 1));
  return { drop: () => request.destroy() };
}

/**
 * Durability: data is fsynced and renamed into place before its object row commits, so a killed
 * PUT or a dropped client leaves nothing behind, and a restart loses nothing acknowledged.
 */
describe('object storage across failures', () => {
  let cloud: TestCloud;
  let api: SwiftApi;
  let a: Project;
  let port: number;
  let store: string;
  let current: ServiceProcess;
  let restarted: ServiceProcess | undefined;
  const env = () => ({
    ...cloud.env.baseEnv('object-storage'),
    OBJECT_STORAGE_PORT: String(port),
    OBJECT_STORAGE_NODE_ID: NODE,
  });

  beforeAll(async () => {
    cloud = await TestCloud.start(['object-storage'], { 'object-storage': { OBJECT_STORAGE_NODE_ID: NODE } });
    current = cloud.service('object-storage');
    api = new SwiftApi(current.url);
    port = Number(new URL(current.url).port);
    store = join(cloud.env.dataDir, 'object-storage', 'objects');
    a = await projectWithToken(cloud, 'durable');
    await api.call('PUT', `${api.accountPath(a)}/c`, { token: a.token });
  }, 120_000);

  afterAll(async () => {
    await restarted?.stop();
    await cloud?.stop();
  });

  async function restart(): Promise<void> {
    await current.stop('SIGKILL');
    restarted = await ServiceProcess.start('object-storage', port, env());
    current = restarted;
  }

  it('leaves nothing of a PUT whose client went away', async () => {
    const path = `${api.accountPath(a)}/c/abandoned`;
    const before = files(store).length;
    const upload = openPut(api, a.token, path, 4 * MIB, MIB);
    await expectEventually(() => expect(files(join(store, '.incoming'))).toHaveLength(1));
    upload.drop();
    await expectEventually(() => expect(files(store)).toHaveLength(before));
    expect((await api.call('GET', path, { token: a.token })).status).toBe(404);
  });

  it('keeps the previous version, and nothing else, when the service dies mid-PUT', async () => {
    const path = `${api.accountPath(a)}/c/doc`;
    const v1 = randomBytes(100_000);
    expect((await api.call('PUT', path, { token: a.token, body: v1 })).status).toBe(201);
    const stored = files(store).length;
    const upload = openPut(api, a.token, path, 8 * MIB, 2 * MIB);
    await expectEventually(() => expect(files(join(store, '.incoming'))).toHaveLength(1));
    await restart();
    upload.drop();

    const read = await api.call('GET', path, { token: a.token });
    expect(read.status).toBe(200);
    expect(read.body.equals(v1)).toBe(true);
    expect(files(join(store, '.incoming'))).toEqual([]);
    expect(files(store)).toHaveLength(stored);
    const head = await api.call('HEAD', `${api.accountPath(a)}/c`, { token: a.token });
    expect(head.headers.get('x-container-object-count')).toBe('1');
  });

  it('loses nothing acknowledged when killed right after a burst of writes', async () => {
    const objects = Array.from({ length: 40 }, (_, i) => ({
      name: `burst/${i}`,
      data: randomBytes(1000 + i * 997),
    }));
    const results = await Promise.all(
      objects.map(({ name, data }) =>
        api.call('PUT', `${api.accountPath(a)}/c/${name}`, { token: a.token, body: data }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(objects.map(() => 201));
    await restart();

    for (const { name, data } of objects) {
      const read = await api.call('GET', `${api.accountPath(a)}/c/${name}`, { token: a.token });
      expect([name, read.status, read.headers.get('etag')]).toEqual([name, 200, md5(data)]);
      expect(read.body.equals(data)).toBe(true);
    }
    const listing = await api.call('GET', `${api.accountPath(a)}/c?prefix=burst/&format=json`, {
      token: a.token,
    });
    expect(listing.json<unknown[]>()).toHaveLength(40);
    const head = await api.call('HEAD', `${api.accountPath(a)}/c`, { token: a.token });
    expect(head.headers.get('x-container-object-count')).toBe('41');
  });

  it("removes data a crash left between its rename and its commit, its own or a gone replica's", async () => {
    // What a process killed after renaming data into place, before the object row committed, leaves.
    const orphan = (prefix: string) => {
      const key = `${prefix}/${prefix}/${randomBytes(16).toString('hex')}`;
      mkdirSync(join(store, prefix, prefix), { recursive: true });
      writeFileSync(join(store, key), 'orphan');
      return key;
    };
    const mine = orphan('ee');
    const gone = orphan('dd');
    const recent = orphan('cc');
    const connection = await createConnection({ uri: cloud.env.baseEnv('object-storage').DATABASE_URL });
    try {
      const insert = 'INSERT INTO swift_data_journal (data_key, node, created_at) VALUES (?, ?, ?)';
      await connection.query(insert, [mine, NODE, Date.now() * 1000]);
      // A replica that never came back, two days ago; and one still uploading, just now.
      await connection.query(insert, [gone, 'gone-replica', (Date.now() - 2 * 86400_000) * 1000]);
      await connection.query(insert, [recent, 'busy-replica', Date.now() * 1000]);
      await restart();
      const left = files(store);
      expect(left).not.toContain(mine);
      expect(left).not.toContain(gone);
      expect(left).toContain(recent);
      const [rows] = await connection.query('SELECT data_key FROM swift_data_journal');
      expect((rows as { data_key: string }[]).map((r) => r.data_key)).toEqual([recent]);
    } finally {
      await connection.end();
    }
    expect((await api.call('GET', `${api.accountPath(a)}/c/doc`, { token: a.token })).status).toBe(200);
  });
});
