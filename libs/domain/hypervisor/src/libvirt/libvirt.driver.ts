import { execFile } from 'node:child_process';
import { access, mkdir, open, rm, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import {
  ConsoleOutputOptions,
  DestroyOptions,
  HostInfo,
  HypervisorDriver,
  InstanceInfo,
  InstanceSpec,
  NicSpec,
  PowerOffOptions,
  PowerStateChange,
  RebootType,
  RootDiskSpec,
  VolumeSpec,
} from '../driver/hypervisor-driver';
import { HypervisorError } from '../driver/hypervisor.error';
import { PowerState, powerStateName } from '../driver/power-state';
import {
  connectGetCapabilities,
  connectGetHostname,
  connectGetType,
  connectGetVersion,
  nodeGetInfo,
  nodeGetMemoryStats,
} from './connect.procedures';
import {
  connectGetAllDomainStats,
  domainAttachDeviceFlags,
  domainCreateWithFlags,
  domainDefineXmlFlags,
  domainDestroyFlags,
  domainDetachDeviceAlias,
  domainDetachDeviceFlags,
  domainGetState,
  domainGetXmlDesc,
  domainHasManagedSaveImage,
  domainLookupByName,
  domainLookupByUuid,
  domainManagedSave,
  domainManagedSaveRemove,
  domainResume,
  domainShutdownFlags,
  domainSuspend,
  domainUndefineFlags,
} from './domain.procedures';
import { DomainEvent, DomainEventSubscription, subscribeDomainEvents } from './domain.events';
import {
  buildDiskReferenceXml,
  buildDomainXml,
  buildInterfaceReferenceXml,
  buildInterfaceXml,
  buildVolumeDiskXml,
  DomainXmlOptions,
  interfaceAlias,
  volumeAlias,
} from './domain-xml.builder';
import { nextFreeVirtioDisk, parseDisks, parseInterfaces, parseSerialLogPath } from './domain-xml.parser';
import { DEFAULT_LIBVIRT_SOCKET, LibvirtConnection, LibvirtConnectionOptions } from './libvirt.connection';
import { isLibvirtError, LibvirtConnectionError, LibvirtError } from './libvirt.error';
import {
  AffectFlag,
  DomainState,
  ErrorCode,
  LifecycleEvent,
  StatsType,
  StoppedDetail,
  UndefineFlag,
  XmlFlag,
} from './remote-protocol';
import { DomainRef } from './remote-types.codec';

const run = promisify(execFile);

export interface LibvirtDriverOptions extends Partial<Omit<DomainXmlOptions, 'virtType'>> {
  /** 'qemu:///system' on compute hosts; 'test:///default' exercises the driver without guests. */
  uri: string;
  socketPath?: string;
  /** From configuration: 'kvm' where hardware virtualisation works, 'qemu' (TCG) elsewhere. */
  virtType: DomainXmlOptions['virtType'];
  /** Directory holding instance disks; hostInfo() reports the size of its file system. */
  instancesPath?: string;
  /** How long a soft reboot waits for the guest to stop before falling back to a hard one. */
  softRebootTimeoutMs?: number;
  /** How long a live attach waits for libvirt's device-added event. */
  attachTimeoutMs?: number;
  /** How long each detach request waits for the guest to release the device. */
  detachTimeoutMs?: number;
  /** Detach requests sent before giving up: a guest busy booting may ignore the first. */
  detachAttempts?: number;
  /** How often state is polled while waiting for a guest to stop. */
  pollIntervalMs?: number;
  /** Longest wait between two attempts to reconnect to a restarted libvirtd. */
  maxReconnectDelayMs?: number;
  qemuImgPath?: string;
  connection?: LibvirtConnectionOptions;
}

type ResolvedOptions = Required<Omit<LibvirtDriverOptions, 'cpuMode' | 'diskCache' | 'connection'>> &
  Pick<LibvirtDriverOptions, 'cpuMode' | 'diskCache' | 'connection'>;

interface DeviceWaiter {
  uuid: string;
  alias: string;
  kind: DomainEvent['kind'];
  resolve: () => void;
}

const DEFAULTS = {
  socketPath: DEFAULT_LIBVIRT_SOCKET,
  arch: 'x86_64',
  machineType: 'pc',
  instancesPath: '/var/lib/libvirt/images',
  softRebootTimeoutMs: 120_000,
  attachTimeoutMs: 10_000,
  detachTimeoutMs: 20_000,
  detachAttempts: 3,
  pollIntervalMs: 250,
  maxReconnectDelayMs: 30_000,
  qemuImgPath: 'qemu-img',
};

/** Nova's own cap on console output, so one chatty guest cannot flood the API. */
const DEFAULT_CONSOLE_BYTES = 100 * 1024;

/**
 * HypervisorDriver over libvirt, through the pure-TypeScript RPC client. Power state changes come
 * from libvirt's lifecycle events, and volume and NIC detach complete on the device-removed event, as Nova's
 * libvirt driver does. When libvirtd restarts (guests keep running), the driver reconnects and
 * subscribes again by itself.
 */
export class LibvirtDriver implements HypervisorDriver {
  private readonly options: ResolvedOptions;
  private readonly listeners = new Set<(change: PowerStateChange) => void>();
  private readonly deviceWaiters = new Set<DeviceWaiter>();
  private connection?: LibvirtConnection;
  private connecting?: Promise<LibvirtConnection>;
  private subscription?: DomainEventSubscription;
  private reconnectTimer?: NodeJS.Timeout;
  private reconnectDelayMs = 500;
  private closed = false;

  private constructor(options: LibvirtDriverOptions) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Connects to libvirtd and subscribes to domain events. */
  static async connect(options: LibvirtDriverOptions): Promise<LibvirtDriver> {
    const driver = new LibvirtDriver(options);
    await driver.conn();
    return driver;
  }

  async hostInfo(): Promise<HostInfo> {
    const conn = await this.conn();
    return this.guard('read host information', async () => {
      const [hostname, hypervisorType, hypervisorVersion, node, capabilities] = await Promise.all([
        connectGetHostname(conn),
        connectGetType(conn),
        connectGetVersion(conn),
        nodeGetInfo(conn),
        connectGetCapabilities(conn),
      ]);
      return {
        hostname,
        vcpus: node.cpus,
        memoryMb: Number((await this.hostMemoryKib(conn, node.memoryKib)) / 1024n),
        diskGb: await this.instancesDiskGb(),
        hypervisorType,
        hypervisorVersion,
        cpuArch: /<host>[\s\S]*?<cpu>[\s\S]*?<arch>([^<]+)<\/arch>/.exec(capabilities)?.[1] ?? node.model,
      };
    });
  }

  async listInstances(): Promise<InstanceInfo[]> {
    const conn = await this.conn();
    return this.guard('list instances', async () => {
      const stats = await connectGetAllDomainStats(conn, StatsType.State);
      const instances = await Promise.all(
        stats.map(async ({ domain, params }) => {
          const state = Number(params.find((p) => p.field === 'state.state')?.value ?? DomainState.NoState);
          try {
            const saved = state === DomainState.Shutoff && (await domainHasManagedSaveImage(conn, domain));
            return { uuid: domain.uuid, name: domain.name, powerState: toPowerState(state, saved) };
          } catch (error) {
            // Undefined between the listing and this question: it is no longer an instance here.
            if (isLibvirtError(error, ErrorCode.NoDomain)) return undefined;
            throw error;
          }
        }),
      );
      return instances.filter((instance): instance is InstanceInfo => instance !== undefined);
    });
  }

  async spawn(spec: InstanceSpec): Promise<void> {
    const conn = await this.conn();
    for (const lookup of [
      () => domainLookupByUuid(conn, spec.uuid),
      () => domainLookupByName(conn, spec.name),
    ]) {
      const existing = await lookup().catch((error: unknown) => {
        if (isLibvirtError(error, ErrorCode.NoDomain)) return undefined;
        throw translate(error, `look up ${spec.uuid}`);
      });
      if (existing) {
        throw new HypervisorError(
          'INSTANCE_EXISTS',
          `domain ${existing.name} (${existing.uuid}) already exists`,
        );
      }
    }
    const createdDisk = await this.prepareRootDisk(spec.rootDisk).catch((error: unknown) => {
      throw new HypervisorError(
        'SPAWN_FAILED',
        `cannot create disk ${spec.rootDisk.path}: ${message(error)}`,
        {
          cause: error,
        },
      );
    });
    let domain: DomainRef | undefined;
    try {
      if (spec.serialLogPath) await mkdir(dirname(spec.serialLogPath), { recursive: true });
      domain = await domainDefineXmlFlags(conn, buildDomainXml(spec, this.xmlOptions()));
      await domainCreateWithFlags(conn, domain);
    } catch (error) {
      if (domain) await this.removeDomain(conn, domain).catch(() => undefined);
      if (createdDisk) await rm(spec.rootDisk.path, { force: true });
      throw new HypervisorError('SPAWN_FAILED', `cannot start ${spec.uuid}: ${message(error)}`, {
        cause: error,
      });
    }
  }

  async destroy(uuid: string, options: DestroyOptions = {}): Promise<void> {
    const conn = await this.conn();
    const domain = await this.find(conn, uuid);
    if (!domain) return;
    await this.guard(`destroy ${uuid}`, async () => {
      const files = options.deleteDisks ? await this.instanceFiles(conn, domain) : [];
      await this.removeDomain(conn, domain);
      await Promise.all(files.map((file) => rm(file, { force: true })));
    });
  }

  async reboot(uuid: string, type: RebootType): Promise<void> {
    const conn = await this.conn();
    const domain = await this.lookup(conn, uuid);
    await this.guard(`reboot ${uuid}`, async () => {
      const { state } = await domainGetState(conn, domain);
      if (type === 'SOFT' && state === DomainState.Running) {
        await domainShutdownFlags(conn, domain);
        if (await this.waitUntilStopped(conn, domain, this.options.softRebootTimeoutMs)) {
          await domainCreateWithFlags(conn, domain);
          return;
        }
      }
      await this.forceOff(conn, domain);
      if (await domainHasManagedSaveImage(conn, domain)) await domainManagedSaveRemove(conn, domain);
      await domainCreateWithFlags(conn, domain);
    });
  }

  async powerOff(uuid: string, options: PowerOffOptions = {}): Promise<void> {
    const conn = await this.conn();
    const domain = await this.lookup(conn, uuid);
    await this.guard(`power off ${uuid}`, async () => {
      const { state } = await domainGetState(conn, domain);
      if (state === DomainState.Shutoff) {
        // A suspended instance powered off forgets its saved memory, as a real power cut would.
        if (await domainHasManagedSaveImage(conn, domain)) await domainManagedSaveRemove(conn, domain);
        return;
      }
      const timeoutMs = options.timeoutMs ?? 0;
      if (timeoutMs > 0 && state === DomainState.Running) {
        await domainShutdownFlags(conn, domain);
        if (await this.waitUntilStopped(conn, domain, timeoutMs)) return;
      }
      await this.forceOff(conn, domain);
    });
  }

  async powerOn(uuid: string): Promise<void> {
    const conn = await this.conn();
    const domain = await this.lookup(conn, uuid);
    await this.guard(`power on ${uuid}`, async () => {
      const { state } = await domainGetState(conn, domain);
      if (state === DomainState.Paused) {
        await domainResume(conn, domain);
      } else if (state === DomainState.Crashed) {
        // Kept around crashed (on_crash=preserve): it must be torn down before it can boot again.
        await this.forceOff(conn, domain);
        await domainCreateWithFlags(conn, domain);
      } else if (!isActive(state)) {
        await domainCreateWithFlags(conn, domain);
      }
    });
  }

  async pause(uuid: string): Promise<void> {
    await this.transition(uuid, 'pause', PowerState.Paused, [PowerState.Running], (conn, domain) =>
      domainSuspend(conn, domain),
    );
  }

  async unpause(uuid: string): Promise<void> {
    await this.transition(uuid, 'unpause', PowerState.Running, [PowerState.Paused], (conn, domain) =>
      domainResume(conn, domain),
    );
  }

  async suspend(uuid: string): Promise<void> {
    await this.transition(
      uuid,
      'suspend',
      PowerState.Suspended,
      [PowerState.Running, PowerState.Paused],
      (conn, domain) => domainManagedSave(conn, domain),
    );
  }

  async resume(uuid: string): Promise<void> {
    await this.transition(
      uuid,
      'resume',
      PowerState.Running,
      [PowerState.Suspended],
      async (conn, domain) => {
        await domainCreateWithFlags(conn, domain);
      },
    );
  }

  async getPowerState(uuid: string): Promise<PowerState> {
    const conn = await this.conn();
    const domain = await this.lookup(conn, uuid);
    return this.guard(`read the state of ${uuid}`, () => this.powerStateOf(conn, domain));
  }

  async getConsoleOutput(uuid: string, options: ConsoleOutputOptions = {}): Promise<string> {
    const conn = await this.conn();
    const domain = await this.lookup(conn, uuid);
    return this.guard(`read the console of ${uuid}`, async () => {
      const path = parseSerialLogPath(await domainGetXmlDesc(conn, domain));
      return path ? readTail(path, options.maxBytes ?? DEFAULT_CONSOLE_BYTES) : '';
    });
  }

  async attachVolume(uuid: string, volume: VolumeSpec): Promise<string> {
    const conn = await this.conn();
    const domain = await this.lookup(conn, uuid);
    return this.guard(`attach volume ${volume.serial} to ${uuid}`, async () => {
      const { live, persistent } = await this.disks(conn, domain);
      if ([...live, ...persistent].some((d) => d.serial === volume.serial)) {
        throw new HypervisorError(
          'VOLUME_ALREADY_ATTACHED',
          `volume ${volume.serial} is already attached to ${uuid}`,
        );
      }
      const target = nextFreeVirtioDisk([...live, ...persistent]);
      const xml = buildVolumeDiskXml(volume, target, this.xmlOptions());
      const { state } = await domainGetState(conn, domain);
      if (!isActive(state)) {
        await domainAttachDeviceFlags(conn, domain, xml, AffectFlag.Config);
        return `/dev/${target}`;
      }
      const alias = volumeAlias(volume.serial);
      const added = this.waitForDevice(uuid, alias, 'device-added');
      try {
        await domainAttachDeviceFlags(conn, domain, xml, AffectFlag.Live | AffectFlag.Config);
        if (await added.wait(this.options.attachTimeoutMs)) return `/dev/${target}`;
      } finally {
        added.cancel();
      }
      // No event (libvirtd restarted in between, say): the live XML tells whether QEMU has the disk.
      if ((await this.disks(conn, domain)).live.some((d) => d.alias === alias)) return `/dev/${target}`;
      throw new HypervisorError('HYPERVISOR_ERROR', `volume ${volume.serial} did not appear in ${uuid}`);
    });
  }

  async detachVolume(uuid: string, serial: string): Promise<void> {
    const conn = await this.conn();
    const domain = await this.lookup(conn, uuid);
    await this.guard(`detach volume ${serial} from ${uuid}`, async () => {
      const { live, persistent } = await this.disks(conn, domain);
      const liveDisk = live.find((d) => d.serial === serial);
      const persistentDisk = persistent.find((d) => d.serial === serial);
      if (!liveDisk && !persistentDisk) {
        throw new HypervisorError('VOLUME_NOT_ATTACHED', `no disk with serial ${serial} on ${uuid}`);
      }
      // Persistent definition first, as Nova does: if the live detach then fails, a reboot
      // still does not bring the volume back.
      if (persistentDisk) {
        const xml = buildDiskReferenceXml(persistentDisk.targetDev, persistentDisk.source);
        await domainDetachDeviceFlags(conn, domain, xml, AffectFlag.Config);
      }
      const { state } = await domainGetState(conn, domain);
      if (liveDisk && isActive(state)) {
        await this.detachLive(
          conn,
          domain,
          uuid,
          { alias: liveDisk.alias, label: liveDisk.targetDev },
          async () => (await this.disks(conn, domain)).live.some((d) => d.alias === liveDisk.alias),
        );
      }
    });
  }

  async attachInterface(uuid: string, nic: NicSpec): Promise<void> {
    const conn = await this.conn();
    const domain = await this.lookup(conn, uuid);
    const mac = nic.mac.toLowerCase();
    await this.guard(`attach interface ${mac} to ${uuid}`, async () => {
      const { live, persistent } = await this.interfaces(conn, domain);
      if ([...live, ...persistent].some((n) => n.mac === mac)) {
        throw new HypervisorError('NIC_ALREADY_ATTACHED', `a NIC with MAC ${mac} is already on ${uuid}`);
      }
      const xml = buildInterfaceXml(nic);
      const { state } = await domainGetState(conn, domain);
      if (!isActive(state)) {
        await domainAttachDeviceFlags(conn, domain, xml, AffectFlag.Config);
        return;
      }
      const alias = interfaceAlias(mac);
      const added = this.waitForDevice(uuid, alias, 'device-added');
      try {
        await domainAttachDeviceFlags(conn, domain, xml, AffectFlag.Live | AffectFlag.Config);
        if (await added.wait(this.options.attachTimeoutMs)) return;
      } finally {
        added.cancel();
      }
      if ((await this.interfaces(conn, domain)).live.some((n) => n.alias === alias)) return;
      throw new HypervisorError('HYPERVISOR_ERROR', `NIC ${mac} did not appear in ${uuid}`);
    });
  }

  async detachInterface(uuid: string, mac: string): Promise<void> {
    const conn = await this.conn();
    const domain = await this.lookup(conn, uuid);
    const wanted = mac.toLowerCase();
    await this.guard(`detach interface ${wanted} from ${uuid}`, async () => {
      const { live, persistent } = await this.interfaces(conn, domain);
      const liveNic = live.find((n) => n.mac === wanted);
      const persistentNic = persistent.find((n) => n.mac === wanted);
      if (!liveNic && !persistentNic) {
        throw new HypervisorError('NIC_NOT_ATTACHED', `no NIC with MAC ${wanted} on ${uuid}`);
      }
      // Persistent definition first, as for volumes: a reboot must not bring the NIC back.
      if (persistentNic) {
        const xml = buildInterfaceReferenceXml(persistentNic.mac, persistentNic.bridge);
        await domainDetachDeviceFlags(conn, domain, xml, AffectFlag.Config);
      }
      const { state } = await domainGetState(conn, domain);
      if (liveNic && isActive(state)) {
        await this.detachLive(
          conn,
          domain,
          uuid,
          { alias: liveNic.alias, label: `NIC ${wanted}` },
          async () => (await this.interfaces(conn, domain)).live.some((n) => n.mac === wanted),
        );
      }
    });
  }

  onPowerStateChange(listener: (change: PowerStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.listeners.clear();
    const conn = this.connection;
    this.connection = undefined;
    if (!conn?.isOpen) return;
    await this.subscription?.unsubscribe().catch(() => undefined);
    await conn.close();
  }

  /** The open connection, reconnecting (and subscribing to events again) when libvirtd went away. */
  private async conn(): Promise<LibvirtConnection> {
    if (this.closed) throw new HypervisorError('HYPERVISOR_UNAVAILABLE', 'the libvirt driver is closed');
    if (this.connection?.isOpen) return this.connection;
    this.connecting ??= this.openConnection().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async openConnection(): Promise<LibvirtConnection> {
    const { uri, socketPath, connection: connectionOptions } = this.options;
    let conn: LibvirtConnection;
    try {
      conn = await LibvirtConnection.open(uri, socketPath, connectionOptions);
      this.subscription = await subscribeDomainEvents(conn, (event) => this.onDomainEvent(event));
    } catch (error) {
      throw translate(error, `connect to ${uri} through ${socketPath}`);
    }
    conn.onClose((error) => {
      if (this.connection === conn) this.connection = undefined;
      if (error && !this.closed) this.scheduleReconnect();
    });
    this.connection = conn;
    this.reconnectDelayMs = 500;
    return conn;
  }

  /** Reconnects in the background, so power state events resume without waiting for the next call. */
  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.conn().catch(() => {
        this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, this.options.maxReconnectDelayMs);
        if (!this.closed) this.scheduleReconnect();
      });
    }, this.reconnectDelayMs);
    this.reconnectTimer.unref();
  }

  private onDomainEvent(event: DomainEvent): void {
    if (event.kind === 'lifecycle') {
      const powerState = lifecycleToPowerState(event.event, event.detail);
      if (powerState === undefined) return;
      const change: PowerStateChange = {
        uuid: event.domain.uuid,
        name: event.domain.name,
        powerState,
        at: new Date(),
      };
      for (const listener of this.listeners) listener(change);
      return;
    }
    for (const waiter of this.deviceWaiters) {
      if (waiter.uuid === event.domain.uuid && waiter.alias === event.alias && waiter.kind === event.kind) {
        waiter.resolve();
      }
    }
  }

  /** Registers interest in a device event before the request that causes it, so none is missed. */
  private waitForDevice(uuid: string, alias: string, kind: DomainEvent['kind']) {
    let resolveEvent!: () => void;
    const happened = new Promise<void>((resolve) => (resolveEvent = resolve));
    const waiter: DeviceWaiter = { uuid, alias, kind, resolve: resolveEvent };
    this.deviceWaiters.add(waiter);
    return {
      /** True when the event came within `timeoutMs`. */
      wait: (timeoutMs: number): Promise<boolean> => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<boolean>(
          (resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)),
        );
        return Promise.race([happened.then(() => true), timeout]).finally(() => clearTimeout(timer));
      },
      cancel: () => this.deviceWaiters.delete(waiter),
    };
  }

  /**
   * Asks the guest to release a device and waits for libvirt's device-removed event, asking again
   * when the guest ignores a request (it may still be booting, or busy). `present` reads the live
   * XML, the truth when an event was lost.
   */
  private async detachLive(
    conn: LibvirtConnection,
    domain: DomainRef,
    uuid: string,
    device: { alias: string | undefined; label: string },
    present: () => Promise<boolean>,
  ): Promise<void> {
    const alias = device.alias;
    if (!alias) throw new HypervisorError('DEVICE_DETACH_FAILED', `${device.label} of ${uuid} has no alias`);
    for (let attempt = 1; attempt <= this.options.detachAttempts; attempt++) {
      const removed = this.waitForDevice(uuid, alias, 'device-removed');
      try {
        await domainDetachDeviceAlias(conn, domain, alias, AffectFlag.Live).catch((error: unknown) => {
          // A repeated request while the guest still handles the previous one fails; keep waiting.
          if (attempt === 1 || !isLibvirtError(error)) throw error;
        });
        if (await removed.wait(this.options.detachTimeoutMs)) return;
      } catch (error) {
        if (isLibvirtError(error, ErrorCode.DeviceMissing)) return;
        throw error;
      } finally {
        removed.cancel();
      }
      // The event may have been lost (libvirtd restarted meanwhile).
      if (!(await present())) return;
    }
    throw new HypervisorError(
      'DEVICE_DETACH_FAILED',
      `guest of ${uuid} did not release ${device.label} after ${this.options.detachAttempts} requests`,
    );
  }

  private async transition(
    uuid: string,
    verb: string,
    target: PowerState,
    from: PowerState[],
    act: (conn: LibvirtConnection, domain: DomainRef) => Promise<void>,
  ): Promise<void> {
    const conn = await this.conn();
    const domain = await this.lookup(conn, uuid);
    await this.guard(`${verb} ${uuid}`, async () => {
      const current = await this.powerStateOf(conn, domain);
      if (current === target) return;
      if (!from.includes(current)) {
        throw new HypervisorError(
          'INVALID_POWER_STATE',
          `cannot ${verb} instance ${uuid} in power state ${powerStateName(current)}`,
        );
      }
      await act(conn, domain);
    });
  }

  private async powerStateOf(conn: LibvirtConnection, domain: DomainRef): Promise<PowerState> {
    const { state } = await domainGetState(conn, domain);
    const saved = state === DomainState.Shutoff && (await domainHasManagedSaveImage(conn, domain));
    return toPowerState(state, saved);
  }

  private async lookup(conn: LibvirtConnection, uuid: string): Promise<DomainRef> {
    const domain = await this.find(conn, uuid);
    if (!domain) throw new HypervisorError('INSTANCE_NOT_FOUND', `no domain with UUID ${uuid}`);
    return domain;
  }

  private async find(conn: LibvirtConnection, uuid: string): Promise<DomainRef | undefined> {
    try {
      return await domainLookupByUuid(conn, uuid);
    } catch (error) {
      if (isLibvirtError(error, ErrorCode.NoDomain)) return undefined;
      throw translate(error, `look up ${uuid}`);
    }
  }

  /** Stops the domain if it runs, then removes its definition, saved memory and snapshot metadata. */
  private async removeDomain(conn: LibvirtConnection, domain: DomainRef): Promise<void> {
    await this.forceOff(conn, domain);
    await domainUndefineFlags(conn, domain, UndefineFlag.ManagedSave | UndefineFlag.SnapshotsMetadata).catch(
      (error: unknown) => {
        // A transient domain disappears when it stops: nothing is left to undefine.
        if (!isLibvirtError(error, ErrorCode.NoDomain)) throw error;
      },
    );
  }

  private async forceOff(conn: LibvirtConnection, domain: DomainRef): Promise<void> {
    await domainDestroyFlags(conn, domain).catch((error: unknown) => {
      // Not running (or already gone) is the state destroy is after.
      if (!isLibvirtError(error, ErrorCode.OperationInvalid) && !isLibvirtError(error, ErrorCode.NoDomain)) {
        throw error;
      }
    });
  }

  /** Polls until the domain is no longer active; false when it still is after `timeoutMs`. */
  private async waitUntilStopped(
    conn: LibvirtConnection,
    domain: DomainRef,
    timeoutMs: number,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { state } = await domainGetState(conn, domain);
      if (!isActive(state)) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, this.options.pollIntervalMs));
    }
  }

  private async disks(conn: LibvirtConnection, domain: DomainRef) {
    const [liveXml, persistentXml] = await Promise.all([
      domainGetXmlDesc(conn, domain),
      domainGetXmlDesc(conn, domain, XmlFlag.Inactive),
    ]);
    return { live: parseDisks(liveXml), persistent: parseDisks(persistentXml) };
  }

  private async interfaces(conn: LibvirtConnection, domain: DomainRef) {
    const [liveXml, persistentXml] = await Promise.all([
      domainGetXmlDesc(conn, domain),
      domainGetXmlDesc(conn, domain, XmlFlag.Inactive),
    ]);
    return { live: parseInterfaces(liveXml), persistent: parseInterfaces(persistentXml) };
  }

  /** The root disk and console log: what deleteDisks removes, never a volume. */
  private async instanceFiles(conn: LibvirtConnection, domain: DomainRef): Promise<string[]> {
    const xml = await domainGetXmlDesc(conn, domain, XmlFlag.Inactive);
    const root = parseDisks(xml).find((d) => d.targetDev === 'vda' && !d.serial)?.source;
    const log = parseSerialLogPath(xml);
    return [root, log].filter((file): file is string => file !== undefined);
  }

  /**
   * Creates the qcow2 overlay when asked to, or grows the one kept through a resize; true when this
   * call created the file.
   */
  private async prepareRootDisk(disk: RootDiskSpec): Promise<boolean> {
    if (!disk.backingFile) return false;
    if (await exists(disk.path)) {
      if (disk.sizeGb) await this.growDisk(disk.path, disk.sizeGb * 1024 ** 3);
      return false;
    }
    await mkdir(dirname(disk.path), { recursive: true });
    const args = [
      'create',
      '-q',
      '-f',
      'qcow2',
      '-F',
      disk.backingFormat ?? 'qcow2',
      '-b',
      disk.backingFile,
      disk.path,
    ];
    if (disk.sizeGb) args.push(`${disk.sizeGb}G`);
    await run(this.options.qemuImgPath, args);
    return true;
  }

  private async growDisk(path: string, bytes: number): Promise<void> {
    const { stdout } = await run(this.options.qemuImgPath, ['info', '--output=json', '-U', path]);
    const virtualSize = (JSON.parse(stdout) as { 'virtual-size': number })['virtual-size'];
    if (virtualSize < bytes) await run(this.options.qemuImgPath, ['resize', '-q', path, String(bytes)]);
  }

  /**
   * Host memory from the kernel's counters. NodeGetInfo reports only what NUMA cell 0 has
   * initialised, which on some hosts is a fraction of the real total; drivers without memory
   * counters (the test driver) only have NodeGetInfo.
   */
  private async hostMemoryKib(conn: LibvirtConnection, fallbackKib: bigint): Promise<bigint> {
    try {
      return (await nodeGetMemoryStats(conn)).get('total') ?? fallbackKib;
    } catch (error) {
      if (isLibvirtError(error, ErrorCode.NoSupport)) return fallbackKib;
      throw error;
    }
  }

  private async instancesDiskGb(): Promise<number> {
    try {
      const fs = await statfs(this.options.instancesPath);
      return Math.floor((fs.blocks * fs.bsize) / 1024 ** 3);
    } catch {
      return 0;
    }
  }

  private xmlOptions(): DomainXmlOptions {
    const { virtType, arch, machineType, cpuMode, diskCache } = this.options;
    return { virtType, arch, machineType, cpuMode, diskCache };
  }

  /** Runs `action`, turning libvirt's errors into HypervisorErrors that say what was being done. */
  private async guard<T>(what: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      throw translate(error, what);
    }
  }
}

