import { freePort, ServiceProcess, TestCloud } from '@stratus/testing';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { load, residentMemoryMb, row } from '../common/load';

interface Volume {
  id: string;
  status: string;
}

/**
 * Block storage benchmark: create an empty 1 GiB volume and wait until it is available, then
 * delete it and wait until it is gone, at concurrency 1 and 8, on MariaDB and on the embedded
 * SQLite database `npm start` uses. Volumes are sparse raw files, so a create writes no data.
 * Runs identity and the block-storage service as real processes.
 */
async function main(): Promise<void> {
  const cloud = await TestCloud.start(['block-storage']);
  const sqlitePort = await freePort();
  const { DATABASE_URL: _mysql, ...sqliteEnv } = cloud.env.baseEnv('block-storage');
  const embedded = await ServiceProcess.start('block-storage', sqlitePort, {
    ...sqliteEnv,
    DATA_DIR: join(cloud.env.dataDir, 'block-storage-sqlite'),
    BLOCK_STORAGE_PORT: String(sqlitePort),
  });
  const lines: string[] = [];
  try {
    const member = await cloud.createProjectUser('bench', 'member');
    const token = await cloud.token(member);
    const adminToken = await cloud.adminToken();
    const call = async (url: string, auth: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}/v3/${member.projectId}/${path}`, {
        method,
        headers: { 'X-Auth-Token': auth, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? (JSON.parse(text) as Record<string, Volume>) : {} };
    };
    const until = async (check: () => Promise<boolean>) => {
      while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 5));
    };

    lines.push(
      row(['database', 'operation', 'concurrency', 'volumes', 'per second', 'p50 ms', 'p99 ms']),
      row(['---', '---', '---', '---', '---', '---', '---']),
    );
    for (const [label, service] of [
      ['MariaDB', cloud.service('block-storage')],
      ['SQLite', embedded],
    ] as const) {
      // The project-less URL (3.67): an admin's token names its own project, not the member's.
      const quota = await fetch(`${service.url}/v3/os-quota-sets/${member.projectId}`, {
        method: 'PUT',
        headers: {
          'X-Auth-Token': adminToken,
          'Content-Type': 'application/json',
          'OpenStack-API-Version': 'volume 3.67',
        },
        body: JSON.stringify({ quota_set: { volumes: -1, gigabytes: -1 } }),
      });
      if (quota.status !== 200) throw new Error(`quota update: ${quota.status}`);
      const ids: string[] = [];
      const create = async () => {
        const created = await call(service.url, token, 'POST', 'volumes', { volume: { size: 1 } });
        if (created.status !== 202)
          throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
        const id = created.body.volume.id;
        await until(async () => {
          const shown = await call(service.url, token, 'GET', `volumes/${id}`);
          if (shown.body.volume?.status === 'error') throw new Error(`volume ${id} went to error`);
          return shown.body.volume?.status === 'available';
        });
        ids.push(id);
      };
      const remove = async () => {
        const id = ids.pop()!;
        const deleted = await call(service.url, token, 'DELETE', `volumes/${id}`);
        if (deleted.status !== 202) throw new Error(`delete: ${deleted.status}`);
        await until(async () => (await call(service.url, token, 'GET', `volumes/${id}`)).status === 404);
      };
      await load(4, 40, create);
      await load(4, 40, remove);
      for (const [concurrency, total] of [
        [1, 200],
        [8, 800],
      ]) {
        const created = await load(concurrency, total, create);
        lines.push(
          row([
            label,
            'create 1 GiB to available',
            concurrency,
            total,
            created.perSecond,
            created.p50,
            created.p99,
          ]),
        );
        const deleted = await load(concurrency, total, remove);
        lines.push(
          row([label, 'delete to gone', concurrency, total, deleted.perSecond, deleted.p50, deleted.p99]),
        );
      }
      const left = readdirSync(
        join(
          service === embedded
            ? join(cloud.env.dataDir, 'block-storage-sqlite')
            : join(cloud.env.dataDir, 'block-storage'),
          'volumes',
        ),
      );
      if (left.some((f) => f.startsWith('volume-'))) throw new Error(`${label}: volume files left behind`);
    }
    lines.push('');
    lines.push(
      `Service resident memory after the runs: ${residentMemoryMb(cloud.service('block-storage').pid!).toFixed(0)} MB (MariaDB), ${residentMemoryMb(embedded.pid!).toFixed(0)} MB (SQLite).`,
    );
  } finally {
    await embedded.stop();
    await cloud.stop();
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
