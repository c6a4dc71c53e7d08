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
  VolumeSpec,
} from '../driver/hypervisor-driver';
import { HypervisorError } from '../driver/hypervisor.error';
import { PowerState, powerStateName } from '../driver/power-state';

export interface FakeDriverOptions {
  hostname?: string;
  vcpus?: number;
  memoryMb?: number;
  diskGb?: number;
  cpuArch?: string;
  /**
   * Refuse a spawn that would take the host past its capacity (INSUFFICIENT_RESOURCES). Real
   * hypervisors overcommit; the fake does not, so a scheduler that overclaims shows up in tests.
   */
  enforceCapacity?: boolean;
  /** Make spawn fail with SPAWN_FAILED: every spawn (true) or those the predicate picks. */
  failSpawn?: boolean | ((spec: InstanceSpec) => boolean);
}

export interface FakeUsage {
  instances: number;
  vcpus: number;
  memoryMb: number;
  diskGb: number;
}

interface FakeInstance {
  spec: InstanceSpec;
  powerState: PowerState;
  /** serial -> guest device. */
  volumes: Map<string, string>;
  /** MAC (lower case) -> NIC. */
  nics: Map<string, NicSpec>;
  console: string[];
}

const DEFAULTS = {
  hostname: 'fake-host',
  vcpus: 64,
  memoryMb: 256 * 1024,
  diskGb: 4 * 1024,
  cpuArch: 'x86_64',
  enforceCapacity: true,
};

/**
 * An in-memory hypervisor, after nova/virt/fake.py: instances are records, power operations are
 * state transitions, and every change is announced like a real hypervisor's lifecycle event.
 * Each FakeDriver is one host with its own capacity and instances, so one process can run many
 * (see FakeDriver.hosts) for scheduler and rescheduling tests.
 */
export class FakeDriver implements HypervisorDriver {
  private readonly instances = new Map<string, FakeInstance>();
  private readonly listeners = new Set<(change: PowerStateChange) => void>();
  private readonly options: typeof DEFAULTS;
  private failSpawn: FakeDriverOptions['failSpawn'];

  constructor(options: FakeDriverOptions = {}) {
    const { failSpawn, ...rest } = options;
    this.options = { ...DEFAULTS, ...rest };
    this.failSpawn = failSpawn;
  }

  /** `count` independent hosts named `${prefix}-1` ... `${prefix}-count`, each with `options`' capacity. */
  static hosts(count: number, options: FakeDriverOptions = {}, prefix = 'fake-host'): FakeDriver[] {
    return Array.from(
      { length: count },
      (_, i) => new FakeDriver({ ...options, hostname: `${prefix}-${i + 1}` }),
    );
  }

  get hostname(): string {
    return this.options.hostname;
  }

  /** Changes spawn failure injection at run time (say, to fail only the next build). */
  setFailSpawn(failSpawn: FakeDriverOptions['failSpawn']): void {
    this.failSpawn = failSpawn;
  }

  /** What the instances on this host claim, whatever their power state, as Nova's resource tracker counts. */
  usage(): FakeUsage {
    const usage: FakeUsage = { instances: 0, vcpus: 0, memoryMb: 0, diskGb: 0 };
    for (const { spec } of this.instances.values()) {
      usage.instances += 1;
      usage.vcpus += spec.vcpus;
      usage.memoryMb += spec.memoryMb;
      usage.diskGb += spec.rootDisk.sizeGb ?? 0;
    }
    return usage;
  }

  /**
   * Changes an instance's power state from outside the driver, as a guest shutting itself down or a
   * QEMU crash would, and announces it.
   */
  simulatePowerStateChange(uuid: string, powerState: PowerState): void {
    this.transition(this.get(uuid), powerState, 'changed outside the driver');
  }

  async hostInfo(): Promise<HostInfo> {
    return {
      hostname: this.options.hostname,
      vcpus: this.options.vcpus,
      memoryMb: this.options.memoryMb,
      diskGb: this.options.diskGb,
      hypervisorType: 'fake',
      hypervisorVersion: 1_000_000,
      cpuArch: this.options.cpuArch,
    };
  }

