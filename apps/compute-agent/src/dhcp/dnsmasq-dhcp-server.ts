import { Logger } from '@nestjs/common';
import type { NetworkInterfaceSpec } from '@stratus/contracts';
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import {
  DhcpHost,
  DhcpNetwork,
  dhcpNetworksOf,
  dnsmasqArgs,
  DnsmasqFiles,
  ipv4Network,
  namespaceName,
  renderHostsFile,
  renderOptsFile,
  vethNames,
} from './dhcp-config';
import type { DhcpServer } from './dhcp-server';

const run = promisify(execFile);

/** Where a network's state lives: what is served (so a restarted agent serves it again) and dnsmasq's files. */
const STATE_FILE = 'network.json';

export interface DnsmasqOptions {
  /** This host's DHCP folder: one subfolder per network. dnsmasq (as nobody) reads the files in it. */
  dir: string;
  /** The network namespace the bridges are in (libvirtd's); empty: the agent's own. */
  bridgeNetns: string;
  leaseSeconds: number;
  binary: string;
}

function ip(netns: string, args: string[]) {
  return run('ip', netns ? ['-n', netns, ...args] : args);
}

/** True while a process runs whose command line names this folder (a pid can be reused). */
function runningIn(pid: number, dir: string): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    if (/^State:\s+Z/m.test(status)) return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
  } catch {
    return false;
  }
}

/**
 * Creates a folder whatever the umask, with the folders it had to create open to others too:
 * dnsmasq reads its files as nobody.
 */
function openFolder(path: string): void {
  const first = mkdirSync(path, { recursive: true });
  for (let folder = path; first !== undefined; folder = dirname(folder)) {
    chmodSync(folder, 0o755);
    if (folder === first || folder === dirname(folder)) break;
  }
}

/** A file dnsmasq re-reads as nobody, whatever the umask. */
function writeReadable(path: string, content: string): void {
  writeFileSync(path, content);
  chmodSync(path, 0o644);
}

/**
 * One dnsmasq per network with ports on this host, in a network namespace of its own
 * (`qdhcp-<network id>`) joined to the network's bridge by a veth pair, holding the subnet's DHCP
 * address, as Neutron's DHCP agent does it; but, as with OVN, it knows only this host's ports.
 * Port changes rewrite the hosts file and send SIGHUP; a change of subnets restarts it.
 */
