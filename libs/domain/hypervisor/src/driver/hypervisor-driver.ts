import { PowerState } from './power-state';

/**
 * The contract between the compute agent and one hypervisor host, after nova/virt/driver.py but
 * only what the agent needs. The agent never talks to libvirt (or anything else) directly: it asks a
 * driver, and tests hand it the FakeDriver.
 *
 * Rules every implementation follows:
 * - Instances are named by their UUID (the Nova instance UUID, also the libvirt domain UUID).
 * - Failures are HypervisorErrors with a code; INSTANCE_NOT_FOUND for a UUID the host does not have.
 * - Operations that reach a state the instance is already in succeed without doing anything
 *   (powerOn on a running guest, destroy of an unknown instance), because the agent retries after
 *   restarts and must not turn a retry into a fault.
 * - Power states use Nova's numbers (PowerState).
 */
export interface HypervisorDriver {
  /** Capacity and identity of this host, for the scheduler's view of it. */
  hostInfo(): Promise<HostInfo>;

  /** Every instance the hypervisor knows on this host, running or not. */
  listInstances(): Promise<InstanceInfo[]>;

  /**
   * Creates the instance and boots it; resolves once the hypervisor reports it running, not once the
   * guest OS is up. Fails with INSTANCE_EXISTS, INSUFFICIENT_RESOURCES or SPAWN_FAILED; a failed spawn
   * leaves nothing behind, so the agent may reschedule the build to another host.
   */
  spawn(spec: InstanceSpec): Promise<void>;

  /** Stops the instance if it runs and removes it. Idempotent: an unknown UUID is not an error. */
  destroy(uuid: string, options?: DestroyOptions): Promise<void>;

  /**
   * SOFT asks the guest to restart and falls back to HARD when it does not stop in time;
   * HARD power-cycles it. The instance is running afterwards either way.
   */
  reboot(uuid: string, type: RebootType): Promise<void>;

  /**
   * Stops the instance. With a timeout the guest is first asked to shut down cleanly and is
   * forced off only if still running when the timeout ends; without one it is forced off at once.
   */
  powerOff(uuid: string, options?: PowerOffOptions): Promise<void>;

  /** Boots a stopped instance (also one that is suspended: its memory is restored). */
  powerOn(uuid: string): Promise<void>;

  /** Freezes the vCPUs; memory stays allocated on the host. */
  pause(uuid: string): Promise<void>;

  unpause(uuid: string): Promise<void>;

  /** Saves the guest's memory to disk and frees the host's resources; resume() restores it. */
  suspend(uuid: string): Promise<void>;

  resume(uuid: string): Promise<void>;

  getPowerState(uuid: string): Promise<PowerState>;

  /** The tail of the serial console log (what `openstack console log show` prints). */
  getConsoleOutput(uuid: string, options?: ConsoleOutputOptions): Promise<string>;

  /**
   * Attaches a block device (a Cinder volume's path on this host) to the instance, live when it
   * runs and persistently in its definition. Resolves with the guest device the hypervisor
   * assigned ("/dev/vdb"). The guest may name it differently: identify it by `serial`.
   */
  attachVolume(uuid: string, volume: VolumeSpec): Promise<string>;

  /**
   * Detaches the volume with that serial and resolves only once the hypervisor confirms the device
   * is gone (the guest has let go of it), so the volume can be safely attached elsewhere.
   */
  detachVolume(uuid: string, serial: string): Promise<void>;

  /**
   * Plugs a NIC into the instance, live when it runs and persistently in its definition; resolves
   * once the hypervisor confirms the device. Fails with NIC_ALREADY_ATTACHED when the instance
   * already has a NIC with that MAC.
   */
  attachInterface(uuid: string, nic: NicSpec): Promise<void>;

  /**
   * Unplugs the NIC with that MAC and resolves only once the hypervisor confirms it is gone;
   * NIC_NOT_ATTACHED when the instance has none.
   */
  detachInterface(uuid: string, mac: string): Promise<void>;