  async listInstances(): Promise<InstanceInfo[]> {
    return [...this.instances.values()].map(({ spec, powerState }) => ({
      uuid: spec.uuid,
      name: spec.name,
      powerState,
    }));
  }

  async spawn(spec: InstanceSpec): Promise<void> {
    if (this.instances.has(spec.uuid)) {
      throw new HypervisorError(
        'INSTANCE_EXISTS',
        `instance ${spec.uuid} already exists on ${this.hostname}`,
      );
    }
    if ([...this.instances.values()].some((i) => i.spec.name === spec.name)) {
      throw new HypervisorError(
        'INSTANCE_EXISTS',
        `an instance named ${spec.name} already exists on ${this.hostname}`,
      );
    }
    const fail = typeof this.failSpawn === 'function' ? this.failSpawn(spec) : this.failSpawn === true;
    if (fail) {
      throw new HypervisorError(
        'SPAWN_FAILED',
        `injected spawn failure for ${spec.uuid} on ${this.hostname}`,
      );
    }
    if (this.options.enforceCapacity) this.checkCapacity(spec);
    const instance: FakeInstance = {
      spec: structuredClone(spec),
      powerState: PowerState.NoState,
      volumes: new Map(
        (spec.volumes ?? []).map((volume, i) => [volume.serial, `/dev/vd${String.fromCharCode(98 + i)}`]),
      ),
      nics: new Map(spec.nics.map((nic) => [nic.mac.toLowerCase(), structuredClone(nic)])),
      console: [],
    };
    this.instances.set(spec.uuid, instance);
    this.transition(instance, PowerState.Running, 'spawn');
  }

  async destroy(uuid: string, _options?: DestroyOptions): Promise<void> {
    const instance = this.instances.get(uuid);
    if (!instance) return;
    this.instances.delete(uuid);
    if (instance.powerState !== PowerState.Shutdown) {
      this.transition(instance, PowerState.Shutdown, 'destroy');
    }
  }

  async reboot(uuid: string, type: RebootType): Promise<void> {
    const instance = this.get(uuid);
    const what = `${type.toLowerCase()} reboot`;
    if (instance.powerState !== PowerState.Shutdown) this.transition(instance, PowerState.Shutdown, what);
    this.transition(instance, PowerState.Running, what);
  }

  async powerOff(uuid: string, _options?: PowerOffOptions): Promise<void> {
    const instance = this.get(uuid);
    if (instance.powerState === PowerState.Shutdown) return;
    this.transition(instance, PowerState.Shutdown, 'power off');
  }

  async powerOn(uuid: string): Promise<void> {
    const instance = this.get(uuid);
    if (instance.powerState === PowerState.Running) return;
    this.transition(instance, PowerState.Running, 'power on');
  }

  async pause(uuid: string): Promise<void> {
    this.move(uuid, 'pause', [PowerState.Running], PowerState.Paused);
  }

  async unpause(uuid: string): Promise<void> {
    this.move(uuid, 'unpause', [PowerState.Paused], PowerState.Running);
  }

  async suspend(uuid: string): Promise<void> {
    this.move(uuid, 'suspend', [PowerState.Running, PowerState.Paused], PowerState.Suspended);
  }

  async resume(uuid: string): Promise<void> {
    this.move(uuid, 'resume', [PowerState.Suspended], PowerState.Running);
  }

  async getPowerState(uuid: string): Promise<PowerState> {
    return this.get(uuid).powerState;
  }

  async getConsoleOutput(uuid: string, options: ConsoleOutputOptions = {}): Promise<string> {
    const text = this.get(uuid).console.join('');
    if (options.maxBytes === undefined) return text;
    const bytes = Buffer.from(text, 'utf8');
    return bytes.subarray(Math.max(0, bytes.length - options.maxBytes)).toString('utf8');
  }