export class DnsmasqDhcpServer implements DhcpServer {
  private readonly logger = new Logger('Dhcp');
  private readonly networks = new Map<string, DhcpNetwork>();
  /** The dnsmasq this agent started per network, so that only an exit it did not cause is reported. */
  private readonly children = new Map<string, ChildProcess>();
  /** Every change runs alone: plugs and unplugs of several guests touch the same networks. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: DnsmasqOptions) {}

  start(instancesOnHost: ReadonlySet<string>): Promise<void> {
    return this.serialised(async () => {
      if (!existsSync(this.options.dir)) return;
      for (const entry of readdirSync(this.options.dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const folder = join(this.options.dir, entry.name);
        let saved: DhcpNetwork | undefined;
        try {
          saved = JSON.parse(readFileSync(join(folder, STATE_FILE), 'utf8')) as DhcpNetwork;
        } catch {
          saved = undefined;
        }
        await this.teardown(entry.name, folder);
        const hosts = saved?.hosts.filter((host) => instancesOnHost.has(host.instanceUuid)) ?? [];
        if (saved && hosts.length > 0) {
          const network = { ...saved, hosts };
          this.networks.set(network.networkId, network);
          await this.apply(network, true);
        } else {
          rmSync(folder, { recursive: true, force: true });
        }
      }
      this.removeDirWhenEmpty();
    });
  }

  plug(instance: { uuid: string; hostname: string }, nics: NetworkInterfaceSpec[]): Promise<void> {
    return this.serialised(async () => {
      for (const wanted of dhcpNetworksOf(instance.uuid, instance.hostname, nics)) {
        const current = this.networks.get(wanted.networkId);
        const ports = new Set(wanted.hosts.map((h) => h.portId));
        const network: DhcpNetwork = current
          ? {
              ...wanted,
              subnets: [
                ...current.subnets.filter((s) => !wanted.subnets.some((w) => w.subnetId === s.subnetId)),
                ...wanted.subnets,
              ],
              hosts: [...current.hosts.filter((h) => !ports.has(h.portId)), ...wanted.hosts],
            }
          : wanted;
        const restart =
          !current ||
          current.mtu !== network.mtu ||
          current.bridge !== network.bridge ||
          JSON.stringify(current.subnets) !== JSON.stringify(network.subnets);
        this.networks.set(network.networkId, network);
        await this.apply(network, restart);
      }
    });
  }

  unplug(uuid: string, portId?: string): Promise<void> {
    const leaving = (h: DhcpHost) => h.instanceUuid === uuid && (portId === undefined || h.portId === portId);
    return this.serialised(async () => {
      for (const network of [...this.networks.values()]) {
        if (!network.hosts.some(leaving)) continue;
        const hosts = network.hosts.filter((h) => !leaving(h));
        if (hosts.length === 0) {
          this.networks.delete(network.networkId);
          const folder = this.folder(network.networkId);
          await this.teardown(network.networkId, folder);
          rmSync(folder, { recursive: true, force: true });
          this.removeDirWhenEmpty();
          continue;
        }
        const subnets = network.subnets.filter((s) => hosts.some((h) => h.subnetId === s.subnetId));
        const next = { ...network, hosts, subnets };
        this.networks.set(network.networkId, next);
        await this.apply(next, subnets.length !== network.subnets.length);
      }
    });
  }

  /** A host without networks to serve leaves no folder behind. */
  private removeDirWhenEmpty(): void {
    if (existsSync(this.options.dir) && readdirSync(this.options.dir).length === 0) {
      rmSync(this.options.dir, { recursive: true, force: true });
    }
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private folder(networkId: string): string {
    return join(this.options.dir, networkId);
  }

  private files(networkId: string): DnsmasqFiles {
    const folder = this.folder(networkId);
    return {
      pid: join(folder, 'pid'),
      hosts: join(folder, 'host'),
      opts: join(folder, 'opts'),
      leases: join(folder, 'leases'),
      log: join(folder, 'log'),
    };
  }

  /** Writes the files, then sends SIGHUP to a running dnsmasq or (re)creates namespace and dnsmasq. */
  private async apply(network: DhcpNetwork, restart: boolean): Promise<void> {
    const folder = this.folder(network.networkId);
    const files = this.files(network.networkId);
    openFolder(folder);
    writeFileSync(join(folder, STATE_FILE), JSON.stringify(network, null, 2));
    writeReadable(files.hosts, renderHostsFile(network));
    writeReadable(files.opts, renderOptsFile(network));
    const pid = this.pidOf(network.networkId);
    if (!restart && pid !== undefined) {
      process.kill(pid, 'SIGHUP');
      return;
    }
    await this.teardown(network.networkId, folder);
    await this.plumb(network);
    await this.launch(network, files);
  }

  /** The namespace, lo up, a veth pair from the bridge with the DHCP addresses on its inner end. */
  private async plumb(network: DhcpNetwork): Promise<void> {
    const namespace = namespaceName(network.networkId);
    const { bridgeSide, namespaceSide } = vethNames(network.networkId);
    const outer = this.options.bridgeNetns;
    await run('ip', ['netns', 'add', namespace]);
    await ip(namespace, ['link', 'set', 'dev', 'lo', 'up']);
    await ip(outer, [
      'link',
      'add',
      bridgeSide,
      'type',
      'veth',
      'peer',
      'name',
      namespaceSide,
      'netns',
      namespace,
    ]);
    await ip(outer, [
      'link',
      'set',
      'dev',
      bridgeSide,
      'mtu',
      String(network.mtu),
      'master',
      network.bridge,
      'up',
    ]);
    await ip(namespace, ['link', 'set', 'dev', namespaceSide, 'mtu', String(network.mtu), 'up']);
    for (const subnet of network.subnets) {
      const { prefix } = ipv4Network(subnet.cidr);
      await ip(namespace, ['addr', 'add', `${subnet.serverIp}/${prefix}`, 'dev', namespaceSide]);
    }
  }

  /** Starts dnsmasq in the namespace and waits for its pid file, or its exit on a bad configuration. */
  private async launch(network: DhcpNetwork, files: DnsmasqFiles): Promise<void> {
    const args = dnsmasqArgs(network, files, this.options.leaseSeconds);
    const child = spawn(
      'ip',
      ['netns', 'exec', namespaceName(network.networkId), this.options.binary, ...args],
      {
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let exited: number | null | undefined;
    this.children.set(network.networkId, child);
    child.on('exit', (code) => {
      exited = code;
      if (this.children.get(network.networkId) !== child) return;
      this.children.delete(network.networkId);
      // The next change of the network's ports starts it again.
      this.logger.warn(`dnsmasq of network ${network.networkId} exited (${code}): ${stderr.trim()}`);
    });
    child.on('error', (error) => {
      exited = -1;
      stderr += String(error);
    });
    child.unref();
    for (let waited = 0; waited < 10_000; waited += 50) {
      if (exited !== undefined)
        throw new Error(`dnsmasq for network ${network.networkId} failed: ${stderr.trim()}`);
      if (this.pidOf(network.networkId) !== undefined) return;
      await sleep(50);
    }
    throw new Error(`dnsmasq for network ${network.networkId} did not start within 10 s`);
  }

  private pidOf(networkId: string): number | undefined {
    const { pid: pidFile } = this.files(networkId);
    if (!existsSync(pidFile)) return undefined;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return pid > 0 && runningIn(pid, this.folder(networkId)) ? pid : undefined;
  }

  /** Stops the network's dnsmasq and deletes its namespace, which takes the veth pair with it. */
  private async teardown(networkId: string, folder: string): Promise<void> {
    this.children.delete(networkId);
    const pidFile = join(folder, 'pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
    if (pid > 0 && runningIn(pid, folder)) {
      process.kill(pid, 'SIGTERM');
      for (let waited = 0; waited < 5000 && runningIn(pid, folder); waited += 50) await sleep(50);
      if (runningIn(pid, folder)) process.kill(pid, 'SIGKILL');
    }
    rmSync(pidFile, { force: true });
    await run('ip', ['netns', 'del', namespaceName(networkId)]).catch(() => undefined);
    // A veth whose namespace end is gone goes with it; this one is left only if the namespace was made by hand.
    await ip(this.options.bridgeNetns, ['link', 'del', vethNames(networkId).bridgeSide]).catch(
      () => undefined,
    );
  }
}
