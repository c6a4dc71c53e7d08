import { freePort, ServiceProcess, TestCloud } from '@stratus/testing';
import { load, residentMemoryMb, row } from '../common/load';

interface Port {
  id: string;
  fixed_ips: { ip_address: string }[];
}

/**
 * Network benchmark: port creation (IPAM, MAC, default security group, event) at concurrency 1
 * and 16 against MariaDB, on one replica and on two sharing the database, checking that no
 * address is given out twice. Runs identity and the network service as real processes.
 */
async function main(): Promise<void> {
  const cloud = await TestCloud.start(['network']);
  const replicaPort = await freePort();
  const replica = await ServiceProcess.start('network', replicaPort, {
    ...cloud.env.baseEnv('network'),
    NETWORK_PORT: String(replicaPort),
  });
  const primary = cloud.service('network');
  const lines: string[] = [];
  try {
    const member = await cloud.createProjectUser('bench', 'member');
    const token = await cloud.token(member);
    const admin = await cloud.adminToken();
    const call = async (url: string, auth: string, method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}/v2.0/${path}`, {
        method,
        headers: { 'X-Auth-Token': auth, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text ? (JSON.parse(text) as Record<string, Record<string, unknown>>) : {};
    };
    await call(primary.url, admin, 'PUT', `quotas/${member.projectId}`, { quota: { port: -1 } });
    const subnetOf = async (cidr: string) => {
      const network = await call(primary.url, token, 'POST', 'networks', {
        network: { name: `bench-${cidr}` },
      });
      const networkId = String(network.network.id);
      await call(primary.url, token, 'POST', 'subnets', {
        subnet: { network_id: networkId, ip_version: 4, cidr },
      });
      return networkId;
    };
    const created: Port[] = [];
    const creator = (networkId: string, urls: string[]) => async (i: number) => {
      const answer = await call(urls[i % urls.length], token, 'POST', 'ports', {
        port: { network_id: networkId },
      });
      created.push(answer.port as unknown as Port);
    };

    const wide = await subnetOf('10.0.0.0/16');
    await load(4, 100, creator(wide, [primary.url]));
    const idleRss = residentMemoryMb(primary.pid!);

    lines.push(
      row(['port create', 'concurrency', 'ports', 'per second', 'p50 ms', 'p99 ms']),
      row(['---', '---', '---', '---', '---', '---']),
    );
    const runs: [string, number, number, string, string[]][] = [
      ['one replica, /16', 1, 500, wide, [primary.url]],
      ['one replica, /16', 16, 3000, wide, [primary.url]],
      ['two replicas, /16', 16, 3000, wide, [primary.url, replica.url]],
    ];
    for (const [label, concurrency, total, networkId, urls] of runs) {
      const r = await load(concurrency, total, creator(networkId, urls));
      lines.push(row([label, concurrency, total, r.perSecond, r.p50, r.p99]));
    }
    const dense = await subnetOf('10.1.0.0/24');
    const before = created.length;
    const fill = await load(16, 253, creator(dense, [primary.url, replica.url]));
    lines.push(row(['two replicas, filling a /24', 16, 253, fill.perSecond, fill.p50, fill.p99]));

    const onDense = created.slice(before).map((p) => p.fixed_ips[0].ip_address);
    const all = created.map((p) => p.fixed_ips[0].ip_address);
    const collisions = await fetch(`${primary.url}/metrics`).then((r) => r.text());
    lines.push('');
    lines.push(
      `Addresses: ${all.length} ports, ${new Set(all).size} distinct; the full /24 got ${new Set(onDense).size} distinct of 253.`,
    );
    lines.push(
      `Collisions settled by the unique index (replica A): ${
        collisions
          .split('\n')
          .filter((l) => l.startsWith('stratus_ipam_collisions_total'))
          .map((l) => l.replace(/^stratus_ipam_collisions_total/, '').trim())
          .join(', ') || 'none'
      }.`,
    );
    lines.push(
      `Network service resident memory: ${idleRss.toFixed(0)} MB after warm-up, ${residentMemoryMb(primary.pid!).toFixed(0)} MB after ${all.length} ports.`,
    );
    if (new Set(all).size !== all.length) throw new Error('an address was given out twice');
  } finally {
    await replica.stop();
    await cloud.stop();
  }
  process.stdout.write(lines.join('\n') + '\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