/**
 * virDomainState to Nova's power state, as nova/virt/libvirt/driver.py maps it. A shut-off domain
 * with a managed-save image is what suspend() leaves, hence SUSPENDED; the shutoff reason cannot
 * tell, since it stays "saved" after the image is discarded.
 */
export function toPowerState(state: number, hasManagedSave: boolean): PowerState {
  switch (state) {
    case DomainState.Running:
    case DomainState.Blocked:
      return PowerState.Running;
    case DomainState.Paused:
      return PowerState.Paused;
    case DomainState.Shutdown:
      return PowerState.Shutdown;
    case DomainState.Shutoff:
      return hasManagedSave ? PowerState.Suspended : PowerState.Shutdown;
    case DomainState.Crashed:
      return PowerState.Crashed;
    case DomainState.PmSuspended:
      return PowerState.Suspended;
    default:
      return PowerState.NoState;
  }
}

/** The power state a lifecycle event leaves the domain in; undefined for events that do not change it. */
export function lifecycleToPowerState(event: number, detail: number): PowerState | undefined {
  switch (event) {
    case LifecycleEvent.Started:
    case LifecycleEvent.Resumed:
      return PowerState.Running;
    case LifecycleEvent.Suspended:
      return PowerState.Paused;
    case LifecycleEvent.Stopped:
      if (detail === StoppedDetail.Saved) return PowerState.Suspended;
      if (detail === StoppedDetail.Crashed) return PowerState.Crashed;
      return PowerState.Shutdown;
    case LifecycleEvent.PmSuspended:
      return PowerState.Suspended;
    case LifecycleEvent.Crashed:
      return PowerState.Crashed;
    default:
      return undefined;
  }
}

const isActive = (state: number): boolean => state !== DomainState.Shutoff && state !== DomainState.NoState;

function translate(error: unknown, what: string): Error {
  if (error instanceof HypervisorError) return error;
  if (error instanceof LibvirtConnectionError) {
    return new HypervisorError('HYPERVISOR_UNAVAILABLE', `cannot ${what}: ${error.message}`, {
      cause: error,
    });
  }
  if (error instanceof LibvirtError) {
    const code = error.isNoDomain ? 'INSTANCE_NOT_FOUND' : 'HYPERVISOR_ERROR';
    return new HypervisorError(code, `cannot ${what}: ${error.message}`, { cause: error });
  }
  return new HypervisorError('HYPERVISOR_ERROR', `cannot ${what}: ${message(error)}`, { cause: error });
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The last `maxBytes` of a file, or '' when the guest has not written it yet. */
async function readTail(path: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}