  async attachVolume(uuid: string, volume: VolumeSpec): Promise<string> {
    const instance = this.get(uuid);
    if (instance.volumes.has(volume.serial)) {
      throw new HypervisorError(
        'VOLUME_ALREADY_ATTACHED',
        `volume ${volume.serial} is already attached to ${uuid}`,
      );
    }
    const used = new Set(instance.volumes.values());
    let letter = 'b'.charCodeAt(0);
    while (used.has(`/dev/vd${String.fromCharCode(letter)}`)) letter += 1;
    const device = `/dev/vd${String.fromCharCode(letter)}`;
    instance.volumes.set(volume.serial, device);
    instance.console.push(`volume ${volume.serial} attached as ${device}\n`);
    return device;
  }

  async detachVolume(uuid: string, serial: string): Promise<void> {
    const instance = this.get(uuid);
    if (!instance.volumes.delete(serial)) {
      throw new HypervisorError('VOLUME_NOT_ATTACHED', `no volume with serial ${serial} on ${uuid}`);
    }
    instance.console.push(`volume ${serial} detached\n`);
  }

  async attachInterface(uuid: string, nic: NicSpec): Promise<void> {
    const instance = this.get(uuid);
    const mac = nic.mac.toLowerCase();
    if (instance.nics.has(mac)) {
      throw new HypervisorError('NIC_ALREADY_ATTACHED', `a NIC with MAC ${mac} is already on ${uuid}`);
    }
    instance.nics.set(mac, structuredClone(nic));
    instance.console.push(`interface ${mac} attached to ${nic.bridge}\n`);
  }

  async detachInterface(uuid: string, mac: string): Promise<void> {
    const instance = this.get(uuid);
    const wanted = mac.toLowerCase();
    if (!instance.nics.delete(wanted)) {
      throw new HypervisorError('NIC_NOT_ATTACHED', `no NIC with MAC ${wanted} on ${uuid}`);
    }
    instance.console.push(`interface ${wanted} detached\n`);
  }

  /** The MACs of an instance's NICs, in the order they were plugged. */
  interfacesOf(uuid: string): string[] {
    return [...this.get(uuid).nics.keys()];
  }

  onPowerStateChange(listener: (change: PowerStateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  private get(uuid: string): FakeInstance {
    const instance = this.instances.get(uuid);
    if (!instance) throw new HypervisorError('INSTANCE_NOT_FOUND', `no instance ${uuid} on ${this.hostname}`);
    return instance;
  }

  /** A transition allowed only from `from`; already being in `to` is success, as the contract asks. */
  private move(uuid: string, verb: string, from: PowerState[], to: PowerState): void {
    const instance = this.get(uuid);
    if (instance.powerState === to) return;
    if (!from.includes(instance.powerState)) {
      throw new HypervisorError(
        'INVALID_POWER_STATE',
        `cannot ${verb} instance ${uuid} in power state ${powerStateName(instance.powerState)}`,
      );
    }
    this.transition(instance, to, verb);
  }

  private transition(instance: FakeInstance, powerState: PowerState, what: string): void {
    instance.powerState = powerState;
    instance.console.push(`${instance.spec.name}: ${what}, now ${powerStateName(powerState)}\n`);
    const change: PowerStateChange = {
      uuid: instance.spec.uuid,
      name: instance.spec.name,
      powerState,
      at: new Date(),
    };
    // Delivered after the operation returns, as a real hypervisor's events arrive after its reply.
    queueMicrotask(() => {
      for (const listener of this.listeners) listener(change);
    });
  }

  private checkCapacity(spec: InstanceSpec): void {
    const used = this.usage();
    const wanted = { vcpus: spec.vcpus, memoryMb: spec.memoryMb, diskGb: spec.rootDisk.sizeGb ?? 0 };
    for (const resource of ['vcpus', 'memoryMb', 'diskGb'] as const) {
      const free = this.options[resource] - used[resource];
      if (wanted[resource] > free) {
        throw new HypervisorError(
          'INSUFFICIENT_RESOURCES',
          `${this.hostname} has ${free} ${resource} free, instance ${spec.uuid} needs ${wanted[resource]}`,
        );
      }
    }
  }
}
