import type { NetworkInterfaceSpec } from '@stratus/contracts';
import { expectEventually } from '@stratus/testing';
import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { namespaceName, vethNames } from '../src/dhcp/dhcp-config';
import { DnsmasqDhcpServer } from '../src/dhcp/dnsmasq-dhcp-server';

const DNSMASQ = '/usr/sbin/dnsmasq';

const ip = (...args: string[]) => execFileSync('ip', args, { encoding: 'utf8' });
const namespaces = () => ip('netns', 'list');

function running(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * The dnsmasq DHCP server on real namespaces, without guests: the bridge lives in a namespace this
 * test makes (as libvirtd's would be), so nothing touches the host's own network.
 */
describe('dnsmasq DHCP server', () => {
  const id = randomBytes(4).toString('hex');
  const bridgeNetns = `stratus-dhcp-test-${id}`;
  const bridge = `brq${id}`;
  const dir = `/run/stratus/dhcp-test-${id}`;
  const networkId = randomUUID();
  const folder = join(dir, networkId);
  const server = () => new DnsmasqDhcpServer({ dir, bridgeNetns, leaseSeconds: 3600, binary: DNSMASQ });

  function nic(port: number, address: string): NetworkInterfaceSpec {
    return {
      portId: randomUUID(),
      networkId,
      macAddress: `fa:16:3e:00:00:0${port}`,
      bridge,
      mtu: 1400,
      fixedIps: [
        {
          ipAddress: address,
          cidr: '10.44.0.0/24',
          gatewayIp: '10.44.0.1',
          ipVersion: 4,
          dnsNameservers: ['192.0.2.53'],
          enableDhcp: true,
          dhcpServerIp: '10.44.0.2',
        },
      ],
    };
  }
  const pid = () => Number(readFileSync(join(folder, 'pid'), 'utf8'));
  const hosts = () => readFileSync(join(folder, 'host'), 'utf8');
  /** How often dnsmasq has read its hosts file, by its own log. */
  const hostReads = () =>
    readFileSync(join(folder, 'log'), 'utf8').split(`read ${join(folder, 'host')}`).length - 1;

  beforeAll(() => {
    if (process.getuid?.() !== 0) throw new Error('network namespaces need root');
    if (!existsSync(DNSMASQ)) throw new Error('dnsmasq is not installed (Debian: dnsmasq-base)');
    ip('netns', 'add', bridgeNetns);
    ip('-n', bridgeNetns, 'link', 'add', bridge, 'type', 'bridge');
    ip('-n', bridgeNetns, 'link', 'set', bridge, 'up');
  });

  afterAll(() => {
    // A failed step may leave dnsmasq running.
    if (existsSync(join(folder, 'pid')) && running(pid())) process.kill(pid());
    for (const namespace of [namespaceName(networkId), bridgeNetns]) {
      if (namespaces().includes(namespace)) ip('netns', 'del', namespace);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a network from its own namespace, re-reads its hosts on changes and stops with the last port', async () => {
    const dhcp = server();
    await dhcp.start(new Set());
    await dhcp.plug({ uuid: 'vm-1', hostname: 'one' }, [nic(1, '10.44.0.11')]);
    const first = pid();
    expect(running(first)).toBe(true);
    expect(namespaces()).toContain(namespaceName(networkId));
    const { bridgeSide, namespaceSide } = vethNames(networkId);
    expect(ip('-n', bridgeNetns, 'link', 'show', 'master', bridge)).toContain(bridgeSide);
    expect(ip('-n', namespaceName(networkId), 'addr', 'show', namespaceSide)).toMatch(
      /mtu 1400[\s\S]*inet 10\.44\.0\.2\/24/,
    );
    expect(readFileSync(join(folder, 'opts'), 'utf8')).toContain('option:router,10.44.0.1');
    await expectEventually(() => expect(hostReads()).toBe(1));

    // Another guest on the same network: the same dnsmasq, told by SIGHUP.
    await dhcp.plug({ uuid: 'vm-2', hostname: 'two' }, [nic(2, '10.44.0.12')]);
    expect(hosts()).toBe('fa:16:3e:00:00:01,10.44.0.11,one\nfa:16:3e:00:00:02,10.44.0.12,two\n');
    expect(pid()).toBe(first);
    await expectEventually(() => expect(hostReads()).toBe(2));
    await dhcp.unplug('vm-1');
    expect(hosts()).toBe('fa:16:3e:00:00:02,10.44.0.12,two\n');
    expect(pid()).toBe(first);
    await expectEventually(() => expect(hostReads()).toBe(3));

    // An agent that restarts serves the guests still on the host again, and drops the others.
    await server().start(new Set(['vm-2']));
    const second = pid();
    expect(second).not.toBe(first);
    expect(running(first)).toBe(false);
    expect(hosts()).toBe('fa:16:3e:00:00:02,10.44.0.12,two\n');
    await server().start(new Set());
    expect(running(second)).toBe(false);
    expect(namespaces()).not.toContain(namespaceName(networkId));
    expect(existsSync(dir)).toBe(false);
  }, 60_000);

  it('removes the namespace and dnsmasq when the last guest of the network leaves', async () => {
    const dhcp = server();
    await dhcp.start(new Set());
    await dhcp.plug({ uuid: 'vm-3', hostname: 'three' }, [nic(3, '10.44.0.13')]);
    const only = pid();
    await dhcp.unplug('vm-3');
    expect(running(only)).toBe(false);
    expect(namespaces()).not.toContain(namespaceName(networkId));
    expect(ip('-n', bridgeNetns, 'link', 'show', 'master', bridge)).not.toContain(
      vethNames(networkId).bridgeSide,
    );
    expect(existsSync(dir)).toBe(false);
  }, 60_000);
});