  /**
   * Calls `listener` whenever an instance's power state changes, whoever changed it (this agent,
   * an operator, the guest shutting itself down, a crash). Returns the unsubscribe function.
   */
  onPowerStateChange(listener: (change: PowerStateChange) => void): () => void;

  /** Releases connections and timers; the driver is unusable afterwards. */
  close(): Promise<void>;
}

export interface HostInfo {
  hostname: string;
  vcpus: number;
  memoryMb: number;
  /** Size of the file system holding instance disks. */
  diskGb: number;
  /** "QEMU", "fake", ... as Nova's hypervisor_type. */
  hypervisorType: string;
  /** major * 1,000,000 + minor * 1,000 + release, as Nova's hypervisor_version. */
  hypervisorVersion: number;
  /** Guest CPU architecture: "x86_64", "aarch64", ... */
  cpuArch: string;
}

export interface InstanceInfo {
  uuid: string;
  name: string;
  powerState: PowerState;
}

export interface InstanceSpec {
  /** The instance UUID; becomes the hypervisor's own id for the guest. */
  uuid: string;
  /** The hypervisor-level name, unique on the host ("instance-0000002a"). */
  name: string;
  vcpus: number;
  memoryMb: number;
  rootDisk: RootDiskSpec;
  /** Volumes plugged from the first boot on, after the root disk (vdb, vdc, ...). */
  volumes?: VolumeSpec[];
  nics: NicSpec[];
  /** An ISO 9660 config drive (metadata, user data) shown to the guest as a CD-ROM. */
  configDrivePath?: string;
  /** File the serial console is logged to; getConsoleOutput() reads it. */
  serialLogPath?: string;
  /** Boot this kernel directly instead of the disk's boot loader. */
  kernelBoot?: KernelBootSpec;
}

export interface RootDiskSpec {
  /** The instance's own disk file. */
  path: string;
  format: 'qcow2' | 'raw';
  /**
   * The cached base image. When set and `path` does not exist yet, the driver creates `path` as a
   * copy-on-write qcow2 overlay of it, as Nova does with its _base directory.
   */
  backingFile?: string;
  /** Format of `backingFile`. */
  backingFormat?: 'qcow2' | 'raw';
  /**
   * Virtual size of a created overlay, and the disk the instance claims on the host. An overlay
   * that already exists (kept through a resize) grows to it, and never shrinks.
   */
  sizeGb?: number;
  /**
   * Set when the root disk is a volume (boot from volume): the guest sees it as the disk's serial,
   * and the driver never creates, resizes or deletes the file, which belongs to block storage.
   */
  serial?: string;
}

export interface KernelBootSpec {
  kernelPath: string;
  initrdPath?: string;
  cmdline?: string;
}

export interface NicSpec {
  /** The port's MAC address, as the network service assigned it. */
  mac: string;
  /** The bridge the tap is plugged into. */
  bridge: string;
  /** Tap device name on the host (at most 15 characters, Linux's limit). */
  tapName: string;
  mtu?: number;
  /** Set when `bridge` is an Open vSwitch bridge: the port id OVS records as iface-id. */
  ovsInterfaceId?: string;
}

export interface VolumeSpec {
  /** The block device or file on this host that backs the volume. */
  path: string;
  /** Shown to the guest as the disk's serial number; the volume id, by convention. */
  serial: string;
  format?: 'raw' | 'qcow2';
  readOnly?: boolean;
}

export type RebootType = 'SOFT' | 'HARD';

export interface DestroyOptions {
  /** Also delete the root disk and the console log (never a volume, not even a root volume). */
  deleteDisks?: boolean;
}

export interface PowerOffOptions {
  /** How long the guest gets to shut down cleanly before it is forced off; 0 forces at once. */
  timeoutMs?: number;
}

export interface ConsoleOutputOptions {
  /** Return at most the last this many bytes. */
  maxBytes?: number;
}

export interface PowerStateChange {
  uuid: string;
  name: string;
  powerState: PowerState;
  at: Date;
}
