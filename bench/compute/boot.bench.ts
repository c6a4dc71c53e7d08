import { jsonOf, openstack, TestCloud } from '@stratus/testing';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load, row } from '../common/load';

type Server = { id: string; status: string; fault?: { message: string } };

/**
 * POST /servers to ACTIVE with the fake driver: every service as a process (identity, image,
 * network, scheduler, one compute-agent simulating five hosts, compute-api) against MariaDB and
 * NATS, at concurrency 1 and 20. Afterwards every server must be ACTIVE or ERROR with a fault, and
 * no host may hold more than it has.
 */
async function main(): Promise<void> {
  const hosts = Number(process.env.BENCH_HOSTS ?? 5);
  const cloud = await TestCloud.start(
    ['image', 'network', 'scheduler', 'compute-agent', 'compute-api'],
    (urls) => ({
      'compute-agent': {
        COMPUTE_AGENT_HOST: 'bench',
        COMPUTE_AGENT_FAKE_HOSTS: String(hosts),
        COMPUTE_AGENT_HEARTBEAT_SECONDS: '2',
        COMPUTE_AGENT_FAKE_VCPUS: '64',
        // The fake driver holds a host to its vCPUs: the scheduler must not place more than that.
        COMPUTE_AGENT_CPU_ALLOCATION_RATIO: '1',
      },
      'compute-api': {
        COMPUTE_IMAGE_URL: urls.image,
        COMPUTE_NETWORK_URL: urls.network,
      },
    }),
  );
  const lines: string[] = [];
  try {
    const dir = mkdtempSync(join(tmpdir(), 'stratus-bench-'));
    writeFileSync(join(dir, 'disk.raw'), Buffer.alloc(1 << 20));
    const user = await cloud.createProjectUser('bench');
    const setup = await openstack(cloud.admin, [
      [
        'image',
        'create',
        '--public',
        '--disk-format',
        'raw',
        '--container-format',
        'bare',
        '--file',
        join(dir, 'disk.raw'),
        'bench-image',
        '-f',
        'json',
      ],
      ['network', 'create', '--share', 'bench-net', '-f', 'json'],
      ['subnet', 'create', '--network', 'bench-net', '--subnet-range', '10.99.0.0/16', 'bench-subnet'],
      ['flavor', 'create', '--id', 'bench', '--vcpus', '1', '--ram', '64', '--disk', '1', 'bench'],
      ['quota', 'set', '--instances', '1000', '--cores', '1000', '--ram', '1000000', user.projectId],
    ]);
    const imageId = jsonOf<{ id: string }>(setup[0]).id;
    const networkId = jsonOf<{ id: string }>(setup[1]).id;
    const api = cloud.service('compute-api').url;
    const token = await cloud.token(user);
    const headers = { 'X-Auth-Token': token, 'Content-Type': 'application/json' };
    const created: string[] = [];
    const outcomes = { active: 0, error: 0 };
    const faults = new Map<string, number>();
    const cpu: string[] = [];
    const checks: string[] = [];
    const breakdown: string[] = [];

    // One poller for every server in flight, as a dashboard would: a client polling each server
    // every few milliseconds would measure its own load on the API more than the boot.
    const waiting = new Map<string, { sentBefore: number; done: () => void }>();
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const sentAt = performance.now();
        const response = await fetch(`${api}/v2.1/servers?status=BUILD`, { headers });
        const building = new Set(((await response.json()) as { servers: Server[] }).servers.map((s) => s.id));
        for (const [id, entry] of waiting) {
          if (entry.sentBefore < sentAt && !building.has(id)) {
            waiting.delete(id);
            entry.done();
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const boot = async (name: string): Promise<void> => {
      const response = await fetch(`${api}/v2.1/servers`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          server: { name, imageRef: imageId, flavorRef: 'bench', networks: [{ uuid: networkId }] },
        }),
      });
      if (response.status !== 202)
        throw new Error(`create answered ${response.status}: ${await response.text()}`);
      const { server } = (await response.json()) as { server: Server };
      created.push(server.id);
      await new Promise<void>((done) => waiting.set(server.id, { sentBefore: performance.now(), done }));
    };

    const settle = async (): Promise<void> => {
      for (const id of created.splice(0)) {
        const { server } = (await (await fetch(`${api}/v2.1/servers/${id}`, { headers })).json()) as {
          server: Server;
        };
        if (server.status === 'ACTIVE') outcomes.active++;
        else if (server.status === 'ERROR' && server.fault) {
          outcomes.error++;
          const reason = server.fault.message.replace(/[0-9a-f-]{36}/g, '<uuid>');
          faults.set(reason, (faults.get(reason) ?? 0) + 1);
        } else throw new Error(`${id} ended ${server.status} without a fault`);
        await fetch(`${api}/v2.1/servers/${id}`, { method: 'DELETE', headers });
      }
    };

    await boot('warm-up');
    await settle();
    lines.push('| concurrency | servers | p50 ms | p99 ms | servers/s |', '|---|---|---|---|---|');
    for (const [concurrency, total] of [
      [1, 20],
      [20, 100],
    ]) {
      const before = cpuSeconds(cloud);
      const timingsBefore = await timings(cloud);
      const result = await load(concurrency, total, (i) => boot(`c${concurrency}-${i}`));
      lines.push(row([concurrency, total, result.p50, result.p99, result.perSecond]));
      const after = cpuSeconds(cloud);
      breakdown.push(`c${concurrency}:`, ...describeTimings(timingsBefore, await timings(cloud)));
      cpu.push(
        `c${concurrency}: ${[...after].map(([s, t]) => `${s} ${(t - before.get(s)!).toFixed(1)}s`).join(', ')}`,
      );
      const adminHeaders = { 'X-Auth-Token': await cloud.adminToken() };
      const { hypervisors } = (await (
        await fetch(`${api}/v2.1/os-hypervisors/detail`, { headers: adminHeaders })
      ).json()) as {
        hypervisors: {
          vcpus: number;
          vcpus_used: number;
          memory_mb: number;
          memory_mb_used: number;
          running_vms: number;
        }[];
      };
      const over = hypervisors.filter((h) => h.vcpus_used > h.vcpus || h.memory_mb_used > h.memory_mb);
      const claims = hypervisors.reduce((sum, h) => sum + h.running_vms, 0);
      checks.push(
        `after c${concurrency}: ${claims} claims on ${hosts} hosts, ${over.length} host(s) over capacity`,
      );
      await settle();
    }

    lines.push('', `${outcomes.active} ACTIVE, ${outcomes.error} ERROR, each with a fault.`, ...checks);
    for (const [message, count] of faults) lines.push(`- ${count} x ${message}`);
    lines.push('', 'CPU used per service:', ...cpu);
    lines.push('', "Mean time per call (count), from the services' histograms:", ...breakdown);
    polling = false;
    await poller;
  } finally {
    await cloud.stop();
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Histograms whose mean per call says where a boot's time goes. */
const TIMED: [service: string, metric: string][] = [
  ['compute-api', 'stratus_rpc_request_duration_seconds'],
  ['network', 'stratus_rpc_handled_duration_seconds'],
  ['scheduler', 'stratus_rpc_handled_duration_seconds'],
  ['compute-api', 'http_request_duration_seconds'],
];

type Timings = Map<string, { sum: number; count: number }>;

/** Sums and counts of the timed histograms, keyed by service, metric and labels. */
async function timings(cloud: TestCloud): Promise<Timings> {
  const result: Timings = new Map();
  for (const service of new Set(TIMED.map(([s]) => s))) {
    const text = await (await fetch(`${cloud.service(service).url}/metrics`)).text();
    for (const line of text.split('\n')) {
      const match = /^(\w+)_(sum|count)\{(.*)\} (\S+)$/.exec(line);
      if (!match || !TIMED.some(([s, m]) => s === service && m === match[1])) continue;
      // Labels other than the service, with the five simulated hosts' subjects taken as one.
      const labels = [...match[3].matchAll(/(\w+)="([^"]*)"/g)]
        .filter(([, name]) => name !== 'service')
        .map(([, , value]) => value.replace(/^compute\.[^.]+\./, 'compute.<host>.'))
        .join(' ');
      const key = `${service} ${match[1].replace(/^stratus_|_duration_seconds$/g, '')}: ${labels}`;
      const entry = result.get(key) ?? { sum: 0, count: 0 };
      entry[match[2] as 'sum' | 'count'] += Number(match[4]);
      result.set(key, entry);
    }
  }
  return result;
}

function describeTimings(before: Timings, after: Timings): string[] {
  const lines: string[] = [];
  for (const [key, { sum, count }] of after) {
    const calls = count - (before.get(key)?.count ?? 0);
    if (calls <= 0) continue;
    const ms = ((sum - (before.get(key)?.sum ?? 0)) / calls) * 1000;
    lines.push(`- ${key} ${ms.toFixed(1)} ms (${calls})`);
  }
  return lines.sort();
}

function cpuSeconds(cloud: TestCloud): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const service of ['identity', 'image', 'network', 'scheduler', 'compute-agent', 'compute-api']) {
    const fields = readFileSync(`/proc/${cloud.service(service).pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    ticks.set(service, (Number(fields[11]) + Number(fields[12])) / 100);
  }
  return ticks;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
