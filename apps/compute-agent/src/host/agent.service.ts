import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  COMPUTE_HOST_STATE_BUCKET,
  COMPUTE_INSTANCE_STREAM,
  HostStateReport,
  InstanceUpdated,
} from '@stratus/contracts';
import { FakeDriver, HypervisorDriver, LibvirtDriver } from '@stratus/hypervisor';
import { BusService, ReadinessChecks } from '@stratus/platform';
import { accessSync, constants } from 'node:fs';
import { join, resolve } from 'node:path';
import { AGENT_CONFIG, AgentConfig } from '../config/agent-config';
import { DhcpServer, NoDhcpServer } from '../dhcp/dhcp-server';
import { DnsmasqDhcpServer } from '../dhcp/dnsmasq-dhcp-server';
import { ImageCache } from '../images/image-cache';
import { HostAgent } from './host-agent';

/** An executable on the PATH or in the sbin folders (dnsmasq lives in /usr/sbin). */
function findExecutable(name: string): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const folder of folders.filter(Boolean)) {
    try {
      accessSync(join(folder, name), constants.X_OK);
      return join(folder, name);
    } catch {
      continue;
    }
  }
  return undefined;
}

/** Instance events are kept a week: long enough for any compute-api outage. */
const INSTANCE_EVENT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/** Starts one HostAgent per host this process serves: one for libvirt, one or many for the fake driver. */
@Injectable()
export class AgentService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ComputeAgent');
  readonly agents: HostAgent[] = [];
  private started = false;

  constructor(
    @Inject(AGENT_CONFIG) private readonly config: AgentConfig,
    private readonly bus: BusService,
    readiness: ReadinessChecks,
  ) {
    readiness.register({ name: 'hypervisor', isReady: () => this.started });
  }

  async onApplicationBootstrap(): Promise<void> {
    const config = this.config;
    await this.bus.ensureStream(COMPUTE_INSTANCE_STREAM, [InstanceUpdated], INSTANCE_EVENT_RETENTION_MS);
    const hostStates = await this.bus.keyValue<HostStateReport>(COMPUTE_HOST_STATE_BUCKET);
    const instancesDir = resolve(config.COMPUTE_AGENT_INSTANCES_DIR ?? join(config.DATA_DIR, 'instances'));
    for (const [host, driver] of await this.drivers()) {
      const images =
        config.COMPUTE_AGENT_DRIVER === 'libvirt' ? new ImageCache(join(instancesDir, '_base')) : undefined;
      const agent = new HostAgent(
        host,
        driver,
        this.bus,
        hostStates,
        config,
        join(instancesDir, host),
        images,
        this.dhcpServer(host),
      );
      await agent.start();
      this.agents.push(agent);
    }
    this.started = true;
    this.logger.log(
      `serving ${this.agents.map((a) => a.host).join(', ')} with the ${config.COMPUTE_AGENT_DRIVER} driver`,
    );
  }

  async onApplicationShutdown(): Promise<void> {
    for (const agent of this.agents) await agent.stop();
  }

  /** COMPUTE_AGENT_DHCP, or dnsmasq where it can run: real guests on a host the agent may plumb as root. */
  private dhcpServer(host: string): DhcpServer {
    const config = this.config;
    const binary = findExecutable('dnsmasq');
    const mode =
      config.COMPUTE_AGENT_DHCP ??
      (config.COMPUTE_AGENT_DRIVER === 'libvirt' && process.getuid?.() === 0 && binary ? 'dnsmasq' : 'none');
    if (mode === 'none') return new NoDhcpServer();
    if (!binary) {
      throw new Error('COMPUTE_AGENT_DHCP is dnsmasq, but dnsmasq is not installed (Debian: dnsmasq-base)');
    }
    this.logger.log(`answering DHCP for ${host}'s guests with ${binary}`);
    return new DnsmasqDhcpServer({
      dir: join(config.COMPUTE_AGENT_DHCP_DIR, host),
      bridgeNetns: config.COMPUTE_AGENT_LIBVIRT_NETNS,
      leaseSeconds: config.COMPUTE_AGENT_DHCP_LEASE_SECONDS,
      binary,
    });
  }

  private async drivers(): Promise<[string, HypervisorDriver][]> {
    const config = this.config;
    const host = config.COMPUTE_AGENT_HOST;
    if (config.COMPUTE_AGENT_DRIVER === 'libvirt') {
      const driver = await LibvirtDriver.connect({
        uri: config.COMPUTE_AGENT_LIBVIRT_URI,
        socketPath: config.COMPUTE_AGENT_LIBVIRT_SOCKET,
        virtType: config.COMPUTE_AGENT_VIRT_TYPE,
        instancesPath: config.COMPUTE_AGENT_INSTANCES_DIR,
      });
      return [[host, driver]];
    }
    const options = {
      vcpus: config.COMPUTE_AGENT_FAKE_VCPUS,
      memoryMb: config.COMPUTE_AGENT_FAKE_MEMORY_MB,
      diskGb: config.COMPUTE_AGENT_FAKE_DISK_GB,
    };
    if (config.COMPUTE_AGENT_FAKE_HOSTS === 1)
      return [[host, new FakeDriver({ ...options, hostname: host })]];
    return FakeDriver.hosts(config.COMPUTE_AGENT_FAKE_HOSTS, options, host).map((driver, i) => [
      `${host}-${i + 1}`,
      driver,
    ]);
  }
}
